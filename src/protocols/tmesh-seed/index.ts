/**
 * `tmesh-seed`: the T-M.E.S.H. seed's QuantumGraphNode demo as a protocol definition.
 * One step is one pair interaction.
 */
import { z } from "zod";
import type { Rng } from "../../core/prng.js";
import { randomNormal } from "../../core/prng.js";
import { NumpyRandomState } from "../../core/numpy-random.js";
import type { ProtocolDefinition, ProtocolRun, RunInspector } from "../protocol.js";
import type { CMatrix } from "../../physics/complex.js";
import { TmeshSeedState, type TmeshSeedDraws } from "./run.js";

export { COHERENCE_REFRESH, TmeshSeedState, type TmeshSeedConfig, type TmeshSeedDraws } from "./run.js";

/** Spread below which all nodes hold the same state: the demo's "consensus" claim, tested. */
export const CONSENSUS_SPREAD = 1e-6;

export const tmeshSeedParams = z
  .object({
    nodes: z.number().int().min(2).max(100_000).default(5).describe("number of nodes"),
    dim: z.number().int().min(2).max(64).default(2).describe("Hilbert space dimension d"),
    steps: z.number().int().min(1).max(100_000_000).default(15).describe("pair interactions"),
    renormalize: z.boolean().default(false).describe("apply validate_trace after every interaction"),
  })
  .strict();

export type TmeshSeedParams = z.infer<typeof tmeshSeedParams>;

/**
 * The demo's draws from a generator: numpy's own routines when the generator is numpy's
 * legacy RandomState (so runs match the seed's code bit for bit), portable ones otherwise.
 */
export function seedDraws(rng: Rng): TmeshSeedDraws {
  // One tuple reused for every pair (the state reads it at once), so a step allocates nothing.
  const pair: [number, number] = [0, 0];
  if (rng instanceof NumpyRandomState) {
    // `choice(n, 2, replace=False)` is `permutation(n)[:2]`: shuffle a reused arange(n) with
    // the same draws instead of allocating a permutation per step.
    let scratch = new Int32Array(0);
    return {
      normal: () => rng.randn(),
      distinctPair: (n) => {
        if (scratch.length !== n) scratch = new Int32Array(n);
        for (let i = 0; i < n; i++) scratch[i] = i;
        rng.shuffle(scratch);
        pair[0] = scratch[0]!;
        pair[1] = scratch[1]!;
        return pair;
      },
    };
  }
  return {
    normal: () => randomNormal(rng),
    distinctPair: (n) => {
      const a = rng.nextInt(n);
      pair[0] = a;
      pair[1] = (a + 1 + rng.nextInt(n - 1)) % n;
      return pair;
    },
  };
}

export const tmeshSeed: ProtocolDefinition<TmeshSeedParams> = {
  name: "tmesh-seed",
  description: "the T-M.E.S.H. seed's QuantumGraphNode demo, exactly (convex mixing of random pairs, coherence)",
  params: tmeshSeedParams,
  outcomes: ["consensus", "not_converged"],
  observables: ["coherence", "entropyMean", "entropyVariance", "purityMean", "spread"],
  create(params, env): ProtocolRun {
    const draws = seedDraws(env.rng("protocol"));
    const initial = TmeshSeedState.randomInitialStates(params.nodes, params.dim, draws);
    const state = new TmeshSeedState(initial, params, draws);
    const observe = () => {
      const [entropyMean, entropyVariance] = meanAndPopulationVariance(state.entropy);
      return {
        coherence: state.coherence(),
        entropyMean,
        entropyVariance,
        purityMean: meanAndPopulationVariance(state.purity)[0],
        spread: state.spread(),
      };
    };
    return {
      get steps() {
        return state.steps;
      },
      get updates() {
        return state.updates;
      },
      nodes: params.nodes,
      maxSteps: params.steps,
      step: () => state.step(),
      observe,
      inspect: () => tmeshSeedInspector(state),
      result() {
        const o = observe();
        return {
          outcome: o.spread <= CONSENSUS_SPREAD ? "consensus" : "not_converged",
          fields: { finalCoherence: o.coherence, finalEntropyMean: o.entropyMean, finalSpread: o.spread },
        };
      },
    };
  },
};

/** Distinct pairs a trace draws at most (the seed's pairs are random, so all of them may meet). */
const TRACE_PAIR_LIMIT = 1_000_000;

/**
 * Per-node state of a tmesh-seed run for traces: colour = the basis state a node's ρ
 * weighs most (argmax of the diagonal), final = the node holds the network mean ρ̄ within
 * CONSENSUS_SPREAD (the demo has no finality; this is its "consensus" claim, node by node).
 * Edges are the pairs that have met. The mean is recomputed once per step, on first use.
 */
function tmeshSeedInspector(state: TmeshSeedState): RunInspector {
  const d = state.dim;
  const meanRe = new Float64Array(d * d);
  const meanIm = new Float64Array(d * d);
  let meanAt = -1;
  const refreshMean = () => {
    if (meanAt === state.steps) return;
    meanRe.fill(0);
    meanIm.fill(0);
    for (const rho of state.rho) {
      for (let k = 0; k < d * d; k++) {
        meanRe[k] = meanRe[k]! + rho.re[k]!;
        meanIm[k] = meanIm[k]! + rho.im[k]!;
      }
    }
    for (let k = 0; k < d * d; k++) {
      meanRe[k] = meanRe[k]! / state.nodes;
      meanIm[k] = meanIm[k]! / state.nodes;
    }
    meanAt = state.steps;
  };
  return {
    classes: Array.from({ length: d }, (_, c) => `mostly |${c}⟩`),
    fixedEdges: false,
    edges: () => state.distinctPairs(TRACE_PAIR_LIMIT),
    classOf(node) {
      const rho = state.rho[node]!;
      let best = 0;
      for (let c = 1; c < d; c++) if (rho.re[c * d + c]! > rho.re[best * d + best]!) best = c;
      return best;
    },
    isFinal(node) {
      refreshMean();
      const rho = state.rho[node]!;
      for (let k = 0; k < d * d; k++) if (Math.hypot(rho.re[k]! - meanRe[k]!, rho.im[k]! - meanIm[k]!) > CONSENSUS_SPREAD) return false;
      return true;
    },
    density(node): CMatrix {
      const rho = state.rho[node]!;
      return { n: d, re: rho.re.slice(), im: rho.im.slice() };
    },
  };
}

/** Mean and population variance (numpy's `np.var`, ddof = 0), as the demo prints. */
function meanAndPopulationVariance(xs: Float64Array): [number, number] {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i]! - mean) ** 2;
  return [mean, sq / xs.length];
}
