/**
 * Cellular sheaves on hypergraph covers: the coboundary δ, the coboundary norm ‖δx‖, the
 * sheaf Laplacian L = δᵀδ, and the cohomology dimensions dim H⁰ and dim H¹. This is the
 * "truth check" of T-M.E.S.H. (DESIGN.md §2): nodes hold sections, hyperedges are groups
 * of nodes that interacted together, and a section that does not glue on an overlap is a
 * conflict.
 *
 * ## The sheaf
 *
 * A sheaf F on a hypergraph H = (V, E) assigns a real vector space (stalk) F(v) = R^{n_v}
 * to each vertex and F(e) = R^{n_e} to each hyperedge, and a linear restriction map
 * F_{v◁e}: F(v) → F(e) (an n_e × n_v matrix) to each incidence v ∈ e. That is exactly a
 * functor on the incidence poset {v < e : v ∈ e}, i.e. a cellular sheaf in the sense of
 * Curry (2014, "Sheaves, cosheaves and applications", §4) and Hansen & Ghrist (2019,
 * "Toward a spectral theory of cellular sheaves", J. Appl. Comput. Topol. 3, §2), whose
 * cells here are the vertices and the hyperedges. A 0-cochain x assigns x_v ∈ F(v) to each
 * vertex; a global section is one that agrees on every overlap: F_{u◁e}x_u = F_{v◁e}x_v
 * for all u, v ∈ e.
 *
 * ## Two coboundaries (`CoverConstruction`)
 *
 * The hypergraph is not a cell complex (a hyperedge may have more than two vertices), so
 * a complex must be chosen on which δ lives. Both choices below have the same kernel on
 * the vertex stalks — the global sections, H⁰ — and differ in H¹:
 *
 * - `"incidence"` (default): the order complex (barycentric subdivision) of the incidence
 *   poset, i.e. the bipartite Levi / star-expansion graph. 0-cells are the vertices AND
 *   the hyperedges (C⁰ = ⊕F(v) ⊕ ⊕F(e)); 1-cells are the incidences v ∈ e with stalk F(e);
 *   (δx)_{v◁e} = F_{v◁e}x_v − x_e. This computes the cohomology of the sheaf on the poset
 *   itself (Curry 2014, §7: sheaf cohomology on a finite poset equals cellular cohomology
 *   of its order complex), and for an ordinary graph (all hyperedges of size 2) it is the
 *   barycentric subdivision of the graph, so H⁰ and H¹ coincide with Hansen & Ghrist's
 *   graph construction (subdivision invariance). A single hyperedge is a star, a tree:
 *   one meeting of k nodes has H¹ = 0, as it should.
 * - `"clique"`: every hyperedge becomes the complete graph on its members, each pair edge
 *   u→v (u before v in the member list) carrying F(e), and (δx)_{e,uv} = F_{v◁e}x_v −
 *   F_{u◁e}x_u: Hansen & Ghrist's graph coboundary on the clique expansion, the
 *   construction of the sheaf hypergraph Laplacian of Duta, Cassarà, Silvestri & Liò
 *   (2023, "Sheaf hypergraph networks", NeurIPS). Its 1-skeleton has no 2-cells, so a single
 *   hyperedge of k ≥ 3 members reports a spurious H¹ of dimension (C(k,2) − (k−1))·n_e.
 *   Provided for comparison.
 *
 * Since C⁰ → C¹ is the whole complex, dim H⁰ = dim ker δ and dim H¹ = dim coker δ =
 * dim C¹ − rank δ, and dim H⁰ − dim H¹ = dim C⁰ − dim C¹ (the Euler characteristic).
 *
 * ## The coboundary norm of a vertex section
 *
 * A protocol's data is a section on the vertices only. For `"clique"` that is a full
 * 0-cochain. For `"incidence"` the hyperedge values are free; {@link extendSection} fills
 * them with their least-squares choice, the mean of the members' restrictions, so
 * ‖δx̂‖² = min over x_e = Σ_e Σ_{v∈e} ‖F_{v◁e}x_v − mean_e‖² ("member vs. the hyperedge's
 * mean"). The clique norm is Σ_e Σ_{u<v} ‖F_{u◁e}x_u − F_{v◁e}x_v‖² = Σ_e |e|·(the same
 * per-hyperedge sum), so both vanish exactly on the global sections.
 *
 * ## Finalized sections (T-M.E.S.H.)
 *
 * {@link finalizedSectionSheaf}: a node's stalk is its finalized section, a partial map
 * instance → candidate, encoded one-hot (d coordinates per finalized instance, instances
 * ascending); a hyperedge's stalk is spanned by the instances every member finalized (the
 * overlap); restrictions are the coordinate projections onto the overlap. With one-hot
 * values, an instance on which the members' candidates have counts n_c contributes
 * |e| − Σ_c n_c²/|e| to ‖δx̂‖² (incidence), which is 0 or at least 1: any threshold
 * ε ∈ [0, 1) gives the same verdict ({@link oneHotCoboundaryNorm2}).
 *
 * Note on the seed's wording: "H¹ = 0 ⇒ agreement" conflates two things. H¹ is a property
 * of the sheaf (of the cover's shape and overlaps), not of one section: the constant sheaf
 * on a cycle has H¹ ≠ 0 whatever the nodes hold. Whether a particular section glues is
 * whether δx = 0; that is what the protocol checks.
 */

