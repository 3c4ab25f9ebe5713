import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type CMatrix,
  adjoint,
  clone,
  frobeniusNorm,
  fromParts,
  identity,
  maxAbsDiff,
  mul,
  scale,
  zeros,
} from "../../../src/physics/complex.js";
import {
  eigenWorkspace,
  hermitianEigen,
  hermitianEigenvalues,
  hermitianEigenvaluesInto,
  hermitianFunction,
  reconstruct,
} from "../../../src/physics/eigen.js";
import { math, randomComplexMatrix, randomHermitian, randomUnitary, rngFor, toMath } from "./helpers.js";

function mathjsEigenvalues(m: CMatrix): number[] {
  const values = (math.eigs(toMath(m)).values as math.Matrix).toArray() as unknown as (number | math.Complex)[];
  return values.map((v) => (typeof v === "number" ? v : v.re)).sort((a, b) => a - b);
}

/** U·diag(d)·U†, built with mul/adjoint only (no eigen code). */
function withSpectrum(u: CMatrix, d: number[]): CMatrix {
  const diag = zeros(d.length);
  d.forEach((x, i) => (diag.re[i * d.length + i] = x));
  return mul(mul(u, diag), adjoint(u));
}

function expectReconstructs(a: CMatrix, tol = 1e-12): void {
  const { values, vectors } = hermitianEigen(a);
  const scaleA = Math.max(frobeniusNorm(a), Number.MIN_VALUE);
  expect(maxAbsDiff(reconstruct(vectors, values), a) / scaleA).toBeLessThan(tol);
  // V·diag·V† through plain products as well, so reconstruct() is not its own judge.
  const n = a.n;
  const diag = zeros(n);
  for (let i = 0; i < n; i++) diag.re[i * n + i] = values[i]!;
  expect(maxAbsDiff(mul(mul(vectors, diag), adjoint(vectors)), a) / scaleA).toBeLessThan(tol);
  expect(maxAbsDiff(mul(adjoint(vectors), vectors), identity(n))).toBeLessThan(tol);
  for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
}

describe("hermitianEigenvalues vs mathjs eigs", () => {
  for (let n = 2; n <= 8; n++) {
    it(`agrees on random Hermitian matrices, n=${n}`, () => {
      const rng = rngFor(1000 + n);
      for (let t = 0; t < 6; t++) {
        const a = randomHermitian(rng, n);
        const ours = Array.from(hermitianEigenvalues(a));
        const theirs = mathjsEigenvalues(a);
        const tol = 1e-10 * frobeniusNorm(a);
        ours.forEach((v, i) => expect(Math.abs(v - theirs[i]!)).toBeLessThan(tol));
      }
    });
  }

  it("agrees on real symmetric input (imaginary part zero)", () => {
    const rng = rngFor(77);
    const a = randomHermitian(rng, 5);
    a.im.fill(0);
    const ours = Array.from(hermitianEigenvalues(a));
    mathjsEigenvalues(a).forEach((v, i) => expect(Math.abs(v - ours[i]!)).toBeLessThan(1e-11));
  });
});

