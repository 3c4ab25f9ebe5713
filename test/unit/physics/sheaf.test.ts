import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { randomNormal } from "../../../src/core/prng.js";
import { zeros } from "../../../src/physics/complex.js";
import { hermitianEigenvalues } from "../../../src/physics/eigen.js";
import * as physics from "../../../src/physics/index.js";
import * as sheafModule from "../../../src/physics/sheaf.js";
import * as finalizedSheafModule from "../../../src/physics/finalized-sheaf.js";
import { finalizedSectionSheaf, oneHotCoboundaryNorm2 } from "../../../src/physics/finalized-sheaf.js";
import {
  type CoverConstruction,
  type DenseMatrix,
  type HypergraphSheaf,
  applyCoboundary,
  coboundaryMatrix,
  coboundaryNorm,
  cochainDims,
  extendSection,
  matrixRank,
  sheafCohomology,
  sheafLaplacian,
  validateSheaf,
} from "../../../src/physics/sheaf.js";
import { rngFor } from "./helpers.js";

const BOTH: readonly CoverConstruction[] = ["incidence", "clique"];

function eye(k: number, s = 1): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) m[i * k + i] = s;
  return m;
}

/** The constant sheaf R^k on a hypergraph with `n` vertices: identity restrictions. */
function constantSheaf(n: number, hyperedges: number[][], k: number): HypergraphSheaf {
  return {
    vertexDims: Array.from({ length: n }, () => k),
    edges: hyperedges.map((members) => ({ members, dim: k, restrictions: members.map(() => eye(k)) })),
  };
}

function cycle(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
}

function path(n: number): number[][] {
  return Array.from({ length: n - 1 }, (_, i) => [i, i + 1]);
}

function matVec(m: DenseMatrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) s += m.data[r * m.cols + c]! * x[c]!;
    out[r] = s;
  }
  return out;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** dim ker L from the eigenvalues of L (an independent route to dim H⁰). */
function nullityByEigen(l: DenseMatrix): number {
  if (l.rows === 0) return 0;
  const m = zeros(l.rows);
  m.re.set(l.data);
  const ev = hermitianEigenvalues(m);
  const top = Math.max(1, ...Array.from(ev, Math.abs));
  return ev.filter((x) => Math.abs(x) <= 1e-9 * top).length;
}

/** A random sheaf: vertex stalks 0..3, hyperedges of 1..4 distinct members, Gaussian restrictions. */
function randomSheaf(seed: number): HypergraphSheaf {
  const rng = rngFor(seed);
  const n = 2 + rng.nextInt(5);
  const vertexDims = Array.from({ length: n }, () => rng.nextInt(4));
  const edgeCount = 1 + rng.nextInt(5);
  const edges = Array.from({ length: edgeCount }, () => {
    const size = 1 + rng.nextInt(Math.min(4, n));
    const pool = Array.from({ length: n }, (_, i) => i);
    const members: number[] = [];
    for (let t = 0; t < size; t++) members.push(pool.splice(rng.nextInt(pool.length), 1)[0]!);
    const dim = rng.nextInt(4);
    // Sometimes rank-deficient (a product through a 1-dim space), to exercise the rank.
    const lowRank = rng.nextInt(3) === 0;
    const restrictions = members.map((v) => {
      const nv = vertexDims[v]!;
      const f = new Float64Array(dim * nv);
      if (lowRank) {
        const a = Array.from({ length: dim }, () => randomNormal(rng));
        const b = Array.from({ length: nv }, () => randomNormal(rng));
        for (let r = 0; r < dim; r++) for (let c = 0; c < nv; c++) f[r * nv + c] = a[r]! * b[c]!;
      } else {
        for (let t = 0; t < f.length; t++) f[t] = randomNormal(rng);
      }
      return f;
    });
    return { members, dim, restrictions };
  });
  return { vertexDims, edges };
}

