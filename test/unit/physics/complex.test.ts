import { describe, expect, it } from "vitest";
import {
  type CMatrix,
  add,
  addInto,
  adjoint,
  adjointInto,
  clone,
  commutator,
  copyInto,
  frobeniusNorm,
  fromParts,
  identity,
  isHermitian,
  kron,
  maxAbsDiff,
  mul,
  mulInto,
  outer,
  scale,
  sub,
  toParts,
  trace,
  traceOfProductRe,
  zeros,
} from "../../../src/physics/complex.js";
import { at, fromMath, math, randomComplexMatrix, randomHermitian, randomVector, rngFor, toMath } from "./helpers.js";

const TOL = 1e-12;

describe("construction", () => {
  it("zeros and identity have the right entries", () => {
    const z = zeros(3);
    expect(z.n).toBe(3);
    expect(Array.from(z.re)).toEqual(new Array(9).fill(0));
    const id = identity(3);
    expect(toParts(id).re).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(Array.from(id.im)).toEqual(new Array(9).fill(0));
  });

  it("fromParts/toParts round-trip row-major", () => {
    const m = fromParts(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    );
    expect(Array.from(m.re)).toEqual([1, 2, 3, 4]);
    expect(Array.from(m.im)).toEqual([5, 6, 7, 8]);
    expect(toParts(m)).toEqual({
      re: [
        [1, 2],
        [3, 4],
      ],
      im: [
        [5, 6],
        [7, 8],
      ],
    });
    expect(Array.from(fromParts([[1]]).im)).toEqual([0]);
  });

  it("fromParts rejects ragged or mismatched input", () => {
    expect(() => fromParts([[1, 2], [3]])).toThrow(RangeError);
    expect(() => fromParts([[1]], [[1], [2]])).toThrow(RangeError);
    expect(() => fromParts([[1, 2], [3, 4]], [[1, 2], [3]])).toThrow(RangeError);
    expect(() => zeros(-1)).toThrow(RangeError);
  });

  it("clone and copyInto copy without aliasing", () => {
    const a = randomComplexMatrix(rngFor(1), 3);
    const b = clone(a);
    expect(b.re).not.toBe(a.re);
    expect(maxAbsDiff(a, b)).toBe(0);
    b.re[0] = 99;
    expect(a.re[0]).not.toBe(99);
    const c = copyInto(zeros(3), a);
    expect(maxAbsDiff(a, c)).toBe(0);
  });
});

