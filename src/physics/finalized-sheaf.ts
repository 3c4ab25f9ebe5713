/**
 * The sheaf T-M.E.S.H. checks (DESIGN.md §2; the construction is explained in sheaf.ts's
 * module comment): nodes' finalized sections as one-hot stalks over the candidates, built
 * as a general {@link HypergraphSheaf} for the tests and tools, and the closed form of one
 * overlap's ‖δx‖² that the protocol's hot path uses instead of building it. The general
 * sheaf machinery (δ, Laplacian, cohomology) is sheaf.ts.
 */
import { checkConstruction, type CoverConstruction, type HypergraphSheaf, type SheafEdge } from "./sheaf.js";

/** A node's finalized section: instance → candidate. */
export type FinalizedSection = ReadonlyMap<number, number>;

/** The finalized-section sheaf of a cover, with the section the nodes hold. */
export interface SectionSheaf {
  readonly sheaf: HypergraphSheaf;
  /** the nodes' one-hot sections, laid out as the vertex part of C⁰ */
  readonly section: Float64Array;
  /** per vertex, its finalized instances in ascending order (the order of its stalk blocks) */
  readonly vertexInstances: readonly number[][];
  /** per hyperedge, the overlap: instances every member finalized, ascending */
  readonly overlaps: readonly number[][];
}

/**
 * The T-M.E.S.H. sheaf (sheaf.ts, its module comment): one-hot finalized sections over `d`
 * candidates, hyperedge stalks over the overlaps, projections as restrictions.
 * @throws RangeError on a candidate outside [0, d), a bad instance id or a bad member.
 */
export function finalizedSectionSheaf(d: number, sections: readonly FinalizedSection[], hyperedges: readonly (readonly number[])[]): SectionSheaf {
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`finalizedSectionSheaf: d must be a positive integer, got ${d}`);
  const vertexInstances = sections.map((s, v) => {
    const keys = [...s.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`finalizedSectionSheaf: vertex ${v} has instance ${k}, expected a non-negative integer`);
      const c = s.get(k)!;
      if (!(Number.isInteger(c) && c >= 0 && c < d)) throw new RangeError(`finalizedSectionSheaf: vertex ${v} instance ${k} has candidate ${c}, expected [0, ${d})`);
    }
    return keys;
  });
  const vertexDims = vertexInstances.map((ks) => ks.length * d);
  const total = vertexDims.reduce((a, b) => a + b, 0);
  const section = new Float64Array(total);
  let off = 0;
  vertexInstances.forEach((ks, v) => {
    ks.forEach((k, slot) => (section[off + slot * d + sections[v]!.get(k)!] = 1));
    off += ks.length * d;
  });
  const overlaps: number[][] = [];
  const edges: SheafEdge[] = hyperedges.map((members, i) => {
    for (const v of members) {
      if (!(Number.isInteger(v) && v >= 0 && v < sections.length)) throw new RangeError(`finalizedSectionSheaf: hyperedge ${i} has member ${v}, expected [0, ${sections.length})`);
    }
    const shared = members.length === 0 ? [] : vertexInstances[members[0]!]!.filter((k) => members.every((v) => sections[v]!.has(k)));
    overlaps.push(shared);
    const dim = shared.length * d;
    const restrictions = members.map((v) => {
      const ks = vertexInstances[v]!;
      const nv = ks.length * d;
      const f = new Float64Array(dim * nv);
      shared.forEach((k, r) => {
        const col = ks.indexOf(k);
        for (let c = 0; c < d; c++) f[(r * d + c) * nv + col * d + c] = 1;
      });
      return f;
    });
    return { members: [...members], dim, restrictions };
  });
  return { sheaf: { vertexDims, edges }, section, vertexInstances, overlaps };
}

/**
 * One overlap instance's contribution to ‖δx‖² for one-hot sections, without building the
 * sheaf: the members' candidates (the first `count` entries) with counts n_c contribute
 * |e| − Σ_c n_c²/|e| (incidence) or |e|² − Σ_c n_c² (clique, = |e| times the former).
 * 0 when all agree, otherwise at least 1 (incidence) or 2 (clique). O(count²), no
 * allocation: meant for the hot path of a protocol's per-interaction check.
 */
export function oneHotCoboundaryNorm2(candidates: ArrayLike<number>, count: number, construction: CoverConstruction = "incidence"): number {
  if (!(Number.isInteger(count) && count >= 0 && count <= candidates.length)) {
    throw new RangeError(`oneHotCoboundaryNorm2: count must be an integer in [0, ${candidates.length}], got ${count}`);
  }
  if (count === 0) return 0;
  // Σ_c n_c² = number of ordered pairs (u, v) holding the same candidate.
  let same = 0;
  for (let u = 0; u < count; u++) for (let v = 0; v < count; v++) if (candidates[u] === candidates[v]) same++;
  if (construction === "clique") return count * count - same;
  checkConstruction(construction);
  return count - same / count;
}
