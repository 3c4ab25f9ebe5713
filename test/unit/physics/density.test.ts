import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type CMatrix, adjoint, clone, fromParts, identity, isHermitian, maxAbsDiff, mul, scale, trace, zeros } from "../../../src/physics/complex.js";
import { hermitianEigenvalues } from "../../../src/physics/eigen.js";
import {
  amplify,
  dephase,
  fidelity,
  isDensityMatrix,
  maximallyMixed,
  normalizeTrace,
  pureDensity,
  purity,
  seedCoherence,
  vonNeumannEntropy,
} from "../../../src/physics/density.js";
import { randomDensity, randomUnitary, randomVector, rngFor } from "./helpers.js";

function diag(values: number[]): CMatrix {
  const m = zeros(values.length);
  values.forEach((v, i) => (m.re[i * values.length + i] = v));
  return m;
}

function conjugate(u: CMatrix, rho: CMatrix): CMatrix {
  return mul(mul(u, rho), adjoint(u));
}

/** −Σ p ln p written out, as an independent reference. */
function shannon(p: number[]): number {
  return -p.filter((x) => x > 0).reduce((s, x) => s + x * Math.log(x), 0);
}

describe("isDensityMatrix", () => {
  it("accepts random density matrices of every rank", () => {
    const rng = rngFor(1);
    for (const d of [1, 2, 3, 5]) for (let r = 1; r <= d; r++) expect(isDensityMatrix(randomDensity(rng, d, r))).toBe(true);
    expect(isDensityMatrix(maximallyMixed(4))).toBe(true);
  });

  it("rejects wrong trace, non-Hermitian, negative eigenvalue, empty", () => {
    const rho = randomDensity(rngFor(2), 3);
    expect(isDensityMatrix(scale(rho, 2))).toBe(false);
    const skew = clone(rho);
    skew.im[1] = skew.im[1]! + 0.01;
    expect(isDensityMatrix(skew)).toBe(false);
    expect(isDensityMatrix(diag([1.2, -0.2]))).toBe(false);
    expect(isDensityMatrix(diag([1 + 1e-12, -1e-12]))).toBe(true);
    expect(isDensityMatrix(zeros(0))).toBe(false);
  });
});

describe("normalizeTrace", () => {
  it("gives trace 1 and keeps the direction", () => {
    const rho = randomDensity(rngFor(3), 4);
    const n = normalizeTrace(scale(rho, 3.7));
    expect(Math.abs(trace(n).re - 1)).toBeLessThan(1e-15);
    expect(maxAbsDiff(n, rho)).toBeLessThan(1e-15);
  });

  it("divides by a complex trace as complex division does", () => {
    const m = fromParts([[1, 0], [0, 1]], [[1, 0], [0, 1]]); // trace 2 + 2i
    const n = normalizeTrace(m);
    // (1 + i) / (2 + 2i) = 1/2
    expect(n.re[0]).toBeCloseTo(0.5, 15);
    expect(n.im[0]).toBeCloseTo(0, 15);
    const tall = fromParts([[0.1, 0], [0, 0]], [[3, 0], [0, 0]]); // |Im Tr| > |Re Tr| branch
    const t = normalizeTrace(tall);
    expect(t.re[0]).toBeCloseTo(1, 15);
    expect(t.im[0]).toBeCloseTo(0, 15);
  });

  it("throws on a zero or non-finite trace", () => {
    expect(() => normalizeTrace(fromParts([[1, 0], [0, -1]]))).toThrow(RangeError);
    expect(() => normalizeTrace(diag([Number.NaN, 1]))).toThrow(RangeError);
  });
});

