/**
 * The runner behind `npm run results`: every cell (a scenario document × a seed range) is
 * split into chunks of seeds and run on worker threads (the sweep command's own worker,
 * dist/cli/sweep/worker.js, one per core by default), cheapest cells first, with progress
 * on stderr. Digests are cached by (document, seed) in a JSON-lines file, so an interrupted
 * regeneration resumes where it stopped and a larger --seeds only runs the new seeds.
 * The workers (results-worker.mjs) load the simulator from the build directory given.
 * A run is a pure function of its scenario and seed, so a cached digest is the digest.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import type { RunDigest } from "../../src/sim/sweep.js";

export interface Cell {
  /** a label for progress lines */
  readonly label: string;
  /** the full scenario document (seed excluded) */
  readonly doc: Readonly<Record<string, unknown>>;
  readonly seeds: number;
  /** relative cost of one run, for ordering (cheap cells first) and the ETA */
  readonly cost: number;
}

interface Task {
  readonly cell: number;
  readonly seeds: number[];
}

/** Seeds per block of the run order (see runCells). */
const BLOCK = 25;

export const key = (doc: unknown, seed: number) => createHash("sha256").update(JSON.stringify(doc)).update(`#${seed}`).digest("hex").slice(0, 32);

/** Load the cache file (missing: empty). */
export function loadCache(file: string): Map<string, RunDigest> {
  const cache = new Map<string, RunDigest>();
  if (!existsSync(file)) return cache;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      const { k, d } = JSON.parse(line) as { k: string; d: RunDigest };
      cache.set(k, d);
    } catch {
      // a line cut short by an interrupted run: ignore it, the run is simply redone
    }
  }
  return cache;
}

const seconds = (ms: number) => (ms < 120_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 60_000).toFixed(1)} min`);

/** Run every cell; returns the digests of each cell, sorted by seed. */
export async function runCells(cells: readonly Cell[], opts: { dist: string; cacheFile: string; workers?: number; counts?: { ran: number; cached: number } }): Promise<RunDigest[][]> {
  mkdirSync(dirname(opts.cacheFile), { recursive: true });
  const cache = loadCache(opts.cacheFile);
  const results: RunDigest[][] = cells.map(() => []);
  const tasks: Task[] = [];
  let totalCost = 0;
  const order = cells.map((_, i) => i).sort((a, b) => cells[a]!.cost - cells[b]!.cost || a - b);
  let cached = 0;
  for (const c of order) {
    const cell = cells[c]!;
    const missing: number[] = [];
    for (let seed = 0; seed < cell.seeds; seed++) {
      const hit = cache.get(key(cell.doc, seed));
      if (hit) {
        results[c]!.push(hit);
        cached++;
      } else missing.push(seed);
    }
    // Chunks of a few seconds each: cheap cells in big chunks, expensive ones seed by seed;
    // a chunk never crosses a block of BLOCK seeds.
    const chunk = Math.max(1, Math.min(BLOCK, Math.floor(2 / Math.max(cell.cost, 1e-3))));
    for (let i = 0; i < missing.length; ) {
      const block = Math.floor(missing[i]! / BLOCK);
      let j = i;
      while (j < missing.length && j - i < chunk && Math.floor(missing[j]! / BLOCK) === block) j++;
      tasks.push({ cell: c, seeds: missing.slice(i, j) });
      totalCost += cell.cost * (j - i);
      i = j;
    }
  }
  // Seeds in blocks: every cell's first BLOCK seeds (cheapest cell first), then the next
  // block, and so on — an interrupted run leaves every cell with a whole number of blocks,
  // so a smaller --seeds renders from the cache alone.
  const blockOf = (t: Task) => Math.floor(t.seeds[0]! / BLOCK);
  tasks.sort((a, b) => blockOf(a) - blockOf(b) || cells[a.cell]!.cost - cells[b.cell]!.cost || a.cell - b.cell || a.seeds[0]! - b.seeds[0]!);
  const totalRuns = tasks.reduce((a, t) => a + t.seeds.length, 0);
  process.stderr.write(`results: ${cells.length} cells, ${totalRuns + cached} runs (${cached} cached, ${totalRuns} to run)\n`);
  if (opts.counts) {
    opts.counts.ran = totalRuns;
    opts.counts.cached = cached;
  }
  if (tasks.length > 0) {
    const workerCount = Math.max(1, Math.min(opts.workers ?? availableParallelism(), tasks.length));
    const started = performance.now();
    let next = 0;
    let doneRuns = 0;
    let doneCost = 0;
    let lastPrint = 0;
    const workers = Array.from({ length: workerCount }, () => new Worker(new URL("./results-worker.mjs", import.meta.url), { workerData: { dist: opts.dist } }));
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              let current = -1;
              const feed = () => {
                if (next >= tasks.length) return resolve();
                current = next++;
                const t = tasks[current]!;
                worker.postMessage({ id: current, doc: cells[t.cell]!.doc, seeds: t.seeds });
              };
              worker.on("message", (msg: { id: number; digests?: RunDigest[]; error?: string }) => {
                const t = tasks[msg.id]!;
                const cell = cells[t.cell]!;
                if (msg.error !== undefined) return reject(new Error(`${cell.label}: ${msg.error}`));
                for (const d of msg.digests!) {
                  results[t.cell]!.push(d);
                  appendFileSync(opts.cacheFile, JSON.stringify({ k: key(cell.doc, d.seed), d }) + "\n");
                }
                doneRuns += t.seeds.length;
                doneCost += cell.cost * t.seeds.length;
                const now = performance.now();
                if (now - lastPrint > 5000 || doneRuns === totalRuns) {
                  lastPrint = now;
                  const elapsed = now - started;
                  const eta = doneCost > 0 ? (elapsed * (totalCost - doneCost)) / doneCost : 0;
                  process.stderr.write(`  [${doneRuns}/${totalRuns} runs, ${seconds(elapsed)}, ~${seconds(eta)} left] ${cell.label}\n`);
                }
                feed();
              });
              worker.on("error", reject);
              worker.on("exit", (code) => {
                if (code !== 0 && current >= 0 && next <= tasks.length) reject(new Error(`results worker exited with code ${code}`));
              });
              feed();
            }),
        ),
      );
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  for (const r of results) r.sort((a, b) => a.seed - b.seed);
  return results;
}

/** A cell's CPU cost per run: the mean of the cached runs' own CPU times (cpuMs), or null when none was recorded. */
export function cpuPerRun(cell: Cell, cache: ReadonlyMap<string, RunDigest>): { ms: number; measured: number } | null {
  let sum = 0;
  let measured = 0;
  for (let seed = 0; seed < cell.seeds; seed++) {
    const d = cache.get(key(cell.doc, seed)) as (RunDigest & { cpuMs?: number }) | undefined;
    if (d && typeof d.cpuMs === "number") {
      sum += d.cpuMs;
      measured++;
    }
  }
  return measured === 0 ? null : { ms: sum / measured, measured };
}
