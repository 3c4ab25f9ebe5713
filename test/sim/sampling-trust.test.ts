/**
 * Sampling and trust are harness properties every consensus protocol honours: each
 * protocol's results change with the sampling mode, a sample size that has no meaning
 * under a mode is a schema error, answers from peers proven to equivocate are ignored by
 * every protocol, and the checker's majority-based conflict count scores one outlier as 1.
 */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/core/errors.js";
import { Xoshiro128 } from "../../src/core/prng.js";
import { ALL_NEIGHBOURS, type ConsensusProtocol } from "../../src/protocols/consensus.js";
import { EMTD_GLOBAL_K, emtd } from "../../src/protocols/emtd/index.js";
import { snowball } from "../../src/protocols/snowball/index.js";
import { TmeshState, tmesh, tmeshDefaultBeta } from "../../src/protocols/tmesh/index.js";
import { ConsensusChecker } from "../../src/sim/consensus/checkers.js";
import { simulate } from "../../src/sim/cycle/driver.js";
import { validateScenario } from "../../src/sim/scenario/schema.js";

const base = {
  seed: 5,
  topology: { kind: "watts-strogatz", n: 200, k: 10, p: 0.1 },
  workload: { instances: 1, candidates: 2, bias: 0.6 },
  maxRounds: 150,
};

function summary(doc: Record<string, unknown>) {
  const s = simulate(validateScenario({ ...base, ...doc }), { recordSteps: false }).summary;
  // Everything a run reports except its own echo of the scenario.
  const { sampling: _s, params: _p, ...rest } = s as Record<string, unknown>;
  return JSON.stringify(rest);
}

describe("sampling is honoured by every protocol", () => {
  for (const protocol of ["emtd", "tmesh", "snowball", "gossip-avg"]) {
    it(`${protocol}: neighbors and global sampling give different results`, () => {
      const a = summary({ protocol, sampling: "neighbors" });
      const b = summary({ protocol, sampling: "global" });
      expect(a).not.toBe(b);
    });
  }

  it("emtd: k changes the sample under both modes; absent k is all neighbours or EMTD_GLOBAL_K", () => {
    expect(summary({ protocol: "emtd", sampling: "neighbors", params: { k: 4 } })).not.toBe(summary({ protocol: "emtd", sampling: "neighbors" }));
    expect(summary({ protocol: "emtd", sampling: "global", params: { k: 8 } })).not.toBe(summary({ protocol: "emtd", sampling: "global" }));
    const p = emtd.params.parse({});
    expect(emtd.sampleSize(p, "neighbors")).toBe(ALL_NEIGHBOURS);
    expect(emtd.sampleSize(p, "global")).toBe(EMTD_GLOBAL_K);
    expect(emtd.sampleSize(p)).toBe(ALL_NEIGHBOURS); // the live node: its connected peers
    expect(emtd.sampleSize(emtd.params.parse({ k: "all" }), "neighbors")).toBe(ALL_NEIGHBOURS);
    // Global EMTD polls EMTD_GLOBAL_K peers per round: 2·K messages per node-round.
    const s = simulate(validateScenario({ ...base, protocol: "emtd", sampling: "global" }), { recordSteps: false }).summary;
    expect((s.messagesPerNodePerDecision as number) / s.steps).toBeLessThanOrEqual(2 * EMTD_GLOBAL_K);
  });

  it("tmesh: partners changes the exchange count", () => {
    expect(tmesh.sampleSize(tmesh.params.parse({ partners: 3 }), "global")).toBe(3);
    expect(summary({ protocol: "tmesh", sampling: "global", params: { partners: 2 } })).not.toBe(summary({ protocol: "tmesh", sampling: "global" }));
  });

  it('refuses k: "all" with global sampling as a schema error naming params.k', () => {
    try {
      validateScenario({ ...base, protocol: "emtd", sampling: "global", params: { k: "all" } });
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      expect((error as ScenarioError).issues.map((i) => i.path)).toContain("params.k");
    }
    expect(() => validateScenario({ ...base, protocol: "emtd", sampling: "neighbors", params: { k: "all" } })).not.toThrow();
    expect(() => validateScenario({ ...base, protocol: "emtd", params: { k: 0 } })).toThrow(ScenarioError);
  });

  it("the default sampling is global", () => {
    expect(validateScenario({ protocol: "emtd" }).sections.sampling).toBe("global");
  });
});

