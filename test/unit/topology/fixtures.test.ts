import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PythonRandom } from "../../../src/core/python-random.js";
import { neighbors } from "../../../src/topology/csr.js";
import { erdosRenyi, wattsStrogatz } from "../../../src/topology/generators.js";
import { randomGeometric } from "../../../src/topology/geometric.js";
import type { Csr } from "../../../src/topology/csr.js";
import { emtdFixtures } from "../../helpers/fixtures.js";

interface NetworkxGraphs {
  wattsStrogatz: { n: number; k: number; p: number; seed: number | string; adjacency: number[][] }[];
  fastGnp: { n: number; p: number; seed: number; adjacency: number[][] }[];
  randomGeometric: { n: number; radius: number; dim: 2 | 3; seed: number; positions: number[][]; edges: [number, number][] }[];
}

const nx = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/python-rng/networkx-graphs.json"), "utf8")) as { data: NetworkxGraphs }
).data;

function adjacency(g: Csr): number[][] {
  return Array.from({ length: g.n }, (_, i) => neighbors(g, i));
}

describe("wattsStrogatz reproduces the EMTD reference graphs (test/fixtures/reference)", () => {
  const runs = emtdFixtures();
  it("has N = 50 and N = 200 runs to check", () => {
    expect(new Set(runs.map((r) => r.N))).toEqual(new Set([50, 200]));
  });
  for (const run of runs) {
    it(`N=${run.N} seed=${run.seed}: adjacency in networkx's neighbour order`, () => {
      expect(adjacency(wattsStrogatz(run.N, 4, 0.1, new PythonRandom(run.seed)))).toEqual(run.adjacency);
    });
  }
});

describe("generators against networkx 3.x (test/fixtures/python-rng/networkx-graphs.json)", () => {
  for (const c of nx.wattsStrogatz) {
    it(`watts_strogatz_graph(${c.n}, ${c.k}, ${c.p}, seed=${c.seed})`, () => {
      const seed = typeof c.seed === "string" ? BigInt(c.seed) : c.seed;
      expect(adjacency(wattsStrogatz(c.n, c.k, c.p, new PythonRandom(seed)))).toEqual(c.adjacency);
    });
  }
  for (const c of nx.fastGnp) {
    it(`fast_gnp_random_graph(${c.n}, ${c.p}, seed=${c.seed})`, () => {
      expect(adjacency(erdosRenyi(c.n, c.p, new PythonRandom(c.seed)))).toEqual(c.adjacency);
    });
  }
  for (const c of nx.randomGeometric) {
    it(`random_geometric_graph(${c.n}, ${c.radius}, dim=${c.dim}, seed=${c.seed}): positions and edges`, () => {
      const g = randomGeometric(c.n, c.radius, new PythonRandom(c.seed), c.dim);
      const positions = Array.from({ length: c.n }, (_, i) => Array.from(g.positions.subarray(i * c.dim, (i + 1) * c.dim)));
      expect(positions).toEqual(c.positions);
      const edges: [number, number][] = [];
      for (let u = 0; u < g.n; u++) for (const v of neighbors(g, u)) if (u < v) edges.push([u, v]);
      expect(edges).toEqual(c.edges);
    });
  }
});
