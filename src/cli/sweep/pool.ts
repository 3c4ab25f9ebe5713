/**
 * Runs a sweep's chunks on worker threads (one per core by default) and hands back the
 * digests grouped by grid point. Chunk results are placed by id, so completion order never
 * changes the output.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Override } from "../../sim/scenario/load.js";
import type { RunDigest } from "../../sim/sweep.js";
import type { SweepTask } from "./worker.js";

export interface SweepJob {
  readonly doc: unknown;
  readonly points: readonly (readonly Override[])[];
  readonly seeds: readonly number[];
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Returns, per point, the digests of every seed. */
export async function runSweep(job: SweepJob): Promise<RunDigest[][]> {
  const total = job.points.length * job.seeds.length;
  const workerCount = Math.max(1, Math.min(job.workers ?? availableParallelism(), total));
  // Enough chunks to balance load across workers, few enough to keep messaging cheap.
  const chunkSize = Math.max(1, Math.ceil(job.seeds.length / (workerCount * 8)));
  const tasks: SweepTask[] = [];
  const owner: number[] = [];
  job.points.forEach((overrides, point) => {
    for (let i = 0; i < job.seeds.length; i += chunkSize) {
      tasks.push({ id: tasks.length, doc: job.doc, overrides, seeds: job.seeds.slice(i, i + chunkSize) });
      owner.push(point);
    }
  });
  const results: RunDigest[][] = new Array(tasks.length);
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
            worker.on("message", (msg: { id: number; digests?: RunDigest[]; error?: string }) => {
              if (msg.error !== undefined) return reject(new Error(msg.error));
              results[msg.id] = msg.digests!;
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
  const grouped: RunDigest[][] = job.points.map(() => []);
  results.forEach((digests, id) => grouped[owner[id]!]!.push(...digests));
  return grouped;
}
