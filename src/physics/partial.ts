/**
 * Bipartite operations: partial trace, unitary conjugation, and the partial-swap gossip of
 * Mazzarella, Sarlette & Ticozzi (2015), "Consensus for quantum networks: symmetry from
 * gossip interactions", IEEE TAC 60(1).
 *
 * Index convention (the same as `kron`): the joint basis state |a⟩⊗|b⟩ of an A⊗B system has
 * index a·dB + b, so A is the slow index.
 */
import { type CMatrix, adjoint, identity, mul, zeros } from "./complex.js";

/** Which factor of A⊗B survives a partial trace. */
export type Subsystem = "A" | "B";

/**
 * Partial trace of an operator on A⊗B:
 * keep "A": (Tr_B X)[i, j] = Σ_k X[i·dB + k, j·dB + k];
 * keep "B": (Tr_A X)[k, l] = Σ_i X[i·dB + k, i·dB + l].
 * Sums run over the traced index in increasing order.
 * @param dA dimension of the first (slow-index) factor
 * @param dB dimension of the second factor
 * @param keep the factor that remains
 * @throws RangeError if X is not (dA·dB)×(dA·dB).
 */
export function partialTrace(rhoAB: CMatrix, dA: number, dB: number, keep: Subsystem): CMatrix {
  if (!Number.isInteger(dA) || !Number.isInteger(dB) || dA < 1 || dB < 1) {
    throw new RangeError(`partialTrace: dimensions must be positive integers, got ${dA} and ${dB}`);
  }
  const n = dA * dB;
  if (rhoAB.n !== n) throw new RangeError(`partialTrace: operator is ${rhoAB.n}×${rhoAB.n}, expected ${n}×${n} for ${dA}⊗${dB}`);
  const { re, im } = rhoAB;
  if (keep === "A") {
    const out = zeros(dA);
    for (let i = 0; i < dA; i++) {
      for (let j = 0; j < dA; j++) {
        let sr = 0;
        let si = 0;
        for (let k = 0; k < dB; k++) {
          const idx = (i * dB + k) * n + j * dB + k;
          sr += re[idx]!;
          si += im[idx]!;
        }
        out.re[i * dA + j] = sr;
        out.im[i * dA + j] = si;
      }
    }
    return out;
  }
  if (keep !== "B") throw new RangeError(`partialTrace: keep must be "A" or "B", got ${String(keep)}`);
  const out = zeros(dB);
  for (let k = 0; k < dB; k++) {
    for (let l = 0; l < dB; l++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < dA; i++) {
        const idx = (i * dB + k) * n + i * dB + l;
        sr += re[idx]!;
        si += im[idx]!;
      }
      out.re[k * dB + l] = sr;
      out.im[k * dB + l] = si;
    }
  }
  return out;
}

/** U·ρ·U†: the evolution of a state under the unitary U. */
export function applyUnitary(U: CMatrix, rho: CMatrix): CMatrix {
  return mul(mul(U, rho), adjoint(U));
}

/** The swap operator on C^d ⊗ C^d: SWAP|a⟩⊗|b⟩ = |b⟩⊗|a⟩. Real, symmetric, SWAP² = I. */
export function swapOperator(d: number): CMatrix {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`swapOperator: dimension must be a positive integer, got ${d}`);
  const n = d * d;
  const s = zeros(n);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) s.re[(b * d + a) * n + (a * d + b)] = 1;
  }
  return s;
}

/**
 * The partial swap U = exp(iθ·SWAP) = cos θ·I + i·sin θ·SWAP, which holds because SWAP is
 * an involution (the exponential series splits into even and odd powers). θ = 0 is the
 * identity, θ = π/2 a full swap (up to the global phase i).
 */
export function partialSwapUnitary(d: number, theta: number): CMatrix {
  const s = swapOperator(d);
  const u = identity(d * d);
  const c = Math.cos(theta);
  const sn = Math.sin(theta);
  for (let k = 0; k < u.re.length; k++) {
    u.re[k] = u.re[k]! * c;
    u.im[k] = s.re[k]! * sn;
  }
  return u;
}

