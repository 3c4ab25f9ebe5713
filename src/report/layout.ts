/**
 * Node positions for the report's graph, computed once at report time so the page only
 * draws: ForceAtlas2 (graphology, Barnes–Hut above 1000 nodes) from a seeded random start,
 * with an iteration budget: measured ~1 µs per node-or-edge per iteration on an idle
 * 2-core machine, so 10^4 nodes and 5·10^4 edges get 33 iterations, ~2 s. Deterministic:
 * same graph and seed, same positions.
 */
import { createRequire } from "node:module";
import type { GraphConstructor } from "graphology-types";
import type { ForceAtlas2Settings } from "graphology-layout-forceatlas2";
import { createRng } from "../core/prng.js";

// Both packages are CommonJS whose typings declare an ES default export; requiring them
// gives the real objects under tsx and compiled alike.
const require = createRequire(import.meta.url);
const Graph = (require("graphology") as { Graph: GraphConstructor }).Graph;
const forceAtlas2 = require("graphology-layout-forceatlas2") as {
  (graph: unknown, params: { iterations: number; settings: ForceAtlas2Settings }): Record<string, { x: number; y: number }>;
  inferSettings(graph: unknown): ForceAtlas2Settings;
};

export interface Layout {
  /** x and y per node, centred, scaled into [-1, 1] with the aspect ratio kept */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** how the positions were made, for the report's notes */
  readonly method: string;
}

/** Node-or-edge × iterations we spend at most (≈ 2 s on an idle 2-core machine). */
const WORK_BUDGET = 2_000_000;
const MAX_ITERATIONS = 500;
const MIN_ITERATIONS = 15;

/**
 * Lay out `n` nodes joined by `edges` (flat pairs of node positions). `workBudget` caps
 * node-or-edge × iterations (default ≈ 2 s; the live dashboard asks for less).
 */
export function layoutGraph(n: number, edges: Int32Array, seed: number, workBudget = WORK_BUDGET): Layout {
  const rng = createRng(seed, "report-layout");
  const graph = new Graph({ type: "undirected", multi: false, allowSelfLoops: false });
  for (let i = 0; i < n; i++) graph.addNode(i, { x: rng.nextFloat() * 100, y: rng.nextFloat() * 100 });
  for (let k = 0; k + 1 < edges.length; k += 2) graph.mergeEdge(edges[k]!, edges[k + 1]!);
  const iterations = Math.max(MIN_ITERATIONS, Math.min(MAX_ITERATIONS, Math.floor(workBudget / Math.max(1, n + graph.size))));
  const settings = { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: n > 1000 };
  const positions = forceAtlas2(graph, { iterations, settings });
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = positions[String(i)]!;
    x[i] = p.x;
    y[i] = p.y;
  }
  normalize(x, y);
  return { x, y, method: `ForceAtlas2, ${iterations} iterations${settings.barnesHutOptimize ? " (Barnes–Hut)" : ""}` };
}

/** Centre on the bounding box and scale the longer side to [-1, 1]. */
function normalize(x: Float64Array, y: Float64Array): void {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]!);
    maxX = Math.max(maxX, x[i]!);
    minY = Math.min(minY, y[i]!);
    maxY = Math.max(maxY, y[i]!);
  }
  const half = Math.max(maxX - minX, maxY - minY, 1e-12) / 2;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  for (let i = 0; i < x.length; i++) {
    x[i] = (x[i]! - cx) / half;
    y[i] = (y[i]! - cy) / half;
  }
}
