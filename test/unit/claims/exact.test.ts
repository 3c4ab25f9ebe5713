/**
 * The exact-enumeration claim (EMTD Lemma 1) in its quick form, checked number by number:
 * the textbook symmetric Metropolis chain has detailed balance and Boltzmann stationarity to
 * rounding error; EMTD's own proposal rule (copy a neighbour's candidate) has one-way moves
 * and absorbing consensus states; the kernel is the chain a sampler runs.
 */
import { describe, expect, it } from "vitest";
import { anneal, chainSpec, circulant, empiricalCheck, fixedTemperature, twoCliques } from "../../../bench/claims/exact.js";
import { boltzmann, decodeState, detailedBalanceGap, metropolisKernel, stationarityResidual, totalVariation } from "../../../src/physics/metropolis-exact.js";
import { pottsEnergy } from "../../../src/physics/potts.js";
import { EmtdState, emtdParams } from "../../../src/protocols/emtd/index.js";

describe("EMTD Lemma 1 by exact enumeration (quick mode)", () => {
  it("symmetric Metropolis: detailed balance to 1e-12, Boltzmann stationary, irreducible, converges to Boltzmann", () => {
    for (const T of [0.5, 1, 2]) {
      const r = fixedTemperature(8, T, "uniform", 3000);
      expect(r.states).toBe(256);
      // Every π(x)P(x,y) is at most 1, and the products are computed from the same doubles:
      // the gap is rounding error, far below 1e-12.
      expect(r.balanceAbs).toBeLessThan(1e-12);
      expect(r.oneWayMoves).toBe(0);
      expect(r.residual).toBeLessThan(1e-12);
      expect(r.irreducible).toBe(true);
      expect(r.absorbing).toBe(0);
      // 3000 single-site steps on 256 states: the exact distribution is within 1e-9 of Boltzmann.
      expect(r.tvAfter).toBeLessThan(1e-9);
      expect(Math.abs(r.consensusMass - r.consensusMassBoltzmann)).toBeLessThan(1e-9);
    }
  });

  it("EMTD's proposal: one-way moves, the two consensus states absorbing, the limit is not Boltzmann", () => {
    const r = fixedTemperature(8, 1, "emtd", 3000);
    expect(r.absorbing).toBe(2);
    expect(r.oneWayMoves).toBeGreaterThan(0);
    expect(r.irreducible).toBe(false);
    expect(r.balanceAbs).toBeGreaterThan(1e-4);
    expect(r.residual).toBeGreaterThan(1e-3);
    // Absorbed into consensus (mass → 1), while Boltzmann at T = 1 keeps ~19% on split states.
    expect(r.consensusMass).toBeGreaterThan(0.99);
    expect(r.consensusMassBoltzmann).toBeLessThan(0.9);
    expect(r.tvAfter).toBeGreaterThan(0.1);
  });

  it("the kernel is the chain a sampler runs: TV of 5000 sampled chains within 3 × the noise bound ½√(B/chains)", () => {
    for (const rule of ["uniform", "emtd"] as const) {
      const e = empiricalCheck(8, 1, rule, 200, 5000, 3);
      expect(e.bound).toBeCloseTo(0.5 * Math.sqrt(9 / 5000), 12);
      expect(e.tv).toBeLessThan(3 * e.bound);
    }
  });

  it("the chain's ΔH is EMTD's own energy difference (EmtdState.energyTerms, λ = μ = 0)", () => {
    const g = circulant(8);
    const spec = chainSpec(g, "emtd");
    const state = new EmtdState({ nodes: 8, instances: 1, candidates: 2 }, emtdParams.parse({}));
    const spins = new Int32Array(8);
    for (const x of [0, 5, 77, 128, 200, 255]) {
      decodeState(x, 8, 2, spins);
      for (let i = 0; i < 8; i++) state.spin[i] = spins[i]!;
      for (let i = 0; i < 8; i++) {
        const nb = Array.from(g.targets.subarray(g.offsets[i]!, g.offsets[i + 1]!));
        const answers = Float64Array.from(nb.map((j) => spins[j]!));
        const from = Int32Array.from(nb);
        const other = 1 - spins[i]!;
        const dH = state.energyTerms(i, 0, other, answers, from, nb.length).total - state.energyTerms(i, 0, spins[i]!, answers, from, nb.length).total;
        expect(spec.deltaH(spins, i, other)).toBe(dH);
      }
    }
  });

  it("a chain with an asymmetric proposal is caught by the checks (they can fail)", () => {
    const g = twoCliques(6, 1);
    const k = metropolisKernel(chainSpec(g, "emtd"), 1);
    const pi = boltzmann(6, 2, (s) => pottsEnergy(g, s), 1);
    expect(detailedBalanceGap(k, pi).absolute).toBeGreaterThan(1e-6);
    expect(stationarityResidual(k, pi)).toBeGreaterThan(1e-6);
    expect(totalVariation([1, 0], [0, 1])).toBe(1);
  });

  it("annealing from the two-clique trap: the seed's geometric schedule freezes EMTD's chain in the trap", () => {
    const r = anneal("emtd", "geometric", 0.9, 80);
    expect(r.ground + r.trap).toBeLessThanOrEqual(1 + 1e-12);
    expect(r.trap).toBeGreaterThan(0.9);
  });
});
