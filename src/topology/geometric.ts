/**
 * The random geometric graph: n points uniform in the unit square or cube, joined within a
 * radius — a swarm with a radio range — returned with the positions it was built from (the
 * dashboard draws them). Its draws follow networkx's `random_geometric_graph`, as the other
 * generators (generators.ts) follow theirs.
 */
import type { Rng } from "../core/prng.js";
import type { Csr } from "./csr.js";
import { checkInt, EdgeBuffer } from "./generator-parts.js";
import { MAX_NODES } from "./generators.js";

/** A random geometric graph: a {@link Csr} plus the node positions it was built from. */
export interface GeometricGraph extends Csr {
  /** 2 or 3 */
  readonly dim: 2 | 3;
  /** node i's coordinates at `positions[i·dim .. i·dim + dim)`, each in [0, 1) */
  readonly positions: Float64Array;
}

/**
 * Random geometric graph in the unit square (dim 2) or cube (dim 3): n points uniform in
 * [0,1)^dim, joined when their Euclidean distance is at most `radius` — a swarm with a radio
 * range. Points are drawn node by node, coordinate by coordinate (`nextFloat()` each), as
 * networkx's `random_geometric_graph` draws them, and rows are in ascending order, which is
 * networkx's order too; with a PythonRandom the result is networkx's graph.
 *
 * Neighbour search buckets points into a grid of cells no smaller than the radius, so only
 * adjacent cells are compared: expected O(n + edges). For mean degree ≈ d in 2-D use
 * radius ≈ √(d / (π n)); in 3-D, ∛(3d / (4π n)) (boundary effects make it slightly less).
 */
export function randomGeometric(n: number, radius: number, rng: Rng, dim: 2 | 3 = 2): GeometricGraph {
  checkInt("randomGeometric", "n", n, 0, MAX_NODES);
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError(`randomGeometric: radius must be a finite number ≥ 0, got ${radius}`);
  if (dim !== 2 && dim !== 3) throw new RangeError(`randomGeometric: dim must be 2 or 3, got ${String(dim)}`);
  const positions = new Float64Array(n * dim);
  for (let i = 0; i < n * dim; i++) positions[i] = rng.nextFloat();

  // Cells of side 1/g ≥ radius; g is also capped so the grid has at most ~n cells.
  const maxG = Math.max(1, Math.floor(dim === 2 ? Math.sqrt(n) : Math.cbrt(n)));
  const g = radius > 0 ? Math.max(1, Math.min(maxG, Math.floor(1 / radius))) : maxG;
  const cells = dim === 2 ? g * g : g * g * g;
  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(cells + 1);
  for (let i = 0; i < n; i++) {
    const b = i * dim;
    const cx = Math.min(g - 1, Math.floor(positions[b]! * g));
    const cy = Math.min(g - 1, Math.floor(positions[b + 1]! * g));
    const c = dim === 2 ? cx + g * cy : cx + g * (cy + g * Math.min(g - 1, Math.floor(positions[b + 2]! * g)));
    cellOf[i] = c;
    cellStart[c + 1]!++;
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
  const fill = cellStart.slice(0, cells);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[cellOf[i]!]!++] = i;

  // Coordinates copied into cell order, so the scan below reads memory sequentially; by
  // node id the neighbours' coordinates would be scattered and every read a cache miss.
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pz = dim === 3 ? new Float64Array(n) : px;
  for (let s = 0; s < n; s++) {
    const b = members[s]! * dim;
    px[s] = positions[b]!;
    py[s] = positions[b + 1]!;
    if (dim === 3) pz[s] = positions[b + 2]!;
  }

  const r2 = radius * radius;
  const expected = dim === 2 ? (Math.PI * r2 * n * n) / 2 : ((4 / 3) * Math.PI * r2 * radius * n * n) / 2;
  const buf = new EdgeBuffer(expected * 1.05 + 16);
  const zRange = dim === 3 ? 1 : 0;
  for (let c = 0; c < cells; c++) {
    const cx = c % g;
    const cy = Math.floor(c / g) % g;
    const cz = dim === 3 ? Math.floor(c / (g * g)) : 0;
    for (let su = cellStart[c]!; su < cellStart[c + 1]!; su++) {
      const u = members[su]!;
      const x = px[su]!;
      const y = py[su]!;
      const z = pz[su]!;
      for (let dz = -zRange; dz <= zRange; dz++) {
        const zz = cz + dz;
        if (zz < 0 || zz >= g) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = cy + dy;
          if (yy < 0 || yy >= g) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = cx + dx;
            if (xx < 0 || xx >= g) continue;
            const cell = xx + g * (yy + g * zz);
            for (let sv = cellStart[cell]!; sv < cellStart[cell + 1]!; sv++) {
              const v = members[sv]!;
              if (v <= u) continue;
              const ddx = px[sv]! - x;
              const ddy = py[sv]! - y;
              let d2 = ddx * ddx + ddy * ddy;
              if (dim === 3) {
                const ddz = pz[sv]! - z;
                d2 += ddz * ddz;
              }
              if (d2 <= r2) buf.push(u, v);
            }
          }
        }
      }
    }
  }
  // Pairs came out in cell order; sorting each row gives ascending neighbours, networkx's order
  // (it adds the sorted pair list, so every row ends up ascending).
  const csr = buf.toCsr(n);
  const { offsets, targets } = csr;
  for (let i = 0; i < n; i++) {
    const lo = offsets[i]!;
    const hi = offsets[i + 1]!;
    for (let a = lo + 1; a < hi; a++) {
      const t = targets[a]!;
      let b = a - 1;
      while (b >= lo && targets[b]! > t) {
        targets[b + 1] = targets[b]!;
        b--;
      }
      targets[b + 1] = t;
    }
  }
  return { ...csr, dim, positions };
}