/** Which complex the coboundary of a hypergraph sheaf lives on (see the module comment). */
export type CoverConstruction = "incidence" | "clique";

/** A hyperedge of a sheaf: its members, its stalk dimension and one restriction per member. */
export interface SheafEdge {
  /** distinct vertex ids */
  readonly members: readonly number[];
  /** dim F(e) */
  readonly dim: number;
  /** restrictions[k] = F_{members[k]◁e}, a dim × dim F(members[k]) matrix, row-major */
  readonly restrictions: readonly Float64Array[];
}

/** A cellular sheaf on a hypergraph: vertex stalk dimensions and hyperedges with restrictions. */
export interface HypergraphSheaf {
  /** dim F(v) per vertex */
  readonly vertexDims: readonly number[];
  readonly edges: readonly SheafEdge[];
}

/** A dense real matrix, row-major. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Dimensions of the cochain spaces and of the cohomology. */
export interface SheafCohomology {
  /** dim C⁰ */
  readonly c0: number;
  /** dim C¹ */
  readonly c1: number;
  readonly rank: number;
  /** dim H⁰ = dim ker δ */
  readonly h0: number;
  /** dim H¹ = dim C¹ − rank δ */
  readonly h1: number;
}

/** Throws unless `construction` is one this module builds (a scenario value reaches it unchecked). */
export function checkConstruction(construction: CoverConstruction): void {
  if (construction !== "incidence" && construction !== "clique") {
    throw new RangeError(`sheaf: construction must be "incidence" or "clique", got ${String(construction)}`);
  }
}

