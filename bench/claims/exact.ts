/**
 * EMTD Lemma 1 by exact enumeration: the single-site Metropolis chain on a small graph
 * (q = 2 candidates, n ≤ 12 nodes, every one of the 2^n configurations), at a fixed
 * temperature and under the cooling schedules.
 *
 * Two proposal rules, both with Metropolis acceptance min(1, exp(−ΔH/T)) and EMTD's default
 * energy (λ = μ = 0: H is the Potts energy, ΔH the change of the node's local Potts energy):
 * - `uniform`: the node proposes the other candidate (a symmetric proposal, the textbook
 *   Metropolis chain the seed's proof assumes);
 * - `emtd`: the node proposes the candidate of a uniformly drawn neighbour, as EMTD's poll
 *   does (src/protocols/emtd: "the candidate of a uniformly sampled answering neighbour").
 *   This proposal is not symmetric, and no node can propose a candidate none of its
 *   neighbours holds, so the consensus states are absorbing.
 */
import {
  absorbingStates,
  boltzmann,
  type ChainSpec,
  decodeState,
  detailedBalanceGap,
  encodeState,
  evolveAnnealed,
  irreducible,
  metropolisKernel,
  stationarityResidual,
  stepDistribution,
  totalVariation,
} from "../../src/physics/metropolis-exact.js";
import { localPottsEnergy, pottsEnergy } from "../../src/physics/potts.js";
import { type Csr, csrFromEdges } from "../../src/topology/csr.js";

export type ProposalRule = "uniform" | "emtd";

/** A circulant graph: ring plus chords to i+2 (degree 4), connected, not bipartite. */
export function circulant(n: number): Csr {
  const edges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    edges.push([i, (i + 1) % n]);
    edges.push([i, (i + 2) % n]);
  }
  return csrFromEdges(n, edges);
}

/** Two cliques of n/2 nodes joined by `bridges` edges (i ↔ n/2 + i): a real energy barrier. */
export function twoCliques(n: number, bridges: number): Csr {
  const h = n / 2;
  const edges: [number, number][] = [];
  for (const base of [0, h]) for (let i = 0; i < h; i++) for (let j = i + 1; j < h; j++) edges.push([base + i, base + j]);
  for (let b = 0; b < bridges; b++) edges.push([b, h + b]);
  return csrFromEdges(n, edges);
}

export function chainSpec(g: Csr, rule: ProposalRule, q = 2): ChainSpec {
  return {
    n: g.n,
    q,
    deltaH: (spins, i, s) => localPottsEnergy(g, spins, i, s) - localPottsEnergy(g, spins, i, spins[i]!),
    proposal: (spins, i, out) => {
      if (rule === "uniform") {
        for (let s = 0; s < q; s++) out[s] = s === spins[i] ? 0 : 1 / (q - 1);
        return;
      }
      const deg = g.offsets[i + 1]! - g.offsets[i]!;
      for (let e = g.offsets[i]!; e < g.offsets[i + 1]!; e++) out[spins[g.targets[e]!]!] += 1 / deg;
    },
  };
}

export interface FixedTResult {
  readonly n: number;
  readonly T: number;
  readonly rule: ProposalRule;
  readonly states: number;
  /** max |π(x)P(x,y) − π(y)P(y,x)| with π Boltzmann */
  readonly balanceAbs: number;
  readonly balanceRel: number;
  /** moves x→y whose reverse is impossible */
  readonly oneWayMoves: number;
  /** ‖πP − π‖₁ for π Boltzmann */
  readonly residual: number;
  readonly irreducible: boolean;
  readonly absorbing: number;
  /** TV(δ_x0 P^t, Boltzmann) after `steps` steps from a split start, and the steps */
  readonly tvAfter: number;
  readonly steps: number;
  /** mass on the q consensus states after `steps`, and under Boltzmann */
  readonly consensusMass: number;
  readonly consensusMassBoltzmann: number;
}

/** The fixed-temperature checks of Lemma 1 on a circulant graph of n nodes. */
export function fixedTemperature(n: number, T: number, rule: ProposalRule, steps: number): FixedTResult {
  const g = circulant(n);
  const spec = chainSpec(g, rule);
  const k = metropolisKernel(spec, T);
  const pi = boltzmann(n, 2, (s) => pottsEnergy(g, s), T);
  const db = detailedBalanceGap(k, pi);
  // Start: the first half of the nodes hold 0, the rest 1 (a split).
  const start = new Float64Array(k.states);
  start[encodeState(Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1)), 2)] = 1;
  let d = start;
  let tmp = new Float64Array(k.states);
  for (let t = 0; t < steps; t++) {
    stepDistribution(k, d, tmp);
    [d, tmp] = [tmp, d];
  }
  const all0 = 0;
  const all1 = k.states - 1;
  return {
    n,
    T,
    rule,
    states: k.states,
    balanceAbs: db.absolute,
    balanceRel: db.relative,
    oneWayMoves: db.oneWay,
    residual: stationarityResidual(k, pi),
    irreducible: irreducible(k),
    absorbing: absorbingStates(k).length,
    tvAfter: totalVariation(d, pi),
    steps,
    consensusMass: d[all0]! + d[all1]!,
    consensusMassBoltzmann: pi[all0]! + pi[all1]!,
  };
}

