/* eslint-disable max-lines -- a port of the seed's demo operation for operation, its draws
   in the seed's order: kept in one piece so that it reads line by line against the seed's
   own code (bench/reference/run_tmesh_seed.py runs that code for the comparison). */
/**
 * The T-M.E.S.H. seed's `QuantumGraphNode` demo, ported operation for operation.
 *
 * Faithfulness notes:
 * - Each node starts in a random pure state |ψ⟩⟨ψ| with ψ = (randn(d) + i·randn(d)) / ‖·‖,
 *   real parts drawn before imaginary parts, node by node.
 * - Each step picks a pair (a, b) of distinct nodes uniformly; both get ½(ρ_a + ρ_b).
 * - After each step the seed's "global coherence" mean_n Tr(ρ_n · centroid) is recorded.
 * - The demo defines `validate_trace` but never calls it; `renormalize: true` applies it
 *   after every interaction (a no-op up to rounding, since mixing preserves the trace).
 *
 * Cost per step is O(d²), not the seed's O(N·d²) plus an eigendecomposition:
 * - Incremental coherence. Mixing replaces ρ_a and ρ_b by their mean, which leaves Σ_n ρ_n,
 *   and so the centroid C, unchanged in exact arithmetic (the coherence is then the constant
 *   Tr C²; what varies from step to step is rounding). We keep t_n = Tr(ρ_n·C) per node and
 *   their sum S; a step computes only the new shared t (one O(d²) trace, fused with the
 *   mixing) and updates S += (t − t_a) + (t − t_b), so the coherence S/N costs O(d²).
 *   Rounding makes the true centroid drift by ~ε per step and S accumulate ~ε per step, so
 *   every `coherenceRefresh` steps (default 1024) C, every t_n and S are recomputed from
 *   scratch in the seed formula's order (at those steps the value is `seedCoherence`'s, bit
 *   for bit). Measured deviation from the full formula, at every step of 10^5-step runs
 *   with N ∈ {5, 20, 50, 500}, d ∈ {2, 4, 8}: ≤ 6e-16, refresh or not (the unit tests pin
 *   ≤ 1e-13).
 * - Lazy spectra. Entropy and purity are only observed, never used by the dynamics, so
 *   an interaction just marks its two nodes dirty; `entropy`/`purity` recompute dirty
 *   nodes on read (one eigendecomposition per distinct state: the second node of a pair
 *   copies its partner's values when their matrices are still identical).
 * - Flat storage. All ρ live in two Float64Arrays (node i at [i·d², (i+1)·d²)); mixing
 *   writes both nodes in place, so a step allocates nothing.
 */
import { type CMatrix, zeros } from "../../physics/complex.js";
import { normalizeTrace, pureDensity, purity, seedCoherence, vonNeumannEntropy } from "../../physics/density.js";
import { complexComponentSum, numpySum } from "../../physics/summation.js";

/** Draws the demo consumes: Gaussian deviates for the initial states, distinct pairs per step. */
export interface TmeshSeedDraws {
  normal(): number;
  /** a distinct pair; the caller reads it at once, so an implementation may reuse one tuple */
  distinctPair(n: number): readonly [number, number];
}

export interface TmeshSeedConfig {
  readonly steps: number;
  readonly renormalize: boolean;
  /**
   * Recompute the centroid and every node's coherence term from scratch every this many
   * steps (default `COHERENCE_REFRESH`); 1 evaluates the seed's full formula every step.
   */
  readonly coherenceRefresh?: number;
}

/** Default steps between full recomputations of the incrementally maintained coherence. */
export const COHERENCE_REFRESH = 1024;

export class TmeshSeedState {
  readonly dim: number;
  /** node i's ρ: views into the flat storage, so they always show the current state */
  readonly rho: readonly CMatrix[];
  readonly coherenceHistory: number[] = [];
  steps = 0;
  updates = 0;

  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly d2: number;
  private readonly refreshEvery: number;
  private pairLog = new Int32Array(64);

  // Coherence: centroid C as of the last refresh (and its transpose, for contiguous
  // reads), t_n = Tr(ρ_n·C) per node, S = Σ t_n.
  private readonly centroid: CMatrix;
  private readonly centroidT: CMatrix;
  private readonly terms: Float64Array;
  private termSum = 0;
  private currentCoherence = 0;
  private sinceRefresh = 0;
  private readonly diag: Float64Array;

