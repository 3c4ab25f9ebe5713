// Topology generators: time and memory at 10^4, 10^5 and 10^6 nodes, and Watts–Strogatz
// against networkx's own generator at 10^3 and 10^4 nodes (same seed, same graph).
//
//   node --import tsx bench/topology-generators.ts
//
// Each generator × size runs in its own child process, so the peak RSS is that case's alone;
// the child reports the generation time and the memory the result retains (heap plus typed
// array buffers, measured after a GC). Results go to bench/results/topology-generators.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Xoshiro128 } from "../src/core/prng.js";
import { PythonRandom } from "../src/core/python-random.js";
import { neighbors } from "../src/topology/csr.js";
import { barabasiAlbert, complete, erdosRenyi, ring, wattsStrogatz } from "../src/topology/generators.js";
import { randomGeometric } from "../src/topology/geometric.js";
import { temporalHypergraph } from "../src/topology/hypergraph.js";
import { detectPython } from "./lib/python.js";

const SIZES = [10_000, 100_000, 1_000_000];
const SEED = 1;

interface Case {
  name: string;
  params: (n: number) => string;
  /** sizes this generator cannot reach, with the reason */
  skip?: (n: number) => string | undefined;
  /** returns the generated value (kept alive until memory is measured) and its entry count */
  run: (n: number) => { value: unknown; entries: number };
}

const entries = (g: { offsets: Int32Array; n: number }) => ({ value: g, entries: g.offsets[g.n]! });

const CASES: Case[] = [
  { name: "watts-strogatz", params: () => "k=4 p=0.1, PythonRandom", run: (n) => entries(wattsStrogatz(n, 4, 0.1, new PythonRandom(SEED))) },
  { name: "watts-strogatz/xoshiro", params: () => "k=4 p=0.1, Xoshiro128", run: (n) => entries(wattsStrogatz(n, 4, 0.1, new Xoshiro128(SEED))) },
  { name: "erdos-renyi", params: (n) => `p=8/(n-1) = ${(8 / (n - 1)).toExponential(2)}`, run: (n) => entries(erdosRenyi(n, 8 / (n - 1), new Xoshiro128(SEED))) },
  { name: "barabasi-albert", params: () => "m=4", run: (n) => entries(barabasiAlbert(n, 4, new Xoshiro128(SEED))) },
  {
    name: "random-geometric/2d",
    params: (n) => `radius=${Math.sqrt(8 / (Math.PI * n)).toExponential(3)} (mean degree ~8)`,
    run: (n) => entries(randomGeometric(n, Math.sqrt(8 / (Math.PI * n)), new Xoshiro128(SEED), 2)),
  },
  {
    name: "random-geometric/3d",
    params: (n) => `radius=${Math.cbrt(6 / (Math.PI * n)).toExponential(3)} (mean degree ~8)`,
    run: (n) => entries(randomGeometric(n, Math.cbrt(6 / (Math.PI * n)), new Xoshiro128(SEED), 3)),
  },
  { name: "ring", params: () => "", run: (n) => entries(ring(n)) },
  {
    name: "complete",
    params: () => "",
    skip: (n) => (n > 46341 ? "n(n−1) entries exceed the Int32 CSR limit" : undefined),
    run: (n) => entries(complete(n)),
  },
  {
    name: "temporal-hypergraph",
    params: (n) => `k=2 rate=${n}/unit horizon=10`,
    run: (n) => {
      const h = temporalHypergraph({ n, k: 2, rate: n, horizon: 10 }, new Xoshiro128(SEED));
      return { value: h, entries: h.members.length };
    },
  },
];

const here = dirname(fileURLToPath(import.meta.url));

/** Full GC twice with a turn of the event loop between, so freed typed-array buffers are released and counted. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setImmediate(r));
  gc?.();
}

/** Child mode: run one case once and print one JSON line. */
async function child(name: string, n: number): Promise<void> {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`unknown case ${name}`);
  await settle();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const result = c.run(n);
  const ms = performance.now() - t0;
  await settle();
  const after = process.memoryUsage();
  const retainedMB = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
  // Reading the result here keeps it reachable through the measurement above.
  if (result.value === undefined) throw new Error("no result");
  process.stdout.write(
    `${JSON.stringify({ ms, retainedMB, maxRssMB: process.resourceUsage().maxRSS / 1024, entries: result.entries })}\n`,
  );
}

interface Row {
  generator: string;
  n: number;
  params: string;
  ms?: number;
  retainedMB?: number;
  maxRssMB?: number;
  meanDegree?: number;
  skipped?: string;
}