function isDim(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

/**
 * Check a sheaf's shape: dimensions are non-negative integers, members are distinct
 * vertex ids, every restriction has dim F(e) × dim F(v) finite entries.
 * @throws RangeError naming the first problem.
 */
export function validateSheaf(sheaf: HypergraphSheaf): void {
  const { vertexDims, edges } = sheaf;
  vertexDims.forEach((n, v) => {
    if (!isDim(n)) throw new RangeError(`sheaf: vertex ${v} has stalk dimension ${n}, expected a non-negative integer`);
  });
  edges.forEach((e, i) => {
    if (!isDim(e.dim)) throw new RangeError(`sheaf: hyperedge ${i} has stalk dimension ${e.dim}, expected a non-negative integer`);
    if (e.restrictions.length !== e.members.length) {
      throw new RangeError(`sheaf: hyperedge ${i} has ${e.members.length} members but ${e.restrictions.length} restrictions`);
    }
    const seen = new Set<number>();
    e.members.forEach((v, k) => {
      if (!(Number.isInteger(v) && v >= 0 && v < vertexDims.length)) {
        throw new RangeError(`sheaf: hyperedge ${i} member ${k} is ${v}, expected a vertex id in [0, ${vertexDims.length})`);
      }
      if (seen.has(v)) throw new RangeError(`sheaf: hyperedge ${i} lists vertex ${v} twice`);
      seen.add(v);
      const r = e.restrictions[k]!;
      const expected = e.dim * vertexDims[v]!;
      if (r.length !== expected) {
        throw new RangeError(`sheaf: restriction of vertex ${v} into hyperedge ${i} has ${r.length} entries, expected ${e.dim}×${vertexDims[v]} = ${expected}`);
      }
      for (let t = 0; t < r.length; t++) {
        if (!Number.isFinite(r[t]!)) throw new RangeError(`sheaf: restriction of vertex ${v} into hyperedge ${i} has a non-finite entry`);
      }
    });
  });
}

/** Offsets of each vertex stalk in C⁰ (and the total vertex part). */
function vertexOffsets(sheaf: HypergraphSheaf): Int32Array {
  const off = new Int32Array(sheaf.vertexDims.length + 1);
  sheaf.vertexDims.forEach((n, v) => (off[v + 1] = off[v]! + n));
  return off;
}

/** dim C⁰ and dim C¹ for a construction. */
export function cochainDims(sheaf: HypergraphSheaf, construction: CoverConstruction = "incidence"): { c0: number; c1: number } {
  checkConstruction(construction);
  let c0 = 0;
  for (const n of sheaf.vertexDims) c0 += n;
  let c1 = 0;
  for (const e of sheaf.edges) {
    const k = e.members.length;
    if (construction === "incidence") {
      c0 += e.dim;
      c1 += k * e.dim;
    } else {
      c1 += ((k * (k - 1)) / 2) * e.dim;
    }
  }
  return { c0, c1 };
}

/** out[row..] += sign · F·x_v, F a dim×n_v matrix, x_v at `xOff` in `x`. */
function addRestricted(out: Float64Array, row: number, f: Float64Array, dim: number, nv: number, x: ArrayLike<number>, xOff: number, sign: number): void {
  for (let r = 0; r < dim; r++) {
    let s = 0;
    for (let c = 0; c < nv; c++) s += f[r * nv + c]! * x[xOff + c]!;
    out[row + r] = out[row + r]! + sign * s;
  }
}

/**
 * The coboundary δ: C⁰ → C¹ as a dense dim C¹ × dim C⁰ matrix. C⁰ lists the vertex stalks
 * in vertex order, then (incidence) the hyperedge stalks in hyperedge order. C¹ lists, per
 * hyperedge in order, (incidence) one block of dim F(e) rows per member, or (clique) one
 * block per member pair (a, b), a < b in member-list order, oriented a → b.
 */
export function coboundaryMatrix(sheaf: HypergraphSheaf, construction: CoverConstruction = "incidence"): DenseMatrix {
  validateSheaf(sheaf);
  const { c0, c1 } = cochainDims(sheaf, construction);
  const data = new Float64Array(c1 * c0);
  const voff = vertexOffsets(sheaf);
  const dims = sheaf.vertexDims;
  let row = 0;
  let eoff = voff[dims.length]!;
  const put = (f: Float64Array, dim: number, v: number, sign: number) => {
    const nv = dims[v]!;
    for (let r = 0; r < dim; r++) for (let c = 0; c < nv; c++) data[(row + r) * c0 + voff[v]! + c] = sign * f[r * nv + c]!;
  };
  for (const e of sheaf.edges) {
    const k = e.members.length;
    if (construction === "incidence") {
      for (let a = 0; a < k; a++) {
        put(e.restrictions[a]!, e.dim, e.members[a]!, 1);
        for (let r = 0; r < e.dim; r++) data[(row + r) * c0 + eoff + r] = -1;
        row += e.dim;
      }
      eoff += e.dim;
    } else {
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          put(e.restrictions[a]!, e.dim, e.members[a]!, -1);
          put(e.restrictions[b]!, e.dim, e.members[b]!, 1);
          row += e.dim;
        }
      }
    }
  }
  return { rows: c1, cols: c0, data };
}

