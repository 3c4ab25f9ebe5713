// The node core (core.ts) on its own: a synchronous step(input) → Ready machine, driven
// here by hand — no transport, no ledger, no timers — as the loop (engine.ts) drives it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "../../../src/core/prng.js";
import { createTx, encodeTx, type Tx } from "../../../src/core/tx.js";
import { cidOf } from "../../../src/core/codec.js";
import { utf8 } from "../../../src/core/bytes.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { TOPICS } from "../../../src/runtime/ports.js";
import { NodeCore } from "../../../src/runtime/node/core.js";
import { peerIdFromEd25519PublicKey } from "../../../src/runtime/transport/keys.js";
import type { Input, Ready } from "../../../src/runtime/node/ready.js";
import { decodeResponse, encodeRequest, encodeTxBatch } from "../../../src/runtime/node/wire.js";
import type { SubmitResult } from "../../../src/runtime/api/facade.js";

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));

function core(start = 1000): NodeCore {
  return new NodeCore(
    { protocol: snowball as ConsensusProtocol<unknown>, params: snowball.params.parse({}), tuning: { gossipFlushMs: 5 } },
    { clock: new ManualClock(start), crypto: nodeCrypto, keys: nodeSignatures.generateKeyPair(new Uint8Array(32).fill(1)), rng: createRng(1, "core"), peerIdOf: peerIdFromEd25519PublicKey },
  );
}

function tx(nonce: number, payload: string): Tx {
  return createTx(nodeSignatures, author, nonce, utf8(payload));
}

/** Every output a Ready carries that a peer or a client could see. */
function said(r: Ready): number {
  return r.publish.length + r.requests.length + r.replies.length + r.verdicts.length + r.results.length + r.events.length;
}

