import { describe, expect, it } from "vitest";
import { csrFromAdjacency } from "../../../src/topology/csr.js";
import { EmtdSeedState } from "../../../src/protocols/emtd-seed/run.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { ReplayStream, emtdFixtures } from "../../helpers/fixtures.js";

const fixtures = emtdFixtures();

describe("emtd-seed replays the seed's Python with injected graph and draws", () => {
  it.each(fixtures.map((f) => [`N=${f.N} seed=${f.seed} decay=${f.decay}`, f] as const))("%s", (_label, f) => {
    const draws = new ReplayStream(f.uniform_draws);
    const state = new EmtdSeedState(csrFromAdjacency(f.adjacency), { input: f.input_signal, decay: f.decay, temperature: 100, maxSweeps: 1000 }, draws);
    state.inject();
    while (state.sweep());
    expect(state.injectAccepted).toBe(f.inject_accepted);
    expect(state.sweeps).toBe(f.steps);
    expect(state.converged).toBe(f.converged);
    expect([state.scalar[0], state.phase[0]]).toEqual(f.final_state_node0);
    expect(Array.from(state.scalar)).toEqual(f.final_state0_per_node);
    expect(state.temperature[0]).toBe(f.final_temperature);
    expect(state.history.map((h) => [h.temperatureDuring, h.flips, h.adoptersAfter, h.stateChangeSum])).toEqual(
      f.sweeps.map((s) => [s.T_during, s.flips, s.adopters_after, s.state_change_sum]),
    );
    expect(draws.consumed).toBe(f.uniform_draws.length);
  });
});

describe("emtd-seed from a seed alone, with the python generator family", () => {
  it.each(fixtures.map((f) => [`N=${f.N} seed=${f.seed}`, f] as const))("%s matches the fixture", (_label, f) => {
    const scenario = validateScenario({
      protocol: "emtd-seed",
      rng: "python",
      seed: f.seed,
      params: { nodes: f.N, decay: f.decay, input: f.input_signal },
    });
    const { summary, steps } = simulate(scenario);
    expect(summary.steps).toBe(f.steps);
    expect(summary.injectAccepted).toBe(f.inject_accepted);
    expect(summary.updates).toBe(1 + f.N * f.steps);
    const expected = f.final_state0_per_node.every((x) => x === f.input_signal)
      ? "full_agreement"
      : !f.inject_accepted
        ? "injection_rejected"
        : "split";
    expect(summary.outcome).toBe(expected);
    expect(steps.slice(1).map((s) => s.observables.flips)).toEqual(f.sweeps.map((s) => s.flips));
    expect(steps.at(-1)!.observables.adoptedShare).toBe(f.sweeps.at(-1)!.adopters_after / f.N);
  });
});

describe("emtd-seed semantics", () => {
  it("a path graph: the input floods in one sweep at high temperature when every move is downhill or level", () => {
    // Path 0-1-2: node 1 sees neighbours 0 (=input) and 2 (=0): ΔE = 0, accepted with no draw.
    const g = csrFromAdjacency([[1], [0, 2], [1]]);
    const state = new EmtdSeedState(g, { input: 2, decay: 0.5, temperature: 1e9, maxSweeps: 10 }, { nextFloat: () => 0 });
    state.inject();
    expect(state.injectAccepted).toBe(true);
    while (state.sweep());
    expect(Array.from(state.scalar)).toEqual([2, 2, 2]);
    expect(state.outcome()).toBe("full_agreement");
  });

  it("rejects an uphill move when the draw exceeds exp(-ΔE/T)", () => {
    const g = csrFromAdjacency([[1], [0]]);
    const state = new EmtdSeedState(g, { input: 10, decay: 0.95, temperature: 1, maxSweeps: 5 }, { nextFloat: () => 0.5 });
    state.inject(); // ΔE = 0.5·100 = 50, exp(-50) ≈ 2e-22 < 0.5 → rejected
    expect(state.injectAccepted).toBe(false);
    while (state.sweep());
    expect(state.outcome()).toBe("injection_rejected");
    expect(state.sweeps).toBe(1);
  });

  it("is deterministic: the same scenario twice gives identical summaries and steps", () => {
    const scenario = validateScenario({ protocol: "emtd-seed", seed: 123, params: { nodes: 300, decay: 0.5, input: 10 } });
    const a = simulate(scenario);
    const b = simulate(scenario);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