describe("cohomology of known sheaves", () => {
  it.each([3, 4, 5, 7])("constant sheaf on the cycle C_%i: dim H⁰ = dim H¹ = stalk dimension (both constructions)", (n) => {
    for (const k of [1, 2, 3]) {
      for (const construction of BOTH) {
        const h = sheafCohomology(constantSheaf(n, cycle(n), k), construction);
        expect({ k, construction, h0: h.h0, h1: h.h1 }).toEqual({ k, construction, h0: k, h1: k });
      }
    }
  });

  it("constant sheaf on a path (a tree): dim H⁰ = k, dim H¹ = 0", () => {
    for (const k of [1, 2, 4]) {
      for (const construction of BOTH) {
        const h = sheafCohomology(constantSheaf(5, path(5), k), construction);
        expect([h.h0, h.h1]).toEqual([k, 0]);
      }
    }
  });

  it("two components: dim H⁰ = 2k; an isolated vertex adds its whole stalk", () => {
    expect(sheafCohomology(constantSheaf(4, [[0, 1], [2, 3]], 2)).h0).toBe(4);
    expect(sheafCohomology(constantSheaf(5, [[0, 1], [2, 3]], 2)).h0).toBe(6);
  });

  it("the twisted (Möbius) line bundle on C_4 has no global section and H¹ = 0", () => {
    const sheaf = constantSheaf(4, cycle(4), 1);
    const twisted: HypergraphSheaf = {
      vertexDims: sheaf.vertexDims,
      edges: sheaf.edges.map((e, i) => (i === 3 ? { ...e, restrictions: [eye(1), eye(1, -1)] } : e)),
    };
    for (const construction of BOTH) {
      const h = sheafCohomology(twisted, construction);
      expect([h.h0, h.h1]).toEqual([0, 0]);
    }
  });

  it("triangle covers: one 3-member hyperedge (a star: H¹ = 0; the clique expansion reports a spurious H¹) vs. three pairs (a cycle: H¹ = k)", () => {
    for (const k of [1, 2]) {
      const one = constantSheaf(3, [[0, 1, 2]], k);
      expect(sheafCohomology(one, "incidence")).toMatchObject({ c0: 4 * k, c1: 3 * k, h0: k, h1: 0 });
      expect(sheafCohomology(one, "clique")).toMatchObject({ c0: 3 * k, c1: 3 * k, h0: k, h1: k });
      const pairs = constantSheaf(3, cycle(3), k);
      for (const construction of BOTH) expect(sheafCohomology(pairs, construction)).toMatchObject({ h0: k, h1: k });
    }
  });

  it("a hyperedge with one member or an empty overlap constrains nothing", () => {
    const sheaf: HypergraphSheaf = {
      vertexDims: [2, 2],
      edges: [
        { members: [0], dim: 2, restrictions: [eye(2)] },
        { members: [0, 1], dim: 0, restrictions: [new Float64Array(0), new Float64Array(0)] },
      ],
    };
    expect(sheafCohomology(sheaf, "incidence")).toMatchObject({ h0: 4, h1: 0 });
    expect(sheafCohomology(sheaf, "clique")).toMatchObject({ c1: 0, h0: 4, h1: 0 });
  });
});

describe("coboundary, Laplacian and rank on random sheaves", () => {
  const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...BOTH));

  it("δ applied directly equals the matrix; xᵀLx = ‖δx‖²; L is symmetric", () => {
    fc.assert(
      fc.property(arb, ([seed, construction]) => {
        const sheaf = randomSheaf(seed);
        const d = coboundaryMatrix(sheaf, construction);
        const { c0, c1 } = cochainDims(sheaf, construction);
        expect([d.rows, d.cols]).toEqual([c1, c0]);
        const rng = rngFor(seed ^ 0x5bd1e995);
        const x = Float64Array.from({ length: c0 }, () => randomNormal(rng));
        const dx = applyCoboundary(sheaf, x, construction);
        const ref = matVec(d, x);
        dx.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(ref[i]!))));
        const l = sheafLaplacian(sheaf, construction);
        const lx = matVec(l, x);
        let q = 0;
        for (let i = 0; i < c0; i++) q += x[i]! * lx[i]!;
        expect(Math.abs(q - norm(dx) ** 2)).toBeLessThan(1e-9 * (1 + q));
        for (let i = 0; i < c0; i++) for (let j = 0; j < c0; j++) expect(l.data[i * c0 + j]).toBe(l.data[j * c0 + i]);
      }),
      { numRuns: 150, seed: 41 },
    );
  });

  it("dim H⁰ by elimination equals dim ker L by the eigen solver, and dim H⁰ − dim H¹ = dim C⁰ − dim C¹", () => {
    fc.assert(
      fc.property(arb, ([seed, construction]) => {
        const sheaf = randomSheaf(seed);
        const h = sheafCohomology(sheaf, construction);
        expect(h.h0 - h.h1).toBe(h.c0 - h.c1);
        expect(h.h0).toBe(nullityByEigen(sheafLaplacian(sheaf, construction)));
        expect(h.h0).toBeGreaterThanOrEqual(0);
        expect(h.h1).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it("both constructions have the same global sections on the vertices", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const sheaf = randomSheaf(seed);
        // The incidence C⁰ adds the hyperedge stalks, but those are determined by a global section.
        expect(sheafCohomology(sheaf, "incidence").h0).toBe(sheafCohomology(sheaf, "clique").h0);
      }),
      { numRuns: 150, seed: 43 },
    );
  });

  it("the incidence norm of a vertex section is the minimum over hyperedge values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const sheaf = randomSheaf(seed);
        const nv = sheaf.vertexDims.reduce((a, b) => a + b, 0);
        const rng = rngFor(seed ^ 0x1234567);
        const x = Float64Array.from({ length: nv }, () => randomNormal(rng));
        const best = coboundaryNorm(sheaf, x, "incidence");
        const full = extendSection(sheaf, x, "incidence");
        expect(Math.abs(norm(applyCoboundary(sheaf, full)) - best)).toBeLessThan(1e-12 * (1 + best));
        for (let trial = 0; trial < 3; trial++) {
          const moved = full.slice();
          for (let t = nv; t < moved.length; t++) moved[t] = moved[t]! + 0.1 * randomNormal(rng);
          expect(norm(applyCoboundary(sheaf, moved))).toBeGreaterThanOrEqual(best - 1e-12);
        }
      }),
      { numRuns: 100, seed: 44 },
    );
  });
});

