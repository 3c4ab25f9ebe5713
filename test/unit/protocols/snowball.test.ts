import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { FlatSnowballState, SnowballCore, TreeSnowballState, snowball, snowballParams } from "../../../src/protocols/snowball/index.js";
import type { ConsensusState } from "../../../src/protocols/consensus.js";

const defaults = snowballParams.parse({});

/** Sample `count` distinct ids from [0, n) (partial Fisher–Yates), like avalanchego's uniform sampler. */
function sampleDistinct(rng: Xoshiro128, n: number, count: number, scratch: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const t = scratch[i]!;
    scratch[i] = scratch[j]!;
    scratch[j] = t;
  }
  return scratch.subarray(0, count);
}

/** avalanchego's snowball Network test: one random running node polls K uniform nodes per round. */
function runNetwork(seed: number, nodes: number, colors: number, make: (n: number, d: number) => ConsensusState, maxRounds = 1e6) {
  const rng = new Xoshiro128(seed);
  const state = make(nodes, colors);
  // As avalanchego's Network.AddNode: each node adds every color in a random order, the first being its preference.
  const order = Array.from({ length: colors }, (_, c) => c);
  for (let i = 0; i < nodes; i++) {
    for (let c = colors - 1; c > 0; c--) {
      const j = rng.nextInt(c + 1);
      [order[c], order[j]] = [order[j]!, order[c]!];
    }
    for (const c of order) state.introduce(i, 0, c);
  }
  const running = Array.from({ length: nodes }, (_, i) => i);
  const scratch = new Int32Array(nodes);
  const answers = new Float64Array(defaults.k);
  const from = new Int32Array(defaults.k);
  const out = new Float64Array(1);
  const query = new Float64Array(1);
  const disagreement = () => {
    const finals = new Set<number>();
    for (let i = 0; i < nodes; i++) if (state.isFinal(i, 0)) finals.add(state.preference(i, 0));
    return finals.size > 1;
  };
  let rounds = 0;
  while (running.length > 0 && !disagreement() && rounds < maxRounds) {
    const idx = rng.nextInt(running.length);
    const node = running[idx]!;
    const peers = sampleDistinct(rng, nodes, Math.min(defaults.k, nodes), scratch);
    peers.forEach((p, a) => {
      state.respond(p, 0, query, out, { tick: rounds, rng });
      answers[a] = out[0]!;
      from[a] = p;
    });
    state.onPoll(node, 0, answers, from, peers.length, { tick: rounds, rng });
    if (state.isFinal(node, 0)) {
      running[idx] = running[running.length - 1]!;
      running.pop();
    }
    rounds++;
  }
  const prefs = new Set(Array.from({ length: nodes }, (_, i) => state.preference(i, 0)));
  return { rounds, disagreement: disagreement(), finalized: running.length === 0, agreement: prefs.size === 1 };
}

describe("snowball conformance (avalanchego consensus_performance_test)", () => {
  const tree = (n: number, d: number) => new TreeSnowballState({ nodes: n, instances: 1, candidates: d }, defaults);
  it.each([0, 1, 2, 3, 4])("tree: 100 nodes, 10 colors, seed %i: all finalize, no disagreement", (seed) => {
    const r = runNetwork(seed, 100, 10, tree);
    expect(r.disagreement).toBe(false);
    expect(r.finalized).toBe(true);
    expect(r.agreement).toBe(true);
  });

  it("tree: a node that first saw a losing candidate learns the winner from votes and finalizes", () => {
    const rng = new Xoshiro128(9);
    const s = tree(2, 10);
    s.introduce(0, 0, 8); // path 1,0,0,0
    const answers = new Float64Array(20).fill(5); // path 0,1,0,1: never introduced to node 0
    for (let i = 0; i < 200 && !s.isFinal(0, 0); i++) s.onPoll(0, 0, answers, new Int32Array(20), 20, { tick: i, rng });
    expect(s.isFinal(0, 0)).toBe(true);
    expect(s.preference(0, 0)).toBe(5);
  });
});

describe("snowball tree", () => {
  it("decides 2 candidates like one binary instance", () => {
    const s = new TreeSnowballState({ nodes: 1, instances: 1, candidates: 2 }, defaults);
    expect(s.treeSize).toBe(1);
    s.introduce(0, 0, 1);
    const answers = new Float64Array(20).fill(1);
    for (let i = 0; i < defaults.beta; i++) s.onPoll(0, 0, answers, new Int32Array(20), 20, { tick: i, rng: new Xoshiro128(0) });
    expect(s.isFinal(0, 0)).toBe(true);
    expect(s.preference(0, 0)).toBe(1);
  });

  it("with 10 candidates, a unanimous poll drives every level to the same candidate", () => {
    const s = new TreeSnowballState({ nodes: 1, instances: 1, candidates: 10 }, defaults);
    expect(s.bits).toBe(4);
    s.introduce(0, 0, 3);
    expect(s.preference(0, 0)).toBe(3);
    const answers = new Float64Array(20).fill(9);
    const ctx = { tick: 0, rng: new Xoshiro128(0) };
    for (let i = 0; i < defaults.beta - 1; i++) s.onPoll(0, 0, answers, new Int32Array(20), 20, ctx);
    expect(s.isFinal(0, 0)).toBe(false);
    s.onPoll(0, 0, answers, new Int32Array(20), 20, ctx);
    expect(s.preference(0, 0)).toBe(9);
    expect(s.isFinal(0, 0)).toBe(true);
  });

  it("a split poll at the root resets the levels below", () => {
    const s = new TreeSnowballState({ nodes: 1, instances: 1, candidates: 4 }, defaults);
    s.introduce(0, 0, 0);
    const ctx = { tick: 0, rng: new Xoshiro128(0) };
    const unanimous = new Float64Array(20).fill(0);
    for (let i = 0; i < 5; i++) s.onPoll(0, 0, unanimous, new Int32Array(20), 20, ctx);
    expect(s.core.confidence[1]).toBe(5); // left child (prefix 0)
    const split = Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 3));
    s.onPoll(0, 0, split, new Int32Array(20), 20, ctx);
    expect(s.core.confidence[0]).toBe(0);
    s.onPoll(0, 0, unanimous, new Int32Array(20), 20, ctx);
    expect(s.core.confidence[1]).toBe(1); // was reset before counting again
  });
});