describe("arithmetic against mathjs", () => {
  for (const n of [1, 2, 3, 5]) {
    it(`add, sub, scale, mul agree with mathjs at n=${n}`, () => {
      const rng = rngFor(100 + n);
      const a = randomComplexMatrix(rng, n);
      const b = randomComplexMatrix(rng, n);
      expect(maxAbsDiff(add(a, b), fromMath(math.add(toMath(a), toMath(b)) as math.Matrix))).toBeLessThan(TOL);
      expect(maxAbsDiff(sub(a, b), fromMath(math.subtract(toMath(a), toMath(b)) as math.Matrix))).toBeLessThan(TOL);
      expect(maxAbsDiff(scale(a, -2.5), fromMath(math.multiply(toMath(a), -2.5) as math.Matrix))).toBeLessThan(TOL);
      expect(maxAbsDiff(mul(a, b), fromMath(math.multiply(toMath(a), toMath(b)) as math.Matrix))).toBeLessThan(TOL);
      expect(maxAbsDiff(adjoint(a), fromMath(math.ctranspose(toMath(a)) as math.Matrix))).toBe(0);
      expect(frobeniusNorm(a)).toBeCloseTo(math.norm(toMath(a), "fro") as number, 12);
      const t = trace(a);
      const mt = math.trace(toMath(a)) as unknown as math.Complex;
      expect(Math.abs(t.re - mt.re) + Math.abs(t.im - mt.im)).toBeLessThan(TOL);
    });
  }

  it("mul is not commutative and respects the identity", () => {
    const rng = rngFor(7);
    const a = randomComplexMatrix(rng, 3);
    const b = randomComplexMatrix(rng, 3);
    expect(maxAbsDiff(mul(a, b), mul(b, a))).toBeGreaterThan(0.1);
    expect(maxAbsDiff(mul(a, identity(3)), a)).toBe(0);
    expect(maxAbsDiff(mul(identity(3), a), a)).toBe(0);
  });

  it("mulInto refuses an aliased output", () => {
    const a = randomComplexMatrix(rngFor(8), 2);
    expect(() => mulInto(a, a, identity(2))).toThrow(RangeError);
    expect(() => mulInto(a, identity(2), a)).toThrow(RangeError);
  });

  it("addInto and adjointInto work in place", () => {
    const rng = rngFor(9);
    const a = randomComplexMatrix(rng, 4);
    const b = randomComplexMatrix(rng, 4);
    const expected = add(a, b);
    const c = clone(a);
    addInto(c, c, b);
    expect(maxAbsDiff(c, expected)).toBe(0);
    const adj = adjoint(a);
    const inPlace = clone(a);
    adjointInto(inPlace, inPlace);
    expect(maxAbsDiff(inPlace, adj)).toBe(0);
  });

  it("size mismatches throw", () => {
    expect(() => add(zeros(2), zeros(3))).toThrow(RangeError);
    expect(() => mul(zeros(2), zeros(3))).toThrow(RangeError);
    expect(() => maxAbsDiff(zeros(2), zeros(3))).toThrow(RangeError);
  });
});

describe("adjoint, trace and commutator identities", () => {
  it("(AB)† = B†A†, Tr(AB) = Tr(BA), traceOfProductRe = Re Tr(AB)", () => {
    const rng = rngFor(11);
    for (const n of [2, 3, 4, 6]) {
      const a = randomComplexMatrix(rng, n);
      const b = randomComplexMatrix(rng, n);
      expect(maxAbsDiff(adjoint(mul(a, b)), mul(adjoint(b), adjoint(a)))).toBeLessThan(TOL);
      const tab = trace(mul(a, b));
      const tba = trace(mul(b, a));
      expect(Math.abs(tab.re - tba.re) + Math.abs(tab.im - tba.im)).toBeLessThan(TOL);
      expect(Math.abs(traceOfProductRe(a, b) - tab.re)).toBeLessThan(TOL);
    }
  });

  it("commutator is AB − BA, antisymmetric, zero for commuting matrices", () => {
    const rng = rngFor(12);
    const a = randomComplexMatrix(rng, 3);
    const b = randomComplexMatrix(rng, 3);
    const c = commutator(a, b);
    expect(maxAbsDiff(c, sub(mul(a, b), mul(b, a)))).toBeLessThan(TOL);
    expect(maxAbsDiff(c, scale(commutator(b, a), -1))).toBeLessThan(TOL);
    expect(frobeniusNorm(c)).toBeGreaterThan(0.1);
    expect(frobeniusNorm(commutator(a, a))).toBe(0);
    expect(frobeniusNorm(commutator(a, mul(a, a)))).toBeLessThan(1e-11);
  });

  it("the trace of a commutator vanishes", () => {
    const rng = rngFor(13);
    const t = trace(commutator(randomComplexMatrix(rng, 5), randomComplexMatrix(rng, 5)));
    expect(Math.abs(t.re) + Math.abs(t.im)).toBeLessThan(1e-12);
  });
});

