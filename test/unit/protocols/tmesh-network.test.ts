// Seeded lockstep networks for `tmesh` (the shape of avalanchego's consensus performance
// test): every round each undecided node, in a fresh random order, exchanges with one
// uniformly random other node of a complete graph, and the pair is sheaf-checked.
import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { type TmeshParams, TmeshState, tmeshParams } from "../../../src/protocols/tmesh/index.js";

interface Outcome {
  rounds: number;
  finalized: number;
  decisions: number[];
  /** conflicts found by the per-exchange pair checks */
  pairConflicts: number;
  state: TmeshState;
}

function runNetwork(seed: number, nodes: number, shares: readonly number[], params: Partial<TmeshParams> = {}, maxRounds = 1000): Outcome {
  const d = shares.length;
  // β = 5 unless given (the old fixed default; the default is now max(5, ⌈log₂ n⌉ + 2), 8 at 50 nodes).
  const state = new TmeshState({ nodes, instances: 1, candidates: d }, tmeshParams.parse({ beta: 5, ...params }));
  const rng = new Xoshiro128(seed);
  // First sight: exact shares, assigned to a random permutation of the nodes.
  const order = Int32Array.from({ length: nodes }, (_, i) => i);
  const shuffle = () => {
    for (let i = nodes - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  };
  shuffle();
  let next = 0;
  shares.forEach((share, c) => {
    const count = c === d - 1 ? nodes - next : Math.round(share * nodes);
    for (let k = 0; k < count; k++) state.introduce(order[next++]!, 0, c);
  });
  const w = state.width;
  const query = new Float64Array(w);
  const answer = new Float64Array(w);
  const from = new Int32Array(1);
  const pair = new Int32Array(2);
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    const ctx = { tick: rounds, rng };
    shuffle();
    let active = 0;
    for (let o = 0; o < nodes; o++) {
      const node = order[o]!;
      if (!state.wantsPoll(node, 0)) continue;
      active++;
      let peer = rng.nextInt(nodes - 1);
      if (peer >= node) peer++;
      state.prepareQuery(node, 0, query);
      state.respond(peer, 0, query, answer, ctx);
      from[0] = peer;
      state.onPoll(node, 0, answer, from, 1, ctx);
      pair[0] = node;
      pair[1] = peer;
      state.sheafCheck(pair, rounds);
    }
    if (active === 0) break;
  }
  let finalized = 0;
  const decisions = new Set<number>();
  for (let i = 0; i < nodes; i++) {
    if (!state.isFinal(i, 0)) continue;
    finalized++;
    decisions.add(state.preference(i, 0));
  }
  return { rounds, finalized, decisions: [...decisions].sort(), pairConflicts: state.sheafConflicts, state };
}

describe("tmesh lockstep network, 50 nodes, complete graph, default parameters but β = 5", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("2 candidates 60/40, seed %i: all finalize on the majority, no sheaf conflict", (seed) => {
    const r = runNetwork(seed, 50, [0.6, 0.4]);
    expect(r.finalized).toBe(50);
    expect(r.decisions).toEqual([0]);
    expect(r.pairConflicts).toBe(0);
    expect(r.state.rejectedStates).toBe(0);
    expect(r.rounds).toBeLessThan(40);
    const o = r.state.observe(Int32Array.from({ length: 50 }, (_, i) => i));
    expect(o.maxVonNeumann).toBeLessThan(0.01);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("3 candidates 50/30/20, seed %i: all finalize on the majority", (seed) => {
    const r = runNetwork(seed, 50, [0.5, 0.3, 0.2]);
    expect(r.finalized).toBe(50);
    expect(r.decisions).toEqual([0]);
    expect(r.pairConflicts).toBe(0);
  });

  it("is a deterministic function of the seed (same seed: identical state tables)", () => {
    const a = runNetwork(11, 50, [0.5, 0.3, 0.2]);
    const b = runNetwork(11, 50, [0.5, 0.3, 0.2]);
    const c = runNetwork(12, 50, [0.5, 0.3, 0.2]);
    expect(b.rounds).toBe(a.rounds);
    expect(Array.from(b.state.re)).toEqual(Array.from(a.state.re));
    expect(Array.from(b.state.streak)).toEqual(Array.from(a.state.streak));
    expect(Array.from(c.state.re)).not.toEqual(Array.from(a.state.re));
  });
});

describe("tmesh safety, measured (the numbers quoted in the module comment's spirit)", () => {
  function disagreements(seeds: number, shares: readonly number[], params: Partial<TmeshParams>) {
    let split = 0;
    let detectedByPairs = 0;
    let detectedByNetwork = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const r = runNetwork(seed, 50, shares, params);
      expect(r.finalized).toBe(50);
      if (r.decisions.length > 1) {
        split++;
        if (r.pairConflicts > 0) detectedByPairs++;
        // One hyperedge over the whole network sees the split.
        if (r.state.sheafCheck(Int32Array.from({ length: 50 }, (_, i) => i)) > 0) detectedByNetwork++;
      }
    }
    return { split, detectedByPairs, detectedByNetwork };
  }

  it("β = 5: no split in 100 seeds at 60/40; β = 1: most seeds split — β is the safety knob", () => {
    expect(disagreements(100, [0.6, 0.4], {}).split).toBe(0);
    const weak = disagreements(100, [0.6, 0.4], { beta: 1 });
    expect(weak.split).toBeGreaterThan(80);
    // At θ = π/4 an exchange leaves both sides with the same state (or the asker at least halfway to a
    // final responder), so a pair that just interacted can never hold conflicting decisions: the
    // per-exchange pair check is blind, while one check over the whole network finds every split.
    expect(weak.detectedByPairs).toBe(0);
    expect(weak.detectedByNetwork).toBe(weak.split);
  });

  it("θ far from π/4 breaks consensus: weak mixing lets sharpening pin every node to its first candidate", () => {
    // θ = 0.05: the asker keeps 99.75% of its state, sharpening restores it, everyone finalizes at once.
    const weak = disagreements(20, [0.6, 0.4], { theta: 0.05 });
    expect(weak.split).toBe(20);
    // Here the asker can finalize right after meeting a final dissenter, so pair checks do fire.
    expect(weak.detectedByPairs).toBe(20);
    // θ = 1.2 (nearly a swap): opinions are exchanged rather than averaged.
    expect(disagreements(20, [0.6, 0.4], { theta: 1.2 }).split).toBeGreaterThan(0);
  });
});
