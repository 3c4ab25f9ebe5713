/**
 * Eigen-decomposition of Hermitian matrices by the cyclic complex Jacobi method.
 *
 * Jacobi is chosen over Householder tridiagonalisation + QR because the matrices here are
 * tiny (d ≤ 16), the code is short enough to verify by eye, it is backward stable (every
 * eigenvalue within a few ulps of ‖A‖), and its eigenvectors come out orthonormal to
 * working precision. Each rotation first removes the phase of the pivot a_pq (a diagonal
 * unitary), then applies the real symmetric Jacobi rotation, so the arithmetic is the
 * well-studied real algorithm (Numerical Recipes §11.1) on complex rows.
 *
 * A 2×2 matrix is diagonalised by exactly one such rotation: that is the closed form used
 * for n = 2, written with the cancellation-free t = tan θ rather than (a+d)/2 ± sqrt(·).
 */
import { zeros, type CMatrix } from "./complex.js";

/** Eigenvalues (ascending) and the unitary whose columns are the matching eigenvectors. */
export interface HermitianEigen {
  /** eigenvalues in ascending order */
  readonly values: Float64Array;
  /** column k is a unit eigenvector for `values[k]`; the columns are orthonormal */
  readonly vectors: CMatrix;
}

/** Reusable buffers for {@link hermitianEigenvaluesInto}, so hot loops allocate nothing. */
export interface EigenWorkspace {
  readonly n: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Allocate a workspace for n×n inputs. */
export function eigenWorkspace(n: number): EigenWorkspace {
  return { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

/**
 * Sweeps are quadratically convergent once the off-diagonal part is small, so real inputs
 * finish in 4–8 sweeps; the cap only guards against a pathological input looping forever.
 */
const MAX_SWEEPS = 100;

/**
 * Copy the Hermitian part (A + A†)/2 into the workspace. For an exactly Hermitian input this
 * is a bit-exact copy ((x + x)/2 = x); for an input with rounding noise it is the nearest
 * Hermitian matrix, so the result does not depend on which triangle the noise sits in.
 */
function loadHermitian(m: CMatrix, ar: Float64Array, ai: Float64Array): void {
  const { n, re, im } = m;
  for (let i = 0; i < n; i++) {
    const ii = i * n + i;
    if (!Number.isFinite(re[ii]!) || !Number.isFinite(im[ii]!)) throw new RangeError(`hermitianEigen: entry (${i}, ${i}) is not finite`);
    ar[ii] = re[ii]!;
    ai[ii] = 0;
    for (let j = i + 1; j < n; j++) {
      const ij = i * n + j, ji = j * n + i;
      const r = (re[ij]! + re[ji]!) / 2;
      const s = (im[ij]! - im[ji]!) / 2;
      if (!Number.isFinite(r) || !Number.isFinite(s)) throw new RangeError(`hermitianEigen: entry (${i}, ${j}) is not finite`);
      ar[ij] = r;
      ai[ij] = s;
      ar[ji] = r;
      ai[ji] = -s;
    }
  }
}

/**
 * Diagonalise the Hermitian matrix held in (ar, ai) in place. On return the diagonal of
 * `ar` holds the eigenvalues (unsorted). If `vr`/`vi` are given they must hold the
 * identity on entry and receive the accumulated rotations (eigenvectors as columns).
 */
function jacobi(n: number, ar: Float64Array, ai: Float64Array, vr: Float64Array | null, vi: Float64Array | null): void {
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    let sm = 0;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) sm += Math.abs(ar[p * n + q]!) + Math.abs(ai[p * n + q]!);
    }
    // Off-diagonal entries reach exactly zero: negligible ones are zeroed below, and
    // rotations make the rest underflow, so this is the convergence test (as in NR).
    if (sm === 0) return;
    // Early sweeps rotate only large pivots (Rutishauser's threshold), which saves
    // work while the matrix is still far from diagonal.
    const thresh = sweep < 4 ? (0.2 * sm) / (n * n) : 0;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const pq = p * n + q, qp = q * n + p;
        const gr = ar[pq]!, gi = ai[pq]!;
        const r = modulus(gr, gi);
        const dp = ar[p * n + p]!, dq = ar[q * n + q]!;
        const g = 100 * r;
        if (sweep > 4 && Math.abs(dp) + g === Math.abs(dp) && Math.abs(dq) + g === Math.abs(dq)) {
          // Below an ulp of both diagonal entries: rotating would not change them.
          ar[pq] = 0; ai[pq] = 0; ar[qp] = 0; ai[qp] = 0;
          continue;
        }
        if (r <= thresh || r === 0) continue;
        const t = jacobiTangent(dp, dq, r);
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // e^{-iφ} with a_pq = r·e^{iφ}: the diagonal unitary that makes the pivot real.
        const er = gr / r, ei = -gi / r;
        ar[p * n + p] = dp - t * r;
        ar[q * n + q] = dq + t * r;
        ar[pq] = 0; ai[pq] = 0; ar[qp] = 0; ai[qp] = 0;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const kp = k * n + p, kq = k * n + q;
          const xr = ar[kp]!, xi = ai[kp]!;
          const yr = ar[kq]!, yi = ai[kq]!;
          const zr = er * yr - ei * yi, zi = er * yi + ei * yr;
          const nkpr = c * xr - s * zr, nkpi = c * xi - s * zi;
          const nkqr = s * xr + c * zr, nkqi = s * xi + c * zi;
          ar[kp] = nkpr; ai[kp] = nkpi;
          ar[kq] = nkqr; ai[kq] = nkqi;
          // Hermitian symmetry: rows p and q are the conjugates of columns p and q.
          ar[p * n + k] = nkpr; ai[p * n + k] = -nkpi;
          ar[q * n + k] = nkqr; ai[q * n + k] = -nkqi;
        }
        if (vr !== null && vi !== null) {
          for (let k = 0; k < n; k++) {
            const kp = k * n + p, kq = k * n + q;
            const xr = vr[kp]!, xi = vi[kp]!;
            const yr = vr[kq]!, yi = vi[kq]!;
            const zr = er * yr - ei * yi, zi = er * yi + ei * yr;
            vr[kp] = c * xr - s * zr; vi[kp] = c * xi - s * zi;
            vr[kq] = s * xr + c * zr; vi[kq] = s * xi + c * zi;
          }
        }
      }
    }
  }
}

