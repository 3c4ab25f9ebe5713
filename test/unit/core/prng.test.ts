import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Xoshiro128, createRng, randomInt, res53, shuffleInPlace } from "../../../src/core/prng.js";

describe("Xoshiro128", () => {
  it("is a pure function of seed and stream", () => {
    const a = new Xoshiro128(42, 7);
    const b = new Xoshiro128(42, 7);
    const c = new Xoshiro128(42, 8);
    const xs = Array.from({ length: 16 }, () => a.nextU32());
    expect(Array.from({ length: 16 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 16 }, () => c.nextU32())).not.toEqual(xs);
  });

  it("gives distinct streams per purpose", () => {
    expect(createRng(1, "topology").nextU32()).not.toBe(createRng(1, "protocol").nextU32());
  });

  it("produces floats in [0,1) with mean near 1/2", () => {
    const r = new Xoshiro128(3);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    // sd of the mean is 1/sqrt(12 n) ~ 0.0009; 5 sd bound
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0046);
  });

  it("rejects unsafe seeds", () => {
    expect(() => new Xoshiro128(1.5)).toThrow(RangeError);
  });
});

describe("res53", () => {
  it("matches MT19937's genrand_res53 construction at the extremes", () => {
    expect(res53(0, 0)).toBe(0);
    expect(res53(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
  });
});

describe("randomInt", () => {
  it("stays in range for any bound", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer(), (n, seed) => {
        const r = new Xoshiro128(seed);
        const x = randomInt(r, n);
        return Number.isInteger(x) && x >= 0 && x < n;
      }),
    );
  });

  it("is close to uniform over a small range (chi-square)", () => {
    const r = new Xoshiro128(11);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[randomInt(r, 6)]!++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chi2).toBeLessThan(20.5); // p ~ 0.001 at 5 dof
  });

  it("rejects bad bounds", () => {
    const r = new Xoshiro128(1);
    expect(() => randomInt(r, 0)).toThrow(RangeError);
    expect(() => randomInt(r, 2.5)).toThrow(RangeError);
  });
});

describe("shuffleInPlace", () => {
  it("permutes", () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(new Xoshiro128(5), xs);
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("Xoshiro128.nextInt", () => {
  it("stays in range on the fast and the generic path", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer(), (n, seed) => {
        const x = new Xoshiro128(seed).nextInt(n);
        return Number.isInteger(x) && x >= 0 && x < n;
      }),
    );
  });

  it("is uniform over a bound that is not a power of two (chi-square)", () => {
    const r = new Xoshiro128(21);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.nextInt(7)]!++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.5); // p ~ 0.001 at 6 dof
  });
});
