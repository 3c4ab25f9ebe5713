/**
 * How nodes first see the conflicting candidates. A share `seen` of nodes sees one candidate
 * per instance before the first round: candidate 0 with probability `bias`, otherwise one
 * of the others uniformly. The rest know nothing until a poll tells them.
 */
import type { Rng } from "../../core/prng.js";
import type { Workload } from "./setting.js";

/** Initial candidate per (node, instance), −1 where the node has seen nothing. */
export function drawFirstSight(nodes: number, workload: Workload, rng: Rng): Int32Array {
  const { instances, candidates, bias, seen } = workload;
  const first = new Int32Array(nodes * instances).fill(-1);
  for (let node = 0; node < nodes; node++) {
    for (let k = 0; k < instances; k++) {
      if (seen < 1 && rng.nextFloat() >= seen) continue;
      first[node * instances + k] = rng.nextFloat() < bias ? 0 : 1 + rng.nextInt(candidates - 1);
    }
  }
  return first;
}