/**
 * |gr + i·gi|. The plain sqrt(gr² + gi²) is several times faster than Math.hypot but
 * underflows to 0 below ~1e-154 (a nonzero pivot would then be skipped and its eigenvalues
 * lost) and overflows above ~1e154, so hypot takes over outside that range.
 */
function modulus(gr: number, gi: number): number {
  const s = gr * gr + gi * gi;
  return s > 1e-290 && s < 1e290 ? Math.sqrt(s) : Math.hypot(gr, gi);
}

/**
 * tan θ of the Jacobi rotation that zeroes a real pivot r > 0 between diagonal entries dp
 * and dq: the smaller root of t² + 2θt − 1 = 0, θ = (dq − dp)/(2r), taken in the form
 * that never cancels.
 */
function jacobiTangent(dp: number, dq: number, r: number): number {
  const h = dq - dp;
  if (Math.abs(h) + 100 * r === Math.abs(h)) return r / h;
  const theta = (0.5 * h) / r;
  const t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
  return theta < 0 ? -t : t;
}

/** The single Jacobi rotation that diagonalises a 2×2 Hermitian matrix. */
interface Rotation2 {
  /** eigenvalue landing in position p = 0 and q = 1 (not sorted) */
  readonly lp: number;
  readonly lq: number;
  readonly c: number;
  readonly s: number;
  /** e^{-iφ}, the phase of conj(a_01) */
  readonly er: number;
  readonly ei: number;
}

function rotation2(m: CMatrix): Rotation2 {
  const a = m.re[0]!, d = m.re[3]!;
  const gr = (m.re[1]! + m.re[2]!) / 2, gi = (m.im[1]! - m.im[2]!) / 2;
  if (!Number.isFinite(a) || !Number.isFinite(d) || !Number.isFinite(gr) || !Number.isFinite(gi) || !Number.isFinite(m.im[0]!) || !Number.isFinite(m.im[3]!)) {
    throw new RangeError("hermitianEigen: 2×2 input has a non-finite entry");
  }
  const r = modulus(gr, gi);
  if (r === 0) return { lp: a, lq: d, c: 1, s: 0, er: 1, ei: 0 };
  const t = jacobiTangent(a, d, r);
  const c = 1 / Math.sqrt(1 + t * t);
  return { lp: a - t * r, lq: d + t * r, c, s: t * c, er: gr / r, ei: -gi / r };
}

function eigen2(m: CMatrix): HermitianEigen {
  const { lp, lq, c, s, er, ei } = rotation2(m);
  // Columns of W·R: p = (c, −s·e^{-iφ}), q = (s, c·e^{-iφ}).
  const colP = [c, 0, -s * er, -s * ei];
  const colQ = [s, 0, c * er, c * ei];
  const [first, second, values] = lp <= lq ? [colP, colQ, [lp, lq]] : [colQ, colP, [lq, lp]];
  const vectors = zeros(2);
  vectors.re[0] = first[0]!; vectors.im[0] = first[1]!;
  vectors.re[2] = first[2]!; vectors.im[2] = first[3]!;
  vectors.re[1] = second[0]!; vectors.im[1] = second[1]!;
  vectors.re[3] = second[2]!; vectors.im[3] = second[3]!;
  return { values: Float64Array.from(values), vectors };
}