describe("matrixRank", () => {
  const dense = (rows: number[][]): DenseMatrix => ({ rows: rows.length, cols: rows[0]?.length ?? 0, data: Float64Array.from(rows.flat()) });

  it("known ranks", () => {
    expect(matrixRank(dense([[0, 0], [0, 0]]))).toBe(0);
    expect(matrixRank({ rows: 3, cols: 3, data: eye(3) })).toBe(3);
    expect(matrixRank(dense([[1, 2, 3], [2, 4, 6], [1, 0, 1]]))).toBe(2);
    expect(matrixRank(dense([[1, -1, 0], [0, 1, -1], [-1, 0, 1]]))).toBe(2); // incidence of a 3-cycle
    expect(matrixRank({ rows: 0, cols: 4, data: new Float64Array(0) })).toBe(0);
  });

  it("B·C with B n×r and C r×m Gaussian has rank r", () => {
    const rng = rngFor(5);
    for (const [n, r, m] of [[6, 2, 5], [8, 5, 8], [10, 1, 3], [7, 7, 9]] as const) {
      const b = Array.from({ length: n * r }, () => randomNormal(rng));
      const c = Array.from({ length: r * m }, () => randomNormal(rng));
      const data = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < r; k++) data[i * m + j] = data[i * m + j]! + b[i * r + k]! * c[k * m + j]!;
      expect(matrixRank({ rows: n, cols: m, data })).toBe(r);
    }
  });

  it("the tolerance decides near-singular cases; bad input throws", () => {
    const near = dense([[1, 1], [1, 1 + 1e-14]]);
    expect(matrixRank(near)).toBe(1);
    expect(matrixRank(near, 0)).toBe(2);
    expect(() => matrixRank(dense([[1, NaN]]))).toThrow(RangeError);
    expect(() => matrixRank({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(RangeError);
    expect(() => matrixRank(dense([[1]]), -1)).toThrow(RangeError);
  });
});

const sec = (entries: [number, number][]) => new Map(entries);

describe("finalized-section sheaves (T-M.E.S.H.)", () => {
  it("two nodes agreeing: ‖δx‖ = 0, and H⁰ holds the global sections (d per shared instance)", () => {
    const d = 3;
    const s = finalizedSectionSheaf(d, [sec([[0, 2], [1, 0]]), sec([[0, 2], [1, 0]])], [[0, 1]]);
    expect(s.overlaps).toEqual([[0, 1]]);
    for (const construction of BOTH) {
      expect(coboundaryNorm(s.sheaf, s.section, construction)).toBe(0);
      const full = extendSection(s.sheaf, s.section, construction);
      const lx = matVec(sheafLaplacian(s.sheaf, construction), full);
      expect(norm(lx)).toBe(0);
      // Global sections: x_0 = x_1 on 2 instances × d one-hot coordinates.
      expect(sheafCohomology(s.sheaf, construction)).toMatchObject({ h0: 2 * d, h1: 0 });
    }
  });

  it("two nodes disagreeing on one instance: ‖δx‖ = 1 (incidence), √2 (clique)", () => {
    const s = finalizedSectionSheaf(2, [sec([[0, 0], [1, 1]]), sec([[0, 0], [1, 0]])], [[0, 1]]);
    expect(coboundaryNorm(s.sheaf, s.section, "incidence")).toBeCloseTo(1, 14);
    expect(coboundaryNorm(s.sheaf, s.section, "clique")).toBeCloseTo(Math.SQRT2, 14);
  });

  it("instances outside the overlap are not compared, and stay free in H⁰", () => {
    const d = 2;
    const s = finalizedSectionSheaf(d, [sec([[0, 1], [5, 0]]), sec([[0, 1], [5, 1], [7, 0]]), sec([[5, 0]])], [[0, 1], [1, 2]]);
    expect(s.overlaps).toEqual([[0, 5], [5]]);
    expect(s.vertexInstances).toEqual([[0, 5], [0, 5, 7], [5]]);
    // Vertex 1 disagrees with 0 and with 2 on instance 5; instance 7 is nobody's overlap.
    expect(coboundaryNorm(s.sheaf, s.section)).toBeCloseTo(Math.sqrt(2), 14);
    // Global sections: instances 0 and 5 glued across the chain (2d), plus vertex 1's instance 7 (d).
    expect(sheafCohomology(s.sheaf).h0).toBe(3 * d);
  });

  it("a triangle cover with one dissenter: one hyperedge {0,1,2} vs. the three pairs", () => {
    const sections = [sec([[0, 0]]), sec([[0, 0]]), sec([[0, 1]])];
    const one = finalizedSectionSheaf(2, sections, [[0, 1, 2]]);
    // |e| − Σ n_c²/|e| = 3 − (4 + 1)/3
    expect(coboundaryNorm(one.sheaf, one.section)).toBeCloseTo(Math.sqrt(4 / 3), 14);
    expect(coboundaryNorm(one.sheaf, one.section, "clique")).toBeCloseTo(2, 14); // 2 disagreeing pairs × √2
    const pairs = finalizedSectionSheaf(2, sections, cycle(3));
    expect(coboundaryNorm(pairs.sheaf, pairs.section)).toBeCloseTo(Math.SQRT2, 14);
    expect(sheafCohomology(one.sheaf)).toMatchObject({ h0: 2, h1: 0 });
    expect(sheafCohomology(pairs.sheaf)).toMatchObject({ h0: 2, h1: 2 });
  });

  it("oneHotCoboundaryNorm2 equals the generic norm² of a one-hyperedge sheaf", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 7 }),
        fc.constantFrom(...BOTH),
        (d, raw, construction) => {
          const cands = raw.map((c) => c % d);
          const s = finalizedSectionSheaf(d, cands.map((c) => sec([[3, c]])), [cands.map((_, i) => i)]);
          const fast = oneHotCoboundaryNorm2(Int32Array.from(cands), cands.length, construction);
          expect(Math.abs(fast - coboundaryNorm(s.sheaf, s.section, construction) ** 2)).toBeLessThan(1e-12);
          const agree = new Set(cands).size === 1;
          expect(fast === 0).toBe(agree);
          if (!agree) expect(fast).toBeGreaterThanOrEqual(construction === "incidence" ? 1 : 2);
        },
      ),
      { numRuns: 300, seed: 45 },
    );
  });
});

