/**
 * Topologies read from graph files (a scenario's `topology: { kind: file, path }`): the
 * graph as CSR with its node ids mapped to 0..n−1, the edges' own latency and loss for the
 * event driver, and what had to be dropped or refused on the way.
 *
 * Pure: the caller (the CLI's scenario loader) reads the file and passes its text in.
 */
import { ParseError } from "../core/errors.js";
import type { Csr } from "./csr.js";
import { type Graph, type GraphFormat, csrFromGraph, graphFormatOf, parseEdgeList, parseGexf, parseGraphml } from "./io.js";
import type { FileTopologySpec } from "./spec.js";

/** Edge attribute names read as the link's one-way latency in ticks. */
export const LATENCY_ATTRIBUTES = ["latency"] as const;
/** Edge attribute names read as the link's loss probability, first found wins. */
export const LOSS_ATTRIBUTES = ["packet_loss", "loss"] as const;

/** A graph file parsed and numbered. */
export interface LoadedGraph {
  readonly csr: Csr;
  /** `keys[i]` is the file's id of node i */
  readonly keys: readonly string[];
  /** the inverse of `keys` */
  readonly index: ReadonlyMap<string, number>;
  /** whether the file's ids were exactly 0..n−1 (then node i is the file's node "i") */
  readonly identity: boolean;
  readonly format: GraphFormat;
  /** undirected edges kept */
  readonly edges: number;
  readonly selfLoops: number;
  /** repeated pairs (parallel edges, both directions of a directed pair) left out; the first one's attributes count */
  readonly duplicates: number;
  /** connected components (1 for a connected graph) and the size of the largest */
  readonly components: number;
  readonly largestComponent: number;
  /** per CSR entry (aligned with `csr.targets`): latency in ticks, 0 where the edge has none; null when no edge has one */
  readonly latency: Int32Array | null;
  /** per CSR entry: loss probability, NaN where the edge has none; null when no edge has one */
  readonly loss: Float64Array | null;
}

/** Parse a graph file's text in the given format (default: by the file name's extension). */
export function parseGraphText(text: string, fileName: string, format?: GraphFormat): Graph {
  switch (format ?? graphFormatOf(fileName)) {
    case "graphml":
      return parseGraphml(text, fileName);
    case "gexf":
      return parseGexf(text, fileName);
    case "edgelist":
      return parseEdgeList(text, fileName);
  }
}

function numberAttribute(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/**
 * Parse and number a graph file. Self-loops and repeated pairs are dropped (counted);
 * `latency` must be a positive integer number of ticks and `packet_loss`/`loss` a number in
 * [0, 1) where an edge has them, else a ParseError names the edge.
 */
export function loadGraphFile(text: string, fileName: string, format?: GraphFormat): LoadedGraph {
  const fmt = format ?? graphFormatOf(fileName);
  const graph = parseGraphText(text, fileName, fmt);
  if (graph.order === 0) throw new ParseError(fileName, "the graph has no nodes");
  const { csr, keys, index, dropped } = csrFromGraph(graph, "auto");
  const n = csr.n;
  const identity = keys.every((k, i) => k === String(i));

  // Attributes by undirected pair; the first edge of a pair in file order wins, as in csrFromGraph.
  const latencyOf = new Map<number, number>();
  const lossOf = new Map<number, number>();
  graph.forEachEdge((edge, attrs, source, target) => {
    const u = index.get(source)!;
    const v = index.get(target)!;
    if (u === v) return;
    const id = Math.min(u, v) * n + Math.max(u, v);
    const where = `edge ${JSON.stringify(source)}–${JSON.stringify(target)}${edge.startsWith("geid_") ? "" : ` (${edge})`}`;
    const lat = LATENCY_ATTRIBUTES.map((a) => attrs[a] as unknown).find((v) => v !== undefined);
    if (lat !== undefined && !latencyOf.has(id)) {
      const t = numberAttribute(lat);
      if (t === undefined || !Number.isInteger(t) || t < 1 || t > 1e9) {
        throw new ParseError(fileName, `${where}: latency must be a whole number of ticks in [1, 10^9]; got ${JSON.stringify(lat)}`);
      }
      latencyOf.set(id, t);
    }
    const los = LOSS_ATTRIBUTES.map((a) => attrs[a] as unknown).find((v) => v !== undefined);
    if (los !== undefined && !lossOf.has(id)) {
      const p = numberAttribute(los);
      if (p === undefined || !(p >= 0 && p < 1)) throw new ParseError(fileName, `${where}: loss must be a probability in [0, 1); got ${JSON.stringify(los)}`);
      lossOf.set(id, p);
    }
  });
  const { offsets, targets } = csr;
  let latency: Int32Array | null = null;
  let loss: Float64Array | null = null;
  if (latencyOf.size > 0 || lossOf.size > 0) {
    if (latencyOf.size > 0) latency = new Int32Array(targets.length);
    if (lossOf.size > 0) loss = new Float64Array(targets.length).fill(Number.NaN);
    for (let u = 0; u < n; u++) {
      for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
        const v = targets[e]!;
        const id = Math.min(u, v) * n + Math.max(u, v);
        if (latency) latency[e] = latencyOf.get(id) ?? 0;
        if (loss) loss[e] = lossOf.get(id) ?? Number.NaN;
      }
    }
  }
  const { components, largest } = componentsOf(csr);
  return {
    csr,
    keys,
    index,
    identity,
    format: fmt,
    edges: targets.length / 2,
    selfLoops: dropped.selfLoops,
    duplicates: dropped.duplicates,
    components,
    largestComponent: largest,
    latency,
    loss,
  };
}

