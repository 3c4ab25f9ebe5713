import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Z95,
  clopperPearson,
  histogram,
  histogramEntries,
  logGamma,
  meanSd,
  newcombeDifference,
  proportionsAgree,
  quantile,
  quantiles,
  regularizedIncompleteBeta,
  runSeverity,
  spread,
  unsafeRunShare,
  upperBound95ZeroEvents,
  wilsonInterval,
} from "../../../src/sim/stats.js";

const count = fc.integer({ min: 0, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

describe("wilsonInterval", () => {
  it("matches the textbook values for 0/10, 5/10, 10/10 (Newcombe 1998; Agresti & Coull 1998)", () => {
    const a = wilsonInterval(0, 10);
    expect(a.share).toBe(0);
    expect(a.low).toBe(0);
    expect(a.high).toBeCloseTo(0.2775, 4);
    const b = wilsonInterval(5, 10);
    expect(b.low).toBeCloseTo(0.2366, 4);
    expect(b.high).toBeCloseTo(0.7634, 4);
    const c = wilsonInterval(10, 10);
    expect(c.low).toBeCloseTo(0.7225, 4);
    expect(c.high).toBe(1);
  });

  it("agrees with the Python runners' implementation to 1e-15", () => {
    // bench/reference/_common.py wilson(), same formula
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.2775328030260577],
      [5, 10, 0.2365930890114794, 0.7634069109885206],
      [10, 10, 0.7224671969739421, 1],
      [1, 20, 0.008881448702335523, 0.23613119546428119],
      [81, 263, 0.25528851948901576, 0.3662095774580194],
    ];
    for (const [k, n, lo, hi] of cases) {
      const w = wilsonInterval(k, n);
      expect(w.low).toBeCloseTo(lo, 15);
      expect(w.high).toBeCloseTo(hi, 15);
    }
  });

  it("gives nulls for n = 0 and throws on impossible counts", () => {
    expect(wilsonInterval(0, 0)).toEqual({ share: null, low: null, high: null });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 0)).toThrow(RangeError);
  });

  it("property: 0 <= low <= share <= high <= 1, and symmetric under k -> n-k", () => {
    fc.assert(
      fc.property(count, ([k, n]) => {
        const w = wilsonInterval(k, n);
        if (n === 0) return w.share === null;
        if (w.share === null) return false;
        const m = wilsonInterval(n - k, n);
        if (m.share === null) return false;
        return (
          w.low >= 0 &&
          w.low <= w.share &&
          w.share <= w.high &&
          w.high <= 1 &&
          Math.abs(w.low - (1 - m.high)) < 1e-12 &&
          Math.abs(w.high - (1 - m.low)) < 1e-12
        );
      }),
    );
  });

  it("property: a wider z gives a wider interval", () => {
    fc.assert(
      fc.property(count, ([k, n]) => {
        if (n === 0) return true;
        const a = wilsonInterval(k, n, 1.0);
        const b = wilsonInterval(k, n, Z95);
        return b.low! <= a.low! + 1e-15 && b.high! >= a.high! - 1e-15;
      }),
    );
  });
});

describe("upperBound95ZeroEvents", () => {
  it("gives the rule of three and the exact one-sided bound", () => {
    expect(upperBound95ZeroEvents(100).ruleOfThree).toBeCloseTo(0.03, 15);
    expect(upperBound95ZeroEvents(100).exact).toBeCloseTo(1 - Math.pow(0.05, 1 / 100), 15);
    expect(upperBound95ZeroEvents(100).exact).toBeCloseTo(0.029513, 6);
    expect(upperBound95ZeroEvents(2000).exact).toBeCloseTo(0.0014967, 7);
    expect(upperBound95ZeroEvents(1)).toEqual({ ruleOfThree: 1, exact: 0.95 });
    expect(upperBound95ZeroEvents(0)).toEqual({ ruleOfThree: 1, exact: 1 });
    // (1 - exact)^n = 0.05 exactly in real arithmetic
    expect(Math.pow(1 - upperBound95ZeroEvents(37).exact, 37)).toBeCloseTo(0.05, 14);
    expect(() => upperBound95ZeroEvents(-1)).toThrow(RangeError);
  });

  it("the rule of three approaches the exact bound from above as n grows", () => {
    for (const n of [30, 100, 1000, 1e6]) {
      const b = upperBound95ZeroEvents(n);
      expect(b.ruleOfThree).toBeGreaterThan(b.exact);
      expect(b.ruleOfThree / b.exact).toBeLessThan(1 + 2 / Math.sqrt(n));
    }
  });
});

