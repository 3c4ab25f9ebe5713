import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type CMatrix,
  add,
  adjoint,
  identity,
  isHermitian,
  kron,
  maxAbsDiff,
  mul,
  scale,
  trace,
  zeros,
} from "../../../src/physics/complex.js";
import { hermitianEigenvalues } from "../../../src/physics/eigen.js";
import { maximallyMixed, pureDensity, vonNeumannEntropy } from "../../../src/physics/density.js";
import {
  applyUnitary,
  partialSwapGossip,
  partialSwapGossipInto,
  partialSwapUnitary,
  partialTrace,
  swapOperator,
} from "../../../src/physics/partial.js";
import { fromMath, math, randomComplexMatrix, randomDensity, randomUnitary, randomVector, rngFor, toMath } from "./helpers.js";

/** c·m for a complex scalar c. */
function cscale(m: CMatrix, cr: number, ci: number): CMatrix {
  const out = zeros(m.n);
  for (let k = 0; k < m.re.length; k++) {
    out.re[k] = cr * m.re[k]! - ci * m.im[k]!;
    out.im[k] = cr * m.im[k]! + ci * m.re[k]!;
  }
  return out;
}

/**
 * Tr_B X = Σ_k (I⊗⟨k|) X (I⊗|k⟩) and Tr_A X = Σ_i (⟨i|⊗I) X (|i⟩⊗I), with the rectangular
 * basis maps built as mathjs matrices: an independent route to the partial trace.
 */
function partialTraceByBasis(x: CMatrix, dA: number, dB: number, keep: "A" | "B"): CMatrix {
  const X = toMath(x);
  const kept = keep === "A" ? dA : dB;
  const traced = keep === "A" ? dB : dA;
  let acc: math.Matrix = math.zeros(kept, kept) as math.Matrix;
  for (let t = 0; t < traced; t++) {
    // E is (dA·dB) × kept: E = I_A ⊗ |t⟩ (keep A) or |t⟩ ⊗ I_B (keep B)
    const unit = math.zeros(traced, 1) as math.Matrix;
    unit.set([t, 0], 1);
    const E = keep === "A" ? math.kron(math.identity(dA) as math.Matrix, unit) : math.kron(unit, math.identity(dB) as math.Matrix);
    acc = math.add(acc, math.multiply(math.multiply(math.ctranspose(E), X), E)) as math.Matrix;
  }
  return fromMath(acc);
}

/** ρi' by the explicit route: U(ρi⊗ρj)U†, then trace out j. */
function gossipExplicit(rhoI: CMatrix, rhoJ: CMatrix, theta: number): { i: CMatrix; j: CMatrix } {
  const d = rhoI.n;
  const joint = applyUnitary(partialSwapUnitary(d, theta), kron(rhoI, rhoJ));
  return { i: partialTrace(joint, d, d, "A"), j: partialTrace(joint, d, d, "B") };
}

describe("partialTrace", () => {
  it("Tr_B(a⊗b) = a·Tr(b) and Tr_A(a⊗b) = b·Tr(a) for complex a, b", () => {
    const rng = rngFor(1);
    for (const [dA, dB] of [
      [1, 2],
      [2, 2],
      [2, 3],
      [3, 2],
      [4, 3],
    ] as const) {
      const a = randomComplexMatrix(rng, dA);
      const b = randomComplexMatrix(rng, dB);
      const ab = kron(a, b);
      const ta = trace(a);
      const tb = trace(b);
      expect(maxAbsDiff(partialTrace(ab, dA, dB, "A"), cscale(a, tb.re, tb.im))).toBeLessThan(1e-12);
      expect(maxAbsDiff(partialTrace(ab, dA, dB, "B"), cscale(b, ta.re, ta.im))).toBeLessThan(1e-12);
    }
  });

  it("equals the explicit sum over basis vectors on random (entangled) operators", () => {
    const rng = rngFor(2);
    for (const [dA, dB] of [
      [2, 2],
      [2, 3],
      [3, 2],
      [3, 3],
    ] as const) {
      const x = randomComplexMatrix(rng, dA * dB);
      for (const keep of ["A", "B"] as const) {
        expect(maxAbsDiff(partialTrace(x, dA, dB, keep), partialTraceByBasis(x, dA, dB, keep))).toBeLessThan(1e-12);
      }
    }
  });

  it("maps density matrices to density matrices and preserves the trace", () => {
    const rng = rngFor(3);
    const rho = randomDensity(rng, 6);
    for (const [dA, dB, keep] of [
      [2, 3, "A"],
      [2, 3, "B"],
      [3, 2, "A"],
    ] as const) {
      const r = partialTrace(rho, dA, dB, keep);
      expect(Math.abs(trace(r).re - 1)).toBeLessThan(1e-14);
      expect(isHermitian(r, 1e-15)).toBe(true);
      expect(hermitianEigenvalues(r)[0]!).toBeGreaterThan(-1e-15);
    }
  });

  it("a maximally entangled pure state has maximally mixed marginals", () => {
    // |Φ⟩ = Σ_k |k⟩|k⟩ / √3
    const re = new Array(9).fill(0);
    for (let k = 0; k < 3; k++) re[k * 3 + k] = 1;
    const phi = pureDensity(re);
    expect(maxAbsDiff(partialTrace(phi, 3, 3, "A"), maximallyMixed(3))).toBeLessThan(1e-15);
    expect(Math.abs(vonNeumannEntropy(partialTrace(phi, 3, 3, "B")) - Math.log(3))).toBeLessThan(1e-14);
  });

  it("rejects wrong sizes and subsystems", () => {
    expect(() => partialTrace(zeros(6), 2, 2, "A")).toThrow(RangeError);
    expect(() => partialTrace(zeros(4), 0, 4, "A")).toThrow(RangeError);
    expect(() => partialTrace(zeros(4), 2, 2, "C" as "A")).toThrow(RangeError);
  });
});