/**
 * δx for a full 0-cochain x (length dim C⁰, laid out as in {@link coboundaryMatrix}),
 * without forming the matrix.
 */
export function applyCoboundary(sheaf: HypergraphSheaf, x: ArrayLike<number>, construction: CoverConstruction = "incidence"): Float64Array {
  validateSheaf(sheaf);
  const { c0, c1 } = cochainDims(sheaf, construction);
  if (x.length !== c0) throw new RangeError(`applyCoboundary: cochain has ${x.length} entries, expected dim C⁰ = ${c0}`);
  const out = new Float64Array(c1);
  const voff = vertexOffsets(sheaf);
  const dims = sheaf.vertexDims;
  let row = 0;
  let eoff = voff[dims.length]!;
  for (const e of sheaf.edges) {
    const k = e.members.length;
    if (construction === "incidence") {
      for (let a = 0; a < k; a++) {
        const v = e.members[a]!;
        addRestricted(out, row, e.restrictions[a]!, e.dim, dims[v]!, x, voff[v]!, 1);
        for (let r = 0; r < e.dim; r++) out[row + r] = out[row + r]! - x[eoff + r]!;
        row += e.dim;
      }
      eoff += e.dim;
    } else {
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          const u = e.members[a]!, v = e.members[b]!;
          addRestricted(out, row, e.restrictions[b]!, e.dim, dims[v]!, x, voff[v]!, 1);
          addRestricted(out, row, e.restrictions[a]!, e.dim, dims[u]!, x, voff[u]!, -1);
          row += e.dim;
        }
      }
    }
  }
  return out;
}

/**
 * Extend a vertex section (length Σ dim F(v)) to a full 0-cochain. For `"incidence"` each
 * hyperedge value is the mean of its members' restrictions — the x_e minimising ‖δx‖; for
 * `"clique"` the vertex section already is the full cochain (a copy is returned).
 */
export function extendSection(sheaf: HypergraphSheaf, vertexSection: ArrayLike<number>, construction: CoverConstruction = "incidence"): Float64Array {
  validateSheaf(sheaf);
  checkConstruction(construction);
  const voff = vertexOffsets(sheaf);
  const nv = voff[sheaf.vertexDims.length]!;
  if (vertexSection.length !== nv) throw new RangeError(`extendSection: section has ${vertexSection.length} entries, expected Σ dim F(v) = ${nv}`);
  const { c0 } = cochainDims(sheaf, construction);
  const out = new Float64Array(c0);
  for (let t = 0; t < nv; t++) out[t] = vertexSection[t]!;
  if (construction === "clique") return out;
  let eoff = nv;
  for (const e of sheaf.edges) {
    const k = e.members.length;
    for (let a = 0; a < k; a++) {
      const v = e.members[a]!;
      addRestricted(out, eoff, e.restrictions[a]!, e.dim, sheaf.vertexDims[v]!, vertexSection, voff[v]!, 1);
    }
    if (k > 0) for (let r = 0; r < e.dim; r++) out[eoff + r] = out[eoff + r]! / k;
    eoff += e.dim;
  }
  return out;
}

/**
 * ‖δx‖ (Euclidean) for a vertex section x: for `"incidence"` with the hyperedge values at
 * their least-squares choice ({@link extendSection}), i.e. min over x_e of ‖δ(x, x_e)‖;
 * for `"clique"` the plain coboundary norm. Zero exactly for global sections.
 */
