/**
 * Sampling a run down to what a report can draw: at most `maxNodes` nodes and `maxEdges`
 * edges among them, chosen deterministically from a seeded stream so a trace is a pure
 * function of (scenario, seed, options).
 */
import type { Rng } from "../../core/prng.js";
import type { Csr } from "../../topology/csr.js";

/**
 * Up to `max` node ids, ascending. On a graph: breadth-first from node 0, so the sample is a
 * connected patch whose edges survive (a uniform sample of a sparse graph keeps almost
 * none); when a component runs out, BFS restarts at a random unvisited node. Without a
 * graph: node 0 and a uniform sample of the others.
 */
export function sampleNodes(n: number, max: number, rng: Rng, graph: Csr | null): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const picked = new Uint8Array(n);
  const out = new Int32Array(max);
  let count = 0;
  if (graph) {
    const queue = new Int32Array(max);
    let next = 0;
    let start = 0;
    while (count < max) {
      while (picked[start] === 1) start = rng.nextInt(n);
      picked[start] = 1;
      queue[count] = start;
      out[count++] = start;
      while (next < count && count < max) {
        const u = queue[next++]!;
        for (let e = graph.offsets[u]!, end = graph.offsets[u + 1]!; e < end && count < max; e++) {
          const v = graph.targets[e]!;
          if (picked[v] === 1) continue;
          picked[v] = 1;
          queue[count] = v;
          out[count++] = v;
        }
      }
    }
  } else {
    // Partial Fisher–Yates over 1..n−1, node 0 always first.
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    out[count++] = 0;
    for (let i = 1; count < max; i++) {
      const j = i + rng.nextInt(n - i);
      const t = ids[i]!;
      ids[i] = ids[j]!;
      ids[j] = t;
      out[count++] = ids[i]!;
    }
  }
  return out.sort();
}

/** Edges among sampled nodes, as flat pairs of positions in the sample. */
export interface SampledEdges {
  /** `[i0, j0, i1, j1, …]`, positions into the node sample, i < j, in the graph's order */
  readonly pairs: Int32Array;
  /** edges among the sampled nodes before thinning to `maxEdges` */
  readonly total: number;
}

/**
 * The edges of `edges` (CSR, or flat node-id pairs) with both ends in `nodeIds`, each once,
 * thinned to `maxEdges` by a seeded reservoir sample that keeps the original order.
 */
export function sampleEdges(edges: Csr | Int32Array, n: number, nodeIds: Int32Array, maxEdges: number, rng: Rng): SampledEdges {
  const position = new Int32Array(n).fill(-1);
  for (let i = 0; i < nodeIds.length; i++) position[nodeIds[i]!] = i;
  const found: number[] = [];
  const take = (u: number, v: number) => {
    const i = position[u]!;
    const j = position[v]!;
    if (i < 0 || j < 0 || i === j) return;
    found.push(Math.min(i, j), Math.max(i, j));
  };
  if (edges instanceof Int32Array) {
    for (let k = 0; k + 1 < edges.length; k += 2) take(edges[k]!, edges[k + 1]!);
  } else {
    for (let i = 0; i < nodeIds.length; i++) {
      const u = nodeIds[i]!;
      for (let e = edges.offsets[u]!, end = edges.offsets[u + 1]!; e < end; e++) {
        const v = edges.targets[e]!;
        if (u < v) take(u, v);
      }
    }
  }
  const total = found.length / 2;
  if (total <= maxEdges) return { pairs: Int32Array.from(found), total };
  // Algorithm R over edge indices, then restore the order.
  const keep = Int32Array.from({ length: maxEdges }, (_, i) => i);
  for (let k = maxEdges; k < total; k++) {
    const r = rng.nextInt(k + 1);
    if (r < maxEdges) keep[r] = k;
  }
  keep.sort();
  const pairs = new Int32Array(2 * maxEdges);
  for (let k = 0; k < maxEdges; k++) {
    pairs[2 * k] = found[2 * keep[k]!]!;
    pairs[2 * k + 1] = found[2 * keep[k]! + 1]!;
  }
  return { pairs, total };
}
