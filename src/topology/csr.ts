/**
 * Compressed sparse row adjacency: the form every hot loop reads. Neighbours of node i
 * are `targets[offsets[i] .. offsets[i+1])`, in the generator's insertion order (for
 * Watts–Strogatz that is networkx's adjacency order, which the seed port relies on).
 *
 * Every topology in entropic is a simple undirected graph: each edge {u, v} appears as the
 * entry v in u's row and u in v's row, with no self-loops and no repeated entries.
 * {@link validateCsr} checks exactly that.
 */
export interface Csr {
  /** number of nodes */
  readonly n: number;
  /** length n + 1; offsets[n] is the number of directed entries (2 × undirected edges) */
  readonly offsets: Int32Array;
  /** neighbour ids */
  readonly targets: Int32Array;
  /** optional per-entry weights aligned with `targets` (e.g. coupling J_ij) */
  readonly weights?: Float64Array;
}

/** The largest number of directed entries a CSR can hold (offsets are Int32). */
export const MAX_CSR_ENTRIES = 0x7fffffff;

/** Undirected edges as a list of pairs, or flat `[u0, v0, u1, v1, …]` in an Int32Array. */
export type EdgeList = readonly (readonly [number, number])[] | Int32Array;

/** Degree of node i. */
export function degree(g: Csr, i: number): number {
  return g.offsets[i + 1]! - g.offsets[i]!;
}

/** Neighbour ids of node i as a fresh array (for tests and cold paths; hot loops index CSR directly). */
export function neighbors(g: Csr, i: number): number[] {
  return Array.from(g.targets.subarray(g.offsets[i]!, g.offsets[i + 1]!));
}

/** Number of undirected edges. */
export function edgeCount(g: Csr): number {
  return g.offsets[g.n]! / 2;
}

function isCsr(x: unknown): x is Csr {
  return typeof x === "object" && x !== null && "offsets" in x && (x as Csr).offsets instanceof Int32Array;
}

/**
 * Build CSR from per-node neighbour lists, preserving each list's order. A value that is
 * already a {@link Csr} (what every generator returns) passes through unchanged, so code
 * written against adjacency lists keeps working with generator output.
 */
export function csrFromAdjacency(adjacency: readonly (readonly number[])[] | Csr): Csr {
  if (isCsr(adjacency)) return adjacency;
  const n = adjacency.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += adjacency[i]!.length;
    if (total > MAX_CSR_ENTRIES) throw new RangeError(`adjacency has more than ${MAX_CSR_ENTRIES} entries`);
    offsets[i + 1] = total;
  }
  const targets = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const list = adjacency[i]!;
    const base = offsets[i]!;
    for (let k = 0; k < list.length; k++) {
      const t = list[k]!;
      if (!Number.isInteger(t) || t < 0 || t >= n) throw new RangeError(`node ${i}: neighbour ${t} out of range [0, ${n})`);
      targets[base + k] = t;
    }
  }
  return { n, offsets, targets };
}

/**
 * CSR from flat edge pairs without validation: the builder behind the generators, which
 * produce simple graphs by construction. Rows fill in edge order — edge (u, v) appends v to
 * u's row and u to v's row — which is the neighbour order networkx gets from the same
 * sequence of `add_edge` calls.
 * @internal
 */