describe("applyUnitary", () => {
  it("is U·ρ·U†, preserving trace, Hermiticity and spectrum", () => {
    const rng = rngFor(4);
    const u = randomUnitary(rng, 4);
    const rho = randomDensity(rng, 4);
    const out = applyUnitary(u, rho);
    expect(maxAbsDiff(out, mul(mul(u, rho), adjoint(u)))).toBe(0);
    expect(Math.abs(trace(out).re - 1)).toBeLessThan(1e-14);
    const a = hermitianEigenvalues(out);
    const b = hermitianEigenvalues(rho);
    a.forEach((l, i) => expect(Math.abs(l - b[i]!)).toBeLessThan(1e-14));
  });
});

describe("swap and partial swap", () => {
  it("SWAP is a real symmetric involution exchanging the factors", () => {
    const rng = rngFor(5);
    for (const d of [1, 2, 3, 4]) {
      const s = swapOperator(d);
      expect(maxAbsDiff(mul(s, s), identity(d * d))).toBe(0);
      expect(maxAbsDiff(s, adjoint(s))).toBe(0);
      const a = randomComplexMatrix(rng, d);
      const b = randomComplexMatrix(rng, d);
      expect(maxAbsDiff(mul(mul(s, kron(a, b)), s), kron(b, a))).toBe(0);
    }
    // SWAP|0⟩|1⟩ = |1⟩|0⟩ for d = 2: basis 1 ↔ 2
    expect(Array.from(swapOperator(2).re)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it("partialSwapUnitary is unitary and equals the matrix exponential exp(iθ·SWAP)", () => {
    for (const d of [2, 3, 4]) {
      for (const theta of [0, 0.3, Math.PI / 4, 1.2, Math.PI / 2, 2.5, -0.7]) {
        const u = partialSwapUnitary(d, theta);
        expect(maxAbsDiff(mul(u, adjoint(u)), identity(d * d))).toBeLessThan(1e-15);
        expect(maxAbsDiff(mul(adjoint(u), u), identity(d * d))).toBeLessThan(1e-15);
        if (d <= 3) {
          const generator = math.multiply(math.complex(0, theta), toMath(swapOperator(d))) as math.Matrix;
          expect(maxAbsDiff(u, fromMath(math.expm(generator)))).toBeLessThan(1e-13);
        }
      }
    }
    expect(maxAbsDiff(partialSwapUnitary(3, 0), identity(9))).toBe(0);
  });
});

describe("partialSwapGossip closed form", () => {
  for (const d of [2, 3, 4]) {
    it(`equals Tr_j[U(ρi⊗ρj)U†] built explicitly, d=${d} (fast-check)`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (seed, theta) => {
          const rng = rngFor(seed);
          const rhoI = randomDensity(rng, d, 1 + (seed % d));
          const rhoJ = randomDensity(rng, d, 1 + ((seed >>> 3) % d));
          const explicit = gossipExplicit(rhoI, rhoJ, theta);
          expect(maxAbsDiff(partialSwapGossip(rhoI, rhoJ, theta), explicit.i)).toBeLessThan(1e-14);
          // the partner's marginal is the same map with roles exchanged
          expect(maxAbsDiff(partialSwapGossip(rhoJ, rhoI, theta), explicit.j)).toBeLessThan(1e-14);
        }),
        { numRuns: d === 4 ? 40 : 100, seed: 1000 + d },
      );
    });
  }

  it("matches the written formula cos²θ·ρi + sin²θ·ρj + i·sinθ·cosθ·[ρj, ρi]", () => {
    const rng = rngFor(6);
    const rhoI = randomDensity(rng, 3);
    const rhoJ = randomDensity(rng, 3);
    const theta = 0.4;
    const c = Math.cos(theta), s = Math.sin(theta);
    const comm = add(mul(rhoJ, rhoI), scale(mul(rhoI, rhoJ), -1));
    const expected = add(add(scale(rhoI, c * c), scale(rhoJ, s * s)), cscale(comm, 0, s * c));
    expect(maxAbsDiff(partialSwapGossip(rhoI, rhoJ, theta), expected)).toBeLessThan(1e-15);
  });

  it("holds for arbitrary complex matrices, traces included", () => {
    const rng = rngFor(7);
    for (const d of [2, 3]) {
      const a = randomComplexMatrix(rng, d);
      const b = randomComplexMatrix(rng, d);
      const explicit = gossipExplicit(a, b, 0.9);
      expect(maxAbsDiff(partialSwapGossip(a, b, 0.9), explicit.i)).toBeLessThan(1e-12);
    }
  });

  it("θ = 0 keeps ρi, θ = π/2 swaps, equal states are a fixed point", () => {
    const rng = rngFor(8);
    const rhoI = randomDensity(rng, 3);
    const rhoJ = randomDensity(rng, 3);
    // not bit-exact: the general form weights ρi by Tr ρj, which is 1 only up to rounding
    expect(maxAbsDiff(partialSwapGossip(rhoI, rhoJ, 0), rhoI)).toBeLessThan(1e-15);
    expect(maxAbsDiff(partialSwapGossip(rhoI, rhoJ, Math.PI / 2), rhoJ)).toBeLessThan(1e-15);
    expect(maxAbsDiff(partialSwapGossip(rhoI, rhoI, 0.7), rhoI)).toBeLessThan(1e-15);
  });

  it("partialSwapGossipInto writes into out and refuses aliasing", () => {
    const rng = rngFor(9);
    const rhoI = randomDensity(rng, 2);
    const rhoJ = randomDensity(rng, 2);
    const out = zeros(2);
    expect(partialSwapGossipInto(out, rhoI, rhoJ, 0.3)).toBe(out);
    expect(maxAbsDiff(out, partialSwapGossip(rhoI, rhoJ, 0.3))).toBe(0);
    expect(() => partialSwapGossipInto(rhoI, rhoI, rhoJ, 0.3)).toThrow(RangeError);
    expect(() => partialSwapGossip(rhoI, randomDensity(rng, 3), 0.3)).toThrow(RangeError);
  });
});