describe("validation", () => {
  it("rejects malformed sheaves and cochains with RangeError", () => {
    const ok = constantSheaf(2, [[0, 1]], 2);
    expect(() => validateSheaf(ok)).not.toThrow();
    expect(() => validateSheaf({ vertexDims: [1.5], edges: [] })).toThrow(/vertex 0/);
    expect(() => validateSheaf({ vertexDims: [1, 1], edges: [{ members: [0, 2], dim: 1, restrictions: [eye(1), eye(1)] }] })).toThrow(/member 1/);
    expect(() => validateSheaf({ vertexDims: [1, 1], edges: [{ members: [0, 0], dim: 1, restrictions: [eye(1), eye(1)] }] })).toThrow(/twice/);
    expect(() => validateSheaf({ vertexDims: [2, 1], edges: [{ members: [0, 1], dim: 1, restrictions: [eye(1), eye(1)] }] })).toThrow(/expected 1×2/);
    expect(() => validateSheaf({ vertexDims: [1], edges: [{ members: [0], dim: 1, restrictions: [] }] })).toThrow(/restrictions/);
    expect(() => validateSheaf({ vertexDims: [1, 1], edges: [{ members: [0, 1], dim: 1, restrictions: [eye(1), Float64Array.of(NaN)] }] })).toThrow(/non-finite/);
    expect(() => applyCoboundary(ok, new Float64Array(3))).toThrow(/dim C⁰ = 6/);
    expect(() => extendSection(ok, new Float64Array(3))).toThrow(RangeError);
    expect(() => sheafCohomology(ok, "star" as CoverConstruction)).toThrow(/construction/);
    expect(() => finalizedSectionSheaf(2, [sec([[0, 2]])], [])).toThrow(/candidate 2/);
    expect(() => finalizedSectionSheaf(2, [sec([[0, 1]])], [[0, 1]])).toThrow(/member 1/);
    expect(() => oneHotCoboundaryNorm2([0, 1], 3)).toThrow(RangeError);
  });
});

describe("physics index", () => {
  it("re-exports every sheaf function unchanged", () => {
    const index = physics as Record<string, unknown>;
    for (const [key, value] of Object.entries({ ...sheafModule, ...finalizedSheafModule })) expect(index[key], key).toBe(value);
  });
});
