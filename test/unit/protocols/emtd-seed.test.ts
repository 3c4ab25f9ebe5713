import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { type Csr, csrFromAdjacency } from "../../../src/topology/csr.js";
import { wattsStrogatz } from "../../../src/topology/generators.js";
import { type EmtdSeedConfig, EmtdSeedState, type UniformSource } from "../../../src/protocols/emtd-seed/run.js";
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

/**
 * The seed's `update_state` / `run_epoch` written out plainly (as the port was before its hot
 * loop was tuned): both energies in full, with the phase term and the sqrt, a draw whenever
 * ΔE > 0, adopters counted by a full pass. The tuned state must agree with it exactly.
 */
class PlainEmtd {
  readonly scalar: Float64Array;
  readonly phase: Float64Array;
  readonly temperature: Float64Array;
  readonly history: number[][] = [];
  injectAccepted = false;
  sweeps = 0;
  converged = false;
  updates = 0;
  constructor(
    readonly graph: Csr,
    readonly config: EmtdSeedConfig,
    readonly uniform: UniformSource,
  ) {
    this.scalar = new Float64Array(graph.n);
    this.phase = new Float64Array(graph.n).fill(1.0);
    this.temperature = new Float64Array(graph.n).fill(config.temperature);
  }
  energy(i: number, value: number): number {
    let h = 0.0;
    for (let e = this.graph.offsets[i]!; e < this.graph.offsets[i + 1]!; e++) {
      const j = this.graph.targets[e]!;
      const d0 = value - this.scalar[j]!;
      const d1 = this.phase[i]! - this.phase[j]!;
      const diff = Math.sqrt(d0 * d0 + d1 * d1);
      h += 0.5 * (diff * diff);
    }
    return h;
  }
  update(i: number, proposed: number): boolean {
    this.updates++;
    const deltaE = this.energy(i, proposed) - this.energy(i, this.scalar[i]!);
    if (deltaE > 0 && this.uniform.nextFloat() > Math.exp(-deltaE / this.temperature[i]!)) return false;
    this.scalar[i] = proposed;
    return true;
  }
  run(): void {
    this.injectAccepted = this.update(0, this.config.input);
    while (!this.converged && this.sweeps < this.config.maxSweeps) {
      const during = this.temperature[0]!;
      let total = 0;
      let flips = 0;
      for (let i = 0; i < this.graph.n; i++) {
        const before = this.scalar[i]!;
        this.update(i, this.scalar[0]!);
        const d = this.scalar[i]! - before;
        total += Math.sqrt(d * d + 0 * 0);
        if (d !== 0) flips++;
        this.temperature[i] = this.temperature[i]! * this.config.decay;
      }
      if (total < 1e-4) this.converged = true;
      this.sweeps++;
      let adopters = 0;
      for (const x of this.scalar) if (x === this.config.input) adopters++;
      this.history.push([during, flips, adopters, total]);
    }
  }
}

/** A uniform stream that counts its draws. */
function countingUniform(seed: number): UniformSource & { count: number } {
  const rng = new Xoshiro128(seed);
  return {
    count: 0,
    nextFloat() {
      this.count++;
      return rng.nextFloat();
    },
  };
}

describe("emtd-seed hot-loop shortcuts are exact", () => {
  it("property: sqrt(d0² + 0²)² is bit-identical to d0² for every double (the sqrt the energy loop skips)", () => {
    fc.assert(
      fc.property(fc.double(), (d0) => {
        const d1 = 1.0 - 1.0; // the seed's phase difference: constant phases
        const diff = Math.sqrt(d0 * d0 + d1 * d1);
        expect(Object.is(0.5 * (diff * diff), 0.5 * (d0 * d0))).toBe(true);
      }),
      { numRuns: 200_000 },
    );
  });

  it("property: also for the squares that land in the subnormal range, near overflow, and at the extremes", () => {
    const edges = [5e-324, 1e-162, 2 ** -537, 2 ** -511.5, 2 ** -511, 1.3407807929942596e154, 2 ** 512, Number.MAX_VALUE, Infinity];
    for (const x of edges) for (const v of [x, -x, x * (1 + 2 ** -52)]) expect(Object.is(Math.sqrt(v * v) * Math.sqrt(v * v), v * v)).toBe(true);
    fc.assert(
      fc.property(fc.double({ min: 2 ** -560, max: 2 ** -500, noNaN: true }), (d0) => {
        const diff = Math.sqrt(d0 * d0 + 0 * 0);
        expect(Object.is(diff * diff, d0 * d0)).toBe(true);
      }),
      { numRuns: 100_000 },
    );
  });

  const inputs = [3.14159, 10, -2.5, 0, -0, 1e-200, 2 ** -520, 1e154, 1e200, Number.MAX_VALUE];
  it.each(inputs.map((input, k) => [input, k] as const))("input %d: the tuned sweep replays the plain one on random graphs (every sweep, every draw)", (input, k) => {
    for (let trial = 0; trial < 12; trial++) {
      const topo = new Xoshiro128(1000 * k + trial);
      const n = 2 + topo.nextInt(300);
      const graph = wattsStrogatz(n, 2 * topo.nextInt(Math.min(4, Math.floor((n - 1) / 2)) + 1), topo.nextFloat(), topo);
      const config = { input, decay: [0.1, 0.5, 0.95, 1][trial % 4]!, temperature: [1e-3, 1, 100, 1e9][(trial >> 2) % 4]!, maxSweeps: 1 + (trial % 7) * 30 };
      const plainDraws = countingUniform(trial);
      const plain = new PlainEmtd(graph, config, plainDraws);
      plain.run();
      const tunedDraws = countingUniform(trial);
      const tuned = new EmtdSeedState(graph, config, tunedDraws);
      tuned.inject();
      while (tuned.sweep());
      expect(tuned.injectAccepted).toBe(plain.injectAccepted);
      expect(tuned.history.map((h) => [h.temperatureDuring, h.flips, h.adoptersAfter, h.stateChangeSum])).toEqual(plain.history);
      expect(Array.from(tuned.scalar).map((x) => Object.is(x, -0))).toEqual(Array.from(plain.scalar).map((x) => Object.is(x, -0)));
      expect(Array.from(tuned.scalar)).toEqual(Array.from(plain.scalar));
      expect(Array.from(tuned.temperature)).toEqual(Array.from(plain.temperature));
      expect(tuned.updates).toBe(plain.updates);
      expect(tunedDraws.count).toBe(plainDraws.count);
      expect(tuned.adopters()).toBe(plain.history.at(-1)![2]);
    }
  });
});
