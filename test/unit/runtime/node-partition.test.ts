import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidOf, encode } from "../../../src/core/codec.js";
import { NO_CANDIDATE } from "../../../src/protocols/consensus.js";
import { nodeHasher } from "../../../src/runtime/crypto-node.js";
import { FinalizedCommitment } from "../../../src/runtime/node/merkle.js";
import { QuorumGate, quorumSize, quorumWindowMs } from "../../../src/runtime/node/quorum.js";
import { reconciledWinner } from "../../../src/runtime/node/reconciler.js";
import { decodeSetRecord, encodeSetRecord } from "../../../src/runtime/node/set-record.js";
import { namedCandidate } from "../../../src/runtime/node/table.js";
import { runNodeScenario } from "../../../src/runtime/simnet/run.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { DecodeError } from "../../../src/core/errors.js";

const cidFor = (n: number) => cidOf(encode({ n }), nodeHasher);

describe("quorum gate (safe mode)", () => {
  it("the window leaves time to hear a majority one peer at a time: the configured one, at least 100 ms per validator", () => {
    expect(quorumWindowMs(3000, 4)).toBe(3000);
    expect(quorumWindowMs(3000, 30)).toBe(3000);
    expect(quorumWindowMs(3000, 100)).toBe(10_000);
    expect(quorumWindowMs(20_000, 100)).toBe(20_000);
  });

  it("a quorum is a strict majority", () => {
    expect([1, 2, 3, 4, 5, 8, 9].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 5, 5]);
  });

  it("counts each peer's latest answer, only within the window; strongest breaks ties by the lower index", () => {
    const g = new QuorumGate();
    g.note(7, 1, 0, 0);
    g.note(7, 2, 0, 0);
    g.note(7, 3, 1, 0);
    g.note(7, 1, 1, 500); // peer 1 changed its answer: only the latest counts
    expect(g.support(7, 0, 600, 1000)).toBe(1);
    expect(g.support(7, 1, 600, 1000)).toBe(2);
    expect(g.strongest(7, 600, 1000)).toEqual({ candidate: 1, peers: 2 });
    expect(g.support(7, 1, 1200, 1000)).toBe(1); // peer 3's answer aged out
    g.note(7, 4, NO_CANDIDATE, 600);
    expect(g.strongest(7, 1200, 1000)).toEqual({ candidate: 1, peers: 1 });
    g.forget(7);
    expect(g.size).toBe(0);
    expect(g.strongest(7, 0, 1000)).toEqual({ candidate: NO_CANDIDATE, peers: 0 });
  });

  it("agrees with a model (a map of each peer's latest answer per set) over random notes, reads and forgets", () => {
    // The model is the gate as first written: per set, peer → { candidate, at }.
    type Op = { kind: "note"; i: number; peer: number; candidate: number; now: number } | { kind: "read"; i: number; candidate: number; now: number; windowMs: number } | { kind: "forget"; i: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("note" as const), i: fc.nat(4), peer: fc.nat(12), candidate: fc.integer({ min: NO_CANDIDATE, max: 5 }), now: fc.nat(5000) }),
      fc.record({ kind: fc.constant("read" as const), i: fc.nat(4), candidate: fc.nat(5), now: fc.nat(6000), windowMs: fc.nat(3000) }),
      fc.record({ kind: fc.constant("forget" as const), i: fc.nat(4) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const g = new QuorumGate();
        const model = new Map<number, Map<number, { candidate: number; at: number }>>();
        for (const o of ops) {
          if (o.kind === "note") {
            g.note(o.i, o.peer, o.candidate, o.now);
            if (!model.has(o.i)) model.set(o.i, new Map());
            model.get(o.i)!.set(o.peer, { candidate: o.candidate, at: o.now });
          } else if (o.kind === "forget") {
            g.forget(o.i);
            model.delete(o.i);
          } else {
            const answers = [...(model.get(o.i)?.values() ?? [])].filter((x) => o.now - x.at <= o.windowMs);
            expect(g.support(o.i, o.candidate, o.now, o.windowMs)).toBe(answers.filter((x) => x.candidate === o.candidate).length);
            const counts = new Map<number, number>();
            for (const x of answers) if (x.candidate !== NO_CANDIDATE) counts.set(x.candidate, (counts.get(x.candidate) ?? 0) + 1);
            let best = { candidate: NO_CANDIDATE, peers: 0 };
            for (const [candidate, peers] of counts) if (peers > best.peers || (peers === best.peers && candidate < best.candidate)) best = { candidate, peers };
            expect(g.strongest(o.i, o.now, o.windowMs)).toEqual(best);
          }
          expect(g.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the candidate an answer names: the index, or a strict majority of the weight, else none", () => {
    expect(namedCandidate(Float64Array.of(2), { kind: "index", width: 1 }, 4)).toBe(2);
    expect(namedCandidate(Float64Array.of(-1), { kind: "index", width: 1 }, 4)).toBe(NO_CANDIDATE);
    expect(namedCandidate(Float64Array.of(0.2, 0.7, 0.1), { kind: "per-candidate", width: 3 }, 3)).toBe(1);
    expect(namedCandidate(Float64Array.of(0.5, 0.5, 0), { kind: "per-candidate", width: 3 }, 3)).toBe(NO_CANDIDATE);
    const rho = new Float64Array(8); // d = 2: re then im, row-major
    rho[0] = 0.3;
    rho[3] = 0.7;
    expect(namedCandidate(rho, { kind: "matrix", width: 8 }, 2)).toBe(1);
    rho[0] = 0.5;
    rho[3] = 0.5;
    expect(namedCandidate(rho, { kind: "matrix", width: 8 }, 2)).toBe(NO_CANDIDATE);
  });
});

describe("reconciliation (available mode)", () => {
  it("keeps the lower CID string, whichever order the two come in", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const x = cidFor(a);
        const y = cidFor(b);
        const w = reconciledWinner(x, y);
        expect(reconciledWinner(y, x).toString()).toBe(w.toString());
        expect(w.toString() <= x.toString() && w.toString() <= y.toString()).toBe(true);
      }),
    );
  });

  it("the ledger commitment takes a decision back exactly: remove(add(x)) restores the root", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(500), { minLength: 1, maxLength: 12 }), fc.nat(), (ns, pick) => {
        const a = new FinalizedCommitment(nodeHasher);
        const b = new FinalizedCommitment(nodeHasher);
        ns.forEach((n) => a.add(`k${n}`, cidFor(n)));
        const swapped = ns[pick % ns.length]!;
        ns.forEach((n) => b.add(`k${n}`, n === swapped ? cidFor(n + 1000) : cidFor(n)));
        expect(b.root()).not.toEqual(a.root());
        b.remove(`k${swapped}`, cidFor(swapped + 1000));
        b.add(`k${swapped}`, cidFor(swapped));
        expect(b.root()).toEqual(a.root());
        expect(b.size).toBe(a.size);
      }),
      { numRuns: 50 },
    );
  });

  it("a set's record keeps its reversals through encode/decode; malformed reversals are a DecodeError", () => {
    const rec = { key: "k:1", candidates: ["a", "b"], seenAt: [1, 2], firstSeen: 1, final: "a", finalizedAt: 9, reverted: [{ from: "b", to: "a", at: 9 }] };
    expect(decodeSetRecord(encodeSetRecord(rec))).toEqual(rec);
    const bad = new TextEncoder().encode(JSON.stringify({ k: "k", c: [], s: [], t: 0, r: [{ from: 1 }] }));
    expect(() => decodeSetRecord(bad)).toThrow(DecodeError);
  });
});