  // Lazy spectra: dirty nodes are recomputed on read; twin[i] = a node i was last mixed with.
  private readonly entropyCache: Float64Array;
  private readonly purityCache: Float64Array;
  private readonly dirty: Uint8Array;
  private readonly twin: Int32Array;
  private dirtyCount: number;

  constructor(
    initial: readonly CMatrix[],
    readonly config: TmeshSeedConfig,
    private readonly draws: Pick<TmeshSeedDraws, "distinctPair">,
  ) {
    const count = initial.length;
    if (count < 2) throw new RangeError(`tmesh-seed needs at least 2 nodes, got ${count}`);
    const d = initial[0]!.n;
    const d2 = d * d;
    this.dim = d;
    this.d2 = d2;
    this.re = new Float64Array(count * d2);
    this.im = new Float64Array(count * d2);
    const views: CMatrix[] = [];
    for (let i = 0; i < count; i++) {
      const m = initial[i]!;
      if (m.n !== d) throw new RangeError(`tmesh-seed: node ${i} is ${m.n}×${m.n}, node 0 is ${d}×${d}`);
      this.re.set(m.re, i * d2);
      this.im.set(m.im, i * d2);
      views.push({ n: d, re: this.re.subarray(i * d2, (i + 1) * d2), im: this.im.subarray(i * d2, (i + 1) * d2) });
    }
    this.rho = views;
    const refresh = config.coherenceRefresh ?? COHERENCE_REFRESH;
    if (!(Number.isInteger(refresh) && refresh >= 1)) throw new RangeError(`coherenceRefresh must be a positive integer, got ${refresh}`);
    this.refreshEvery = refresh;

    this.centroid = zeros(d);
    this.centroidT = zeros(d);
    this.terms = new Float64Array(count);
    this.diag = new Float64Array(d);
    this.refreshCoherence();

    this.entropyCache = new Float64Array(count);
    this.purityCache = new Float64Array(count);
    this.dirty = new Uint8Array(count).fill(1);
    this.twin = new Int32Array(count).fill(-1);
    this.dirtyCount = count;
  }

  /** Random pure initial states, drawn exactly in the demo's order. */
  static randomInitialStates(nodes: number, dim: number, draws: Pick<TmeshSeedDraws, "normal">): CMatrix[] {
    const states: CMatrix[] = [];
    for (let n = 0; n < nodes; n++) {
      const re = new Float64Array(dim);
      const im = new Float64Array(dim);
      for (let k = 0; k < dim; k++) re[k] = draws.normal();
      for (let k = 0; k < dim; k++) im[k] = draws.normal();
      // pureDensity normalises ψ the way `psi /= np.linalg.norm(psi)` does.
      states.push(pureDensity(re, im));
    }
    return states;
  }

  get nodes(): number {
    return this.rho.length;
  }

  /** One interaction event; returns false once the configured number of steps is done. */
  step(): boolean {
    if (this.steps >= this.config.steps) return false;
    const [a, b] = this.draws.distinctPair(this.rho.length);
    this.interact(a, b);
    this.logPair(a, b);
    if (++this.sinceRefresh >= this.refreshEvery) this.refreshCoherence();
    this.coherenceHistory.push(this.currentCoherence);
    this.steps++;
    return this.steps < this.config.steps;
  }

  /** `interact`: both nodes take the convex mixture ½(ρ_a + ρ_b). */
  interact(a: number, b: number): void {
    const { re, im, d2 } = this;
    const oa = a * d2;
    const ob = b * d2;
    let t = this.mixAndTerm(oa, ob);
    if (this.config.renormalize) {
      const normalized = normalizeTrace(this.rho[a]!);
      re.set(normalized.re, oa);
      re.set(normalized.re, ob);
      im.set(normalized.im, oa);
      im.set(normalized.im, ob);
      t = this.term(oa);
    }
    this.updates += 2;

    const terms = this.terms;
    this.termSum += t - terms[a]! + (t - terms[b]!);
    terms[a] = t;
    terms[b] = t;
    this.currentCoherence = this.termSum / terms.length;

    this.markDirty(a, -1);
    this.markDirty(b, a);
  }