describe("clopperPearson", () => {
  it("matches scipy.stats.beta.ppf to 1e-12", () => {
    // python: beta.ppf(0.025, k, n-k+1), beta.ppf(0.975, k+1, n-k)
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.3084971078187607],
      [5, 10, 0.18708602844739855, 0.8129139715526015],
      [10, 10, 0.6915028921812392, 1],
      [1, 20, 0.0012650894979498038, 0.24873276277202777],
      [3, 2000, 0.00030944294931233306, 0.004377320104529616],
      [1990, 2000, 0.9908241049299802, 0.9975997802443343],
      [0, 1, 0, 0.975],
      [7, 7, 0.5903836027749966, 1],
    ];
    for (const [k, n, lo, hi] of cases) {
      const ci = clopperPearson(k, n);
      expect(ci.low).toBeCloseTo(lo, 12);
      expect(ci.high).toBeCloseTo(hi, 12);
    }
    expect(clopperPearson(0, 0).share).toBeNull();
  });

  it("property: 0 <= low <= share <= high <= 1, and wider than Wilson for small n", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([k, n]) => {
          const cp = clopperPearson(k, n);
          const w = wilsonInterval(k, n);
          const inside = cp.low! >= 0 && cp.low! <= cp.share! && cp.share! <= cp.high! && cp.high! <= 1;
          // Clopper-Pearson is conservative; for n <= 30 it contains the Wilson interval.
          // (Not for large n at k = 0: Wilson's z^2/(n+z^2) exceeds 1 - 0.025^(1/n) ~ 3.69/n.)
          const wider = n > 30 || (cp.low! <= w.low! + 1e-12 && cp.high! >= w.high! - 1e-12);
          return inside && wider;
        },
      ),
      { numRuns: 200 },
    );
  });

  it("contains the Wilson interval for every k when n <= 30 (exhaustive)", () => {
    for (let n = 1; n <= 30; n++) {
      for (let k = 0; k <= n; k++) {
        const cp = clopperPearson(k, n);
        const w = wilsonInterval(k, n);
        expect(cp.low!).toBeLessThanOrEqual(w.low! + 1e-12);
        expect(cp.high!).toBeGreaterThanOrEqual(w.high! - 1e-12);
      }
    }
  });

  it("has correct building blocks", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 14);
    expect(regularizedIncompleteBeta(0.5, 7, 7)).toBeCloseTo(0.5, 14);
  });
});

describe("meanSd", () => {
  it("gives mean and sample sd", () => {
    const r = meanSd([3, 1, 4, 1, 5, 9, 2, 6, 5, 3.5]);
    expect(r.n).toBe(10);
    expect(r.mean).toBeCloseTo(3.95, 14);
    expect(r.sd).toBeCloseTo(2.4545875417267156, 14); // numpy std(ddof=1)
    expect(meanSd([])).toEqual({ n: 0, mean: NaN, sd: NaN });
    expect(meanSd([2])).toEqual({ n: 1, mean: 2, sd: NaN });
    expect(meanSd(new Float64Array([1, 2, 3])).sd).toBeCloseTo(1, 15);
    expect(meanSd([1, NaN, 3])).toEqual({ n: 3, mean: NaN, sd: NaN });
    expect(JSON.stringify(meanSd([]))).toBe('{"n":0,"mean":null,"sd":null}');
  });

  it("Welford keeps precision where the naive formula loses it", () => {
    const xs = [4, 7, 13, 16].map((d) => 1e9 + d); // variance 30 exactly
    const w = meanSd(xs);
    expect(w.mean).toBe(1e9 + 10);
    expect(w.sd ** 2).toBeCloseTo(30, 6);
    const n = xs.length;
    const s = xs.reduce((a, b) => a + b, 0);
    const s2 = xs.reduce((a, b) => a + b * b, 0);
    const naiveVar = (s2 - (s * s) / n) / (n - 1);
    expect(Math.abs(naiveVar - 30)).toBeGreaterThan(1); // catastrophic cancellation
  });

  it("property: agrees with the two-pass formula on moderate data", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 200 }), (xs) => {
        const r = meanSd(xs);
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
        return Math.abs(r.mean - m) <= 1e-9 * (1 + Math.abs(m)) && Math.abs(r.sd - Math.sqrt(v)) <= 1e-9 * (1 + Math.sqrt(v));
      }),
    );
  });
});

