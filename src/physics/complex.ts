/**
 * Complex square matrices stored as two row-major Float64Arrays (real and imaginary
 * parts). Split storage keeps every hot loop on plain doubles, with no complex objects
 * allocated per element; d is small (the number of candidates, or d² for a joint state),
 * so dense O(n³) algorithms are the right tool.
 *
 * Functions that return a matrix allocate a fresh one and never alias their inputs. The
 * `*Into` variants write into a caller-owned `out` so a protocol's inner loop can reuse
 * buffers; unless stated otherwise `out` may alias an input, because each output element
 * depends only on the same element of the inputs. `mulInto`, `commutatorInto` and
 * `kronInto` read other elements and must not alias; the first two check this.
 */
import { complexComponentSum } from "./summation.js";

/** An n×n complex matrix; element (i, j) is `re[i*n + j] + i·im[i*n + j]`. */
export interface CMatrix {
  readonly n: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A complex scalar. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

function assertSize(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`matrix size must be a non-negative integer, got ${n}`);
}

function assertSameSize(a: CMatrix, b: CMatrix, op: string): void {
  if (a.n !== b.n) throw new RangeError(`${op}: size mismatch ${a.n}×${a.n} vs ${b.n}×${b.n}`);
}

/** The n×n zero matrix. */
export function zeros(n: number): CMatrix {
  assertSize(n);
  return { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

/** The n×n identity matrix. */
export function identity(n: number): CMatrix {
  const m = zeros(n);
  for (let i = 0; i < n; i++) m.re[i * n + i] = 1;
  return m;
}

/**
 * Build a matrix from nested arrays (rows). `im` defaults to all zeros.
 * @throws RangeError if the rows are not square or the parts disagree in shape.
 */
export function fromParts(re: readonly (readonly number[])[], im?: readonly (readonly number[])[]): CMatrix {
  const n = re.length;
  if (im !== undefined && im.length !== n) throw new RangeError(`fromParts: re has ${n} rows, im has ${im.length}`);
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    const rowRe = re[i]!;
    const rowIm = im?.[i];
    if (rowRe.length !== n) throw new RangeError(`fromParts: row ${i} of re has ${rowRe.length} entries, expected ${n}`);
    if (rowIm !== undefined && rowIm.length !== n) throw new RangeError(`fromParts: row ${i} of im has ${rowIm.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) {
      m.re[i * n + j] = rowRe[j]!;
      if (rowIm !== undefined) m.im[i * n + j] = rowIm[j]!;
    }
  }
  return m;
}

/** Nested-array copy of a matrix (for tests, reports and JSON). */
export function toParts(m: CMatrix): { re: number[][]; im: number[][] } {
  const { n } = m;
  const re: number[][] = [];
  const im: number[][] = [];
  for (let i = 0; i < n; i++) {
    re.push(Array.from(m.re.subarray(i * n, i * n + n)));
    im.push(Array.from(m.im.subarray(i * n, i * n + n)));
  }
  return { re, im };
}

/** Deep copy. */
export function clone(m: CMatrix): CMatrix {
  return { n: m.n, re: m.re.slice(), im: m.im.slice() };
}

/** Copy `src` into `out` (same size). */
export function copyInto(out: CMatrix, src: CMatrix): CMatrix {
  assertSameSize(out, src, "copyInto");
  out.re.set(src.re);
  out.im.set(src.im);
  return out;
}

/** out = a + b. `out` may alias `a` or `b`. */
export function addInto(out: CMatrix, a: CMatrix, b: CMatrix): CMatrix {
  assertSameSize(a, b, "add");
  assertSameSize(out, a, "add");
  const len = a.n * a.n;
  for (let k = 0; k < len; k++) {
    out.re[k] = a.re[k]! + b.re[k]!;
    out.im[k] = a.im[k]! + b.im[k]!;
  }
  return out;
}

/** a + b. */
export function add(a: CMatrix, b: CMatrix): CMatrix {
  return addInto(zeros(a.n), a, b);
}

/** out = a − b. `out` may alias `a` or `b`. */
export function subInto(out: CMatrix, a: CMatrix, b: CMatrix): CMatrix {
  assertSameSize(a, b, "sub");
  assertSameSize(out, a, "sub");
  const len = a.n * a.n;
  for (let k = 0; k < len; k++) {
    out.re[k] = a.re[k]! - b.re[k]!;
    out.im[k] = a.im[k]! - b.im[k]!;
  }
  return out;
}

/** a − b. */
export function sub(a: CMatrix, b: CMatrix): CMatrix {
  return subInto(zeros(a.n), a, b);
}

/** out = s·m for a real scalar s. `out` may alias `m`. */
export function scaleInto(out: CMatrix, m: CMatrix, s: number): CMatrix {
  assertSameSize(out, m, "scale");
  const len = m.n * m.n;
  for (let k = 0; k < len; k++) {
    out.re[k] = m.re[k]! * s;
    out.im[k] = m.im[k]! * s;
  }
  return out;
}

/** s·m for a real scalar s. */
export function scale(m: CMatrix, s: number): CMatrix {
  return scaleInto(zeros(m.n), m, s);
}

/**
 * out = a·b (matrix product). Each entry sums k = 0..n−1 in order, the naive order a
 * reference BLAS uses for tiny matrices.
 * @throws RangeError if `out` aliases `a` or `b`: the product reads rows and columns
 * after they would have been overwritten.
 */
export function mulInto(out: CMatrix, a: CMatrix, b: CMatrix): CMatrix {
  assertSameSize(a, b, "mul");
  assertSameSize(out, a, "mul");
  if (out.re === a.re || out.re === b.re || out.im === a.im || out.im === b.im) {
    throw new RangeError("mulInto: out must not alias an operand");
  }
  const { n } = a;
  const ar = a.re, ai = a.im, br = b.re, bi = b.im, or = out.re, oi = out.im;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const xr = ar[row + k]!, xi = ai[row + k]!;
        const yr = br[k * n + j]!, yi = bi[k * n + j]!;
        sr += xr * yr - xi * yi;
        si += xr * yi + xi * yr;
      }
      or[row + j] = sr;
      oi[row + j] = si;
    }
  }
  return out;
}

/** a·b (matrix product). */
export function mul(a: CMatrix, b: CMatrix): CMatrix {
  return mulInto(zeros(a.n), a, b);
}

/** out = m† (conjugate transpose). `out` may alias `m`. */
export function adjointInto(out: CMatrix, m: CMatrix): CMatrix {
  assertSameSize(out, m, "adjoint");
  const { n } = m;
  const mr = m.re, mi = m.im, or = out.re, oi = out.im;
  for (let i = 0; i < n; i++) {
    // Diagonal first, then swap each pair once, so the in-place case works.
    or[i * n + i] = mr[i * n + i]!;
    oi[i * n + i] = -mi[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const ij = i * n + j;
      const ji = j * n + i;
      const rij = mr[ij]!, iij = mi[ij]!, rji = mr[ji]!, iji = mi[ji]!;
      or[ij] = rji;
      oi[ij] = -iji;
      or[ji] = rij;
      oi[ji] = -iij;
    }
  }
  return out;
}

/** m† (conjugate transpose). */
export function adjoint(m: CMatrix): CMatrix {
  return adjointInto(zeros(m.n), m);
}

/**
 * Tr m, summing the diagonal in `np.trace`'s order (numpy's complex pairwise summation:
 * left to right below 4 entries, 4 interleaved accumulators from 4 on).
 */
export function trace(m: CMatrix): Complex {
  const { n } = m;
  return { re: 0 + complexComponentSum(m.re, 0, n + 1, n), im: 0 + complexComponentSum(m.im, 0, n + 1, n) };
}

/**
 * Real part of Tr(a·b) without forming the product: each diagonal entry Σ_k a_ik·b_ki runs
 * k = 0..n−1, and the diagonal is summed in `np.trace`'s order, so this is
 * `np.trace(np.dot(a, b)).real` up to the fused multiply-adds numpy's BLAS may use.
 */
export function traceOfProductRe(a: CMatrix, b: CMatrix): number {
  assertSameSize(a, b, "traceOfProduct");
  const { n } = a;
  const diag = n < 4 ? null : new Float64Array(n);
  let total = -0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let k = 0; k < n; k++) d += a.re[i * n + k]! * b.re[k * n + i]! - a.im[i * n + k]! * b.im[k * n + i]!;
    if (diag === null) total += d;
    else diag[i] = d;
  }
  return 0 + (diag === null ? total : complexComponentSum(diag, 0, 1, n));
}

/**
 * out = [a, b] = a·b − b·a.
 * @throws RangeError if `out` aliases an operand.
 */
export function commutatorInto(out: CMatrix, a: CMatrix, b: CMatrix, scratch: CMatrix = zeros(a.n)): CMatrix {
  mulInto(out, a, b);
  mulInto(scratch, b, a);
  return subInto(out, out, scratch);
}

/** [a, b] = a·b − b·a. */
export function commutator(a: CMatrix, b: CMatrix): CMatrix {
  return commutatorInto(zeros(a.n), a, b);
}

/**
 * out = a ⊗ b, the Kronecker product: (a⊗b)[i·nb + k, j·nb + l] = a[i,j]·b[k,l], so the
 * first factor is the slow ("A") index, as in numpy's `np.kron`.
 * @throws RangeError if `out` is not (na·nb)×(na·nb).
 */
export function kronInto(out: CMatrix, a: CMatrix, b: CMatrix): CMatrix {
  const na = a.n, nb = b.n, n = na * nb;
  if (out.n !== n) throw new RangeError(`kronInto: out is ${out.n}×${out.n}, expected ${n}×${n}`);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < na; j++) {
      const xr = a.re[i * na + j]!, xi = a.im[i * na + j]!;
      for (let k = 0; k < nb; k++) {
        const row = (i * nb + k) * n + j * nb;
        for (let l = 0; l < nb; l++) {
          const yr = b.re[k * nb + l]!, yi = b.im[k * nb + l]!;
          out.re[row + l] = xr * yr - xi * yi;
          out.im[row + l] = xr * yi + xi * yr;
        }
      }
    }
  }
  return out;
}

/** a ⊗ b (Kronecker product, first factor slow). */
export function kron(a: CMatrix, b: CMatrix): CMatrix {
  return kronInto(zeros(a.n * b.n), a, b);
}

/**
 * |ψ⟩⟨ψ|: entry (i, j) = ψ_i·conj(ψ_j), with no normalisation (see `pureDensity` for
 * the normalised state).
 */
export function outer(psiRe: ArrayLike<number>, psiIm?: ArrayLike<number>): CMatrix {
  const n = psiRe.length;
  if (psiIm !== undefined && psiIm.length !== n) throw new RangeError(`outer: re has ${n} entries, im has ${psiIm.length}`);
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    const ar = psiRe[i]!, ai = psiIm === undefined ? 0 : psiIm[i]!;
    for (let j = 0; j < n; j++) {
      const br = psiRe[j]!, bi = psiIm === undefined ? 0 : -psiIm[j]!;
      m.re[i * n + j] = ar * br - ai * bi;
      m.im[i * n + j] = ar * bi + ai * br;
    }
  }
  return m;
}

/** Frobenius norm sqrt(Σ |m_ij|²). */
export function frobeniusNorm(m: CMatrix): number {
  let s = 0;
  const len = m.n * m.n;
  for (let k = 0; k < len; k++) s += m.re[k]! * m.re[k]! + m.im[k]! * m.im[k]!;
  return Math.sqrt(s);
}

/** max_ij |a_ij − b_ij| (complex modulus); the yardstick tests compare matrices with. */
export function maxAbsDiff(a: CMatrix, b: CMatrix): number {
  assertSameSize(a, b, "maxAbsDiff");
  let worst = 0;
  const len = a.n * a.n;
  for (let k = 0; k < len; k++) {
    const d = Math.hypot(a.re[k]! - b.re[k]!, a.im[k]! - b.im[k]!);
    // NaN must not hide behind the comparison, or a broken matrix would look equal.
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** True when |m_ij − conj(m_ji)| ≤ tol for every i, j (a NaN entry is never Hermitian). */
export function isHermitian(m: CMatrix, tol = 1e-12): boolean {
  const { n } = m;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const dr = m.re[i * n + j]! - m.re[j * n + i]!;
      const di = m.im[i * n + j]! + m.im[j * n + i]!;
      if (!(Math.hypot(dr, di) <= tol)) return false;
    }
  }
  return true;
}
