// Standing polls (wire-poll.ts, standing-batches.ts, standing-answers.ts): the wire form
// round-trips and refuses everything else with a DecodeError, the asker's batches follow
// their rules, and a real responder answers "same" only when the asker holds its latest
// full answer and nothing it would say has changed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";
import { createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { BATCH_MEMBERS, type LastAnswer, REOPEN_MAX_PEERS, StandingBatches } from "../../../src/runtime/node/standing-batches.js";
import { MAX_STANDING, StandingAnswers } from "../../../src/runtime/node/standing-answers.js";
import { answerBody, decodeRequest, encodeResponse, instanceId, signAnswer, verifyAnswer } from "../../../src/runtime/node/wire.js";
import { bitmapMembers, decodePollResponse, encodePollRequest, encodePollResponse, memberIds, membersBitmap, type PollPart, type PollRequest, skipped } from "../../../src/runtime/node/wire-poll.js";
import { nodeHasher } from "../../../src/runtime/crypto-node.js";
import { startTestNet, stopTestNet } from "./node-net.js";

const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(6));

function onlyDecodeErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
  }
}

const part = fc.oneof(
  fc.record({ ref: fc.nat(0xffff_ffff), instances: fc.integer({ min: 1, max: 40 }).chain((n) => fc.uint8Array({ minLength: 8 * n, maxLength: 8 * n })) }),
  fc.record({ ref: fc.nat(0xffff_ffff), seen: fc.nat() }),
  fc.record({ ref: fc.nat(0xffff_ffff) }),
);