export function csrFromPairsUnchecked(n: number, pairs: Int32Array, edgeTotal: number): Csr {
  if (2 * edgeTotal > MAX_CSR_ENTRIES) throw new RangeError(`graph has ${edgeTotal} edges; a CSR holds at most ${MAX_CSR_ENTRIES / 2}`);
  const offsets = new Int32Array(n + 1);
  const m2 = 2 * edgeTotal;
  for (let e = 0; e < m2; e++) offsets[pairs[e]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(m2);
  for (let e = 0; e < m2; e += 2) {
    const u = pairs[e]!;
    const v = pairs[e + 1]!;
    targets[fill[u]!++] = v;
    targets[fill[v]!++] = u;
  }
  return { n, offsets, targets };
}

/**
 * Build CSR from undirected edges on nodes 0..n−1. Rows fill in edge order (see the note on
 * neighbour order in {@link Csr}). Throws RangeError for a node id out of range, a
 * self-loop or an edge listed twice (in either orientation).
 */
export function csrFromEdges(n: number, edges: EdgeList): Csr {
  if (!Number.isInteger(n) || n < 0 || n > MAX_CSR_ENTRIES) throw new RangeError(`csrFromEdges: n must be a non-negative int32, got ${n}`);
  let pairs: Int32Array;
  if (edges instanceof Int32Array) {
    if (edges.length % 2 !== 0) throw new RangeError(`csrFromEdges: a flat edge array needs an even length, got ${edges.length}`);
    pairs = edges;
  } else {
    pairs = new Int32Array(edges.length * 2);
    for (let e = 0; e < edges.length; e++) {
      const [u, v] = edges[e]!;
      if (!Number.isInteger(u) || !Number.isInteger(v)) throw new RangeError(`csrFromEdges: edge ${e} (${u}, ${v}) has a non-integer endpoint`);
      pairs[2 * e] = u;
      pairs[2 * e + 1] = v;
      // Int32Array coerces silently; recheck so a huge id is reported rather than wrapped.
      if (pairs[2 * e] !== u || pairs[2 * e + 1] !== v) throw new RangeError(`csrFromEdges: edge ${e} (${u}, ${v}) out of range [0, ${n})`);
    }
  }
  const m = pairs.length / 2;
  for (let e = 0; e < m; e++) {
    const u = pairs[2 * e]!;
    const v = pairs[2 * e + 1]!;
    if (u < 0 || u >= n || v < 0 || v >= n) throw new RangeError(`csrFromEdges: edge ${e} (${u}, ${v}) out of range [0, ${n})`);
    if (u === v) throw new RangeError(`csrFromEdges: edge ${e} is a self-loop at node ${u}`);
  }
  const g = csrFromPairsUnchecked(n, pairs, m);
  const dup = findDuplicate(g);
  if (dup) throw new RangeError(`csrFromEdges: edge (${dup[0]}, ${dup[1]}) is listed more than once`);
  return g;
}

/** First repeated entry (i, j) in any row, or undefined. O(n + entries). */
function findDuplicate(g: Csr): [number, number] | undefined {
  const stamp = new Int32Array(g.n).fill(-1);
  for (let i = 0; i < g.n; i++) {
    for (let e = g.offsets[i]!; e < g.offsets[i + 1]!; e++) {
      const j = g.targets[e]!;
      if (stamp[j] === i) return [i, j];
      stamp[j] = i;
    }
  }
  return undefined;
}

/**
 * Each undirected edge once, as flat pairs `[u0, v0, u1, v1, …]` with u < v, ordered by u
 * and then by v's position in u's row. Feeding the result to {@link csrFromEdges} gives the
 * same edge set; row order then follows this edge order.
 */
export function toUndirectedEdges(g: Csr): Int32Array {
  const out = new Int32Array(g.offsets[g.n]!);
  let k = 0;
  for (let u = 0; u < g.n; u++) {
    for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
      const v = g.targets[e]!;
      if (u < v) {
        out[k++] = u;
        out[k++] = v;
      }
    }
  }
  return k === out.length ? out : out.slice(0, k);
}

/**
 * Check that `g` is a well-formed simple undirected graph: offsets start at 0, never
 * decrease and end at `targets.length`; every target is a node; no self-loops; no repeated
 * entries; every entry j in row i is matched by i in row j; weights, if present, align with
 * targets. Throws RangeError naming the first violation. O(n + entries).
 */
export function validateCsr(g: Csr): void {
  const { n, offsets, targets } = g;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`csr: n must be a non-negative integer, got ${n}`);
  if (offsets.length !== n + 1) throw new RangeError(`csr: offsets has length ${offsets.length}, expected n + 1 = ${n + 1}`);
  if (offsets[0] !== 0) throw new RangeError(`csr: offsets[0] is ${offsets[0]}, expected 0`);
  for (let i = 0; i < n; i++) {
    if (offsets[i + 1]! < offsets[i]!) throw new RangeError(`csr: offsets decrease at node ${i}`);
  }
  if (offsets[n] !== targets.length) throw new RangeError(`csr: offsets[n] = ${offsets[n]} but targets has length ${targets.length}`);
  if (g.weights && g.weights.length !== targets.length) throw new RangeError(`csr: weights has length ${g.weights.length}, expected ${targets.length}`);
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = targets[e]!;
      if (j < 0 || j >= n) throw new RangeError(`csr: node ${i} has neighbour ${j} out of range [0, ${n})`);
      if (j === i) throw new RangeError(`csr: self-loop at node ${i}`);
    }
  }
  const dup = findDuplicate(g);
  if (dup) throw new RangeError(`csr: node ${dup[0]} lists neighbour ${dup[1]} more than once`);
  // Symmetry: the transpose must have the same rows as sets. Rows are duplicate-free, so equal
  // degrees plus "every transposed entry is in the row" suffice.
  const tOffsets = new Int32Array(n + 1);
  for (let e = 0; e < targets.length; e++) tOffsets[targets[e]! + 1]!++;
  for (let i = 0; i < n; i++) tOffsets[i + 1]! += tOffsets[i]!;
  for (let i = 0; i < n; i++) {
    if (tOffsets[i + 1]! - tOffsets[i]! !== offsets[i + 1]! - offsets[i]!) {
      throw new RangeError(`csr: not symmetric: node ${i} has ${offsets[i + 1]! - offsets[i]!} neighbours but appears in ${tOffsets[i + 1]! - tOffsets[i]!} rows`);
    }
  }
  const fill = tOffsets.slice(0, n);
  const tTargets = new Int32Array(targets.length);
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) tTargets[fill[targets[e]!]!++] = i;
  }
  const stamp = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    for (let e = offsets[j]!; e < offsets[j + 1]!; e++) stamp[targets[e]!] = j;
    for (let e = tOffsets[j]!; e < tOffsets[j + 1]!; e++) {
      const i = tTargets[e]!;
      if (stamp[i] !== j) throw new RangeError(`csr: not symmetric: node ${i} lists ${j} but ${j} does not list ${i}`);
    }
  }
}
