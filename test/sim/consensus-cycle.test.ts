import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/cycle/driver.js";
import { validateScenario } from "../../src/sim/scenario/schema.js";
import { ScenarioError } from "../../src/core/errors.js";
import { ConsensusChecker } from "../../src/sim/consensus/checkers.js";
import { SILENT, createStrategy, placeAdversaries } from "../../src/sim/consensus/adversary.js";
import { Xoshiro128 } from "../../src/core/prng.js";
import { ring } from "../../src/topology/generators.js";
import { entropic } from "../helpers/cli.js";

const base = {
  protocol: "snowball",
  seed: 3,
  topology: { kind: "watts-strogatz", n: 300, k: 10, p: 0.1 },
  sampling: "global",
  workload: { instances: 2, candidates: 2, bias: 0.7 },
  maxRounds: 200,
};

function run(doc: Record<string, unknown>) {
  return simulate(validateScenario(doc));
}

describe("consensus cycle driver", () => {
  it("snowball with global sampling reaches agreement on the biased candidate", () => {
    const { summary, steps } = run(base);
    expect(summary.outcome).toBe("agreement");
    expect(summary.safetyViolations).toBe(0);
    expect(summary.finalizedShare).toBe(1);
    expect(summary.roundsTo99).not.toBeNull();
    expect(summary.roundsTo99 as number).toBeGreaterThanOrEqual(20); // β = 20 consecutive polls at least
    expect(steps.at(-1)!.observables.magnetization).toBe(1);
    const perRound = (summary.messagesPerNodePerDecision as number) / summary.steps;
    expect(perRound).toBeLessThanOrEqual(2 * 20 + 1e-9); // ≤ K queries + K answers per round
  });

  it("is deterministic: same scenario and seed, same bytes", () => {
    expect(JSON.stringify(run(base))).toBe(JSON.stringify(run(base)));
    expect(JSON.stringify(run({ ...base, seed: 4 }))).not.toBe(JSON.stringify(run(base)));
  });

  it("the checkers catch a deliberately unsafe configuration", () => {
    // k = 1, α = 1, β = 1: every node finalizes whatever its first poll says.
    const { summary } = run({ ...base, params: { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 1, variant: "flat" }, workload: { candidates: 2, bias: 0.5 } });
    expect(summary.outcome).toBe("safety_violation");
    expect(summary.safetyViolations as number).toBeGreaterThan(0);
    expect(summary.firstViolation).toMatch(/^safety: node \d+ finalized [01] for instance 0/);
  });

  it("counts crashed peers' silence: queries are sent, answers are not, safety holds", () => {
    const honest = run(base).summary;
    const crashed = run({ ...base, adversary: { type: "crash", share: 0.2 } }).summary;
    expect(crashed.adversaries).toBe(60);
    expect(crashed.honestNodes).toBe(240);
    expect(crashed.safetyViolations).toBe(0);
    // Every poll sends K = 20 queries; about 20% of them go unanswered.
    const perPoll = (s: typeof honest) => ((s.messagesPerNodePerDecision as number) * (s.honestNodes as number) * 2) / s.updates;
    expect(perPoll(honest)).toBe(40);
    expect(perPoll(crashed)).toBeGreaterThan(20 + 20 * 0.7);
    expect(perPoll(crashed)).toBeLessThan(20 + 20 * 0.9);
  });

  it("equivocating adversaries are proven and lose trust", () => {
    const { summary } = run({ ...base, adversary: { type: "equivocate", share: 0.1 } });
    expect(summary.equivocationProofs as number).toBeGreaterThan(0);
    expect(summary.equivocationProofs as number).toBeLessThanOrEqual(30);
  });

  it("gossip averaging decides the majority", () => {
    const { summary } = run({ ...base, protocol: "gossip-avg", params: {}, topology: { kind: "complete", n: 100 }, sampling: "neighbors" });
    expect(summary.safetyViolations).toBe(0);
    expect(summary.finalizedShare).toBe(1);
  });

  it("rejects out-of-range consensus fields, naming them", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ adversary: { type: "balance", share: 1 } }, "adversary.share"],
      [{ adversary: { type: "sybil" } }, "adversary.type"],
      [{ params: { alphaPreference: 10 } }, "params.alphaPreference"],
      [{ workload: { candidates: 1 } }, "workload.candidates"],
      [{ topology: { kind: "ring", n: 2 } }, "topology.n"],
      [{ sampling: "random" }, "sampling"],
    ];
    for (const [patch, path] of cases) {
      try {
        validateScenario({ ...base, ...patch });
        throw new Error(`accepted ${JSON.stringify(patch)}`);
      } catch (error) {
        expect(error, path).toBeInstanceOf(ScenarioError);
        expect((error as ScenarioError).issues.map((i) => i.path), path).toContain(path);
      }
    }
  });
});

describe("checker", () => {
  it("flags conflicting and invalid decisions once each", () => {
    const honest = Uint8Array.from([1, 1, 1, 0]);
    const proposed = Uint8Array.from([1, 1, 0]); // candidate 2 never proposed
    const c = new ConsensusChecker(4, 1, 3, honest, proposed);
    c.record(0, 0, 1, 5);
    c.record(1, 0, 0, 6);
    c.record(1, 0, 0, 7); // already recorded
    c.record(2, 0, 2, 7);
    c.record(3, 0, 0, 7); // adversarial node: ignored
    expect(c.safetyViolations).toBe(1);
    expect(c.validityViolations).toBe(1);
    expect(c.finalized).toBe(3);
    c.endRound(7);
    expect(c.roundsTo).toEqual([7, 7, 7]);
  });
});

describe("adversaries", () => {
  it("places the requested share, at random or on hubs", () => {
    const g = ring(100);
    const bad = placeAdversaries(g, { type: "random", share: 0.25, knowledge: "full", placement: "random" }, new Xoshiro128(1));
    expect(bad.reduce((a, b) => a + b, 0)).toBe(25);
  });

  it("strategies answer as documented", () => {
    const counts = Int32Array.from([70, 30]); // one instance, two candidates
    const rng = new Xoshiro128(2);
    const spec = (type: string, knowledge = "full") => ({ type, share: 0.1, knowledge, placement: "random" }) as never;
    expect(createStrategy(spec("crash"), 2, counts, rng).answer(0, 0, 0, 1)).toBe(SILENT);
    expect(createStrategy(spec("stubborn"), 2, counts, rng).answer(0, 0, 0, 1)).toBe(1);
    const eq = createStrategy(spec("equivocate"), 2, counts, rng);
    expect(eq.answer(0, 0, 0, 1)).not.toBe(eq.answer(1, 0, 0, 1));
    const bal = createStrategy(spec("balance"), 2, counts, rng);
    bal.beginRound(Int32Array.from([10, 90]));
    expect(bal.answer(0, 1, 0, 1)).toBe(0);
    expect(createStrategy(spec("balance", "none"), 2, counts, rng).answer(0, 1, 0, 1)).toBe(0);
  });
});

describe("entropic sim with a consensus scenario", () => {
  it("prints the replay line when safety breaks", () => {
    const r = entropic(["sim", "scenarios/snowball-unsafe.yaml"]);
    expect(r.status).toBe(3); // checkers found a violation: exit 3
    expect(r.stdout).toMatch(/outcome\s+safety_violation/);
    expect(r.stderr).toMatch(/SAFETY VIOLATED .*replay with: entropic sim scenarios\/snowball-unsafe\.yaml --seed \d+/);
  });
});
