import { describe, expect, it } from "vitest";
import { fromParts, maxAbsDiff } from "../../../src/physics/complex.js";
import { TmeshSeedState } from "../../../src/protocols/tmesh-seed/run.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { tmeshFixtures } from "../../helpers/fixtures.js";

const fixtures = tmeshFixtures();
const TOL = 1e-12;

function replay(f: (typeof fixtures)[number]) {
  const initial = f.initial_rho_re.map((re, i) => fromParts(re, f.initial_rho_im[i]!));
  let k = 0;
  const state = new TmeshSeedState(initial, { steps: f.pairs.length, renormalize: false }, { distinctPair: () => f.pairs[k++]! });
  while (state.step());
  return state;
}

describe("tmesh-seed replays the seed's Python with injected states and pairs", () => {
  it.each(fixtures.map((f) => [`N=${f.N} dim=${f.dim} seed=${f.seed}`, f] as const))("%s", (_label, f) => {
    const state = replay(f);
    expect(state.coherenceHistory).toHaveLength(f.coherence_history.length);
    state.coherenceHistory.forEach((c, i) => expect(Math.abs(c - f.coherence_history[i]!)).toBeLessThan(TOL));
    state.rho.forEach((rho, i) => expect(maxAbsDiff(rho, fromParts(f.final_rho_re[i]!, f.final_rho_im[i]!))).toBeLessThan(TOL));
  });
});

describe("tmesh-seed from a seed alone, with the python generator family", () => {
  it.each(fixtures.map((f) => [`N=${f.N} dim=${f.dim} seed=${f.seed}`, f] as const))("%s matches the fixture", (_label, f) => {
    const scenario = validateScenario({ protocol: "tmesh-seed", rng: "python", seed: f.seed, params: { nodes: f.N, dim: f.dim, steps: f.pairs.length } });
    const { summary, steps } = simulate(scenario);
    expect(Math.abs(steps[0]!.observables.coherence! - f.coherence_t0)).toBeLessThan(TOL);
    steps.slice(1).forEach((s, i) => expect(Math.abs(s.observables.coherence! - f.coherence_history[i]!)).toBeLessThan(TOL));
    expect(summary.updates).toBe(2 * f.pairs.length);
    expect(summary.steps).toBe(f.pairs.length);
  });
});

describe("tmesh-seed semantics", () => {
  it("the demo's 15 steps do not reach consensus on 5 qubits (the printed claim, measured)", () => {
    const scenario = validateScenario({ protocol: "tmesh-seed", rng: "python", seed: 0 });
    const { summary } = simulate(scenario);
    expect(summary.steps).toBe(15);
    expect(summary.outcome).toBe("not_converged");
    expect(summary.finalSpread as number).toBeGreaterThan(1e-6);
  });

  it("many interactions converge every node to the centroid (coherence → purity of the mean)", () => {
    const scenario = validateScenario({ protocol: "tmesh-seed", seed: 4, params: { nodes: 5, dim: 3, steps: 400 } });
    const { summary, steps } = simulate(scenario);
    expect(summary.outcome).toBe("consensus");
    const first = steps[0]!.observables;
    const last = steps.at(-1)!.observables;
    expect(last.entropyVariance!).toBeLessThan(1e-12);
    expect(last.entropyMean!).toBeGreaterThan(first.entropyMean!);
  });

  it("renormalisation changes nothing beyond rounding", () => {
    const base = { protocol: "tmesh-seed", seed: 2, params: { nodes: 6, dim: 4, steps: 50 } };
    const plain = simulate(validateScenario(base)).summary;
    const renorm = simulate(validateScenario({ ...base, params: { ...base.params, renormalize: true } })).summary;
    expect(Math.abs((plain.finalCoherence as number) - (renorm.finalCoherence as number))).toBeLessThan(1e-13);
  });

  it("is deterministic", () => {
    const scenario = validateScenario({ protocol: "tmesh-seed", seed: 77, params: { nodes: 30, dim: 4, steps: 200 } });
    expect(JSON.stringify(simulate(scenario))).toBe(JSON.stringify(simulate(scenario)));
  });
});
