/**
 * The conversions between a graphology Graph and the CSR the simulators read: node
 * numbering either way, and the edges a simple undirected CSR cannot hold counted.
 */
import type { Attributes } from "graphology-types";
import { type Csr, csrFromPairsUnchecked, toUndirectedEdges } from "./csr.js";
import { type Graph, GraphClass } from "./graphology.js";

/** Options for {@link graphFromCsr}. */
export interface GraphFromCsrOptions {
  /** node keys by index (default: "0", "1", …) */
  readonly keys?: readonly string[];
  /** node coordinates, `dim` numbers per node, stored as attributes x, y (, z) */
  readonly positions?: Float64Array;
  /** coordinates per node in `positions` (default 2) */
  readonly dim?: 2 | 3;
}

/**
 * An undirected graphology Graph with the CSR's nodes and edges. Nodes are added in index
 * order; edges in {@link toUndirectedEdges} order with keys "e0", "e1", … — explicit keys,
 * because graphology's generated keys start from a random number and would make exported
 * files differ from run to run.
 */
export function graphFromCsr(csr: Csr, options: GraphFromCsrOptions = {}): Graph {
  const { keys, positions } = options;
  const dim = options.dim ?? 2;
  if (keys && keys.length !== csr.n) throw new RangeError(`graphFromCsr: keys has length ${keys.length}, expected n = ${csr.n}`);
  if (positions && positions.length !== csr.n * dim) throw new RangeError(`graphFromCsr: positions has length ${positions.length}, expected n·dim = ${csr.n * dim}`);
  const graph = new GraphClass({ type: "undirected", multi: false, allowSelfLoops: false });
  const key = (i: number) => (keys ? keys[i]! : String(i));
  for (let i = 0; i < csr.n; i++) {
    if (positions) {
      const attrs: Attributes = { x: positions[i * dim]!, y: positions[i * dim + 1]! };
      if (dim === 3) attrs.z = positions[i * dim + 2]!;
      graph.addNode(key(i), attrs);
    } else {
      graph.addNode(key(i));
    }
  }
  const pairs = toUndirectedEdges(csr);
  for (let e = 0; e < pairs.length; e += 2) graph.addEdgeWithKey(`e${e / 2}`, key(pairs[e]!), key(pairs[e + 1]!));
  return graph;
}

/** How {@link csrFromGraph} numbers the nodes. */
export type NodeOrder = "auto" | "insertion" | "numeric";

/** Result of {@link csrFromGraph}. */
export interface CsrFromGraphResult {
  readonly csr: Csr;
  /** `keys[i]` is the graph key of node i */
  readonly keys: readonly string[];
  /** the inverse of `keys` */
  readonly index: ReadonlyMap<string, number>;
  /** edges left out: self-loops, and repeats of a pair (parallel, or both directions of a directed pair) */
  readonly dropped: { readonly selfLoops: number; readonly duplicates: number };
}

/**
 * A canonical decimal key ("0", "17", never "017"): the keys "numeric" numbering accepts.
 * The edge-list writer tests for them too, so that a file it writes reads back numbered alike.
 */
export const CANONICAL_INT = /^(0|[1-9][0-9]*)$/;

/**
 * CSR of a graphology graph, with the node numbering returned. The numbering, by `order`:
 * - "numeric": the keys must be exactly "0", "1", …, "n−1" (canonical decimals); node
 *   "i" becomes i. Throws RangeError otherwise.
 * - "insertion": graphology's node order, i.e. the order nodes appear in the file.
 * - "auto" (default): "numeric" when the keys allow it, else "insertion". A file written
 *   from a CSR thus reads back with the same numbering however its lines are ordered.
 *
 * Every edge counts as undirected. Rows fill in graphology's edge order (file order), as
 * {@link csrFromEdges} does; self-loops and repeated pairs are skipped and counted in
 * `dropped`, since CSR topologies are simple graphs.
 */
export function csrFromGraph(graph: Graph, order: NodeOrder = "auto"): CsrFromGraphResult {
  const nodes = graph.nodes();
  const n = nodes.length;
  let numeric = order === "numeric";
  if (order === "auto" || order === "numeric") {
    const ok = nodes.every((k) => CANONICAL_INT.test(k) && Number(k) < n);
    if (order === "numeric" && !ok) throw new RangeError(`csrFromGraph: numeric order needs the keys to be exactly 0..${n - 1}`);
    numeric = ok;
  }
  const keys = numeric ? Array.from({ length: n }, (_, i) => String(i)) : nodes;
  const index = new Map<string, number>();
  keys.forEach((k, i) => index.set(k, i));

  const seen = new Set<number>();
  let pairs = new Int32Array(Math.max(16, 2 * graph.size));
  let count = 0;
  let selfLoops = 0;
  let duplicates = 0;
  graph.forEachEdge((_edge, _attrs, source, target) => {
    const u = index.get(source)!;
    const v = index.get(target)!;
    if (u === v) {
      selfLoops++;
      return;
    }
    const lo = Math.min(u, v);
    const hi = Math.max(u, v);
    const id = lo * n + hi;
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    if (2 * count + 2 > pairs.length) {
      const next = new Int32Array(pairs.length * 2);
      next.set(pairs);
      pairs = next;
    }
    pairs[2 * count] = u;
    pairs[2 * count + 1] = v;
    count++;
  });
  return { csr: csrFromPairsUnchecked(n, pairs, count), keys, index, dropped: { selfLoops, duplicates } };
}
