import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { PythonRandom } from "../../../src/core/python-random.js";
import { type Csr, degree, edgeCount, neighbors, validateCsr } from "../../../src/topology/csr.js";
import { barabasiAlbert, complete, erdosRenyi, ring, wattsStrogatz } from "../../../src/topology/generators.js";
import { randomGeometric } from "../../../src/topology/geometric.js";

const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });

function same(a: Csr, b: Csr): boolean {
  return a.n === b.n && a.offsets.every((x, i) => x === b.offsets[i]) && a.targets.length === b.targets.length && a.targets.every((x, i) => x === b.targets[i]);
}

describe("wattsStrogatz", () => {
  it("is simple and symmetric with n·⌊k/2⌋ edges (k < n)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), seed, (n, k, p, s) => {
        fc.pre(k < n);
        const g = wattsStrogatz(n, k, p, new Xoshiro128(s));
        validateCsr(g);
        expect(edgeCount(g)).toBe(n * Math.floor(k / 2));
      }),
      { numRuns: 300 },
    );
  });

  it("gives the complete graph for k = n, and the plain ring lattice for p = 0", () => {
    expect(same(wattsStrogatz(9, 9, 0.5, new Xoshiro128(1)), complete(9))).toBe(true);
    const g = wattsStrogatz(10, 4, 0, new Xoshiro128(1));
    // Lattice edges are added by distance: first u+1 for every u, then u+2.
    expect(neighbors(g, 0)).toEqual([1, 9, 2, 8]);
    expect(neighbors(g, 5)).toEqual([4, 6, 3, 7]);
  });

  it("is a pure function of the generator's seed", () => {
    fc.assert(
      fc.property(seed, (s) => same(wattsStrogatz(300, 6, 0.3, new PythonRandom(s)), wattsStrogatz(300, 6, 0.3, new PythonRandom(s)))),
      { numRuns: 20 },
    );
    expect(same(wattsStrogatz(300, 6, 0.3, new PythonRandom(1)), wattsStrogatz(300, 6, 0.3, new PythonRandom(2)))).toBe(false);
  });

  it("names the bad parameter", () => {
    const r = new Xoshiro128(1);
    expect(() => wattsStrogatz(10, 12, 0.1, r)).toThrow(RangeError);
    expect(() => wattsStrogatz(10, 12, 0.1, r)).toThrow(/k must not exceed n/);
    expect(() => wattsStrogatz(10, 4, 1.5, r)).toThrow(/wattsStrogatz: p must be a probability/);
    expect(() => wattsStrogatz(10, 4, Number.NaN, r)).toThrow(/p must be/);
    expect(() => wattsStrogatz(-1, 0, 0.1, r)).toThrow(/wattsStrogatz: n must be/);
    expect(() => wattsStrogatz(10, 2.5, 0.1, r)).toThrow(/wattsStrogatz: k must be/);
  });
});

describe("erdosRenyi", () => {
  it("is simple and symmetric", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 1, noNaN: true }), seed, (n, p, s) => {
        validateCsr(erdosRenyi(n, p, new Xoshiro128(s)));
      }),
      { numRuns: 200 },
    );
  });

  it("has the expected number of edges within 5 standard deviations", () => {
    fc.assert(
      fc.property(seed, (s) => {
        const n = 2000;
        const p = 0.004;
        const pairs = (n * (n - 1)) / 2;
        const mean = pairs * p;
        const sd = Math.sqrt(pairs * p * (1 - p));
        return Math.abs(edgeCount(erdosRenyi(n, p, new Xoshiro128(s))) - mean) < 5 * sd;
      }),
      { numRuns: 20 },
    );
  });

  it("gives no edges for p = 0 and the complete graph for p = 1", () => {
    expect(edgeCount(erdosRenyi(50, 0, new Xoshiro128(1)))).toBe(0);
    expect(same(erdosRenyi(12, 1, new Xoshiro128(1)), complete(12))).toBe(true);
  });

  it("is deterministic and names bad parameters", () => {
    expect(same(erdosRenyi(500, 0.02, new Xoshiro128(7)), erdosRenyi(500, 0.02, new Xoshiro128(7)))).toBe(true);
    expect(() => erdosRenyi(10, -0.1, new Xoshiro128(1))).toThrow(/erdosRenyi: p must be/);
    expect(() => erdosRenyi(1.5, 0.1, new Xoshiro128(1))).toThrow(/erdosRenyi: n must be/);
  });
});

