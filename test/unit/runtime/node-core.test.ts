// The node core (core.ts) on its own: a synchronous step(input) → Ready machine, driven
// here by hand — no transport, no ledger, no timers — as the loop (engine.ts) drives it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "../../../src/core/prng.js";
import { createTx, encodeTx, type Tx } from "../../../src/core/tx.js";
import { cidOf, parseCid } from "../../../src/core/codec.js";
import { toHex, utf8 } from "../../../src/core/bytes.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { TOPICS } from "../../../src/runtime/ports.js";
import { NodeCore } from "../../../src/runtime/node/core.js";
import type { Finalizer } from "../../../src/runtime/node/finalizer.js";
import { FinalizedCommitment } from "../../../src/runtime/node/merkle.js";
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

  it("a set listed twice for finalization is decided once: the ledger root counts each decision once", () => {
    const c = core();
    c.step({ kind: "start", at: 1000 });
    const r = c.step({ kind: "submit", tx: tx(1, "a"), token: 1, at: 1001 });
    c.step({ kind: "persisted", id: r.persist[0]!.id, at: 1002 });
    const s = c.state;
    expect(s.undecided.size).toBe(1);
    const [i] = [...s.undecided];
    const finalizer = (c.poller as unknown as { finalizer: Finalizer }).finalizer;
    let outcome: boolean | undefined;
    s.tasks.spawn(finalizer.finalize([i!, i!]), (ok) => (outcome = ok));
    const write = c.step({ kind: "tick", at: 1003, connected: [] }).persist;
    expect(write).toHaveLength(1);
    expect(write[0]!.batch.finalized).toHaveLength(1);
    c.step({ kind: "persisted", id: write[0]!.id, at: 1004 });
    expect(outcome).toBe(true);
    expect(s.counters.finalized).toBe(1);
    const once = new FinalizedCommitment(nodeCrypto.hasher);
    const [key, cid] = write[0]!.batch.finalized![0]!;
    once.add(key, parseCid(cid));
    expect(s.finals.size).toBe(1);
    expect(toHex(s.finals.root())).toBe(toHex(once.root()));
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

describe("the node core under arbitrary input (fuzz)", () => {
  const topics = [TOPICS.tx, TOPICS.vertex, TOPICS.heads, TOPICS.evidence];
  const bytes = fc.uint8Array({ maxLength: 96 });
  // valid transactions too (a pool with double spends), so writes, verdicts and sets happen
  const pool = [1, 2, 3].flatMap((nonce) => ["a", "b"].map((p) => encodeTx(tx(nonce, p))));
  const txBatch = fc.subarray(pool, { minLength: 1 }).map((txs) => encodeTxBatch(txs));
  const anyInput = fc.oneof(
    fc.record({ kind: fc.constant("gossip" as const), topic: fc.constantFrom(...topics), from: fc.constantFrom("peer-a", "peer-b"), data: bytes }),
    fc.record({ kind: fc.constant("gossip" as const), topic: fc.constant(TOPICS.tx), from: fc.constantFrom("peer-a", "peer-b"), data: txBatch }),
    fc.record({ kind: fc.constant("request" as const), from: fc.constantFrom("peer-a", "peer-b"), data: bytes }),
    fc.record({ kind: fc.constant("tick" as const), connected: fc.subarray(["peer-a", "peer-b"]) }),
    // completions: of what the core asked (by index into its open ids), or of ids it never gave
    fc.record({ kind: fc.constantFrom("persisted" as const, "read" as const, "response" as const), pick: fc.nat(), fail: fc.boolean(), value: fc.option(bytes, { nil: undefined }) }),
  );

  it("never throws, answers every request and gossip message once, and counts what it cannot use", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyInput, fc.integer({ min: 0, max: 500 })), { maxLength: 30 }), (script) => {
        const c = core(0);
        c.step({ kind: "start", at: 0 });
        const open: { id: number; kind: "persisted" | "read" | "response" }[] = [];
        const asked = new Set<number>();
        const answered = new Map<number, number>();
        let at = 0;
        let token = 0;
        const take = (r: Ready): void => {
          open.push(...r.persist.map((p) => ({ id: p.id, kind: "persisted" as const })), ...r.reads.map((p) => ({ id: p.id, kind: "read" as const })), ...r.requests.map((p) => ({ id: p.id, kind: "response" as const })));
          for (const x of [...r.replies, ...r.verdicts]) answered.set(x.token, (answered.get(x.token) ?? 0) + 1);
        };
        for (const [input, dt] of script) {
          at += dt;
          if (input.kind === "gossip" || input.kind === "request") {
            asked.add(++token);
            take(c.step({ ...input, token, at }));
          } else if (input.kind === "tick") {
            take(c.step({ ...input, at }));
          } else {
            // an open id of the right kind when there is one, else one the core never gave
            const k = open.findIndex((o) => o.kind === input.kind);
            const id = k >= 0 && input.pick % 4 !== 0 ? open.splice(k, 1)[0]!.id : 1_000_000 + input.pick;
            const outcome = input.fail ? { error: new Error("injected") } : input.kind === "persisted" ? {} : input.kind === "read" ? { value: input.value } : { data: input.value ?? new Uint8Array(0) };
            take(c.step({ kind: input.kind, id, at, ...outcome } as Input));
          }
        }
        // Settle everything still open (writes durable, reads empty, requests failed), let time
        // pass (which may start polls and fetches), and settle again: no task is left waiting.
        const settle = (): void => {
          while (open.length > 0) {
            const o = open.shift()!;
            take(c.step(o.kind === "persisted" ? { kind: "persisted", id: o.id, at } : o.kind === "read" ? { kind: "read", id: o.id, at } : { kind: "response", id: o.id, error: new Error("timeout"), at }));
          }
        };
        settle();
        at += 10_000;
        take(c.step({ kind: "tick", at, connected: [] }));
        settle();
        for (const t of asked) expect(answered.get(t), `token ${t}`).toBe(1);
        expect(c.state.tasks.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