export function coboundaryNorm(sheaf: HypergraphSheaf, vertexSection: ArrayLike<number>, construction: CoverConstruction = "incidence"): number {
  const dx = applyCoboundary(sheaf, extendSection(sheaf, vertexSection, construction), construction);
  let s = 0;
  for (let t = 0; t < dx.length; t++) s += dx[t]! * dx[t]!;
  return Math.sqrt(s);
}

/** The sheaf Laplacian L = δᵀδ on C⁰ (symmetric, positive semi-definite, ker L = ker δ = H⁰). */
export function sheafLaplacian(sheaf: HypergraphSheaf, construction: CoverConstruction = "incidence"): DenseMatrix {
  const d = coboundaryMatrix(sheaf, construction);
  const { rows, cols, data } = d;
  const out = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let i = 0; i < cols; i++) {
      const a = data[base + i]!;
      if (a === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] = out[i * cols + j]! + a * data[base + j]!;
    }
  }
  return { rows: cols, cols, data: out };
}

/**
 * Numerical rank by Gaussian elimination with complete pivoting: at each step the largest
 * remaining entry is the pivot, and elimination stops when it is at most `tol`. Complete
 * pivoting keeps multipliers ≤ 1 and makes the stopping test rank-revealing in practice for
 * the well-scaled matrices of small sheaves; the tests cross-check it against the
 * eigenvalues of δᵀδ.
 * @param tol absolute threshold; default max(rows, cols)·1e-12·max|a_ij|
 */
export function matrixRank(m: DenseMatrix, tol?: number): number {
  const { rows, cols } = m;
  if (m.data.length !== rows * cols) throw new RangeError(`matrixRank: ${m.data.length} entries for a ${rows}×${cols} matrix`);
  const a = m.data.slice();
  let scale = 0;
  for (let t = 0; t < a.length; t++) {
    const v = Math.abs(a[t]!);
    if (!Number.isFinite(v)) throw new RangeError("matrixRank: matrix has a non-finite entry");
    if (v > scale) scale = v;
  }
  if (scale === 0) return 0;
  const threshold = tol ?? Math.max(rows, cols) * 1e-12 * scale;
  if (!(threshold >= 0)) throw new RangeError(`matrixRank: tolerance must be non-negative, got ${tol}`);
  const rowPerm = Int32Array.from({ length: rows }, (_, i) => i);
  const colPerm = Int32Array.from({ length: cols }, (_, i) => i);
  const at = (i: number, j: number) => rowPerm[i]! * cols + colPerm[j]!;
  const steps = Math.min(rows, cols);
  let rank = 0;
  for (let k = 0; k < steps; k++) {
    let best = -1;
    let bi = k, bj = k;
    for (let i = k; i < rows; i++) {
      for (let j = k; j < cols; j++) {
        const v = Math.abs(a[at(i, j)]!);
        if (v > best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    if (!(best > threshold)) break;
    [rowPerm[k], rowPerm[bi]] = [rowPerm[bi]!, rowPerm[k]!];
    [colPerm[k], colPerm[bj]] = [colPerm[bj]!, colPerm[k]!];
    const pivot = a[at(k, k)]!;
    for (let i = k + 1; i < rows; i++) {
      const f = a[at(i, k)]! / pivot;
      if (f === 0) continue;
      for (let j = k; j < cols; j++) a[at(i, j)] = a[at(i, j)]! - f * a[at(k, j)]!;
    }
    rank++;
  }
  return rank;
}

/** dim C⁰, dim C¹, rank δ, dim H⁰ and dim H¹ (see {@link matrixRank} for `tol`). */
export function sheafCohomology(sheaf: HypergraphSheaf, construction: CoverConstruction = "incidence", tol?: number): SheafCohomology {
  const d = coboundaryMatrix(sheaf, construction);
  const rank = matrixRank(d, tol);
  return { c0: d.cols, c1: d.rows, rank, h0: d.cols - rank, h1: d.rows - rank };
}