function runCase(c: Case, n: number): Row {
  const params = c.params(n);
  const skipped = c.skip?.(n);
  if (skipped) return { generator: c.name, n, params, skipped };
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--case", c.name, String(n)], {
    encoding: "utf8",
    cwd: resolve(here, ".."),
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split("\n").pop()!) as { ms: number; retainedMB: number; maxRssMB: number; entries: number };
  return {
    generator: c.name,
    n,
    params,
    ms: round(r.ms),
    retainedMB: round(r.retainedMB),
    maxRssMB: round(r.maxRssMB),
    meanDegree: c.name === "temporal-hypergraph" ? undefined : round(r.entries / n, 3),
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Best of `reps` in-process runs of Watts–Strogatz with a PythonRandom, after a warm-up. */
function oursWs(n: number, reps: number): number {
  wattsStrogatz(n, 4, 0.1, new PythonRandom(SEED));
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    wattsStrogatz(n, 4, 0.1, new PythonRandom(SEED + i));
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const PY_WS = `
import json, sys, time
import networkx as nx
n, reps, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
best = float("inf")
for i in range(reps):
    t = time.perf_counter()
    nx.watts_strogatz_graph(n, 4, 0.1, seed=seed + i)
    best = min(best, time.perf_counter() - t)
G = nx.watts_strogatz_graph(n, 4, 0.1, seed=seed)
print(json.dumps({"ms": best * 1000, "adjacency": [list(G.neighbors(v)) for v in range(n)]}))
`;

function main(): void {
  const started = performance.now();
  const rows: Row[] = [];
  console.log("generator                 n          ms   retained MB   peak RSS MB   mean deg   params");
  for (const c of CASES) {
    for (const n of SIZES) {
      const row = runCase(c, n);
      rows.push(row);
      console.log(
        row.skipped
          ? `${row.generator.padEnd(24)} ${String(n).padStart(8)}   skipped: ${row.skipped}`
          : `${row.generator.padEnd(24)} ${String(n).padStart(8)} ${row.ms!.toFixed(1).padStart(9)} ${row.retainedMB!.toFixed(1).padStart(13)} ${row.maxRssMB!.toFixed(0).padStart(13)} ${(row.meanDegree?.toFixed(2) ?? "-").padStart(10)}   ${row.params}`,
      );
    }
  }

  const py = detectPython({ requireScipy: false });
  let python: { versions?: unknown; skipped?: string; rows: { n: number; entropicMs: number; networkxMs: number; ratio: number; sameGraph: boolean }[] } = { rows: [] };
  if (!py.ok) {
    python = { skipped: py.reason, rows: [] };
    console.log(`\nnetworkx comparison skipped: ${py.reason}`);
  } else {
    python = { versions: py.versions, rows: [] };
    console.log(`\nWatts–Strogatz k=4 p=0.1 vs networkx ${py.versions.networkx} (python ${py.versions.python}), best of runs:`);
    for (const [n, reps] of [
      [1_000, 20],
      [10_000, 5],
    ] as const) {
      const res = JSON.parse(execFileSync(py.python, ["-c", PY_WS, String(n), String(reps), String(SEED)], { encoding: "utf8", maxBuffer: 1 << 26 })) as {
        ms: number;
        adjacency: number[][];
      };
      const ours = oursWs(n, reps * 4);
      const g = wattsStrogatz(n, 4, 0.1, new PythonRandom(SEED));
      const sameGraph = res.adjacency.every((row, i) => JSON.stringify(row) === JSON.stringify(neighbors(g, i)));
      const row = { n, entropicMs: round(ours, 3), networkxMs: round(res.ms, 3), ratio: round(res.ms / ours, 1), sameGraph };
      python.rows.push(row);
      console.log(`  n=${String(n).padEnd(6)} entropic ${ours.toFixed(2)} ms   networkx ${res.ms.toFixed(2)} ms   networkx/entropic ${row.ratio}×   same graph: ${sameGraph}`);
    }
  }

  const outDir = resolve(here, "results");
  mkdirSync(outDir, { recursive: true });
  const doc = {
    benchmark: "topology-generators",
    description: "generation time, retained memory (heap + typed arrays after GC) and peak RSS per generator, one child process per case; Watts–Strogatz vs networkx",
    node: process.version,
    date: new Date().toISOString(),
    seed: SEED,
    rows,
    networkx: python,
    wallSeconds: round((performance.now() - started) / 1000),
  };
  writeFileSync(resolve(outDir, "topology-generators.json"), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote bench/results/topology-generators.json (${doc.wallSeconds} s)`);
}

const caseIndex = process.argv.indexOf("--case");
if (caseIndex >= 0) await child(process.argv[caseIndex + 1]!, Number(process.argv[caseIndex + 2]));
else main();
