/**
 * Runs a sweep's runs on worker threads (one per core by default), in chunks of one grid
 * point each, and hands back each run's digest and row in the order of `runs`. Chunk results
 * are placed by id, so completion order never changes the output.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Override } from "../../sim/scenario/load.js";
import type { GridPoint, RunDigest, RunRef } from "../../sim/sweep.js";
import type { Row } from "../../sim/sweep-rows.js";
import type { SweepTask } from "./worker.js";

export interface SweepJob {
  readonly doc: unknown;
  readonly grid: readonly GridPoint[];
  /** overrides per grid point */
  readonly points: readonly (readonly Override[])[];
  /** the runs to do (all of them, or one shard's), in run order */
  readonly runs: readonly RunRef[];
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  readonly ref: RunRef;
  readonly digest: RunDigest;
  readonly row: Row;
}

/** Returns one result per run of `job.runs`, in that order. */
export async function runSweep(job: SweepJob): Promise<RunResult[]> {
  const total = job.runs.length;
  if (total === 0) return [];
  const workerCount = Math.max(1, Math.min(job.workers ?? availableParallelism(), total));
  // Enough chunks to balance load across workers, few enough to keep messaging cheap.
  const perPoint = Math.ceil(total / Math.max(1, job.points.length));
  const chunkSize = Math.max(1, Math.ceil(perPoint / (workerCount * 8)));
  const tasks: SweepTask[] = [];
  for (let i = 0; i < total; ) {
    const point = job.runs[i]!.point;
    let j = i;
    while (j < total && j - i < chunkSize && job.runs[j]!.point === point) j++;
    tasks.push({ id: tasks.length, doc: job.doc, overrides: job.points[point]!, params: job.grid[point]!, runs: job.runs.slice(i, j) });
    i = j;
  }
  const results: { digests: RunDigest[]; rows: Row[] }[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: workerCount }, () => new Worker(new URL("./worker.js", import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= tasks.length) return resolve();
              worker.postMessage(tasks[next++]);
            };
            worker.on("message", (msg: { id: number; digests?: RunDigest[]; rows?: Row[]; error?: string }) => {
              if (msg.error !== undefined) return reject(new Error(msg.error));
              results[msg.id] = { digests: msg.digests!, rows: msg.rows! };
              done += msg.digests!.length;
              job.onProgress?.(done, total);
              feed();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`sweep worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const out: RunResult[] = [];
  tasks.forEach((task, id) => task.runs.forEach((ref, k) => out.push({ ref, digest: results[id]!.digests[k]!, row: results[id]!.rows[k]! })));
  return out;
}
