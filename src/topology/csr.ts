/**
 * Compressed sparse row adjacency: the form every hot loop reads. Neighbours of node i
 * are `targets[offsets[i] .. offsets[i+1])`, in the generator's insertion order (for
 * Watts–Strogatz that is networkx's adjacency order, which the seed port relies on).
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

/** Degree of node i. */
export function degree(g: Csr, i: number): number {
  return g.offsets[i + 1]! - g.offsets[i]!;
}

/** Neighbour ids of node i as a fresh array (for tests and cold paths; hot loops index CSR directly). */
export function neighbors(g: Csr, i: number): number[] {
  return Array.from(g.targets.subarray(g.offsets[i]!, g.offsets[i + 1]!));
}

/** Build CSR from per-node neighbour lists, preserving each list's order. */
export function csrFromAdjacency(adjacency: readonly (readonly number[])[]): Csr {
  const n = adjacency.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + adjacency[i]!.length;
  const targets = new Int32Array(offsets[n]!);
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
