/**
 * Density matrices: checks, normalisation, entropy, purity, fidelity, and the two
 * non-unitary steps T-M.E.S.H. needs to finalize (dephasing and amplification), plus the
 * T-M.E.S.H. seed's "global coherence" observable.
 *
 * Where a function mirrors a line of the seed's NumPy code, it follows NumPy's evaluation
 * order (summation order, division as multiplication by a reciprocal). It cannot follow
 * NumPy bit for bit everywhere: on FMA-capable CPUs NumPy fuses the multiply-adds inside
 * complex products and `np.dot`, which JavaScript cannot express, so results agree to a
 * few ulps rather than exactly.
 */
import { type CMatrix, isHermitian, mul, outer, trace, traceOfProductRe, zeros } from "./complex.js";
import { hermitianEigen, hermitianEigenvalues, reconstruct } from "./eigen.js";
import { numpyMean, numpySum } from "./summation.js";

/**
 * True when ρ is Hermitian, has trace 1 and no eigenvalue below −tol, each within `tol`.
 * A non-square or non-finite matrix is never a density matrix.
 */
export function isDensityMatrix(rho: CMatrix, tol = 1e-10): boolean {
  if (rho.n === 0 || !isHermitian(rho, tol)) return false;
  const t = trace(rho);
  if (!(Math.abs(t.re - 1) <= tol && Math.abs(t.im) <= tol)) return false;
  return hermitianEigenvalues(rho)[0]! >= -tol;
}

/**
 * `a / t` for complex a and t, as NumPy computes it (Smith's algorithm in
 * `CDOUBLE_divide`): for a real t this is a·(1/t), not a/t, which differs in the last bit
 * for about half of all inputs.
 */
function numpyComplexDivide(ar: number, ai: number, tr: number, ti: number): [number, number] {
  if (Math.abs(tr) >= Math.abs(ti)) {
    const rat = ti / tr;
    const scl = 1 / (tr + ti * rat);
    return [(ar + ai * rat) * scl, (ai - ar * rat) * scl];
  }
  const rat = tr / ti;
  const scl = 1 / (ti + tr * rat);
  return [(ar * rat + ai) * scl, (ai * rat - ar) * scl];
}

/**
 * ρ / Tr ρ, computed as the seed's `validate_trace` (`rho /= np.trace(rho)`) does,
 * complex trace included.
 * @throws RangeError if the trace is zero or not finite.
 */
export function normalizeTrace(rho: CMatrix): CMatrix {
  const t = trace(rho);
  if (!(Number.isFinite(t.re) && Number.isFinite(t.im)) || (t.re === 0 && t.im === 0)) {
    throw new RangeError(`normalizeTrace: trace is ${t.re}${t.im >= 0 ? "+" : ""}${t.im}i, cannot normalize`);
  }
  const out = zeros(rho.n);
  for (let k = 0; k < rho.re.length; k++) {
    const [r, i] = numpyComplexDivide(rho.re[k]!, rho.im[k]!, t.re, t.im);
    out.re[k] = r;
    out.im[k] = i;
  }
  return out;
}

/** The maximally mixed state I/d, the fixed point of every unital channel. */
export function maximallyMixed(d: number): CMatrix {
  const m = zeros(d);
  for (let i = 0; i < d; i++) m.re[i * d + i] = 1 / d;
  return m;
}

/** Purity Tr(ρ²): 1 for a pure state, 1/d for the maximally mixed one. */
export function purity(rho: CMatrix): number {
  return traceOfProductRe(rho, rho);
}

/**
 * Von Neumann entropy S(ρ) = −Tr ρ ln ρ in nats, as the seed's `entropy()` computes it:
 * eigenvalues at or below `cutoff` are discarded (so rounding noise around 0 neither
 * contributes nor produces log of a negative), then −Σ λ ln λ in NumPy's summation order.
 * Like the seed's, the result for a pure state can be −2.2e-16 rather than 0 (an
 * eigenvalue of 1 + ε has a positive logarithm); callers compare against thresholds, not 0.
 * @param cutoff eigenvalues ≤ cutoff are dropped; 0 keeps every positive eigenvalue
 */
export function vonNeumannEntropy(rho: CMatrix, cutoff = 1e-10): number {
  const evals = hermitianEigenvalues(rho);
  const terms: number[] = [];
  for (const l of evals) if (l > cutoff) terms.push(l * Math.log(l));
  return -numpySum(terms);
}

const EPS = 2.220446049250313e-16;

/**
 * The largest eigenvalue that is indistinguishable from 0 in a computed PSD spectrum
 * (ascending): Jacobi returns a zero eigenvalue as noise of size ~ε·λ_max, possibly
 * negative, which a square root or a power below 1 would blow up to ~1e-8.
 */
function nullFloor(values: Float64Array): number {
  const top = values.length === 0 ? 0 : values[values.length - 1]!;
  return 4 * values.length * EPS * top;
}

/** Square roots of a PSD spectrum with the numerical null space set to 0. */
function psdSqrt(values: Float64Array): Float64Array {
  const floor = nullFloor(values);
  return Float64Array.from(values, (l) => (l > floor ? Math.sqrt(l) : 0));
}

/**
 * Uhlmann fidelity F(ρ, σ) = (Tr √(√ρ σ √ρ))², in [0, 1] for density matrices; 1 iff
 * ρ = σ, and |⟨ψ|φ⟩|² for pure states. Both square roots go through the eigen-
 * decomposition, with each spectrum's numerical null space (eigenvalues below 4·n·ε·λ_max) set to 0, which
 * makes rank-deficient and pure states accurate to ~1e-15 instead of ~1e-8. Symmetric in
 * its arguments up to rounding.
 */
