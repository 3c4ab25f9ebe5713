import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { type Csr, csrFromAdjacency, csrFromEdges, edgeCount, neighbors, toUndirectedEdges, validateCsr } from "../../../src/topology/csr.js";
import { wattsStrogatz } from "../../../src/topology/generators.js";

describe("csrFromEdges", () => {
  it("fills rows in edge order, like networkx's add_edge", () => {
    const g = csrFromEdges(4, [
      [2, 0],
      [0, 1],
      [3, 2],
      [1, 3],
    ]);
    expect([0, 1, 2, 3].map((i) => neighbors(g, i))).toEqual([[2, 1], [0, 3], [0, 3], [2, 1]]);
    expect(edgeCount(g)).toBe(4);
  });

  it("accepts flat Int32Array pairs", () => {
    const g = csrFromEdges(3, Int32Array.from([0, 1, 1, 2]));
    expect(neighbors(g, 1)).toEqual([0, 2]);
  });

  it("rejects self-loops, repeats in either orientation, and ids out of range", () => {
    expect(() => csrFromEdges(3, [[1, 1]])).toThrow(/self-loop at node 1/);
    expect(() => csrFromEdges(3, [[0, 1], [1, 0]])).toThrow(/listed more than once/);
    expect(() => csrFromEdges(3, [[0, 3]])).toThrow(/out of range/);
    expect(() => csrFromEdges(3, [[0, 2 ** 40]])).toThrow(/out of range/);
    expect(() => csrFromEdges(3, [[0, 0.5]])).toThrow(/non-integer/);
    expect(() => csrFromEdges(3, Int32Array.from([0, 1, 2]))).toThrow(/even length/);
  });

  it("round-trips with toUndirectedEdges (edge set; rows as toUndirectedEdges orders them)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, s) => {
        const g = wattsStrogatz(n, 4, 0.3, new Xoshiro128(s));
        const pairs = toUndirectedEdges(g);
        expect(pairs.length).toBe(2 * edgeCount(g));
        for (let e = 0; e < pairs.length; e += 2) expect(pairs[e]!).toBeLessThan(pairs[e + 1]!);
        const h = csrFromEdges(n, pairs);
        for (let i = 0; i < n; i++) expect(new Set(neighbors(h, i))).toEqual(new Set(neighbors(g, i)));
      }),
      { numRuns: 50 },
    );
  });
});

describe("csrFromAdjacency", () => {
  it("keeps each list's order and passes an existing CSR through", () => {
    const g = csrFromAdjacency([[2, 1], [0], [0]]);
    expect(neighbors(g, 0)).toEqual([2, 1]);
    expect(csrFromAdjacency(g)).toBe(g);
    expect(() => csrFromAdjacency([[5]])).toThrow(RangeError);
  });
});

describe("validateCsr", () => {
  const base = (): Csr => csrFromEdges(3, [[0, 1], [1, 2]]);

  it("accepts well-formed graphs", () => {
    expect(() => validateCsr(base())).not.toThrow();
    expect(() => validateCsr(csrFromEdges(0, []))).not.toThrow();
  });

  it("names each kind of malformation", () => {
    const asym: Csr = { n: 3, offsets: Int32Array.from([0, 1, 1, 1]), targets: Int32Array.from([1]) };
    expect(() => validateCsr(asym)).toThrow(/not symmetric/);
    const swapped: Csr = { n: 3, offsets: Int32Array.from([0, 1, 2, 3]), targets: Int32Array.from([1, 2, 0]) };
    expect(() => validateCsr(swapped)).toThrow(/not symmetric/);
    const loop: Csr = { n: 2, offsets: Int32Array.from([0, 1, 1]), targets: Int32Array.from([0]) };
    expect(() => validateCsr(loop)).toThrow(/self-loop at node 0/);
    const dup: Csr = { n: 2, offsets: Int32Array.from([0, 2, 4]), targets: Int32Array.from([1, 1, 0, 0]) };
    expect(() => validateCsr(dup)).toThrow(/more than once/);
    const badOffsets: Csr = { n: 2, offsets: Int32Array.from([0, 2, 1]), targets: Int32Array.from([1]) };
    expect(() => validateCsr(badOffsets)).toThrow(/offsets decrease/);
    const shortOffsets: Csr = { n: 3, offsets: Int32Array.from([0, 0]), targets: new Int32Array(0) };
    expect(() => validateCsr(shortOffsets)).toThrow(/offsets has length/);
    const range: Csr = { n: 2, offsets: Int32Array.from([0, 1, 2]), targets: Int32Array.from([1, 7]) };
    expect(() => validateCsr(range)).toThrow(/out of range/);
    expect(() => validateCsr({ ...base(), weights: new Float64Array(1) })).toThrow(/weights/);
  });
});