describe("quantile (type 7, numpy default)", () => {
  it("matches numpy.quantile exactly", () => {
    const s = [1, 1, 2, 3, 3.5, 4, 5, 5, 6, 9];
    const numpy: [number, number][] = [
      [0, 1],
      [0.1, 1],
      [0.25, 2.25],
      [0.33, 2.97],
      [0.5, 3.75],
      [0.9, 6.299999999999999],
      [0.99, 8.73],
      [1, 9],
    ];
    for (const [q, v] of numpy) expect(quantile(s, q)).toBe(v);
    const t = [-3, 0.5, 2.5, 2.5, 7, 10];
    const numpy2: [number, number][] = [
      [0, -3],
      [0.05, -2.125],
      [0.2, 0.5],
      [0.5, 2.5],
      [0.7, 4.75],
      [0.95, 9.25],
      [1, 10],
    ];
    for (const [q, v] of numpy2) expect(quantile(t, q)).toBe(v);
  });

  it("handles edges and rejects bad input", () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([1, 2, NaN], 0.1)).toBeNaN(); // numpy: NaN sorts last, result NaN
    expect(quantiles([3, NaN, 1], [0.5])).toEqual([NaN]);
    expect(() => quantile([2, 1], 0.5)).toThrow(RangeError);
    expect(() => quantile([NaN, 1], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(quantiles([9, 1, 5], [0, 0.5, 1])).toEqual([1, 5, 9]);
  });

  it("property: monotone in q and within [min, max]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q1, q2) => {
          const s = Float64Array.from(xs).sort();
          const [a, b] = q1 <= q2 ? [q1, q2] : [q2, q1];
          const va = quantile(s, a);
          const vb = quantile(s, b);
          return va <= vb && va >= s[0] && vb <= s[s.length - 1];
        },
      ),
    );
  });
});

describe("histogram", () => {
  it("counts integers with ascending keys", () => {
    const h = histogram([3, 1, 2, 2, 10, 1, 1]);
    expect(h).toEqual({ "1": 3, "2": 2, "3": 1, "10": 1 });
    expect(Object.keys(h)).toEqual(["1", "2", "3", "10"]);
    expect(histogram([])).toEqual({});
    expect(histogramEntries([0, -2, 5, -2, -0])).toEqual([
      [-2, 2],
      [0, 2],
      [5, 1],
    ]);
    expect(() => histogram([1.5])).toThrow(RangeError);
  });

  it("property: counts sum to the number of values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 1000 })), (xs) => {
        const h = histogram(xs);
        const total = Object.values(h).reduce((a, b) => a + b, 0);
        const entries = histogramEntries(xs);
        return total === xs.length && entries.every((e, i) => i === 0 || entries[i - 1][0] < e[0]);
      }),
    );
  });
});

describe("newcombeDifference / proportionsAgree", () => {
  it("reproduces Newcombe (1998) table II, method 10", () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1.0],
    ];
    for (const [k1, n1, k2, n2, lo, hi] of cases) {
      const d = newcombeDifference(k1, n1, k2, n2)!;
      expect(d.difference).toBeCloseTo(k1 / n1 - k2 / n2, 14);
      expect(d.low).toBeCloseTo(lo, 4);
      expect(d.high).toBeCloseTo(hi, 4);
    }
  });

  it("says whether two shares agree within 95%", () => {
    expect(proportionsAgree(56, 70, 48, 80)).toBe(false);
    expect(proportionsAgree(5, 56, 0, 29)).toBe(true);
    expect(proportionsAgree(0, 100, 0, 100)).toBe(true);
    expect(proportionsAgree(100, 100, 100, 100)).toBe(true);
    expect(proportionsAgree(500, 2000, 520, 2000)).toBe(true);
    expect(proportionsAgree(500, 2000, 600, 2000)).toBe(false);
    expect(() => proportionsAgree(1, 0, 1, 1)).toThrow(RangeError);
    expect(proportionsAgree(0, 0, 1, 1)).toBeNull();
    expect(() => proportionsAgree(3, 2, 1, 1)).toThrow(RangeError);
  });

  it("property: symmetric, reflexive, and the interval contains the difference", () => {
    fc.assert(
      fc.property(count, count, ([k1, n1], [k2, n2]) => {
        if (n1 === 0 || n2 === 0) return proportionsAgree(k1, n1, k2, n2) === null;
        const d = newcombeDifference(k1, n1, k2, n2)!;
        const e = newcombeDifference(k2, n2, k1, n1)!;
        return (
          d.low <= d.difference &&
          d.difference <= d.high &&
          d.low >= -1 &&
          d.high <= 1 &&
          Math.abs(d.low + e.high) < 1e-12 &&
          proportionsAgree(k1, n1, k2, n2) === proportionsAgree(k2, n2, k1, n1) &&
          proportionsAgree(k1, n1, k1, n1) === true
        );
      }),
    );
  });
});