export function fidelity(rho: CMatrix, sigma: CMatrix): number {
  if (rho.n !== sigma.n) throw new RangeError(`fidelity: size mismatch ${rho.n} vs ${sigma.n}`);
  const { values, vectors } = hermitianEigen(rho);
  const sqrtRho = reconstruct(vectors, psdSqrt(values));
  const inner = sandwich(sqrtRho, sigma);
  let s = 0;
  for (const r of psdSqrt(hermitianEigenvalues(inner))) s += r;
  return s * s;
}

/** a·b·a for Hermitian a, b (a result that is Hermitian up to rounding). */
function sandwich(a: CMatrix, b: CMatrix): CMatrix {
  return mul(mul(a, b), a);
}

/**
 * The seed's "global coherence": `centroid = sum([n.rho for n in nodes]) / len(nodes)`,
 * then `np.mean([np.trace(np.dot(n.rho, centroid)).real for n in nodes])`.
 *
 * Evaluation order follows NumPy: the centroid accumulates left to right from 0 (Python's
 * `sum`), the division by N is a multiplication by 1/N (NumPy's complex division by a
 * real), each trace sums the product's diagonal from index 0, and the mean is a pairwise
 * sum divided by N. Equals mean_n Tr(ρ_n·ρ̄) = Tr(ρ̄²), the purity of the average state.
 * @throws RangeError for an empty list or mixed sizes.
 */
export function seedCoherence(rhos: readonly CMatrix[]): number {
  const count = rhos.length;
  if (count === 0) throw new RangeError("seedCoherence: no states");
  const d = rhos[0]!.n;
  const centroid = zeros(d);
  for (const r of rhos) {
    if (r.n !== d) throw new RangeError(`seedCoherence: mixed sizes ${d} and ${r.n}`);
    for (let k = 0; k < d * d; k++) {
      centroid.re[k] = centroid.re[k]! + r.re[k]!;
      centroid.im[k] = centroid.im[k]! + r.im[k]!;
    }
  }
  const inv = 1 / count;
  for (let k = 0; k < d * d; k++) {
    centroid.re[k] = centroid.re[k]! * inv;
    centroid.im[k] = centroid.im[k]! * inv;
  }
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = traceOfProductRe(rhos[i]!, centroid);
  return numpyMean(values);
}

/**
 * |ψ⟩⟨ψ| / ⟨ψ|ψ⟩, normalised the way the seed's `psi /= np.linalg.norm(psi)` does:
 * ‖ψ‖ = sqrt(Σ re² + Σ im²) (real and imaginary parts summed separately, as
 * `np.linalg.norm` does for complex input), then each component times 1/‖ψ‖.
 * @throws RangeError for a zero or non-finite vector.
 */
export function pureDensity(psiRe: ArrayLike<number>, psiIm?: ArrayLike<number>): CMatrix {
  const n = psiRe.length;
  if (psiIm !== undefined && psiIm.length !== n) throw new RangeError(`pureDensity: re has ${n} entries, im has ${psiIm.length}`);
  let sr = 0;
  for (let k = 0; k < n; k++) sr += psiRe[k]! * psiRe[k]!;
  let si = 0;
  if (psiIm !== undefined) for (let k = 0; k < n; k++) si += psiIm[k]! * psiIm[k]!;
  const norm = Math.sqrt(sr + si);
  if (!(norm > 0 && Number.isFinite(norm))) throw new RangeError(`pureDensity: cannot normalize a vector of norm ${norm}`);
  const inv = 1 / norm;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    re[k] = psiRe[k]! * inv;
    im[k] = psiIm === undefined ? 0 : psiIm[k]! * inv;
  }
  return outer(re, im);
}

/**
 * Complete dephasing in the computational (candidate) basis: keep the diagonal, drop
 * every coherence. The result is diagonal, so its entropy is the Shannon entropy of the
 * candidate probabilities, and by Schur concavity never below S(ρ).
 */
export function dephase(rho: CMatrix): CMatrix {
  const { n } = rho;
  const out = zeros(n);
  for (let i = 0; i < n; i++) {
    out.re[i * n + i] = rho.re[i * n + i]!;
    out.im[i * n + i] = rho.im[i * n + i]!;
  }
  return out;
}

/**
 * Amplification ρ^m / Tr ρ^m for a real m > 0: sharpens the spectrum toward its largest
 * eigenvalue (m > 1), so repeated application drives entropy to 0 while keeping the
 * eigenvectors. This is the collapse step that gossip alone cannot provide.
 *
 * Computed through the eigendecomposition rather than repeated products, because that
 * (1) allows non-integer m, (2) sets the numerical null space (eigenvalues below
 * 4·n·ε·λ_max, rounding-negative ones included) to exactly 0 instead of letting odd or
 * fractional powers amplify it, and (3) avoids underflow for large m by scaling each
 * eigenvalue by the largest before raising it. Returns a Hermitian matrix of trace 1 up
 * to rounding.
 * @param m the exponent; m > 1 sharpens, m < 1 flattens, m = 1 returns ρ (renormalised)
 * @throws RangeError if m is not a positive finite number or ρ has no positive eigenvalue.
 */
export function amplify(rho: CMatrix, m: number): CMatrix {
  if (!(m > 0 && Number.isFinite(m))) throw new RangeError(`amplify: exponent must be a positive finite number, got ${m}`);
  const { values, vectors } = hermitianEigen(rho);
  const top = values[values.length - 1]!;
  if (!(top > 0)) throw new RangeError("amplify: matrix has no positive eigenvalue");
  const floor = nullFloor(values);
  const powered = Float64Array.from(values, (l) => (l > floor ? (l / top) ** m : 0));
  let total = 0;
  for (const p of powered) total += p;
  for (let k = 0; k < powered.length; k++) powered[k] = powered[k]! / total;
  return reconstruct(vectors, powered);
}