/** 8 T-M.E.S.H. nodes split 4/4 for 8 simulated seconds, half the sets double spends whose twins land on both sides. */
function split(partition: "safe" | "available", heal = 8000) {
  return validateScenario({
    name: `tmesh-${partition}`,
    protocol: "tmesh",
    driver: "node",
    seed: 1,
    topology: { kind: "complete", n: 8 },
    network: { latency: { kind: "uniform", min: 5, max: 30 }, partitions: [{ at: 0, heal, split: 0.5 }] },
    node: { txs: 60, rate: 100, doubleSpends: 0.5, drain: 30_000, partition },
  });
}

describe("partition, then heal (T-M.E.S.H., driver: node)", () => {
  it("safe: no side without a majority decides anything; after the heal no conflicting decision", async () => {
    const s = (await runNodeScenario(split("safe"))).summary;
    expect(s.partition).toBe("safe");
    expect(s.firstDecisionAtMs).not.toBeNull();
    expect(s.firstDecisionAtMs!).toBeGreaterThanOrEqual(8000); // nothing while split 4/4 (a quorum is 5 of 8)
    expect(s.checks).toEqual({ safety: 0, validity: 0, liveness: 0, durability: 0, roots: 0, failures: 0, accusations: 0 });
    expect(s.reversals).toBe(0);
  }, 120_000);

  it("available: each side decides while split; at the heal conflicts are reconciled, every reversal reported, and all nodes agree", async () => {
    const s = (await runNodeScenario(split("available"))).summary;
    expect(s.partition).toBe("available");
    expect(s.firstDecisionAtMs!).toBeLessThan(8000); // decided while split
    expect(s.reversals).toBeGreaterThan(0); // sides disagreed, and it was reported
    expect(s.sheafConflicts).toBeGreaterThan(0);
    // the checkers read each node's last reported decision and its ledger: equal everywhere
    expect(s.checks).toEqual({ safety: 0, validity: 0, liveness: 0, durability: 0, roots: 0, failures: 0, accusations: 0 });
    expect(s.decided.min).toBe(60); // double spends decided too (no stuck split)
  }, 120_000);
});