/**
 * out = Tr_j[U(ρi⊗ρj)U†] for U = exp(iθ·SWAP), without forming the d²×d² joint state:
 *
 *   ρi' = cos²θ·Tr(ρj)·ρi + sin²θ·Tr(ρi)·ρj + i·sinθ·cosθ·[ρj, ρi].
 *
 * Derivation: with U† = cos θ·I − i sin θ·SWAP and X = ρi⊗ρj,
 * U X U† = cos²θ·X + sin²θ·SWAP·X·SWAP + i sinθ cosθ·(SWAP·X − X·SWAP);
 * SWAP·X·SWAP = ρj⊗ρi, and Tr_B[SWAP(A⊗B)] = B·A, Tr_B[(A⊗B)SWAP] = A·B. For density
 * matrices the traces are 1. The partner's new state is the same map with the roles
 * exchanged: `partialSwapGossipInto(out, ρj, ρi, θ)`, and the two updates preserve the
 * pair's sum ρi + ρj, since their commutator terms cancel.
 *
 * O(d³) instead of the O(d⁶) explicit construction.
 * @param theta interaction strength: 0 leaves ρi unchanged, π/4 is the symmetric half-swap,
 *   π/2 hands ρi the partner's state
 * @param out receives ρi'; must not alias ρi or ρj
 * @throws RangeError on size mismatch or if `out` aliases an input.
 */
export function partialSwapGossipInto(out: CMatrix, rhoI: CMatrix, rhoJ: CMatrix, theta: number): CMatrix {
  const { n } = rhoI;
  if (rhoJ.n !== n || out.n !== n) throw new RangeError(`partialSwapGossip: size mismatch ${rhoI.n}, ${rhoJ.n}, out ${out.n}`);
  if (out.re === rhoI.re || out.re === rhoJ.re) throw new RangeError("partialSwapGossipInto: out must not alias an input");
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const c2 = c * c, s2 = s * s, sc = s * c;
  const ir = rhoI.re, ii = rhoI.im, jr = rhoJ.re, ji = rhoJ.im;
  let tIr = 0, tIi = 0, tJr = 0, tJi = 0;
  for (let k = 0; k < n; k++) {
    tIr += ir[k * n + k]!; tIi += ii[k * n + k]!;
    tJr += jr[k * n + k]!; tJi += ji[k * n + k]!;
  }
  // Complex weights c²·Tr ρj and s²·Tr ρi.
  const wIr = c2 * tJr, wIi = c2 * tJi, wJr = s2 * tIr, wJi = s2 * tIi;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      // [ρj, ρi]_ab = Σ_k ρj_ak ρi_kb − ρi_ak ρj_kb
      let cr = 0;
      let ci = 0;
      for (let k = 0; k < n; k++) {
        const xr = jr[a * n + k]!, xi = ji[a * n + k]!, yr = ir[k * n + b]!, yi = ii[k * n + b]!;
        const ur = ir[a * n + k]!, ui = ii[a * n + k]!, vr = jr[k * n + b]!, vi = ji[k * n + b]!;
        cr += xr * yr - xi * yi - (ur * vr - ui * vi);
        ci += xr * yi + xi * yr - (ur * vi + ui * vr);
      }
      const ab = a * n + b;
      const pr = ir[ab]!, pi = ii[ab]!, qr = jr[ab]!, qi = ji[ab]!;
      // i·sc·(cr + i·ci) = sc·(−ci + i·cr)
      out.re[ab] = wIr * pr - wIi * pi + (wJr * qr - wJi * qi) - sc * ci;
      out.im[ab] = wIr * pi + wIi * pr + (wJr * qi + wJi * qr) + sc * cr;
    }
  }
  return out;
}

/** Tr_j[U(ρi⊗ρj)U†] for U = exp(iθ·SWAP): node i's state after gossip with j. See {@link partialSwapGossipInto}. */
export function partialSwapGossip(rhoI: CMatrix, rhoJ: CMatrix, theta: number): CMatrix {
  return partialSwapGossipInto(zeros(rhoI.n), rhoI, rhoJ, theta);
}