describe("the node core: step(input) → Ready", () => {
  it("a client's transaction: written first; the result, the event and the gossip only after the write is durable", () => {
    const c = core();
    c.step({ kind: "start", at: 1000 });
    const t = tx(1, "a");
    const first = c.step({ kind: "submit", tx: t, token: 1, at: 1001 });
    expect(first.persist).toHaveLength(1);
    expect(first.persist[0]!.batch.txs?.map(([cid]) => cid)).toEqual([cidOf(encodeTx(t), nodeCrypto.hasher).toString()]);
    expect(said(first)).toBe(0); // nothing said before the write
    expect(c.state.txs.size).toBe(0); // nor is it held: it is registered once durable

    // Time passes with the write in flight: still nothing.
    const waiting = c.step({ kind: "tick", at: 1050, connected: [] });
    expect(said(waiting)).toBe(0);

    const done = c.step({ kind: "persisted", id: first.persist[0]!.id, at: 1051 });
    expect(done.results).toHaveLength(1);
    const result = done.results[0]!;
    expect(result.ok && (result.value as SubmitResult).ok).toBe(true);
    expect(done.events.map((e) => e.type)).toEqual(["tx"]);
    expect(c.state.txs.size).toBe(1);
    // The gossip goes out at the next flush (gossipFlushMs after the write), not before.
    expect(c.step({ kind: "tick", at: 1055, connected: [] }).publish).toEqual([]);
    const flushed = c.step({ kind: "tick", at: 1056, connected: [] });
    expect(flushed.publish.map((p) => p.topic)).toEqual([TOPICS.tx]);
  });

  it("a failed write fails only the job that asked for it: the client gets the error, nothing is announced", () => {
    const c = core();
    c.step({ kind: "start", at: 1000 });
    const r = c.step({ kind: "submit", tx: tx(1, "a"), token: 7, at: 1001 });
    const failed = c.step({ kind: "persisted", id: r.persist[0]!.id, error: new Error("disk full"), at: 1002 });
    expect(failed.results).toEqual([{ token: 7, ok: false, error: new Error("disk full") }]);
    expect(failed.events).toEqual([]);
    const later = c.step({ kind: "tick", at: 2000, connected: [] });
    expect(later.publish.filter((p) => p.topic === TOPICS.tx)).toEqual([]); // heads, yes; the transaction, no
    // The node still works: the same transaction again is written and accepted.
    const again = c.step({ kind: "submit", tx: tx(1, "a"), token: 8, at: 2001 });
    const ok = c.step({ kind: "persisted", id: again.persist[0]!.id, at: 2002 });
    expect(ok.results[0]!.ok).toBe(true);
  });

  it("gossiped transactions: the verdict comes after the write (gossipsub forwards only what this node stored)", () => {
    const c = core();
    c.step({ kind: "start", at: 1000 });
    const r = c.step({ kind: "gossip", topic: TOPICS.tx, from: "peer-a", data: encodeTxBatch([encodeTx(tx(1, "a")), encodeTx(tx(1, "b"))]), token: 3, at: 1001 });
    expect(r.verdicts).toEqual([]);
    expect(r.persist).toHaveLength(1);
    const done = c.step({ kind: "persisted", id: r.persist[0]!.id, at: 1002 });
    expect(done.verdicts).toEqual([{ token: 3, verdict: "accept" }]);
    expect(done.events.filter((e) => e.type === "tx")).toHaveLength(2);
  });

  it("a fetch for a block not in memory is a ledger read; the reply waits for it", () => {
    const c = core();
    c.step({ kind: "start", at: 1000 });
    const t = tx(1, "old");
    const bytes = encodeTx(t);
    const cid = cidOf(bytes, nodeCrypto.hasher);
    const r = c.step({ kind: "request", from: "peer-a", data: encodeRequest({ kind: "fetch", txs: [cid], vertices: [], sets: new Uint8Array(0) }), token: 4, at: 1001 });
    expect(r.reads).toEqual([{ id: expect.any(Number), kind: "tx", key: cid.toString() }]);
    expect(r.replies).toEqual([]);
    const done = c.step({ kind: "read", id: r.reads[0]!.id, value: bytes, at: 1002 });
    expect(done.replies).toHaveLength(1);
    const reply = decodeResponse(done.replies[0]!.bytes, 0);
    expect(reply.kind === "blocks" && reply.txs.map((b) => cidOf(b, nodeCrypto.hasher).toString())).toEqual([cid.toString()]);
  });

  it("timers are the core's own: wakeAt names the next one, and nothing fires before its time", () => {
    const c = core(0);
    const started = c.step({ kind: "start", at: 0 });
    expect(started.wakeAt).toBeDefined();
    // The seal, heads and observables timers: the observables event fires at 1000 ms, not before.
    const early = c.step({ kind: "tick", at: 999, connected: [] });
    expect(early.events.filter((e) => e.type === "observables")).toEqual([]);
    const due = c.step({ kind: "tick", at: 1000, connected: [] });
    expect(due.events.filter((e) => e.type === "observables")).toHaveLength(1);
  });

  it("is a function of its inputs: the same inputs give the same Readies, byte for byte", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ nonce: fc.integer({ min: 1, max: 4 }), payload: fc.constantFrom("a", "b", "c"), gossip: fc.boolean(), dt: fc.integer({ min: 0, max: 40 }), complete: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        (script) => {
          const run = (): string => {
            const c = core(0);
            const out: Ready[] = [c.step({ kind: "start", at: 0 })];
            const open: number[] = [];
            let at = 0;
            script.forEach((s, k) => {
              at += s.dt;
              const t = tx(s.nonce, s.payload);
              const input: Input = s.gossip
                ? { kind: "gossip", topic: TOPICS.tx, from: "peer-a", data: encodeTxBatch([encodeTx(t)]), token: k, at }
                : { kind: "submit", tx: t, token: k, at };
              const r = c.step(input);
              out.push(r);
              open.push(...r.persist.map((p) => p.id));
              if (s.complete && open.length > 0) out.push(c.step({ kind: "persisted", id: open.shift()!, at }));
            });
            out.push(c.step({ kind: "tick", at: at + 5000, connected: ["peer-a"] }));
            return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v instanceof Error ? v.message : v));
          };
          expect(run()).toBe(run());
        },
      ),
      { numRuns: 25 },
    );
  });
});
