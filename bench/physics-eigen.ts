// Hermitian eigenvalues: entropic's cyclic complex Jacobi vs mathjs `eigs`, same process,
// same matrices. Prints ops/s and the ratio per size, writes bench/results/physics-eigen.json.
//
//   node --import tsx bench/physics-eigen.ts
//
// Each measurement runs for a fixed time budget over a pool of distinct random Hermitian
// matrices (seeded), after a warm-up, so the JIT has settled and no result is cached.
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as math from "mathjs";
import { Xoshiro128, randomNormal } from "../src/core/prng.js";
import { type CMatrix, zeros } from "../src/physics/complex.js";
import { hermitianEigenvalues } from "../src/physics/eigen.js";

const SIZES = [2, 4, 8, 16];
const POOL = 32;
const OURS_BUDGET_MS = 1200;
const MATHJS_BUDGET_MS = 1500;

function randomHermitian(rng: Xoshiro128, n: number): CMatrix {
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    m.re[i * n + i] = randomNormal(rng);
    for (let j = i + 1; j < n; j++) {
      const r = randomNormal(rng);
      const s = randomNormal(rng);
      m.re[i * n + j] = r;
      m.im[i * n + j] = s;
      m.re[j * n + i] = r;
      m.im[j * n + i] = -s;
    }
  }
  return m;
}

function toMath(m: CMatrix): math.Matrix {
  const rows: math.Complex[][] = [];
  for (let i = 0; i < m.n; i++) {
    const row: math.Complex[] = [];
    for (let j = 0; j < m.n; j++) row.push(math.complex(m.re[i * m.n + j]!, m.im[i * m.n + j]!));
    rows.push(row);
  }
  return math.matrix(rows);
}

function mathjsValues(x: math.Matrix): number[] {
  const values = (math.eigs(x).values as math.Matrix).toArray() as unknown as (number | math.Complex)[];
  return values.map((v) => (typeof v === "number" ? v : v.re)).sort((a, b) => a - b);
}

/**
 * Calls per second of `op` over the pool within the budget (at least `minCalls` calls),
 * checking the clock every `batch` calls so a slow op cannot overrun the budget by much.
 */
function measure<T>(pool: readonly T[], op: (x: T) => unknown, budgetMs: number, minCalls: number, batch: number): { opsPerSec: number; calls: number } {
  const warm = Math.min(pool.length, minCalls);
  for (let k = 0; k < warm; k++) op(pool[k]!);
  let calls = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs || calls < minCalls) {
    for (let k = 0; k < batch; k++) {
      const r = op(pool[calls % pool.length]!);
      if (r !== undefined) sink++;
      calls++;
    }
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink);
  return { opsPerSec: (calls / elapsed) * 1000, calls };
}

interface Row {
  n: number;
  entropicOpsPerSec: number;
  mathjsOpsPerSec: number;
  ratio: number;
  maxAbsDiffVsMathjs: number;
}

const rows: Row[] = [];
const rng = new Xoshiro128(20240611);
console.log("Hermitian eigenvalues, ops/s (higher is better)");
console.log(" n   entropic Jacobi     mathjs eigs      ratio   max |Δλ|");
for (const n of SIZES) {
  const pool = Array.from({ length: POOL }, () => randomHermitian(rng, n));
  const mathPool = pool.map(toMath);
  let maxDiff = 0;
  for (let k = 0; k < 2; k++) {
    const ours = hermitianEigenvalues(pool[k]!);
    mathjsValues(mathPool[k]!).forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - ours[i]!))));
  }
  const ours = measure(pool, hermitianEigenvalues, OURS_BUDGET_MS, 1000, 64);
  const theirs = measure(mathPool, (x) => math.eigs(x), MATHJS_BUDGET_MS, 4, 1);
  const row: Row = {
    n,
    entropicOpsPerSec: Math.round(ours.opsPerSec),
    mathjsOpsPerSec: Math.round(theirs.opsPerSec * 10) / 10,
    ratio: Math.round((ours.opsPerSec / theirs.opsPerSec) * 10) / 10,
    maxAbsDiffVsMathjs: maxDiff,
  };
  rows.push(row);
  console.log(
    `${String(n).padStart(2)}  ${String(row.entropicOpsPerSec).padStart(15)}  ${String(row.mathjsOpsPerSec).padStart(14)}  ${(row.ratio + "×").padStart(9)}   ${maxDiff.toExponential(1)}`,
  );
}

const out = {
  benchmark: "physics-eigen",
  description: "hermitianEigenvalues (cyclic complex Jacobi; closed form at n=2) vs mathjs eigs on the same random Hermitian matrices",
  node: process.version,
  mathjs: math.version,
  date: new Date().toISOString(),
  budgetMs: { entropic: OURS_BUDGET_MS, mathjs: MATHJS_BUDGET_MS },
  rows,
};
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const path = new URL("./results/physics-eigen.json", import.meta.url);
writeFileSync(path, JSON.stringify(out, null, 2) + "\n");
console.log(`wrote ${path.pathname}`);