function sortAscending(values: Float64Array): void {
  // Insertion sort: n is tiny, and unlike TypedArray#sort it needs no comparator closure.
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}

/**
 * Eigenvalues of a Hermitian matrix into `out` (ascending), reusing `work` if given.
 * Only the Hermitian part (A + A†)/2 of the input is used.
 * @throws RangeError on a non-finite entry or mismatched buffer sizes.
 */
export function hermitianEigenvaluesInto(out: Float64Array, m: CMatrix, work?: EigenWorkspace): Float64Array {
  const { n } = m;
  if (out.length !== n) throw new RangeError(`hermitianEigenvaluesInto: out has length ${out.length}, expected ${n}`);
  if (work !== undefined && work.n !== n) throw new RangeError(`hermitianEigenvaluesInto: workspace is for n=${work.n}, expected ${n}`);
  if (n === 2) {
    const r2 = rotation2(m);
    out[0] = Math.min(r2.lp, r2.lq);
    out[1] = Math.max(r2.lp, r2.lq);
    return out;
  }
  work ??= eigenWorkspace(n);
  loadHermitian(m, work.re, work.im);
  jacobi(n, work.re, work.im, null, null);
  for (let i = 0; i < n; i++) out[i] = work.re[i * n + i]!;
  sortAscending(out);
  return out;
}

/**
 * Eigenvalues of a Hermitian matrix, ascending. Accurate to a few ulps of ‖A‖ (absolute),
 * which is what LAPACK's `eigvalsh` guarantees as well.
 * @throws RangeError on a non-finite entry.
 */
export function hermitianEigenvalues(m: CMatrix): Float64Array {
  return hermitianEigenvaluesInto(new Float64Array(m.n), m);
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a Hermitian matrix,
 * so that A = V·diag(values)·V†. Within a degenerate eigenspace any orthonormal basis may
 * be returned. Only the Hermitian part (A + A†)/2 of the input is used.
 * @throws RangeError on a non-finite entry.
 */
export function hermitianEigen(m: CMatrix): HermitianEigen {
  const { n } = m;
  if (n === 2) return eigen2(m);
  const work = eigenWorkspace(n);
  loadHermitian(m, work.re, work.im);
  const vr = new Float64Array(n * n);
  const vi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vr[i * n + i] = 1;
  jacobi(n, work.re, work.im, vr, vi);

  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = work.re[i * n + i]!;
  const order = Array.from({ length: n }, (_, i) => i);
  // Stable sort keeps the rotation's column order among equal eigenvalues, so the output
  // is a deterministic function of the input.
  order.sort((a, b) => raw[a]! - raw[b]!);
  const values = new Float64Array(n);
  const vectors = zeros(n);
  for (let col = 0; col < n; col++) {
    const src = order[col]!;
    values[col] = raw[src]!;
    for (let k = 0; k < n; k++) {
      vectors.re[k * n + col] = vr[k * n + src]!;
      vectors.im[k * n + col] = vi[k * n + src]!;
    }
  }
  return { values, vectors };
}

/**
 * f(A) = V·diag(f(λ))·V† for a Hermitian A and a real function f of the eigenvalues
 * (square root, power, logarithm on the support, ...).
 */
export function hermitianFunction(m: CMatrix, f: (lambda: number) => number): CMatrix {
  const { values, vectors } = hermitianEigen(m);
  return reconstruct(vectors, Float64Array.from(values, f));
}

/** V·diag(d)·V† for a unitary V and real d: the inverse of {@link hermitianEigen}. */
export function reconstruct(vectors: CMatrix, d: ArrayLike<number>): CMatrix {
  const { n } = vectors;
  if (d.length !== n) throw new RangeError(`reconstruct: ${d.length} values for a ${n}×${n} basis`);
  const out = zeros(n);
  const vr = vectors.re, vi = vectors.im;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const lk = d[k]!;
        if (lk === 0) continue;
        // v_ik · λ_k · conj(v_jk)
        const ar = vr[i * n + k]! * lk, ai = vi[i * n + k]! * lk;
        const br = vr[j * n + k]!, bi = -vi[j * n + k]!;
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      out.re[i * n + j] = sr;
      out.im[i * n + j] = si;
      // The result is Hermitian by construction; writing the mirror keeps it exactly so.
      out.re[j * n + i] = sr;
      out.im[j * n + i] = i === j ? 0 : -si;
    }
  }
  return out;
}