describe("barabasiAlbert", () => {
  it("is simple with m(n − m) edges; every node after the seed star has degree ≥ m", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 150 }), fc.integer({ min: 1, max: 10 }), seed, (n, m, s) => {
        fc.pre(m < n);
        const g = barabasiAlbert(n, m, new Xoshiro128(s));
        validateCsr(g);
        expect(edgeCount(g)).toBe(m * (n - m));
        for (let i = m + 1; i < n; i++) expect(degree(g, i)).toBeGreaterThanOrEqual(m);
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic and requires 1 ≤ m < n", () => {
    expect(same(barabasiAlbert(400, 3, new Xoshiro128(3)), barabasiAlbert(400, 3, new Xoshiro128(3)))).toBe(true);
    expect(() => barabasiAlbert(10, 10, new Xoshiro128(1))).toThrow(/barabasiAlbert: m must be/);
    expect(() => barabasiAlbert(10, 0, new Xoshiro128(1))).toThrow(/barabasiAlbert: m must be/);
    expect(() => barabasiAlbert(1, 1, new Xoshiro128(1))).toThrow(/barabasiAlbert: n must be/);
  });
});

describe("randomGeometric", () => {
  it("links exactly the pairs within the radius (brute force), rows ascending", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.constantFrom<2 | 3>(2, 3), seed, (n, radius, dim, s) => {
        const g = randomGeometric(n, radius, new Xoshiro128(s), dim);
        validateCsr(g);
        for (let u = 0; u < n; u++) {
          const expected: number[] = [];
          for (let v = 0; v < n; v++) {
            if (v === u) continue;
            let d2 = 0;
            for (let c = 0; c < dim; c++) d2 += (g.positions[u * dim + c]! - g.positions[v * dim + c]!) ** 2;
            if (d2 <= radius * radius) expected.push(v);
          }
          expect(neighbors(g, u)).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("puts the points in the unit box and is deterministic", () => {
    const a = randomGeometric(1000, 0.05, new Xoshiro128(9), 3);
    expect(a.positions.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(same(a, randomGeometric(1000, 0.05, new Xoshiro128(9), 3))).toBe(true);
  });

  it("gives mean degree near n·π·r² for a radius small against the box", () => {
    const n = 20000;
    const g = randomGeometric(n, Math.sqrt(8 / (Math.PI * n)), new Xoshiro128(5));
    const mean = (2 * edgeCount(g)) / n;
    // The boundary removes about 4·(2/3)·r of the expected degree's share; 8 → ~7.8.
    expect(mean).toBeGreaterThan(7.4);
    expect(mean).toBeLessThan(8.2);
  });

  it("names bad parameters", () => {
    expect(() => randomGeometric(10, -0.1, new Xoshiro128(1))).toThrow(/randomGeometric: radius must be/);
    expect(() => randomGeometric(10, Number.POSITIVE_INFINITY, new Xoshiro128(1))).toThrow(/radius must be/);
    expect(() => randomGeometric(10, 0.1, new Xoshiro128(1), 4 as 2)).toThrow(/randomGeometric: dim must be 2 or 3/);
    expect(() => randomGeometric(-5, 0.1, new Xoshiro128(1))).toThrow(/randomGeometric: n must be/);
  });
});

describe("ring and complete", () => {
  it("ring: every node has degree 2, n edges, networkx's cycle_graph order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 500 }), (n) => {
        const g = ring(n);
        validateCsr(g);
        expect(edgeCount(g)).toBe(n);
        for (let i = 0; i < n; i++) expect(degree(g, i)).toBe(2);
      }),
    );
    expect([0, 1, 4].map((i) => neighbors(ring(5), i))).toEqual([
      [1, 4],
      [0, 2],
      [3, 0],
    ]);
    expect(() => ring(2)).toThrow(/ring: n must be/);
  });

  it("complete: n(n−1)/2 edges, rows ascending", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), (n) => {
        const g = complete(n);
        validateCsr(g);
        expect(edgeCount(g)).toBe((n * Math.max(0, n - 1)) / 2);
      }),
    );
    expect(neighbors(complete(4), 2)).toEqual([0, 1, 3]);
    expect(() => complete(46342)).toThrow(/complete: n must be/);
  });
});