describe("standing poll wire", () => {
  it("a poll round-trips, with skip bitmaps", () => {
    fc.assert(
      fc.property(fc.uniqueArray(part, { selector: (p) => p.ref, maxLength: 20 }), (parts) => {
        const withSkip: PollPart[] = parts.map((p, k) => (k % 2 === 0 && "instances" in p ? { ...p, skip: new Uint8Array(Math.ceil(p.instances.length / 8 / 8)).fill(1) } : p));
        const r: PollRequest = { kind: "poll", parts: withSkip };
        expect(decodeRequest(encodePollRequest(r))).toEqual(r);
      }),
    );
  });

  it("answers round-trip: same, unknown and full signed parts, positionally", () => {
    const ids = new Uint8Array(16).fill(2);
    const answer = signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(8), preferences: new Uint8Array(16).fill(4) });
    const bytes = encodePollResponse({ kind: "answers", parts: [{ status: "same" }, { status: "full", answer, seq: 3 }, { status: "unknown" }] }, answerBody);
    expect(decodePollResponse(bytes, [5, 2, 7])).toEqual({ kind: "answers", parts: [{ status: "same" }, { status: "full", answer, seq: 3 }, { status: "unknown" }] });
    // the sizes are checked: a full part must answer exactly its batch
    expect(() => decodePollResponse(bytes, [5, 3, 7])).toThrow(DecodeError);
    expect(() => decodePollResponse(bytes, [5, 2])).toThrow(/3 parts answer a poll of 2/);
    // a peer's error comes back as an error
    expect(decodePollResponse(encodeResponse({ kind: "error", message: "no" }), [1])).toEqual({ kind: "error", message: "no" });
  });

  it("a delta round-trips, and its member bitmap must name members of the batch and match its answer", () => {
    const ids = new Uint8Array(16).fill(2);
    const answer = signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(8), preferences: new Uint8Array(16).fill(4) });
    const delta = { status: "delta" as const, answer, seq: 9, members: Uint8Array.from([0b1000_0010]) };
    const bytes = encodePollResponse({ kind: "answers", parts: [delta] }, answerBody);
    expect(decodePollResponse(bytes, [8])).toEqual({ kind: "answers", parts: [delta] });
    expect(() => decodePollResponse(bytes, [5])).toThrow(/beyond the batch's 5/); // bit 7 of a 5-member batch
    expect(() => decodePollResponse(bytes, [9])).toThrow(DecodeError); // a 9-member batch has a 2-byte bitmap
    const withMembers = (m: Uint8Array) => encodePollResponse({ kind: "answers", parts: [{ ...delta, members: m }] }, answerBody);
    expect(() => decodePollResponse(withMembers(Uint8Array.from([0])), [8])).toThrow(/names no member/);
    expect(() => decodePollResponse(withMembers(Uint8Array.from([0b111])), [8])).toThrow(DecodeError); // 3 members, an answer over 2
    for (const members of [[0], [3, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8]]) {
      expect(bitmapMembers(membersBitmap(members, 9), 9)).toEqual(members);
    }
    expect([...memberIds(Uint8Array.from({ length: 24 }, (_, i) => i), [0, 2])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  });

  it("refuses a part that both registers and names a seen answer, repeated refs, and skip bitmaps of the wrong size", () => {
    const ids = new Uint8Array(16).fill(1);
    const bad = [
      { p: [{ i: ids, n: 1, r: 1 }], t: "poll" },
      { p: [{ r: 1 }, { r: 1 }], t: "poll" },
      { p: [{ i: ids, r: 1, s: new Uint8Array(2) }], t: "poll" },
      { p: [{ i: new Uint8Array(7), r: 1 }], t: "poll" },
      { p: [{ r: 2 ** 32 }], t: "poll" },
      { p: [{ r: 1, x: 1 }], t: "poll" },
    ];
    for (const b of bad) expect(() => decodeRequest(encode(b))).toThrow(DecodeError);
  });

  it("random and mutated bytes never throw anything but DecodeError", () => {
    const ids = new Uint8Array(24).fill(3);
    const answer = signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(12), preferences: new Uint8Array(24).fill(4) });
    const valid = [
      encodePollRequest({ kind: "poll", parts: [{ ref: 1, instances: ids, skip: new Uint8Array(1) }, { ref: 2, seen: 4 }] }),
      encodePollResponse({ kind: "answers", parts: [{ status: "full", answer, seq: 1 }, { status: "same" }] }, answerBody),
      encodePollResponse({ kind: "answers", parts: [{ status: "same" }, { status: "delta", answer, seq: 2, members: Uint8Array.from([0b111]) }] }, answerBody),
    ];
    expect(decodePollResponse(valid[2]!, [3, 3]).kind).toBe("answers");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(255), fc.nat(2), (random, at, byte, which) => {
        onlyDecodeErrors(() => decodeRequest(random));
        onlyDecodeErrors(() => decodePollResponse(random, [3, 3]));
        const m = valid[which]!.slice();
        m[at % m.length] = byte;
        onlyDecodeErrors(() => decodeRequest(m));
        onlyDecodeErrors(() => decodePollResponse(m, [3, 3]));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the asker's standing batches", () => {
  const idOf = (i: number): Uint8Array => new Uint8Array(8).fill(i & 0xff);

  it("batches each polled set once, in first-seen order, at most BATCH_MEMBERS per batch and within the poll limit", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(5000), { maxLength: 600 }), fc.integer({ min: 1, max: 1000 }), (pending, limit) => {
        const sb = new StandingBatches(idOf);
        const plan = sb.plan(pending, () => true, limit);
        expect(plan.batches.every((b) => b.members.length <= BATCH_MEMBERS)).toBe(true);
        // whole batches, oldest first, never more than the limit unless one batch alone exceeds it
        expect(plan.instances.length <= limit || plan.batches.length === 1).toBe(true);
        expect(plan.instances).toEqual(pending.slice(0, plan.instances.length));
        // a second plan with nothing new keeps the same batches and refs
        const again = sb.plan(pending, () => true, limit);
        expect(again.batches.map((b) => b.ref)).toEqual(plan.batches.map((b) => b.ref));
      }),
    );
  });

  it("marks done members inactive (skip bits), drops a batch with none left and dissolves one with fewer than half", () => {
    const sb = new StandingBatches(idOf);
    const first = Array.from({ length: 10 }, (_, i) => i);
    const plan = sb.plan(first, () => true, 1000);
    expect(plan.batches).toHaveLength(1);
    const ref = plan.batches[0]!.ref;
    // 4 of 10 done: kept, the 4 skipped
    let done = new Set([0, 1, 2, 3]);
    const p2 = sb.plan(first.filter((i) => !done.has(i)), (i) => !done.has(i), 1000);
    expect(p2.batches.map((b) => b.ref)).toEqual([ref]);
    expect([...p2.inactive]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4].map((j) => skipped(p2.skips[0], j))).toEqual([true, true, true, true, false]);
    // 6 of 10 done: dissolved; the 4 left form a new batch with a new ref
    done = new Set([0, 1, 2, 3, 4, 5]);
    const p3 = sb.plan(first.filter((i) => !done.has(i)), (i) => !done.has(i), 1000);
    expect(p3.batches).toHaveLength(1);
    expect(p3.batches[0]!.ref).not.toBe(ref);
    expect([...p3.batches[0]!.members]).toEqual([6, 7, 8, 9]);
    // all done: nothing left
    const p4 = sb.plan([], () => false, 1000);
    expect(p4.batches).toHaveLength(0);
    expect(sb.size).toBe(0);
  });
  it("reopens the youngest batch for arrivals while few peers hold it: every polled set in exactly one batch, held batches kept", () => {
    const held = {} as LastAnswer; // what a peer's answer holds does not matter to the plan
    fc.assert(
      fc.property(
        fc.array(fc.record({ arrivals: fc.nat(90), done: fc.nat(100), peers: fc.nat(2 * REOPEN_MAX_PEERS), reversed: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        (steps) => {
          const sb = new StandingBatches(idOf);
          const pending: number[] = [];
          const done = new Set<number>();
          let next = 0;
          let before: { ref: number; members: number[]; peers: number }[] = [];
          for (const step of steps) {
            for (let a = 0; a < step.arrivals; a++) pending.push(next++);
            // some pending sets are decided (every step's `done` picks one of 100 in turn)
            if (pending.length > 0) done.add(pending[step.done % pending.length]!);
            const live = pending.filter((i) => !done.has(i));
            const polled = (i: number): boolean => !done.has(i);
            // a node's pending sets need not come in first-seen order (sets leave and rejoin it)
            const plan = sb.plan(step.reversed ? [...live].reverse() : live, polled, 1_000_000);
            // every polled set in exactly one batch, never more than BATCH_MEMBERS in one
            const all = plan.batches.flatMap((b) => [...b.members]);
            const inBatches = new Set(all);
            expect(inBatches.size).toBe(all.length);
            expect([...plan.instances]).toEqual(all);
            expect(live.filter((i) => !inBatches.has(i))).toEqual([]);
            expect(plan.batches.every((b) => b.members.length <= BATCH_MEMBERS)).toBe(true);
            // a batch held by more than REOPEN_MAX_PEERS peers is never reopened: kept whole, or dissolved by the half rule
            const refs = new Map(plan.batches.map((b) => [b.ref, b]));
            for (const b of before) {
              const liveMembers = b.members.filter(polled);
              if (b.peers > REOPEN_MAX_PEERS && liveMembers.length * 2 >= b.members.length && liveMembers.length > 0) {
                expect([...refs.get(b.ref)!.members]).toEqual(b.members);
              }
            }
            // the newest batch, when it was young, small and arrivals came: reopened, its live members first in the new one
            const young = before[before.length - 1];
            const arrived = step.arrivals > 0 && live.some((i) => i >= next - step.arrivals);
            if (young !== undefined && arrived && young.peers <= REOPEN_MAX_PEERS && young.members.length <= BATCH_MEMBERS / 2) {
              expect(refs.has(young.ref)).toBe(false);
              const liveYoung = young.members.filter(polled);
              const successor = plan.batches.find((b) => b.members[0] === liveYoung[0]);
              if (liveYoung.length > 0) expect([...successor!.members].slice(0, liveYoung.length)).toEqual(liveYoung);
            }
            // peers register the batches: `peers` of them hold each batch of the round
            for (const b of plan.batches) for (let p = b.last.size; p < step.peers; p++) b.last.set(p, held);
            before = plan.batches.map((b) => ({ ref: b.ref, members: [...b.members], peers: b.last.size }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the responder's standing answers (a real engine)", () => {
  it("answers a registration in full, then same while nothing changed, full when the asker holds an older answer, unknown for a ref it never saw, and a delta over just the members that changed", async () => {
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 200 }, 2, () => ({}));
    try {
      const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(9));
      const tx = createTx(nodeSignatures, author, 1, utf8("a"));
      const responder = net.nodes[1]!;
      const asker = net.nodes[0]!;
      const r = await net.run(responder.engine.submitTx(tx));
      expect(r.ok).toBe(true);
      const conflict = r.ok ? r.conflict : "";
      await net.until("the asker holds the set", () => asker.engine.getConflict(conflict) !== undefined);
      // member 0: the set; member 1: a set nobody holds (its answer never changes)
      const ids = new Uint8Array(16);
      ids.set(instanceId(nodeHasher, conflict));
      ids.set(instanceId(nodeHasher, "nobody's set"), 8);
      const ask = async (p: PollPart) => {
        const raw = await net.run(asker.transport.request(responder.transport.peerId, encodePollRequest({ kind: "poll", parts: [p] }), { timeoutMs: 1000 }));
        const out = decodePollResponse(raw, [2]);
        if (out.kind !== "answers") throw new Error(out.message);
        return out.parts[0]!;
      };
      const first = await ask({ ref: 7, instances: ids });
      expect(first.status).toBe("full");
      const seq = first.status === "full" ? first.seq : -1;
      expect(await ask({ ref: 7, seen: seq })).toEqual({ status: "same" });
      // the asker says it holds an older answer (its last one was lost): full again, numbered anew
      const again = await ask({ ref: 7, seen: seq - 1 });
      expect(again.status).toBe("full");
      expect(again.status === "full" && again.seq).toBe(seq + 1);
      expect(await ask({ ref: 8 })).toEqual({ status: "unknown" });
      // what the responder says about member 0 changes (its set becomes final and locked):
      // a delta over member 0 alone, signed over its id alone
      const s2 = again.status === "full" ? again.seq : -1;
      expect(await ask({ ref: 7, seen: s2 })).toEqual({ status: "same" });
      await net.until("the responder decides", () => typeof responder.engine.getConflict(conflict)?.final === "string");
      const after = await ask({ ref: 7, seen: s2 });
      expect(after.status).toBe("delta");
      if (after.status !== "delta") throw new Error("unreachable");
      expect(after.seq).toBe(s2 + 1);
      expect([...after.members]).toEqual([0b01]);
      expect(after.answer.locked?.[0]).toBe(1);
      expect(verifyAnswer(nodeSignatures, ids.subarray(0, 8), after.answer)).toBe(true);
      expect(verifyAnswer(nodeSignatures, ids, after.answer)).toBe(false);
      // the asker holding the delta: same; the one holding the answer before it: full
      expect(await ask({ ref: 7, seen: after.seq })).toEqual({ status: "same" });
      expect((await ask({ ref: 7, seen: s2 })).status).toBe("full");
      const c = responder.engine.status().counters;
      expect(c.standingSame).toBeGreaterThanOrEqual(3);
      expect(c.standingDelta).toBe(1);
      expect(c.standingUnknown).toBeGreaterThanOrEqual(1);
    } finally {
      await stopTestNet(net);
    }
  });
});

describe("decode without the canonical check", () => {
  it("is only for messages never hashed: the default still refuses unsorted map keys", () => {
    // {"b": 1, "a": 2} with keys out of canonical order
    const bytes = Uint8Array.from([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]);
    expect(() => decode(bytes)).toThrow(/canonical/);
    expect(decode(bytes, { canonical: false })).toEqual({ a: 2, b: 1 });
  });
});

describe("StandingAnswers keys", () => {
  it("a batch is held per (asker, ref): two askers' batches under one ref are distinct, and an asker keeps its number", () => {
    const answers = new StandingAnswers(undefined as never); // register and get never read the node's state
    const a = answers.askerIndex("peer-a");
    const b = answers.askerIndex("peer-b");
    expect(a).not.toBe(b);
    expect(answers.askerIndex("peer-a")).toBe(a);
    const ids = new Uint8Array(16);
    const sa = answers.register(a, 7, ids);
    const sb = answers.register(b, 7, ids);
    expect(answers.get(a, 7)).toBe(sa);
    expect(answers.get(b, 7)).toBe(sb);
    expect(answers.get(a, 8)).toBeUndefined();
    expect(answers.get(a, 2 ** 32 - 1)).toBeUndefined(); // the largest ref does not reach the next asker's keys
    answers.register(a, 2 ** 32 - 1, ids);
    expect(answers.get(b, 0)).toBeUndefined();
    expect(answers.size).toBe(3);
    expect(() => answers.get(a, 2 ** 32)).toThrow(RangeError);
    expect(() => answers.get(-1, 0)).toThrow(RangeError);
  });

  it("holds at most MAX_STANDING batches, forgetting the least recently polled first; a re-registration replaces its batch", () => {
    const answers = new StandingAnswers(undefined as never);
    const ids = new Uint8Array(8);
    const a = answers.askerIndex("peer-a");
    const b = answers.askerIndex("peer-b");
    const first = answers.register(a, 0, ids);
    const second = answers.register(b, 0, ids);
    for (let ref = 1; ref < MAX_STANDING - 1; ref++) answers.register(ref % 2 === 0 ? a : b, ref, ids);
    expect(answers.size).toBe(MAX_STANDING);
    expect(answers.get(a, 0)).toBe(first); // polled again: now the most recent
    answers.register(a, MAX_STANDING, ids); // one too many: the oldest goes, and it is b's ref 0
    expect(answers.size).toBe(MAX_STANDING);
    expect(answers.get(b, 0)).toBeUndefined();
    expect(answers.get(a, 0)).toBe(first);
    expect(second).not.toBe(first);
    const again = answers.register(a, 0, ids);
    expect(again).not.toBe(first);
    expect(answers.get(a, 0)).toBe(again);
    expect(answers.size).toBe(MAX_STANDING);
    // A model: the held refs are exactly the MAX_STANDING most recently touched.
    expect(answers.get(b, 1)).toBeDefined(); // the oldest survivor
    answers.register(b, MAX_STANDING + 1, ids);
    expect(answers.get(a, 2)).toBeUndefined(); // b's ref 1 was refreshed, so a's ref 2 went
    expect(answers.get(b, 1)).toBeDefined();
  });
});