describe("unsafeRunShare (runs with a violation, exact 95%)", () => {
  it("matches scipy.stats.binomtest(k, n).proportion_ci(method='exact') at the run counts the docs use", () => {
    // python3: from scipy.stats import binomtest; ci = binomtest(k, n).proportion_ci(method="exact")
    const cases: [number, number, number, number][] = [
      [0, 100, 0, 0.03621669264519054],
      [1, 100, 0.00025314603268189283, 0.054459385392080666],
      [3, 100, 0.006229971538306227, 0.08517605297428028],
      [0, 20, 0, 0.16843347098308548],
      [0, 10, 0, 0.30849710781876294],
      [2, 20, 0.012348527170295887, 0.3169827140190792],
      [100, 100, 0.9637833073548094, 1],
      [0, 5, 0, 0.5218237501049814],
    ];
    for (const [k, n, lo, hi] of cases) {
      const ci = unsafeRunShare(k, n);
      expect(ci.share).toBe(k / n);
      expect(ci.low).toBeCloseTo(lo, 12);
      expect(ci.high).toBeCloseTo(hi, 12);
    }
  });

  it("0 of 100 rules out a per-run rate above 3.6%, not below; no runs gives nulls", () => {
    expect(unsafeRunShare(0, 100).high).toBeGreaterThan(0.036);
    expect(unsafeRunShare(0, 100).high).toBeLessThan(0.0363);
    expect(unsafeRunShare(0, 0)).toEqual({ share: null, low: null, high: null });
    expect(() => unsafeRunShare(3, 2)).toThrow(RangeError);
  });
});

describe("runSeverity (conflicting / decided, per run)", () => {
  it("averages per-run ratios over runs that decided, and pools them", () => {
    // run 1: 1 outlier of 1000 decided; run 2: clean; run 3: nothing decided (left out)
    const s = runSeverity([1, 0, 0], [1000, 500, 0])!;
    expect(s.runsWithDecisions).toBe(2);
    expect(s.mean).toBeCloseTo((1 / 1000 + 0) / 2, 15);
    expect(s.max).toBeCloseTo(0.001, 15);
    expect(s.pooled).toBeCloseTo(1 / 1500, 15);
  });

  it('no decision in any run is "no decisions" (null), not zero and not a bound', () => {
    expect(runSeverity([0, 0], [0, 0])).toBeNull();
    expect(runSeverity([], [])).toBeNull();
  });

  it("rejects more conflicts than decisions and mismatched lengths", () => {
    expect(() => runSeverity([3], [2])).toThrow(RangeError);
    expect(() => runSeverity([0], [1, 2])).toThrow(RangeError);
  });
});

describe("spread (median and IQR over runs)", () => {
  it("matches numpy.percentile(v, [25, 50, 75])", () => {
    // numpy: np.percentile([12, 15, 11, 30, 14, 13, 16], [25, 50, 75]) = [12.5, 14, 15.5]
    expect(spread([12, 15, 11, 30, 14, 13, 16])).toEqual({ n: 7, missing: 0, median: 14, q1: 12.5, q3: 15.5 });
    // np.percentile([22, 22, 23, 22, 24, 21], [25, 50, 75]) = [22, 22, 22.75]
    expect(spread([22, 22, 23, 22, 24, 21])).toEqual({ n: 6, missing: 0, median: 22, q1: 22, q3: 22.75 });
  });

  it("counts null (never reached) separately and gives null when nothing is finite", () => {
    expect(spread([null, 10, null, 20])).toEqual({ n: 2, missing: 2, median: 15, q1: 12.5, q3: 17.5 });
    expect(spread([null, null])).toBeNull();
    expect(spread([])).toBeNull();
  });
});
