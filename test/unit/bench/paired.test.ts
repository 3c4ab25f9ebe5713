// bench/lib/paired.ts: the exact sign test and the median's order-statistic interval that
// bench/node-sim-ab.ts reports, checked against values worked by hand and against brute force.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binomialHalfCdf, medianInterval, signTest } from "../../../bench/lib/paired.js";

/** P(X ≤ k), X ~ Bin(n, 1/2), by enumerating all 2^n outcomes. */
function bruteCdf(k: number, n: number): number {
  let hits = 0;
  for (let m = 0; m < 2 ** n; m++) {
    let ones = 0;
    for (let b = 0; b < n; b++) ones += (m >> b) & 1;
    if (ones <= k) hits++;
  }
  return hits / 2 ** n;
}

describe("paired statistics", () => {
  it("the binomial(n, 1/2) CDF equals enumeration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 14 }), fc.integer({ min: -1, max: 15 }), (n, k) => {
        expect(binomialHalfCdf(k, n)).toBeCloseTo(bruteCdf(Math.min(k, n), n), 12);
      }),
    );
  });

  it("the sign test: worked values", () => {
    expect(signTest(0, 5)).toBeCloseTo(2 / 32, 12); // the most uneven split of 5 pairs: 0.0625, never < 0.05
    expect(signTest(0, 6)).toBeCloseTo(2 / 64, 12);
    expect(signTest(1, 10)).toBeCloseTo((2 * 11) / 1024, 12);
    expect(signTest(5, 10)).toBe(1);
    expect(signTest(7, 10)).toBeCloseTo(signTest(3, 10), 12);
    expect(() => signTest(6, 5)).toThrow(RangeError);
    expect(() => signTest(0, 0)).toThrow(RangeError);
  });

  it("the median interval: [min, max] for few pairs with its own coverage; narrower for many", () => {
    const five = medianInterval([1.1, 0.9, 1.0, 1.3, 0.8]);
    expect(five.median).toBe(1.0);
    expect([five.low, five.high]).toEqual([0.8, 1.3]);
    expect(five.coverage).toBeCloseTo(1 - 2 / 32, 12); // 93.75%: five pairs cannot give 95%
    const even = medianInterval([4, 1, 3, 2]);
    expect(even.median).toBe(2.5);
    // n = 20: k = 6 gives 1 − 2·P(X ≤ 5) = 0.9586 ≥ 0.95, k = 7 gives 0.8847
    const twenty = medianInterval(Array.from({ length: 20 }, (_, i) => i + 1));
    expect([twenty.low, twenty.high]).toEqual([6, 15]);
    expect(twenty.coverage).toBeCloseTo(1 - 2 * bruteCdf(5, 20), 12);
    expect(() => medianInterval([])).toThrow(RangeError);
  });

  it("the interval holds the median, and reaches the level whenever [min, max] does", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }), (xs) => {
        const r = medianInterval(xs);
        expect(r.low).toBeLessThanOrEqual(r.median);
        expect(r.high).toBeGreaterThanOrEqual(r.median);
        const widest = 1 - 2 * binomialHalfCdf(0, xs.length);
        if (widest >= 0.95) expect(r.coverage).toBeGreaterThanOrEqual(0.95);
        else expect(r.coverage).toBeCloseTo(widest, 12);
      }),
    );
  });
});
