/**
 * `tmesh-seed`: the T-M.E.S.H. seed's QuantumGraphNode demo as a protocol definition.
 * One step is one pair interaction.
 */
import { z } from "zod";
import type { Rng } from "../../core/prng.js";
import { randomNormal } from "../../core/prng.js";
import { NumpyRandomState } from "../../core/numpy-random.js";
import type { ProtocolDefinition, ProtocolRun } from "../protocol.js";
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

/** Mean and population variance (numpy's `np.var`, ddof = 0), as the demo prints. */
function meanAndPopulationVariance(xs: Float64Array): [number, number] {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i]! - mean) ** 2;
  return [mean, sq / xs.length];
}
