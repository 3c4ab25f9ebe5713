/**
 * `emtd-seed`: the EMTD seed's demo (EntropicLedger.run_epoch) as a protocol definition.
 * One step is one sweep over all nodes; the injection at node 0 happens at creation.
 */
import { z } from "zod";
import type { ProtocolDefinition, ProtocolRun } from "../protocol.js";
import { wattsStrogatz } from "../../topology/generators.js";
import { csrFromAdjacency } from "../../topology/csr.js";
import { EmtdSeedState } from "./run.js";

export { EmtdSeedState, type EmtdSeedConfig, type EmtdSeedSweep, type UniformSource, CONVERGENCE_THRESHOLD } from "./run.js";

export const emtdSeedParams = z
  .object({
    nodes: z.number().int().min(2).max(50_000_000).default(50).describe("number of nodes"),
    k: z.number().int().min(0).default(4).describe("Watts–Strogatz ring neighbours (k/2 each side)"),
    p: z.number().min(0).max(1).default(0.1).describe("Watts–Strogatz rewiring probability"),
    input: z.number().finite().default(3.14159).describe("the scalar injected at node 0"),
    decay: z.number().gt(0).max(1).default(0.95).describe("per-visit temperature factor"),
    temperature: z.number().gt(0).finite().default(100).describe("initial temperature of every node"),
    maxSweeps: z.number().int().min(1).max(10_000_000).default(1000).describe("sweep cap"),
  })
  .strict()
  .refine((p) => p.k < p.nodes, { message: "k must be smaller than nodes", path: ["k"] });

export type EmtdSeedParams = z.infer<typeof emtdSeedParams>;

/** Colour classes of a traced emtd-seed run: what a node's scalar holds. */
export const EMTD_SEED_CLASSES = ["initial state (0)", "input adopted", "other value"] as const;

export const emtdSeed: ProtocolDefinition<EmtdSeedParams> = {
  name: "emtd-seed",
  description: "the EMTD seed's EntropicLedger demo, exactly (scalar state, per-visit cooling, 1000-sweep cap)",
  params: emtdSeedParams,
  outcomes: ["full_agreement", "injection_rejected", "split"],
  observables: ["energy", "meanTemperature", "adoptedShare", "flips", "stateChange"],
  create(params, env): ProtocolRun {
    const adjacency = wattsStrogatz(params.nodes, params.k, params.p, env.rng("topology"));
    const state = new EmtdSeedState(csrFromAdjacency(adjacency), params, env.rng("protocol"));
    state.inject();
    return {
      get steps() {
        return state.sweeps;
      },
      get updates() {
        return state.updates;
      },
      nodes: params.nodes,
      maxSteps: params.maxSweeps,
      step: () => state.sweep(),
      observe() {
        const last = state.history[state.history.length - 1];
        return {
          energy: state.totalEnergy(),
          meanTemperature: state.meanTemperature(),
          adoptedShare: state.adopters() / params.nodes,
          flips: last?.flips ?? 0,
          stateChange: last?.stateChangeSum ?? 0,
        };
      },
      inspect: () => ({
        classes: EMTD_SEED_CLASSES,
        fixedEdges: true,
        edges: () => state.graph,
        classOf: (node) => {
          const v = state.scalar[node]!;
          return v === params.input ? 1 : v === 0 ? 0 : 2;
        },
        // The seed has no per-node finality: its network "crystallises" as a whole when a
        // sweep changes (almost) nothing, so every node counts as final once it has converged.
        isFinal: () => state.converged,
      }),
      result() {
        return {
          outcome: state.outcome(),
          fields: {
            injectAccepted: state.injectAccepted,
            converged: state.converged,
            // node 0's state tensor [scalar, phase], as numbers (the seed prints it as a 2-vector)
            finalStateNode0: [state.scalar[0]!, state.phase[0]!],
            adopters: state.adopters(),
          },
        };
      },
    };
  },
};
