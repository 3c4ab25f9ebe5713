import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type Rng, randomInt } from "../../../src/core/prng.js";
import { type Csr, csrFromAdjacency } from "../../../src/topology/csr.js";
import { isingEnergy, localPottsEnergy, magnetization, pottsEnergy } from "../../../src/physics/potts.js";
import { rngFor } from "./helpers.js";

interface Graph {
  readonly csr: Csr;
  /** undirected edges [i, j, J] with i < j, each once */
  readonly edges: [number, number, number][];
  /** coupling per directed CSR entry, symmetric */
  readonly coupling: Float64Array;
}

/** A G(n, p) graph with a random symmetric coupling, kept both as CSR and as an edge list. */
function randomGraph(rng: Rng, n: number, pPercent: number): Graph {
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  const weight = new Map<string, number>();
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (randomInt(rng, 100) < pPercent) {
        const w = 0.5 + randomInt(rng, 1000) / 100;
        adjacency[i]!.push(j);
        adjacency[j]!.push(i);
        weight.set(`${i},${j}`, w);
        edges.push([i, j, w]);
      }
    }
  }
  const csr = csrFromAdjacency(adjacency);
  const coupling = new Float64Array(csr.targets.length);
  for (let i = 0; i < n; i++) {
    for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) {
      const j = csr.targets[k]!;
      coupling[k] = weight.get(i < j ? `${i},${j}` : `${j},${i}`)!;
    }
  }
  return { csr, edges, coupling };
}

function randomSpins(rng: Rng, n: number, d: number): Int32Array {
  return Int32Array.from({ length: n }, () => randomInt(rng, d));
}

const bruteForcePotts = (g: Graph, s: Int32Array, weighted: boolean) =>
  g.edges.reduce((e, [i, j, w]) => e + (s[i] !== s[j] ? (weighted ? w : 1) : 0), 0);

describe("pottsEnergy", () => {
  it("matches the brute-force edge sum on random graphs (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), (seed, n, d) => {
        const rng = rngFor(seed);
        const g = randomGraph(rng, n, 40);
        const s = randomSpins(rng, n, d);
        expect(pottsEnergy(g.csr, s)).toBe(bruteForcePotts(g, s, false));
        expect(Math.abs(pottsEnergy(g.csr, s, g.coupling) - bruteForcePotts(g, s, true))).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it("counts each edge once: a ring of 4 alternating spins has energy 4", () => {
    const ring = csrFromAdjacency([
      [1, 3],
      [0, 2],
      [1, 3],
      [2, 0],
    ]);
    expect(pottsEnergy(ring, Int32Array.from([0, 1, 0, 1]))).toBe(4);
    expect(pottsEnergy(ring, Int32Array.from([2, 2, 2, 2]))).toBe(0);
    expect(pottsEnergy(ring, Int32Array.from([0, 0, 1, 1]))).toBe(2);
  });

  it("defaults to the graph's weights, then to 1", () => {
    const g = randomGraph(rngFor(2), 8, 50);
    const s = randomSpins(rngFor(3), 8, 3);
    const withWeights: Csr = { ...g.csr, weights: g.coupling };
    expect(pottsEnergy(withWeights, s)).toBe(pottsEnergy(g.csr, s, g.coupling));
    expect(pottsEnergy(withWeights, s, new Float64Array(g.coupling.length).fill(1))).toBe(pottsEnergy(g.csr, s));
  });

  it("uses the i < j entry's coupling and skips self-loops", () => {
    const g = csrFromAdjacency([[1, 0], [0]]); // node 0 has a self-loop
    const coupling = Float64Array.from([2, 99, 5]); // (0→1)=2, (0→0)=99, (1→0)=5
    expect(pottsEnergy(g, Int32Array.from([0, 1]), coupling)).toBe(2);
    expect(isingEnergy(g, Int32Array.from([1, 1]), coupling)).toBe(-2);
    expect(localPottsEnergy(g, Int32Array.from([0, 1]), 0, 1, coupling)).toBe(0);
    expect(localPottsEnergy(g, Int32Array.from([0, 1]), 0, 0, coupling)).toBe(2);
  });

  it("rejects mismatched spins and couplings", () => {
    const g = csrFromAdjacency([[1], [0]]);
    expect(() => pottsEnergy(g, Int32Array.from([0]))).toThrow(RangeError);
    expect(() => pottsEnergy(g, Int32Array.from([0, 1]), new Float64Array(3))).toThrow(RangeError);
  });
});

describe("localPottsEnergy", () => {
  it("is the neighbour sum, and its difference is the global energy change", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 4 }), (seed, n, d) => {
        const rng = rngFor(seed);
        const g = randomGraph(rng, n, 50);
        const s = randomSpins(rng, n, d);
        const before = pottsEnergy(g.csr, s, g.coupling);
        for (let i = 0; i < n; i++) {
          const direct = g.edges.filter(([a, b]) => a === i || b === i).reduce((e, [a, b, w]) => e + (s[a === i ? b : a] !== s[i] ? w : 0), 0);
          expect(Math.abs(localPottsEnergy(g.csr, s, i, s[i]!, g.coupling) - direct)).toBeLessThan(1e-9);
          for (let c = 0; c < d; c++) {
            const moved = s.slice();
            moved[i] = c;
            const delta = pottsEnergy(g.csr, moved, g.coupling) - before;
            const local = localPottsEnergy(g.csr, s, i, c, g.coupling) - localPottsEnergy(g.csr, s, i, s[i]!, g.coupling);
            expect(Math.abs(delta - local)).toBeLessThan(1e-9);
          }
        }
      }),
      { numRuns: 150, seed: 2 },
    );
  });

  it("rejects an out-of-range node", () => {
    const g = csrFromAdjacency([[1], [0]]);
    expect(() => localPottsEnergy(g, Int32Array.from([0, 0]), 2, 0)).toThrow(RangeError);
  });
});