describe("known spectra", () => {
  it("Pauli matrices have eigenvalues ±1", () => {
    const x = fromParts([[0, 1], [1, 0]]);
    const y = fromParts([[0, 0], [0, 0]], [[0, -1], [1, 0]]);
    const z = fromParts([[1, 0], [0, -1]]);
    for (const p of [x, y, z]) {
      expect(Array.from(hermitianEigenvalues(p))).toEqual([-1, 1]);
      expectReconstructs(p);
    }
    // σ_x ⊗ σ_y ⊗ σ_z (8×8) has eigenvalues ±1, each four times.
    const xyz = fromMathKron(fromMathKron(x, y), z);
    const v = hermitianEigenvalues(xyz);
    v.forEach((l, i) => expect(Math.abs(l - (i < 4 ? -1 : 1))).toBeLessThan(1e-14));
  });

  it("a diagonal matrix returns its sorted diagonal and permuted unit vectors", () => {
    const d = fromParts([
      [3, 0, 0, 0],
      [0, -1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 0.5],
    ]);
    expect(Array.from(hermitianEigenvalues(d))).toEqual([-1, 0.5, 2, 3]);
    const { vectors } = hermitianEigen(d);
    // column k is the unit vector of the diagonal position holding the k-th smallest value
    const positions = [1, 3, 2, 0];
    positions.forEach((row, col) => expect(Math.abs(vectors.re[row * 4 + col]!)).toBe(1));
    expectReconstructs(d);
  });

  it("degenerate spectra (multiplicity 2 and 3) under a random unitary", () => {
    const rng = rngFor(5);
    for (const spec of [
      [1, 1, 2, 2],
      [0.25, 0.25, 0.25, 0.25],
      [-3, 5, 5, 5, 7],
      [0, 0, 0, 1, 1, 2, 2, 2],
    ]) {
      const a = withSpectrum(randomUnitary(rng, spec.length), spec);
      const v = hermitianEigenvalues(a);
      const sorted = [...spec].sort((p, q) => p - q);
      v.forEach((l, i) => expect(Math.abs(l - sorted[i]!)).toBeLessThan(1e-13));
      expectReconstructs(a);
    }
  });

  it("the zero matrix, the identity and a 1×1 matrix", () => {
    expect(Array.from(hermitianEigenvalues(zeros(4)))).toEqual([0, 0, 0, 0]);
    const z = hermitianEigen(zeros(3));
    expect(maxAbsDiff(z.vectors, identity(3))).toBe(0);
    expect(Array.from(hermitianEigenvalues(scale(identity(5), 3)))).toEqual([3, 3, 3, 3, 3]);
    const one = hermitianEigen(fromParts([[-2.5]]));
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(one.vectors.re[0]).toBe(1);
    expect(hermitianEigenvalues(zeros(0)).length).toBe(0);
  });

  it("a rank-one projector |ψ⟩⟨ψ| has spectrum (0, …, 0, 1)", () => {
    const u = randomUnitary(rngFor(6), 6);
    const a = withSpectrum(u, [0, 0, 0, 0, 0, 1]);
    const v = hermitianEigenvalues(a);
    v.forEach((l, i) => expect(Math.abs(l - (i === 5 ? 1 : 0))).toBeLessThan(1e-14));
  });

  it("the 2×2 closed form matches (a+d)/2 ± sqrt(((a−d)/2)² + |b|²)", () => {
    const rng = rngFor(8);
    for (let t = 0; t < 200; t++) {
      const m = randomHermitian(rng, 2);
      const a = m.re[0]!, d = m.re[3]!, br = m.re[1]!, bi = m.im[1]!;
      const mid = (a + d) / 2;
      const h = Math.sqrt(((a - d) / 2) ** 2 + br * br + bi * bi);
      const v = hermitianEigenvalues(m);
      expect(Math.abs(v[0]! - (mid - h))).toBeLessThan(1e-14 * (Math.abs(mid) + h));
      expect(Math.abs(v[1]! - (mid + h))).toBeLessThan(1e-14 * (Math.abs(mid) + h));
    }
  });
});

function fromMathKron(a: CMatrix, b: CMatrix): CMatrix {
  const k = math.kron(toMath(a), toMath(b));
  const data = k.toArray() as unknown as (number | math.Complex)[][];
  const n = data.length;
  const out = zeros(n);
  data.forEach((row, i) =>
    row.forEach((v, j) => {
      out.re[i * n + j] = typeof v === "number" ? v : v.re;
      out.im[i * n + j] = typeof v === "number" ? 0 : v.im;
    }),
  );
  return out;
}

