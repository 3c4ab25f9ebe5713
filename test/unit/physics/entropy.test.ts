import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { shannonEntropy, shannonEntropyOfCounts } from "../../../src/physics/entropy.js";

describe("shannonEntropy", () => {
  it("is ln n for the uniform distribution and 0 for a point mass", () => {
    for (let n = 1; n <= 10; n++) expect(Math.abs(shannonEntropy(new Array(n).fill(1 / n)) - Math.log(n))).toBeLessThan(1e-15);
    expect(shannonEntropy([0, 1, 0])).toBe(0);
    expect(shannonEntropy([])).toBe(0);
  });

  it("supports other bases: a fair coin is 1 bit, (1/2, 1/4, 1/4) is 1.5 bits", () => {
    expect(shannonEntropy([0.5, 0.5], 2)).toBe(1);
    expect(shannonEntropy([0.5, 0.25, 0.25], 2)).toBe(1.5);
    expect(Math.abs(shannonEntropy([0.1, 0.9], 10) - shannonEntropy([0.1, 0.9]) / Math.LN10)).toBeLessThan(1e-16);
  });

  it("matches −Σ p ln p written out", () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const expected = -(0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.4 * Math.log(0.4));
    expect(Math.abs(shannonEntropy(p) - expected)).toBeLessThan(1e-15);
  });

  it("does not renormalise its input", () => {
    expect(shannonEntropy([0.5])).toBeCloseTo(0.5 * Math.log(2), 15);
  });

  it("rejects negative or non-finite probabilities and bad bases", () => {
    expect(() => shannonEntropy([0.5, -0.1])).toThrow(RangeError);
    expect(() => shannonEntropy([Number.NaN])).toThrow(RangeError);
    expect(() => shannonEntropy([1], 1)).toThrow(RangeError);
    expect(() => shannonEntropy([1], 0)).toThrow(RangeError);
    expect(() => shannonEntropy([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("shannonEntropyOfCounts", () => {
  it("equals the entropy of the normalised counts", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 12 }), (counts) => {
        const total = counts.reduce((s, c) => s + c, 0);
        fc.pre(total > 0);
        const p = counts.map((c) => c / total);
        expect(Math.abs(shannonEntropyOfCounts(counts) - shannonEntropy(p))).toBeLessThan(1e-14);
        expect(Math.abs(shannonEntropyOfCounts(counts, 2) - shannonEntropy(p, 2))).toBeLessThan(1e-14);
        expect(shannonEntropyOfCounts(counts)).toBeLessThanOrEqual(Math.log(counts.length) + 1e-14);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it("gives 0 for empty or all-zero counts and ln 3 for equal counts", () => {
    expect(shannonEntropyOfCounts([])).toBe(0);
    expect(shannonEntropyOfCounts([0, 0])).toBe(0);
    expect(Math.abs(shannonEntropyOfCounts(new Int32Array([7, 7, 7])) - Math.log(3))).toBeLessThan(1e-15);
  });

  it("rejects negative counts", () => {
    expect(() => shannonEntropyOfCounts([3, -1])).toThrow(RangeError);
  });
});