describe("gossip physics (fast-check over random states)", () => {
  const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 5 }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }));

  it("preserves trace, Hermiticity and positivity", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rng = rngFor(seed);
        const out = partialSwapGossip(randomDensity(rng, d, 1 + (seed % d)), randomDensity(rng, d), theta);
        expect(Math.abs(trace(out).re - 1)).toBeLessThan(1e-14);
        expect(Math.abs(trace(out).im)).toBeLessThan(1e-15);
        expect(isHermitian(out, 1e-15)).toBe(true);
        expect(hermitianEigenvalues(out)[0]!).toBeGreaterThan(-1e-14);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it("never lowers the pair's total entropy (unitary invariance + subadditivity)", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rng = rngFor(seed);
        const rhoI = randomDensity(rng, d, 1 + (seed % d));
        const rhoJ = randomDensity(rng, d, 1 + ((seed >>> 4) % d));
        const before = vonNeumannEntropy(rhoI, 0) + vonNeumannEntropy(rhoJ, 0);
        const after = vonNeumannEntropy(partialSwapGossip(rhoI, rhoJ, theta), 0) + vonNeumannEntropy(partialSwapGossip(rhoJ, rhoI, theta), 0);
        expect(after).toBeGreaterThanOrEqual(before - 1e-9);
      }),
      { numRuns: 200, seed: 12 },
    );
  });

  it("never lowers entropy against a maximally mixed partner (the map is then unital: depolarizing)", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rho = randomDensity(rngFor(seed), d, 1 + (seed % d));
        const out = partialSwapGossip(rho, maximallyMixed(d), theta);
        expect(vonNeumannEntropy(out, 0)).toBeGreaterThanOrEqual(vonNeumannEntropy(rho, 0) - 1e-9);
        expect(maxAbsDiff(partialSwapGossip(maximallyMixed(d), maximallyMixed(d), theta), maximallyMixed(d))).toBeLessThan(1e-15);
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it("preserves the pair's sum ρi + ρj (the network centroid)", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rng = rngFor(seed);
        const rhoI = randomDensity(rng, d);
        const rhoJ = randomDensity(rng, d, 1);
        const sumAfter = add(partialSwapGossip(rhoI, rhoJ, theta), partialSwapGossip(rhoJ, rhoI, theta));
        expect(maxAbsDiff(sumAfter, add(rhoI, rhoJ))).toBeLessThan(1e-15);
      }),
      { numRuns: 100, seed: 14 },
    );
  });

  it("can lower ONE node's entropy: against a pure partner the map is not unital", () => {
    const { re, im } = randomVector(rngFor(15), 2);
    const pure = pureDensity(re, im);
    const mixed = maximallyMixed(2);
    const out = partialSwapGossip(mixed, pure, Math.PI / 3);
    expect(vonNeumannEntropy(out)).toBeLessThan(vonNeumannEntropy(mixed) - 0.3);
  });
});
