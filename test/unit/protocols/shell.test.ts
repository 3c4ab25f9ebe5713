// The shell shared by the event driver and the live node (src/protocols/shell.ts): the
// epoch rule, the equivocation memory and peer sampling. Besides their own properties,
// each is checked against the code it replaced (copied here as `legacy…`), so the switch
// changes no run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Rng, Xoshiro128 } from "../../../src/core/prng.js";
import { NO_CANDIDATE } from "../../../src/protocols/consensus.js";
import {
  AnswerMemory,
  EQUIVOCATION,
  EpochTable,
  judgeAnswer,
  KEEP,
  openEpoch,
  opensEpoch,
  partialShuffle,
  REPLACE,
  samplePeers,
  StatementCells,
  UNSIGNED,
} from "../../../src/protocols/shell.js";
import { PeerSampler } from "../../../src/sim/consensus/sampling.js";
import { csrFromAdjacency } from "../../../src/topology/csr.js";

// ---------------------------------------------------------------------------------------
// The epoch rule

/** A responder's actions on one instance: sign a candidate (≥ 0), or finish a poll of its own (−1). */
const actions = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(-1)), { maxLength: 200 });

describe("the epoch rule", () => {
  it("opens an epoch only when something else was signed at the current one", () => {
    expect(opensEpoch(UNSIGNED, 0)).toBe(false);
    expect(opensEpoch(2, 2)).toBe(false);
    expect(opensEpoch(1, 2)).toBe(true);
    expect(opensEpoch(NO_CANDIDATE, 0)).toBe(true); // the node's initial state: its base epoch counts as used
    const cursor = { epoch: 5, lastAnswered: UNSIGNED };
    expect(openEpoch(cursor, 1)).toBe(5);
    expect(openEpoch(cursor, 1)).toBe(5);
    expect(openEpoch(cursor, 0)).toBe(6);
    expect(cursor).toEqual({ epoch: 6, lastAnswered: 0 });
  });

  it("never signs two candidates for one epoch, and never moves an epoch back (fast-check)", () => {
    fc.assert(
      fc.property(actions, (acts) => {
        const table = new EpochTable(2);
        const cursor = { epoch: 0, lastAnswered: NO_CANDIDATE };
        const signedAt = [new Map<number, number>(), new Map<number, number>()];
        const last = [-Infinity, -Infinity];
        for (const a of acts) {
          if (a < 0) {
            table.advance(1);
            continue;
          }
          // slot 0 and the cursor only sign; slot 1 also moves on after its own polls
          const epochs = [table.open(0, a), table.open(1, a)];
          expect(openEpoch(cursor, a)).toBe(epochs[0]! + 1); // the cursor's first answer opens an epoch
          epochs.forEach((e, i) => {
            expect(e).toBeGreaterThanOrEqual(last[i]!);
            last[i] = e;
            const before = signedAt[i]!.get(e);
            expect(before === undefined || before === a).toBe(true);
            signedAt[i]!.set(e, a);
          });
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps its epoch while the candidate stays, so a signature is reused (fast-check)", () => {
    fc.assert(
      fc.property(actions, (acts) => {
        const table = new EpochTable(1);
        let prev: number | null = null;
        for (const a of acts) {
          if (a < 0) {
            table.advance(0);
            expect(table.signed(0, 0) || table.signed(0, 1)).toBe(false);
            prev = null;
            continue;
          }
          const reusable = table.signed(0, a);
          const e0 = table.epoch[0]!;
          const e = table.open(0, a);
          expect(reusable).toBe(prev === a);
          if (reusable || prev === null) expect(e).toBe(e0);
          else expect(e).toBe(e0 + 1);
          prev = a;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives the node's responder the epochs of its old rule (if c !== lastAnswered: epoch++)", () => {
    fc.assert(
      fc.property(fc.nat(1 << 20), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 100 }), (base, cs) => {
        const legacy = { epoch: base, lastAnswered: NO_CANDIDATE };
        const cursor = { epoch: base, lastAnswered: NO_CANDIDATE };
        for (const c of cs) {
          if (c !== legacy.lastAnswered) {
            legacy.epoch++;
            legacy.lastAnswered = c;
          }
          expect(openEpoch(cursor, c)).toBe(legacy.epoch);
          expect(cursor).toEqual(legacy);
        }
      }),
    );
  });

  it("gives the event driver's honest responders the epochs and signatures of its old code", () => {
    fc.assert(
      fc.property(actions, (acts) => {
        // legacy: run.ts honestStatement / complete before the shell
        let epoch = 0;
        let cached: number | undefined;
        let ownEpoch = -1;
        let ownCandidate = 0;
        let signatures = 0;
        const legacySign = (c: number): [number, number] => {
          if (cached !== undefined && ownEpoch === epoch) {
            if (ownCandidate === c) return [ownEpoch, cached];
            epoch++;
          }
          cached = ++signatures;
          ownEpoch = epoch;
          ownCandidate = c;
          return [epoch, cached];
        };
        const table = new EpochTable(1);
        let statement = 0;
        let signed = 0;
        const sign = (c: number): [number, number] => {
          if (table.signed(0, c)) return [table.epoch[0]!, statement];
          const e = table.open(0, c);
          statement = ++signed;
          return [e, statement];
        };
        for (const a of acts) {
          if (a < 0) {
            epoch++;
            table.advance(0);
          } else expect(sign(a)).toEqual(legacySign(a));
        }
        expect(signed).toBe(signatures);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// The equivocation memory

/** Observations about few (instance, peer) pairs, epochs and candidates, so that they collide often. */
const observations = fc.array(
  fc.record({ instance: fc.nat(3), peer: fc.nat(5), epoch: fc.nat(3), candidate: fc.integer({ min: NO_CANDIDATE, max: 2 }) }),
  { maxLength: 300 },
);

const EMPTY = "none";
const nameOf = (c: number): string => (c === NO_CANDIDATE ? EMPTY : `c${c}`);

describe("the equivocation memory", () => {
  it("judges by epoch and candidate; the empty candidate contradicts nothing", () => {
    expect(judgeAnswer(1, "a", 2, "b", "")).toBe(REPLACE);
    expect(judgeAnswer(1, "a", 1, "a", "")).toBe(KEEP);
    expect(judgeAnswer(1, "a", 1, "b", "")).toBe(EQUIVOCATION);
    expect(judgeAnswer(1, "a", 1, "", "")).toBe(REPLACE);
    expect(judgeAnswer(1, "", 1, "b", "")).toBe(REPLACE);
  });

  it("flags exactly the equivocations: a peer's two consecutive answers about an instance at one epoch naming different non-empty candidates (fast-check)", () => {
    fc.assert(
      fc.property(observations, (obs) => {
        const memory = new AnswerMemory<string, number>(EMPTY);
        const previous = new Map<string, number>(); // pair → index of its last observation
        obs.forEach((o, i) => {
          const key = `${o.instance}/${o.peer}`;
          const p = previous.get(key);
          const earlier = memory.observe(o.instance, o.peer, o.epoch, nameOf(o.candidate), i);
          // Sound: what it returns is an earlier answer of the same peer about the same
          // instance, at the same epoch, for another non-empty candidate.
          if (earlier !== null) {
            const e = obs[earlier]!;
            expect(earlier).toBeLessThan(i);
            expect([e.instance, e.peer, e.epoch]).toEqual([o.instance, o.peer, o.epoch]);
            expect(e.candidate).not.toBe(o.candidate);
            expect(e.candidate === NO_CANDIDATE || o.candidate === NO_CANDIDATE).toBe(false);
          }
          // Complete: two consecutive answers of a pair that contradict each other are caught.
          if (p !== undefined) {
            const q = obs[p]!;
            const contradicts = q.epoch === o.epoch && q.candidate !== o.candidate && q.candidate !== NO_CANDIDATE && o.candidate !== NO_CANDIDATE;
            if (contradicts) expect(earlier).not.toBeNull();
          }
          // An equivocation leaves the earlier answer in memory: the next one is compared with it.
          if (earlier === null) previous.set(key, i);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("flags what the node's old Map keyed set·2^20 + peer flagged, with the same proofs (fast-check)", () => {
    fc.assert(
      fc.property(observations, (obs) => {
        const legacy = new Map<number, { epoch: number; pref: string; signed: number }>();
        const memory = new AnswerMemory<string, number>(EMPTY);
        obs.forEach((o, i) => {
          const pref = nameOf(o.candidate);
          // evidence.ts check() before the shell
          const key = o.instance * 1_048_576 + o.peer;
          const seen = legacy.get(key);
          let expected: number | null = null;
          if (seen && seen.epoch === o.epoch && seen.pref !== pref && pref !== EMPTY && seen.pref !== EMPTY) expected = seen.signed;
          else if (!seen || seen.epoch !== o.epoch || seen.pref !== pref) legacy.set(key, { epoch: o.epoch, pref, signed: i });
          expect(memory.observe(o.instance, o.peer, o.epoch, pref, i)).toBe(expected);
        });
        expect(memory.size).toBe(legacy.size);
      }),
      { numRuns: 500 },
    );
  });

  it("forgets an instance's row, and counts the pairs it holds", () => {
    const memory = new AnswerMemory<string, number>(EMPTY);
    memory.observe(7, 0, 1, "a", 1);
    memory.observe(7, 40, 1, "a", 2); // a peer number past the row's first size
    memory.observe(8, 3, 1, "a", 3);
    memory.observe(7, 0, 2, "b", 4); // replaces, still one pair
    expect(memory.size).toBe(3);
    expect(memory.observe(7, 40, 1, "b", 5)).toBe(2);
    memory.forget(7);
    memory.forget(9);
    expect(memory.size).toBe(1);
    expect(memory.observe(7, 40, 1, "b", 6)).toBeNull(); // forgotten: nothing to compare with
    expect(memory.size).toBe(2);
  });

  it("in bounded cells: flags only true equivocations, and everything while the cells do not collide (fast-check)", () => {
    fc.assert(
      fc.property(observations, fc.integer({ min: 1, max: 8 }), (obs, cells) => {
        const memory = new StatementCells<number>(2, cells, NO_CANDIDATE);
        const exact = new AnswerMemory<number, number>(NO_CANDIDATE);
        const owners = new Map<number, string>();
        let collided = false;
        obs.forEach((o, i) => {
          const receiver = o.epoch & 1;
          const at = memory.cellOf(receiver, o.peer, o.instance);
          const pair = `${o.peer}/${o.instance}`;
          if ((owners.get(at) ?? pair) !== pair) collided = true;
          owners.set(at, pair);
          const earlier = memory.observe(receiver, o.peer, o.instance, o.epoch, o.candidate, i);
          const expected = exact.observe(receiver * 100 + o.instance, o.peer, o.epoch, o.candidate, i);
          if (earlier !== null) {
            const e = obs[earlier]!;
            expect([e.instance, e.peer, e.epoch]).toEqual([o.instance, o.peer, o.epoch]);
            expect(e.candidate !== o.candidate && e.candidate !== NO_CANDIDATE && o.candidate !== NO_CANDIDATE).toBe(true);
          }
          if (!collided) expect(earlier).toBe(expected);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("flags what the event driver's old cells flagged (a proven signer is never looked up again) (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ receiver: fc.nat(2), signer: fc.nat(5), instance: fc.nat(3), epoch: fc.nat(2), candidate: fc.nat(2) }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (obs, memory) => {
          // run.ts checkStatement before the shell (isEquivocation holds for two verified statements)
          const cells = 3 * memory;
          const memSigner = new Int32Array(cells).fill(-1);
          const memInstance = new Int32Array(cells);
          const memEpoch = new Float64Array(cells);
          const memCandidate = new Float64Array(cells);
          const memStatement = new Array<number | undefined>(cells);
          const proven = new Set<number>();
          const shell = new StatementCells<number>(3, memory, NO_CANDIDATE);
          const shellProven = new Set<number>();
          obs.forEach((o, i) => {
            if (!proven.has(o.signer)) {
              const at = o.receiver * memory + (((Math.imul(o.signer, 0x9e3779b1) ^ Math.imul(o.instance, 0x85ebca77)) >>> 0) % memory);
              if (memStatement[at] !== i) {
                if (memSigner[at] === o.signer && memInstance[at] === o.instance && memEpoch[at] === o.epoch && memCandidate[at] !== o.candidate) proven.add(o.signer);
                memSigner[at] = o.signer;
                memInstance[at] = o.instance;
                memEpoch[at] = o.epoch;
                memCandidate[at] = o.candidate;
                memStatement[at] = i;
              }
            }
            if (!shellProven.has(o.signer) && shell.observe(o.receiver, o.signer, o.instance, o.epoch, o.candidate, i) !== null) shellProven.add(o.signer);
            expect([...shellProven].sort()).toEqual([...proven].sort());
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Peer sampling

/** An Rng that records the bound of every nextInt call. */
function recording(seed: number): Rng & { bounds: number[] } {
  const inner = new Xoshiro128(seed);
  const bounds: number[] = [];
  return {
    bounds,
    nextU32: () => inner.nextU32(),
    nextFloat: () => inner.nextFloat(),
    nextInt: (n: number) => {
      bounds.push(n);
      return inner.nextInt(n);
    },
  };
}

describe("peer sampling", () => {
  it("draws k distinct members with exactly k draws, bounds n, n−1, …, n−k+1 (fast-check)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 40 }), fc.nat(50), fc.nat(), (pool, k, seed) => {
        const rng = recording(seed);
        const sample = samplePeers(pool, k, rng);
        const m = Math.min(k, pool.length);
        expect(sample).toHaveLength(m);
        expect(new Set(sample).size).toBe(m);
        for (const p of sample) expect(pool).toContain(p);
        expect(rng.bounds).toEqual(Array.from({ length: m }, (_, i) => pool.length - i));
      }),
    );
  });

  it("samples as the node's poller did (samplePeers in poller.ts)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 40 }), fc.nat(60), fc.nat(), (pool, k0, seed) => {
        const k = Math.min(k0, pool.length);
        const a = pool.slice();
        const rng = new Xoshiro128(seed);
        for (let i = 0; i < k; i++) {
          const j = i + rng.nextInt(a.length - i);
          const t = a[i]!;
          a[i] = a[j]!;
          a[j] = t;
        }
        const shellRng = new Xoshiro128(seed);
        expect(samplePeers(pool, k, shellRng)).toEqual(a.slice(0, k));
        expect(shellRng.nextU32()).toBe(rng.nextU32());
      }),
    );
  });

  it("draws what the drivers' PeerSampler draws among more neighbours than the sample", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 29 }), fc.nat(), (degree, size0, seed) => {
        const size = Math.min(size0, degree - 1);
        const star = [Array.from({ length: degree }, (_, i) => i + 1), ...Array.from({ length: degree }, () => [0])];
        const sampler = new PeerSampler(csrFromAdjacency(star), size, "neighbors", new Xoshiro128(seed));
        const count = sampler.sample(0);
        const items = Int32Array.from({ length: degree }, (_, i) => i + 1);
        partialShuffle(items, degree, size, new Xoshiro128(seed));
        expect(Array.from(sampler.peers.subarray(0, count))).toEqual(Array.from(items.subarray(0, size)));
      }),
    );
  });
});