describe("kron", () => {
  it("matches the definition (a⊗b)[i·nb+k, j·nb+l] = a[i,j]·b[k,l] element by element", () => {
    const rng = rngFor(21);
    for (const [na, nb] of [
      [1, 3],
      [2, 2],
      [2, 3],
      [3, 2],
      [3, 4],
    ] as const) {
      const a = randomComplexMatrix(rng, na);
      const b = randomComplexMatrix(rng, nb);
      const k = kron(a, b);
      expect(k.n).toBe(na * nb);
      for (let i = 0; i < na; i++) {
        for (let j = 0; j < na; j++) {
          for (let p = 0; p < nb; p++) {
            for (let q = 0; q < nb; q++) {
              const expected = math.multiply(at(a, i, j), at(b, p, q)) as math.Complex;
              const got = at(k, i * nb + p, j * nb + q);
              expect(Math.abs(got.re - expected.re) + Math.abs(got.im - expected.im)).toBeLessThan(1e-14);
            }
          }
        }
      }
    }
  });

  it("agrees with mathjs kron and the mixed-product rule (A⊗B)(C⊗D) = AC⊗BD", () => {
    const rng = rngFor(22);
    const a = randomComplexMatrix(rng, 2);
    const b = randomComplexMatrix(rng, 3);
    const c = randomComplexMatrix(rng, 2);
    const d = randomComplexMatrix(rng, 3);
    expect(maxAbsDiff(kron(a, b), fromMath(math.kron(toMath(a), toMath(b))))).toBeLessThan(1e-14);
    expect(maxAbsDiff(mul(kron(a, b), kron(c, d)), kron(mul(a, c), mul(b, d)))).toBeLessThan(1e-12);
    expect(maxAbsDiff(kron(identity(2), identity(3)), identity(6))).toBe(0);
  });
});

describe("outer", () => {
  it("is ψ_i·conj(ψ_j), Hermitian, rank one, trace ‖ψ‖²", () => {
    const rng = rngFor(31);
    const { re, im } = randomVector(rng, 4);
    const m = outer(re, im);
    let norm2 = 0;
    for (let i = 0; i < 4; i++) {
      norm2 += re[i]! * re[i]! + im[i]! * im[i]!;
      for (let j = 0; j < 4; j++) {
        const expected = math.multiply(math.complex(re[i]!, im[i]!), math.conj(math.complex(re[j]!, im[j]!))) as math.Complex;
        const got = at(m, i, j);
        expect(Math.abs(got.re - expected.re) + Math.abs(got.im - expected.im)).toBeLessThan(1e-14);
      }
    }
    expect(isHermitian(m, 0)).toBe(true);
    expect(trace(m).re).toBeCloseTo(norm2, 12);
    // rank one: m·m = ‖ψ‖²·m
    expect(maxAbsDiff(mul(m, m), scale(m, norm2))).toBeLessThan(1e-12);
    expect(Array.from(outer([1, 2]).re)).toEqual([1, 2, 2, 4]);
  });

  it("rejects mismatched parts", () => {
    expect(() => outer([1, 2], [1])).toThrow(RangeError);
  });
});

describe("comparisons", () => {
  it("maxAbsDiff is the largest complex modulus and never hides NaN", () => {
    const a = fromParts([[0, 0], [0, 0]]);
    const b = fromParts([[3, 0], [0, 0]], [[4, 0], [0, 1]]);
    expect(maxAbsDiff(a, b)).toBe(5);
    const c: CMatrix = clone(a);
    c.re[3] = Number.NaN;
    expect(Number.isNaN(maxAbsDiff(a, c))).toBe(true);
  });

  it("isHermitian accepts Hermitian matrices and rejects others", () => {
    const h = randomHermitian(rngFor(41), 4);
    expect(isHermitian(h, 0)).toBe(true);
    const bad = clone(h);
    bad.im[1] = bad.im[1]! + 1e-6;
    expect(isHermitian(bad, 1e-9)).toBe(false);
    expect(isHermitian(bad, 1e-5)).toBe(true);
    const diagIm = identity(2);
    diagIm.im[0] = 0.5;
    expect(isHermitian(diagIm, 1e-9)).toBe(false);
    const nan = clone(h);
    nan.re[5] = Number.NaN;
    expect(isHermitian(nan, 1)).toBe(false);
  });
});