/** Number of connected components and the size of the largest (iterative BFS). */
export function componentsOf(csr: Csr): { components: number; largest: number } {
  const { n, offsets, targets } = csr;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let components = 0;
  let largest = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s] === 1) continue;
    components++;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    seen[s] = 1;
    while (head < tail) {
      const u = queue[head++]!;
      for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
        const v = targets[e]!;
        if (seen[v] === 0) {
          seen[v] = 1;
          queue[tail++] = v;
        }
      }
    }
    largest = Math.max(largest, tail);
  }
  return { components, largest };
}

/**
 * Check a loaded graph against its spec: a disconnected graph is refused unless
 * `allowDisconnected`. Returns the notes a user should see (self-loops or repeated edges
 * dropped, a disconnected graph allowed); throws a one-line Error otherwise.
 */
export function checkLoadedGraph(loaded: LoadedGraph, spec: FileTopologySpec): string[] {
  const notes: string[] = [];
  if (loaded.selfLoops > 0) notes.push(`${spec.path}: ${loaded.selfLoops} self-loop${loaded.selfLoops === 1 ? "" : "s"} dropped (a node does not poll itself)`);
  if (loaded.duplicates > 0) notes.push(`${spec.path}: ${loaded.duplicates} repeated edge${loaded.duplicates === 1 ? "" : "s"} dropped (parallel edges or both directions of a pair; the first one's attributes count)`);
  if (loaded.components > 1) {
    const what = `${loaded.components} connected components (the largest has ${loaded.largestComponent} of ${loaded.csr.n} nodes)`;
    if (!spec.allowDisconnected) throw new Error(`the graph is disconnected: ${what}; set topology.allowDisconnected: true to run it anyway`);
    notes.push(`${spec.path}: the graph is disconnected, ${what}; running it as allowed`);
  }
  return notes;
}

/** What a run reports about its file topology (the summary's `topologyFile`). */
export function loadedGraphReport(loaded: LoadedGraph): Record<string, unknown> {
  return {
    format: loaded.format,
    nodes: loaded.csr.n,
    edges: loaded.edges,
    selfLoopsDropped: loaded.selfLoops,
    duplicatesDropped: loaded.duplicates,
    components: loaded.components,
    edgeLatency: loaded.latency !== null,
    edgeLoss: loaded.loss !== null,
    /** file ids by node number; omitted when they are exactly 0..n−1 */
    ...(loaded.identity ? {} : { nodeIds: loaded.keys }),
  };
}

// A validated `kind: file` spec carries its loaded graph beside it, out of the spec's own
// fields, so summaries and JSON of the spec stay plain and the graph is parsed once.
const attached = new WeakMap<object, LoadedGraph>();

/** Attach a loaded graph to its (validated) spec object. */
export function attachLoadedGraph(spec: FileTopologySpec, loaded: LoadedGraph): void {
  attached.set(spec, loaded);
}

/** The graph attached to a spec, if any. */
export function loadedGraphOf(spec: object): LoadedGraph | undefined {
  return attached.get(spec);
}

/**
 * Per-link overrides of the event driver's latency and loss, from a loaded graph: look up
 * the CSR entry of (from, to) and read its attributes. Messages between nodes that are not
 * linked (global sampling) get the network's defaults.
 */
export interface LinkAttributes {
  /** latency of the link from→to in ticks, 0 when it has none (or there is no such link) */
  latency(from: number, to: number): number;
  /** loss probability of the link, NaN when it has none */
  loss(from: number, to: number): number;
}

/** Link attribute lookup for a loaded graph with latency or loss, else null. */
export function linkAttributes(loaded: LoadedGraph): LinkAttributes | null {
  const { latency, loss } = loaded;
  if (latency === null && loss === null) return null;
  const { n, offsets, targets } = loaded.csr;
  const entry = new Map<number, number>();
  for (let u = 0; u < n; u++) for (let e = offsets[u]!; e < offsets[u + 1]!; e++) entry.set(u * n + targets[e]!, e);
  return {
    latency: (from, to) => {
      if (latency === null) return 0;
      const e = entry.get(from * n + to);
      return e === undefined ? 0 : latency[e]!;
    },
    loss: (from, to) => {
      if (loss === null) return Number.NaN;
      const e = entry.get(from * n + to);
      return e === undefined ? Number.NaN : loss[e]!;
    },
  };
}
