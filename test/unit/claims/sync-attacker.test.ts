/**
 * The bench-side attacker models of the Kniep et al. reproduction (bench/claims/sync-attacker.ts):
 * the synchronous-round oblivious attacker counts only the start-of-round preferences of
 * nodes that will query this round, and the lagged informed attacker answers from the
 * counts one round old.
 */
import { describe, expect, it } from "vitest";
import { createLaggedInformed, createSynchronousOblivious, type SyncWorldView } from "../../../bench/claims/sync-attacker.js";
import { createRng } from "../../../src/core/prng.js";

function world(prefs: number[], polling: boolean[], nodes = prefs.length + 1): SyncWorldView {
  return {
    honestIds: Int32Array.from(prefs.map((_, i) => i)),
    nodes,
    state: { preference: (node) => prefs[node]!, wantsPoll: (node) => polling[node]! },
  };
}

describe("synchronous-round oblivious attacker", () => {
  it("answers the candidate least named by this round's queriers, ignoring decided nodes and the asker", () => {
    // Every query lands on an adversary (a = n − 1): each polling node names its preference K times.
    const prefs = [0, 0, 0, 1, 1];
    const polling = [true, true, false, true, true]; // node 2 decided: it sends no query
    const w = world(prefs, polling, 6);
    const s = createSynchronousOblivious(w, 2, 1, 5, 4, Int32Array.from([3, 2]), createRng(1, "t"));
    s.beginRound(new Int32Array(2));
    // Queries name 0 twice and 1 twice (×K): a tie, which goes to the initial minority (1).
    expect(s.answer(0, 0, 0, 1)).toBe(1);
    prefs[3] = 0; // node 3 switches; the model only sees it at the next round's start
    expect(s.answer(4, 1, 0, 1)).toBe(1);
    s.beginRound(new Int32Array(2));
    expect(s.answer(4, 1, 0, 2)).toBe(1);
    prefs[0] = 1;
    prefs[1] = 1;
    s.beginRound(new Int32Array(2));
    expect(s.answer(0, 1, 0, 3)).toBe(0);
  });

  it("with no adversarial node among the peers it hears nothing and falls back to the initial minority", () => {
    const w = world([0, 0, 0, 0], [true, true, true, true], 4);
    const s = createSynchronousOblivious(w, 2, 1, 0, 20, Int32Array.from([1, 3]), createRng(2, "t"));
    s.beginRound(new Int32Array(2));
    expect(s.answer(0, 0, 0, 1)).toBe(0);
  });

  it("hears about K · a/(n−1) queries per polling node", () => {
    const n = 2001;
    const prefs = Array.from({ length: 2000 }, (_, i) => (i < 1200 ? 0 : 1));
    const w = world(prefs, prefs.map(() => true), n);
    // 100 adversaries of 2001 nodes, K = 20: about 0.05 × 20 = 1 query per node, 60/40 → pushes 1.
    const s = createSynchronousOblivious(w, 2, 1, 100, 20, Int32Array.from([1000, 1000]), createRng(3, "t"));
    s.beginRound(new Int32Array(2));
    expect(s.answer(0, 0, 0, 1)).toBe(1);
  });
});

describe("informed attacker one round late", () => {
  it("answers from the counts of the previous round's start", () => {
    const s = createLaggedInformed(2, Int32Array.from([5, 5]));
    s.beginRound(Int32Array.from([5, 5])); // round 1: initial counts
    expect(s.answer(0, 0, 0, 1)).toBe(1); // tie → highest index, like the informed attacker
    s.beginRound(Int32Array.from([8, 2])); // round 2 answers from round 1's start (5:5)
    expect(s.answer(0, 0, 0, 2)).toBe(1);
    s.beginRound(Int32Array.from([1, 9])); // round 3 answers from round 2's start (8:2)
    expect(s.answer(0, 0, 0, 3)).toBe(1);
    s.beginRound(Int32Array.from([1, 9])); // round 4 answers from round 3's start (1:9)
    expect(s.answer(0, 0, 0, 4)).toBe(0);
  });
});