  /** The seed's global coherence after the last step (maintained incrementally, see above). */
  coherence(): number {
    return this.currentCoherence;
  }

  /** The seed's coherence formula evaluated from scratch, O(N·d²): for checks. */
  fullCoherence(): number {
    return seedCoherence(this.rho);
  }

  /** Per-node von Neumann entropy (nats), brought up to date on read. */
  get entropy(): Float64Array {
    this.refreshSpectra();
    return this.entropyCache;
  }

  /** Per-node purity Tr ρ², brought up to date on read. */
  get purity(): Float64Array {
    this.refreshSpectra();
    return this.purityCache;
  }

  /** The pairs drawn so far, in order. */
  get pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let k = 0; k < this.steps; k++) out.push([this.pairLog[2 * k]!, this.pairLog[2 * k + 1]!]);
    return out;
  }

  /**
   * The distinct pairs that have met so far, flat `[a0, b0, a1, b1, …]` with the smaller id
   * first, in order of first meeting; at most `limit` pairs.
   */
  distinctPairs(limit = Number.POSITIVE_INFINITY): Int32Array {
    const n = this.rho.length;
    const seen = new Set<number>();
    const out: number[] = [];
    for (let k = 0; k < this.steps && seen.size < limit; k++) {
      const x = this.pairLog[2 * k]!;
      const y = this.pairLog[2 * k + 1]!;
      const a = Math.min(x, y);
      const b = Math.max(x, y);
      const key = a * n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(a, b);
    }
    return Int32Array.from(out);
  }

  /** Largest element-wise distance between any node's ρ and node 0's: 0 means identical states. */
  spread(): number {
    const { re, im, d2 } = this;
    let max = 0;
    for (let i = 1; i < this.rho.length; i++) {
      for (let k = 0; k < d2; k++) {
        const dr = re[i * d2 + k]! - re[k]!;
        const di = im[i * d2 + k]! - im[k]!;
        if (dr === 0 && di === 0) continue;
        const d = Math.hypot(dr, di);
        if (d > max) max = d;
      }
    }
    return max;
  }

  /**
   * The seed's coherence from scratch, in its evaluation order: the centroid summed left
   * to right from 0 and scaled by 1/N, each Tr(ρ_n·C) as `np.trace(np.dot(ρ_n, C)).real`,
   * and their mean as numpy's pairwise sum / N.
   */
  private refreshCoherence(): void {
    const { re, im, d2, centroid, terms } = this;
    const count = terms.length;
    centroid.re.fill(0);
    centroid.im.fill(0);
    for (let i = 0; i < count; i++) {
      const o = i * d2;
      for (let k = 0; k < d2; k++) {
        centroid.re[k] = centroid.re[k]! + re[o + k]!;
        centroid.im[k] = centroid.im[k]! + im[o + k]!;
      }
    }
    const inv = 1 / count;
    for (let k = 0; k < d2; k++) {
      centroid.re[k] = centroid.re[k]! * inv;
      centroid.im[k] = centroid.im[k]! * inv;
    }
    const d = this.dim;
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < d; k++) {
        this.centroidT.re[i * d + k] = centroid.re[k * d + i]!;
        this.centroidT.im[i * d + k] = centroid.im[k * d + i]!;
      }
    }
    for (let i = 0; i < count; i++) terms[i] = this.term(i * d2);
    this.termSum = numpySum(terms);
    this.currentCoherence = this.termSum / count;
    this.sinceRefresh = 0;
  }

  /**
   * Re Tr(ρ·C) for the ρ stored at offset `o`, as `traceOfProductRe` computes it (diagonal
   * entries Σ_k ρ_ik·C_ki with k ascending, summed in `np.trace`'s order) but without its
   * allocation, reading C transposed so both operands are walked contiguously.
   */
  private term(o: number): number {
    const { re, im, dim: d, diag } = this;
    const ctr = this.centroidT.re;
    const cti = this.centroidT.im;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let x = i * d, end = x + d; x < end; x++) s += re[o + x]! * ctr[x]! - im[o + x]! * cti[x]!;
      diag[i] = s;
    }
    return this.diagonalSum();
  }

  /**
   * The hot loop, hand-tuned: writes ½(ρ_a + ρ_b) (the seed's `0.5 * (a + b)`, element by
   * element) to both nodes and returns `term` of the result from the values just computed,
   * in one pass over memory. Rows go two at a time so that their sums are independent
   * dependency chains the CPU can overlap (~20% faster at d = 8); each row still sums
   * k = 0..d−1 in order, so the result is `term`'s, bit for bit.
   */
  private mixAndTerm(oa: number, ob: number): number {
    const { re, im, dim: d, diag } = this;
    const ctr = this.centroidT.re;
    const cti = this.centroidT.im;
    let i = 0;
    for (; i + 1 < d; i += 2) {
      let s = 0;
      let u = 0;
      for (let x = i * d, end = x + d; x < end; x++) {
        const y = x + d;
        const r = (re[oa + x]! + re[ob + x]!) * 0.5;
        const m = (im[oa + x]! + im[ob + x]!) * 0.5;
        const r2 = (re[oa + y]! + re[ob + y]!) * 0.5;
        const m2 = (im[oa + y]! + im[ob + y]!) * 0.5;
        re[oa + x] = r;
        re[ob + x] = r;
        im[oa + x] = m;
        im[ob + x] = m;
        re[oa + y] = r2;
        re[ob + y] = r2;
        im[oa + y] = m2;
        im[ob + y] = m2;
        s += r * ctr[x]! - m * cti[x]!;
        u += r2 * ctr[y]! - m2 * cti[y]!;
      }
      diag[i] = s;
      diag[i + 1] = u;
    }
    if (i < d) {
      let s = 0;
      for (let x = i * d, end = x + d; x < end; x++) {
        const r = (re[oa + x]! + re[ob + x]!) * 0.5;
        const m = (im[oa + x]! + im[ob + x]!) * 0.5;
        re[oa + x] = r;
        re[ob + x] = r;
        im[oa + x] = m;
        im[ob + x] = m;
        s += r * ctr[x]! - m * cti[x]!;
      }
      diag[i] = s;
    }
    return this.diagonalSum();
  }

  /** Σ diag in `np.trace`'s order (left to right from −0 below 4 entries, pairwise from 4). */
  private diagonalSum(): number {
    const { dim: d, diag } = this;
    if (d >= 4) return 0 + complexComponentSum(diag, 0, 1, d);
    let total = -0;
    for (let i = 0; i < d; i++) total += diag[i]!;
    return 0 + total;
  }

  private markDirty(i: number, twin: number): void {
    if (this.dirty[i] === 0) {
      this.dirty[i] = 1;
      this.dirtyCount++;
    }
    this.twin[i] = twin;
  }

  private refreshSpectra(): void {
    if (this.dirtyCount === 0) return;
    const { dirty, twin } = this;
    // Nodes without a twin first, then twins, which copy when their partner is current and equal.
    for (let i = 0; i < dirty.length; i++) if (dirty[i] === 1 && twin[i]! < 0) this.computeSpectrum(i);
    for (let i = 0; i < dirty.length; i++) {
      if (dirty[i] !== 1) continue;
      const t = twin[i]!;
      if (t >= 0 && dirty[t] === 0 && this.sameState(i, t)) {
        this.entropyCache[i] = this.entropyCache[t]!;
        this.purityCache[i] = this.purityCache[t]!;
        dirty[i] = 0;
      } else this.computeSpectrum(i);
    }
    this.dirtyCount = 0;
  }

  private computeSpectrum(i: number): void {
    this.entropyCache[i] = vonNeumannEntropy(this.rho[i]!);
    this.purityCache[i] = purity(this.rho[i]!);
    this.dirty[i] = 0;
  }

  private sameState(i: number, j: number): boolean {
    const { re, im, d2 } = this;
    for (let k = 0; k < d2; k++) {
      if (!Object.is(re[i * d2 + k], re[j * d2 + k]) || !Object.is(im[i * d2 + k], im[j * d2 + k])) return false;
    }
    return true;
  }

  private logPair(a: number, b: number): void {
    const at = 2 * this.steps;
    if (at + 2 > this.pairLog.length) {
      const grown = new Int32Array(this.pairLog.length * 2);
      grown.set(this.pairLog);
      this.pairLog = grown;
    }
    this.pairLog[at] = a;
    this.pairLog[at + 1] = b;
  }
}