describe("von Neumann entropy", () => {
  it("is ln d for the maximally mixed state", () => {
    for (let d = 1; d <= 8; d++) expect(Math.abs(vonNeumannEntropy(maximallyMixed(d)) - Math.log(d))).toBeLessThan(1e-14);
  });

  it("is 0 for pure states", () => {
    const rng = rngFor(4);
    for (const d of [2, 3, 4, 6]) {
      const { re, im } = randomVector(rng, d);
      // an eigenvalue of 1 + ε gives −2.2e-16, exactly as the seed's entropy() does
      expect(Math.abs(vonNeumannEntropy(pureDensity(re, im)))).toBeLessThan(1e-15);
    }
  });

  it("equals the Shannon entropy of the spectrum, and is unitarily invariant", () => {
    const rng = rngFor(5);
    const p = [0.5, 0.3, 0.15, 0.05];
    const rho = conjugate(randomUnitary(rng, 4), diag(p));
    expect(Math.abs(vonNeumannEntropy(rho) - shannon(p))).toBeLessThan(1e-14);
    expect(Math.abs(vonNeumannEntropy(diag(p)) - shannon(p))).toBeLessThan(1e-15);
  });

  it("discards eigenvalues at or below the cutoff, as the seed does", () => {
    const big = 1 - 1e-11;
    const tiny = diag([big, 1e-11]);
    expect(vonNeumannEntropy(tiny)).toBe(-(big * Math.log(big)));
    expect(vonNeumannEntropy(tiny, 0)).toBeCloseTo(-(big * Math.log(big)) - 1e-11 * Math.log(1e-11), 22);
    const edge = diag([1 - 1e-10, 1e-10]);
    // λ = 1e-10 is not > 1e-10: discarded
    expect(vonNeumannEntropy(edge)).toBeCloseTo(-(1 - 1e-10) * Math.log(1 - 1e-10), 20);
  });

  it("lies in [0, ln d] for random states", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 6 }), (seed, d) => {
        const rng = rngFor(seed);
        const s = vonNeumannEntropy(randomDensity(rng, d, 1 + (seed % d)));
        expect(s).toBeGreaterThanOrEqual(-1e-15);
        expect(s).toBeLessThanOrEqual(Math.log(d) + 1e-12);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe("purity", () => {
  it("is 1 for pure, 1/d for maximally mixed, Σλ² in general", () => {
    const rng = rngFor(6);
    const { re, im } = randomVector(rng, 3);
    expect(Math.abs(purity(pureDensity(re, im)) - 1)).toBeLessThan(1e-15);
    for (let d = 1; d <= 6; d++) expect(Math.abs(purity(maximallyMixed(d)) - 1 / d)).toBeLessThan(1e-15);
    const rho = randomDensity(rng, 5);
    const lambda = hermitianEigenvalues(rho);
    expect(Math.abs(purity(rho) - lambda.reduce((s, l) => s + l * l, 0))).toBeLessThan(1e-14);
    expect(Math.abs(purity(rho) - trace(mul(rho, rho)).re)).toBeLessThan(1e-15);
  });
});

describe("fidelity", () => {
  it("is 1 for equal states and symmetric", () => {
    const rng = rngFor(7);
    for (const d of [2, 3, 4]) {
      const rho = randomDensity(rng, d);
      const sigma = randomDensity(rng, d, 2);
      expect(Math.abs(fidelity(rho, rho) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(fidelity(rho, sigma) - fidelity(sigma, rho))).toBeLessThan(1e-12);
      const f = fidelity(rho, sigma);
      expect(f).toBeGreaterThan(0);
      expect(f).toBeLessThan(1);
    }
  });

  it("equals |⟨ψ|φ⟩|² for pure states", () => {
    const rng = rngFor(8);
    for (const d of [2, 3, 5]) {
      const a = randomVector(rng, d);
      const b = randomVector(rng, d);
      let na = 0, nb = 0, ipr = 0, ipi = 0;
      for (let k = 0; k < d; k++) {
        na += a.re[k]! ** 2 + a.im[k]! ** 2;
        nb += b.re[k]! ** 2 + b.im[k]! ** 2;
        // conj(a_k)·b_k
        ipr += a.re[k]! * b.re[k]! + a.im[k]! * b.im[k]!;
        ipi += a.re[k]! * b.im[k]! - a.im[k]! * b.re[k]!;
      }
      const overlap = (ipr * ipr + ipi * ipi) / (na * nb);
      expect(Math.abs(fidelity(pureDensity(a.re, a.im), pureDensity(b.re, b.im)) - overlap)).toBeLessThan(1e-12);
    }
  });

  it("is (Σ sqrt(p_k q_k))² for commuting states, 0 for orthogonal ones, unitarily invariant", () => {
    const p = [0.7, 0.2, 0.1];
    const q = [0.1, 0.3, 0.6];
    const bc = p.reduce((s, x, k) => s + Math.sqrt(x * q[k]!), 0) ** 2;
    expect(Math.abs(fidelity(diag(p), diag(q)) - bc)).toBeLessThan(1e-14);
    expect(fidelity(diag([1, 0]), diag([0, 1]))).toBeLessThan(1e-30);
    const u = randomUnitary(rngFor(9), 3);
    expect(Math.abs(fidelity(conjugate(u, diag(p)), conjugate(u, diag(q))) - bc)).toBeLessThan(1e-12);
  });

  it("rejects mismatched sizes", () => {
    expect(() => fidelity(maximallyMixed(2), maximallyMixed(3))).toThrow(RangeError);
  });
});

describe("seedCoherence", () => {
  it("is the mean of Tr(ρ_n·centroid), written out", () => {
    const rng = rngFor(10);
    const rhos = Array.from({ length: 7 }, () => randomDensity(rng, 3));
    const centroid = zeros(3);
    for (const r of rhos) for (let k = 0; k < 9; k++) {
      centroid.re[k] = centroid.re[k]! + r.re[k]! / rhos.length;
      centroid.im[k] = centroid.im[k]! + r.im[k]! / rhos.length;
    }
    const expected = rhos.reduce((s, r) => s + trace(mul(r, centroid)).re, 0) / rhos.length;
    expect(Math.abs(seedCoherence(rhos) - expected)).toBeLessThan(1e-15);
    // It is the purity of the average state.
    expect(Math.abs(seedCoherence(rhos) - purity(centroid))).toBeLessThan(1e-15);
  });

  it("is 1 when every node holds the same pure state, 1/d when all are maximally mixed", () => {
    const { re, im } = randomVector(rngFor(11), 4);
    const psi = pureDensity(re, im);
    expect(Math.abs(seedCoherence([psi, psi, psi]) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(seedCoherence([maximallyMixed(4), maximallyMixed(4)]) - 0.25)).toBeLessThan(1e-16);
    // two orthogonal pure states: centroid I/2 on their span
    expect(Math.abs(seedCoherence([diag([1, 0]), diag([0, 1])]) - 0.5)).toBe(0);
  });

  it("rejects an empty list and mixed sizes", () => {
    expect(() => seedCoherence([])).toThrow(RangeError);
    expect(() => seedCoherence([maximallyMixed(2), maximallyMixed(3)])).toThrow(RangeError);
  });
});

describe("pureDensity", () => {
  it("is |ψ⟩⟨ψ|/⟨ψ|ψ⟩: trace 1, idempotent, independent of scale and global phase", () => {
    const rng = rngFor(12);
    const { re, im } = randomVector(rng, 3);
    const rho = pureDensity(re, im);
    expect(isHermitian(rho, 0)).toBe(true);
    expect(Math.abs(trace(rho).re - 1)).toBeLessThan(1e-15);
    expect(maxAbsDiff(mul(rho, rho), rho)).toBeLessThan(1e-15);
    // ψ → (2 − 3i)·ψ leaves the state unchanged
    const re2 = re.map((x, k) => 2 * x + 3 * im[k]!);
    const im2 = im.map((y, k) => 2 * y - 3 * re[k]!);
    expect(maxAbsDiff(pureDensity(re2, im2), rho)).toBeLessThan(1e-15);
    expect(maxAbsDiff(pureDensity([3, 4]), fromParts([[0.36, 0.48], [0.48, 0.64]]))).toBeLessThan(2e-16);
  });

  it("rejects zero vectors and mismatched parts", () => {
    expect(() => pureDensity([0, 0], [0, 0])).toThrow(RangeError);
    expect(() => pureDensity([1, 0], [0])).toThrow(RangeError);
  });
});

describe("dephase", () => {
  it("keeps exactly the diagonal and never lowers entropy", () => {
    const rng = rngFor(13);
    for (const d of [2, 3, 5]) {
      const rho = randomDensity(rng, d);
      const z = dephase(rho);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          expect(z.re[i * d + j]).toBe(i === j ? rho.re[i * d + i] : 0);
          expect(z.im[i * d + j]).toBe(i === j ? rho.im[i * d + i] : 0);
        }
      }
      expect(vonNeumannEntropy(z)).toBeGreaterThanOrEqual(vonNeumannEntropy(rho) - 1e-14);
      const p = Array.from({ length: d }, (_, i) => rho.re[i * d + i]!);
      expect(Math.abs(vonNeumannEntropy(z) - shannon(p))).toBeLessThan(1e-14);
    }
  });
});

describe("amplify", () => {
  it("m = 1 is the identity map and integer m matches ρ^m/Tr ρ^m by products", () => {
    const rng = rngFor(14);
    const rho = randomDensity(rng, 4);
    expect(maxAbsDiff(amplify(rho, 1), rho)).toBeLessThan(1e-14);
    let power = identity(4);
    for (let m = 1; m <= 5; m++) {
      power = mul(power, rho);
      const expected = scale(power, 1 / trace(power).re);
      expect(maxAbsDiff(amplify(rho, m), expected)).toBeLessThan(1e-13);
    }
  });

  it("lowers entropy for m > 1, fixes pure states, and converges to the top eigenprojector", () => {
    const rng = rngFor(15);
    const rho = randomDensity(rng, 3);
    let cur = rho;
    let s = vonNeumannEntropy(cur);
    for (let k = 0; k < 6; k++) {
      cur = amplify(cur, 2);
      const next = vonNeumannEntropy(cur);
      expect(next).toBeLessThan(s);
      expect(isHermitian(cur, 1e-14)).toBe(true);
      expect(Math.abs(trace(cur).re - 1)).toBeLessThan(1e-14);
      s = next;
    }
    expect(s).toBeLessThan(1e-6);
    expect(purity(amplify(rho, 1e6))).toBeCloseTo(1, 12);
    const { re, im } = randomVector(rng, 3);
    const pure = pureDensity(re, im);
    expect(maxAbsDiff(amplify(pure, 3), pure)).toBeLessThan(1e-14);
    // a fractional power must not inflate the rounding noise of the zero eigenvalues
    expect(maxAbsDiff(amplify(pure, 0.5), pure)).toBeLessThan(1e-14);
    // m < 1 flattens the spectrum instead
    expect(vonNeumannEntropy(amplify(rho, 0.5))).toBeGreaterThan(vonNeumannEntropy(rho));
  });

  it("does not underflow for huge m and rejects bad exponents", () => {
    const rho = diag([0.6, 0.4]);
    const a = amplify(rho, 5000);
    expect(a.re[0]).toBe(1);
    expect(a.re[3]).toBe(0);
    expect(() => amplify(rho, 0)).toThrow(RangeError);
    expect(() => amplify(rho, Number.NaN)).toThrow(RangeError);
    expect(() => amplify(zeros(2), 2)).toThrow(RangeError);
  });
});