describe("eigen-decomposition accuracy", () => {
  it("reconstructs V·diag·V† ≈ A to 1e-12 (relative) for n = 1..16", () => {
    const rng = rngFor(9);
    for (let n = 1; n <= 16; n++) {
      for (let t = 0; t < 5; t++) expectReconstructs(randomHermitian(rng, n));
    }
  });

  it("A·v = λ·v for every column", () => {
    const rng = rngFor(10);
    for (const n of [2, 3, 7]) {
      const a = randomHermitian(rng, n);
      const { values, vectors } = hermitianEigen(a);
      const av = mul(a, vectors);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          expect(Math.abs(av.re[i * n + k]! - values[k]! * vectors.re[i * n + k]!)).toBeLessThan(1e-12 * frobeniusNorm(a));
          expect(Math.abs(av.im[i * n + k]! - values[k]! * vectors.im[i * n + k]!)).toBeLessThan(1e-12 * frobeniusNorm(a));
        }
      }
    }
  });

  it("property: reconstruction and trace/Frobenius invariants on random seeds (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 10 }), fc.double({ min: -6, max: 6, noNaN: true }), (seed, n, logScale) => {
        const a = randomHermitian(rngFor(seed), n, 10 ** logScale);
        expectReconstructs(a);
        const v = hermitianEigenvalues(a);
        let tr = 0;
        let sq = 0;
        for (let i = 0; i < n; i++) tr += a.re[i * n + i]!;
        for (const l of v) sq += l * l;
        const sumV = v.reduce((s, l) => s + l, 0);
        const norm = frobeniusNorm(a);
        expect(Math.abs(sumV - tr)).toBeLessThan(1e-12 * norm * n);
        expect(Math.abs(Math.sqrt(sq) - norm)).toBeLessThan(1e-12 * norm);
      }),
      { numRuns: 150, seed: 20240611 },
    );
  });

  it("stays accurate on tight clusters (I + ε·H) and graded matrices (entries spanning 1e-54..1)", () => {
    const rng = rngFor(16);
    for (const n of [3, 8, 16]) {
      for (const eps of [1e-3, 1e-9, 1e-15, 1e-17]) {
        const h = randomHermitian(rng, n);
        const a = identity(n);
        for (let k = 0; k < n * n; k++) {
          a.re[k] = a.re[k]! + eps * h.re[k]!;
          a.im[k] = a.im[k]! + eps * h.im[k]!;
        }
        expectReconstructs(a);
        // the cluster's spread is eps times H's spectrum
        const v = hermitianEigenvalues(a);
        const hv = hermitianEigenvalues(h);
        v.forEach((l, i) => expect(Math.abs(l - (1 + eps * hv[i]!))).toBeLessThan(1e-14));
      }
    }
    for (const n of [3, 6, 10]) {
      const a = randomHermitian(rng, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const g = 10 ** (-3 * (i + j));
          a.re[i * n + j] = a.re[i * n + j]! * g;
          a.im[i * n + j] = a.im[i * n + j]! * g;
        }
      }
      expectReconstructs(a);
    }
  });

  it("values-only and full decomposition give identical eigenvalues", () => {
    const rng = rngFor(11);
    for (const n of [2, 3, 5, 9]) {
      const a = randomHermitian(rng, n);
      expect(Array.from(hermitianEigenvalues(a))).toEqual(Array.from(hermitianEigen(a).values));
    }
  });

  it("handles extreme scales without underflow or overflow", () => {
    const rng = rngFor(12);
    for (const s of [1e-200, 1e-160, 1e150, 1e200]) {
      const base = randomHermitian(rng, 4);
      const a = scale(base, s);
      const v = hermitianEigenvalues(a);
      const ref = hermitianEigenvalues(base);
      v.forEach((l, i) => expect(Math.abs(l / s - ref[i]!)).toBeLessThan(1e-12 * frobeniusNorm(base)));
    }
    const tiny = fromParts([[0, 1e-200], [1e-200, 0]]);
    expect(Array.from(hermitianEigenvalues(tiny))).toEqual([-1e-200, 1e-200]);
  });

  it("uses only the Hermitian part (A + A†)/2 of a non-Hermitian input", () => {
    const rng = rngFor(13);
    const g = randomComplexMatrix(rng, 4);
    const herm = scale(
      (() => {
        const s = clone(g);
        const adj = adjoint(g);
        for (let k = 0; k < 16; k++) {
          s.re[k] = s.re[k]! + adj.re[k]!;
          s.im[k] = s.im[k]! + adj.im[k]!;
        }
        return s;
      })(),
      0.5,
    );
    const a = hermitianEigenvalues(g);
    const b = hermitianEigenvalues(herm);
    a.forEach((l, i) => expect(Math.abs(l - b[i]!)).toBeLessThan(1e-13));
  });

  it("rejects non-finite input and mismatched buffers", () => {
    const bad = identity(3);
    bad.re[4] = Number.NaN;
    expect(() => hermitianEigenvalues(bad)).toThrow(RangeError);
    const bad2 = identity(2);
    bad2.im[1] = Number.POSITIVE_INFINITY;
    expect(() => hermitianEigen(bad2)).toThrow(RangeError);
    expect(() => hermitianEigenvaluesInto(new Float64Array(2), identity(3))).toThrow(RangeError);
    expect(() => hermitianEigenvaluesInto(new Float64Array(3), identity(3), eigenWorkspace(4))).toThrow(RangeError);
  });

  it("hermitianEigenvaluesInto reuses the workspace and output", () => {
    const rng = rngFor(14);
    const work = eigenWorkspace(5);
    const out = new Float64Array(5);
    for (let t = 0; t < 3; t++) {
      const a = randomHermitian(rng, 5);
      expect(hermitianEigenvaluesInto(out, a, work)).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(hermitianEigenvalues(a)));
    }
  });
});

describe("hermitianFunction", () => {
  it("the square root of a PSD matrix squares back to it", () => {
    const rng = rngFor(15);
    const u = randomUnitary(rng, 4);
    const a = withSpectrum(u, [0.1, 0.2, 0.3, 0.4]);
    const r = hermitianFunction(a, Math.sqrt);
    expect(maxAbsDiff(mul(r, r), a)).toBeLessThan(1e-14);
    expect(maxAbsDiff(hermitianFunction(a, (x) => x), a)).toBeLessThan(1e-14);
  });

  it("reconstruct rejects a wrong number of values", () => {
    expect(() => reconstruct(identity(2), [1, 2, 3])).toThrow(RangeError);
  });
});