describe("trust applies to every protocol", () => {
  const ctx = (trust: number[]) => ({ tick: 1, rng: new Xoshiro128(1), trust: Float64Array.from(trust) });

  /** Node 0 holds candidate 0 and polls `k` answers of candidate 1 from peers 1..k, trusted as given. */
  function afterPoll<P>(protocol: ConsensusProtocol<P>, params: P, trustInPeers: number, polls: number): number {
    const k = 20;
    const st = protocol.createState({ nodes: k + 1, instances: 1, candidates: 2 }, params);
    st.introduce(0, 0, 0);
    const w = protocol.answerWidth(2);
    const answers = new Float64Array(k * w);
    const one = new Float64Array(w);
    protocol.answerFor(1, 2, one);
    for (let a = 0; a < k; a++) answers.set(one, a * w);
    const from = Int32Array.from({ length: k }, (_, i) => i + 1);
    const c = ctx([1, ...Array.from({ length: k }, () => trustInPeers)]);
    for (let r = 0; r < polls; r++) st.onPoll(0, 0, answers, from, k, c);
    return st.preference(0, 0);
  }

  const cases: [string, ConsensusProtocol<never>, unknown][] = [
    ["emtd", emtd as never, emtd.params.parse({ T0: 0.5 })],
    ["tmesh", tmesh as never, tmesh.params.parse({ beta: 1000 })],
    ["snowball", snowball as never, snowball.params.parse({ variant: "flat" })],
    ["snowball tree", snowball as never, snowball.params.parse({ variant: "tree" })],
  ];
  for (const [name, protocol, params] of cases) {
    it(`${name}: a unanimous poll from trusted peers moves the node; from peers with trust 0 it does nothing`, () => {
      expect(afterPoll(protocol, params as never, 1, 5)).toBe(1);
      expect(afterPoll(protocol, params as never, 0, 5)).toBe(0);
    });
  }

  it("tmesh: a partly trusted peer pulls proportionally less", () => {
    const st = tmesh.createState({ nodes: 2, instances: 1, candidates: 2 }, tmesh.params.parse({ beta: 1000, collapse: "none" }));
    st.introduce(0, 0, 0);
    const ans = new Float64Array(8);
    tmesh.answerFor(1, 2, ans);
    st.onPoll(0, 0, ans, Int32Array.of(1), 1, ctx([1, 0.5]));
    const rho = st.density!(0, 0);
    // θ = π/4: p ← (p + p')/2 with p' = 0.5·|1⟩⟨1| + 0.5·|0⟩⟨0| → p(1) = 0.25 (0.5 at full trust)
    expect(rho.re[3]).toBeCloseTo(0.25, 12);
  });
});

describe("tmesh default beta grows with n", () => {
  it("is max(5, ceil(log2 n) + 2)", () => {
    expect([2, 8, 100, 2000, 10_000, 100_000, 1_000_000].map(tmeshDefaultBeta)).toEqual([5, 5, 9, 13, 16, 19, 22]);
    expect((tmesh.createState({ nodes: 2000, instances: 1, candidates: 2 }, tmesh.params.parse({})) as TmeshState).beta).toBe(13);
    expect((tmesh.createState({ nodes: 2000, instances: 1, candidates: 2 }, tmesh.params.parse({ beta: 4 })) as TmeshState).beta).toBe(4);
  });
});

describe("conflicting decisions count against the majority", () => {
  it("one early outlier scores 1, not n − 1", () => {
    const n = 10;
    const c = new ConsensusChecker(n, 1, 2, new Uint8Array(n).fill(1), Uint8Array.of(1, 1));
    c.record(0, 0, 1, 1); // the outlier decides first
    for (let i = 1; i < n; i++) c.record(i, 0, 0, 2);
    expect(c.safetyViolations).toBe(n - 1); // counted against the first decision
    expect(c.conflictingDecisions()).toBe(1); // counted against the majority
    expect(c.finalized).toBe(n);
  });

  it("no decisions: no conflicts; a tie counts the half off the lowest candidate", () => {
    const c = new ConsensusChecker(4, 1, 2, new Uint8Array(4).fill(1), Uint8Array.of(1, 1));
    expect(c.conflictingDecisions()).toBe(0);
    c.record(0, 0, 1, 1);
    c.record(1, 0, 0, 1);
    expect(c.conflictingDecisions()).toBe(1);
  });

  it("runs report decisions and conflictingDecisions", () => {
    const s = simulate(validateScenario({ ...base, protocol: "snowball" }), { recordSteps: false }).summary;
    expect(s.decisions).toBe(200);
    expect(s.conflictingDecisions).toBe(0);
  });
});