describe("snowball instance arithmetic", () => {
  const layout = { nodes: 1, instances: 1, candidates: 3 };
  class Probe extends FlatSnowballState {
    recordPoll(s: number, count: number, choice: number) {
      this.core.recordPoll(s, count, choice);
    }
    get confidence() {
      return this.core.confidence;
    }
    get flakePreference() {
      return this.core.flakePreference;
    }
  }
  const SnowballState = Probe;

  it("finalizes after beta consecutive polls at alphaConfidence", () => {
    const s = new SnowballState(layout, defaults);
    s.introduce(0, 0, 1);
    for (let i = 0; i < defaults.beta - 1; i++) {
      s.recordPoll(0, 15, 1);
      expect(s.isFinal(0, 0)).toBe(false);
    }
    s.recordPoll(0, 15, 1);
    expect(s.isFinal(0, 0)).toBe(true);
    expect(s.preference(0, 0)).toBe(1);
    expect(s.wantsPoll(0, 0)).toBe(false);
  });

  it("an unsuccessful poll resets confidence", () => {
    const s = new SnowballState(layout, defaults);
    s.introduce(0, 0, 0);
    for (let i = 0; i < defaults.beta - 1; i++) s.recordPoll(0, 20, 0);
    s.recordPoll(0, 14, 0);
    expect(s.confidence[0]).toBe(0);
    for (let i = 0; i < defaults.beta - 1; i++) s.recordPoll(0, 20, 0);
    expect(s.isFinal(0, 0)).toBe(false);
  });

  it("snowball preference follows accumulated strength, not the last poll", () => {
    const s = new SnowballState(layout, defaults);
    s.introduce(0, 0, 0);
    s.recordPoll(0, 16, 2);
    s.recordPoll(0, 16, 2);
    s.recordPoll(0, 16, 1);
    expect(s.preference(0, 0)).toBe(2); // strength 2 vs 1
    expect(s.flakePreference[0]).toBe(1); // slush follows the last successful poll
    expect(s.confidence[0]).toBe(1);
  });

  it("a poll with alphaPreference <= count < alphaConfidence moves preference but clears confidence", () => {
    const s = new SnowballState(layout, { ...defaults, alphaPreference: 11, alphaConfidence: 15 });
    expect(new SnowballCore(1, 2, defaults).arity).toBe(2);
    s.introduce(0, 0, 0);
    s.recordPoll(0, 20, 0);
    expect(s.confidence[0]).toBe(1);
    s.recordPoll(0, 12, 0);
    expect(s.confidence[0]).toBe(0);
  });

  it("onPoll takes the mode and ignores malformed answers", () => {
    const s = new SnowballState(layout, { k: 5, alphaPreference: 3, alphaConfidence: 3, beta: 1, variant: "flat" });
    s.introduce(0, 0, 0);
    const ctx = { tick: 0, rng: new Xoshiro128(0) };
    s.onPoll(0, 0, Float64Array.from([2, 2, -1, 7, 2.5]), new Int32Array(5), 5, ctx);
    expect(s.isFinal(0, 0)).toBe(false); // only two valid votes for 2
    s.onPoll(0, 0, Float64Array.from([2, 2, 2, 0, Number.NaN]), new Int32Array(5), 5, ctx);
    expect(s.isFinal(0, 0)).toBe(true);
    expect(s.preference(0, 0)).toBe(2);
  });

  it("a node without a candidate answers NO_CANDIDATE, polls, and learns from the poll", () => {
    const s = new SnowballState(layout, defaults);
    const out = new Float64Array(1);
    expect(s.wantsPoll(0, 0)).toBe(true);
    s.respond(0, 0, new Float64Array(1), out);
    expect(out[0]).toBe(-1);
    s.onPoll(0, 0, new Float64Array(20).fill(2), new Int32Array(20), 20, { tick: 0, rng: new Xoshiro128(0) });
    expect(s.preference(0, 0)).toBe(2);
    const t = new TreeSnowballState(layout, defaults);
    t.respond(0, 0, new Float64Array(1), out);
    expect(out[0]).toBe(-1);
    t.onPoll(0, 0, new Float64Array(20).fill(1), new Int32Array(20), 20, { tick: 0, rng: new Xoshiro128(0) });
    expect(t.preference(0, 0)).toBe(1);
  });
});

describe("snowball parameters", () => {
  it("uses avalanchego's defaults", () => {
    expect(defaults).toEqual({ k: 20, alphaPreference: 15, alphaConfidence: 15, beta: 20, variant: "tree" });
    expect(snowball.sampleSize(defaults)).toBe(20);
  });

  it.each([
    [{ alphaPreference: 10 }, "alphaPreference"],
    [{ alphaPreference: 16, alphaConfidence: 15 }, "alphaConfidence"],
    [{ alphaConfidence: 21 }, "alphaConfidence"],
    [{ beta: 0 }, "beta"],
  ])("rejects %o naming %s", (input, field) => {
    const r = snowballParams.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain(field);
  });
});