/**
 * An empirical check that the kernel is the chain a simulation runs: `chains` independent
 * single-site chains (our own sampler of the same rule, seeded xorshift) for `steps` steps
 * from the split start; the histogram of "nodes holding candidate 0" against the exact
 * distribution's. Returns the TV distance between the two histograms and the bound
 * ½·√(B/chains) (B bins) on its expectation under pure sampling noise (Cauchy–Schwarz on
 * Σ√(p(1−p)/chains)).
 */
export function empiricalCheck(n: number, T: number, rule: ProposalRule, steps: number, chains: number, seed: number): { tv: number; bound: number } {
  const g = circulant(n);
  const spec = chainSpec(g, rule);
  const k = metropolisKernel(spec, T);
  const start = new Float64Array(k.states);
  const x0 = encodeState(Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1)), 2);
  start[x0] = 1;
  let d = start;
  let tmp = new Float64Array(k.states);
  for (let t = 0; t < steps; t++) {
    stepDistribution(k, d, tmp);
    [d, tmp] = [tmp, d];
  }
  const exact = new Float64Array(n + 1);
  const spins = new Int32Array(n);
  for (let x = 0; x < k.states; x++) {
    decodeState(x, n, 2, spins);
    let zeros = 0;
    for (let i = 0; i < n; i++) if (spins[i] === 0) zeros++;
    exact[zeros] += d[x]!;
  }
  let state = (seed * 2654435761) >>> 0 || 1;
  const rand = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const hist = new Float64Array(n + 1);
  const prop = new Float64Array(2);
  for (let c = 0; c < chains; c++) {
    decodeState(x0, n, 2, spins);
    for (let t = 0; t < steps; t++) {
      const i = Math.floor(rand() * n);
      prop.fill(0);
      spec.proposal(spins, i, prop);
      const u = rand();
      const s = u < prop[0]! ? 0 : 1;
      if (s === spins[i]) continue;
      const dH = spec.deltaH(spins, i, s);
      if (dH <= 0 || rand() < Math.exp(-dH / T)) spins[i] = s;
    }
    let zeros = 0;
    for (let i = 0; i < n; i++) if (spins[i] === 0) zeros++;
    hist[zeros] += 1 / chains;
  }
  return { tv: totalVariation(hist, exact), bound: 0.5 * Math.sqrt((n + 1) / chains) };
}

export interface AnnealResult {
  readonly rule: ProposalRule;
  readonly schedule: string;
  readonly rounds: number;
  /** probability of a ground state (consensus) after `rounds` rounds */
  readonly ground: number;
  /** probability of the two-domain trap (each clique unanimous, cliques disagreeing) */
  readonly trap: number;
}

/**
 * The time-inhomogeneous chain on two 6-cliques joined by one edge, started in the trap
 * (clique A holds 0, clique B holds 1), n single-site steps per round at T(round).
 */
export function anneal(rule: ProposalRule, schedule: "geometric" | "logarithmic", param: number, rounds: number, T0 = 2): AnnealResult {
  const n = 12;
  const g = twoCliques(n, 1);
  const spec = chainSpec(g, rule);
  const S = 2 ** n;
  const start = new Float64Array(S);
  const trapState = encodeState(Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1)), 2);
  const trapState2 = encodeState(Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 0)), 2);
  start[trapState] = 1;
  // Below T = 0.02 every uphill move of ΔH ≥ 1 has probability < e^-50: treat as frozen at 0.02.
  const temp = schedule === "geometric" ? (r: number) => Math.max(0.02, T0 * param ** r) : (r: number) => param / Math.log(r + 2);
  // Quantise temperatures so the kernel cache hits (relative step 1e-3).
  const quant = (T: number) => Number(T.toPrecision(schedule === "geometric" ? 3 : 2));
  const d = evolveAnnealed(spec, start, rounds, (r) => quant(temp(r)), 4);
  return {
    rule,
    schedule: schedule === "geometric" ? `geometric T0=${T0}, α=${param}` : `logarithmic c=${param}`,
    rounds,
    ground: d[0]! + d[S - 1]!,
    trap: d[trapState]! + d[trapState2]!,
  };
}