describe("isingEnergy", () => {
  it("is −Σ J σiσj, and 2·H_Potts − ΣJ for two candidates", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 12 }), (seed, n) => {
        const rng = rngFor(seed);
        const g = randomGraph(rng, n, 40);
        const potts = randomSpins(rng, n, 2);
        const ising = potts.map((x) => (x === 0 ? -1 : 1));
        const brute = -g.edges.reduce((e, [i, j, w]) => e + w * ising[i]! * ising[j]!, 0);
        const sumJ = g.edges.reduce((e, [, , w]) => e + w, 0);
        expect(Math.abs(isingEnergy(g.csr, ising, g.coupling) - brute)).toBeLessThan(1e-9);
        expect(Math.abs(isingEnergy(g.csr, ising, g.coupling) - (2 * pottsEnergy(g.csr, potts, g.coupling) - sumJ))).toBeLessThan(1e-9);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it("rejects spins other than ±1", () => {
    const g = csrFromAdjacency([[1], [0]]);
    expect(() => isingEnergy(g, Int32Array.from([1, 0]))).toThrow(RangeError);
  });
});

describe("magnetization", () => {
  it("is the share of the most common candidate", () => {
    expect(magnetization(Int32Array.from([0, 1, 1, 2, 1]), 3)).toBe(0.6);
    expect(magnetization(Int32Array.from([2, 2]), 3)).toBe(1);
    expect(magnetization(Int32Array.from([0, 1, 2, 3]), 4)).toBe(0.25);
    expect(magnetization(new Int32Array(0), 2)).toBe(0);
  });

  it("matches a counting reference on random configurations", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 50 }), (xs) => {
        const counts = [0, 0, 0, 0, 0];
        for (const x of xs) counts[x]!++;
        expect(magnetization(Int32Array.from(xs), 5)).toBe(Math.max(...counts) / xs.length);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it("rejects spins outside [0, d) and a bad d", () => {
    expect(() => magnetization(Int32Array.from([0, 3]), 3)).toThrow(RangeError);
    expect(() => magnetization(Int32Array.from([0, -1]), 3)).toThrow(RangeError);
    expect(() => magnetization(Int32Array.from([0]), 0)).toThrow(RangeError);
  });
});
