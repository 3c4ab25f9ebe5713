/**
 * Topologies: generators (all draw from an injected Rng), temporal hypergraphs, the CSR form
 * hot loops read, and import/export through graphology.
 */
import type { Rng } from "../core/prng.js";
import type { Csr } from "./csr.js";
import { loadedGraphOf } from "./file.js";
import { barabasiAlbert, complete, erdosRenyi, ring, wattsStrogatz } from "./generators.js";
import { randomGeometric } from "./geometric.js";
import type { TopologySpecInput } from "./spec.js";

export * from "./csr.js";
export * from "./generators.js";
export * from "./geometric.js";
export * from "./hypergraph.js";
export * from "./spec.js";
export * from "./io.js";
export * from "./file.js";
export * from "./hyperedge-file.js";

/**
 * Build the graph a spec describes. The spec should come through `topologySpecSchema`
 * (scenario files do); the generators re-check their parameters and throw RangeError
 * anyway, so a hand-written spec cannot produce a malformed graph. Deterministic topologies
 * (ring, complete, file) draw nothing from `rng`.
 */
export function buildTopology(spec: TopologySpecInput, rng: Rng): Csr {
  switch (spec.kind) {
    case "watts-strogatz":
      return wattsStrogatz(spec.n, spec.k, spec.p, rng);
    case "erdos-renyi":
      return erdosRenyi(spec.n, spec.p, rng);
    case "barabasi-albert":
      return barabasiAlbert(spec.n, spec.m, rng);
    case "random-geometric":
      return randomGeometric(spec.n, spec.radius, rng, spec.dim ?? 2);
    case "ring":
      return ring(spec.n);
    case "complete":
      return complete(spec.n);
    case "file": {
      // The scenario loader read and parsed the file (validateScenario); nothing is read here.
      const loaded = loadedGraphOf(spec);
      if (!loaded) throw new Error(`topology file ${spec.path} was not loaded: validate the scenario with its files (validateScenario) before running it`);
      return loaded.csr;
    }
    default: {
      const unknown: never = spec;
      throw new RangeError(`buildTopology: unknown topology kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}
