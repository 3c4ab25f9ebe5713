/**
 * A worker-thread pool for `npm run claims` (the sweep pool's pattern: tasks fed one at a
 * time, results placed by index so completion order never changes the output). Workers
 * load the TypeScript sources through tsx, so the claims need no build of dist/.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Task } from "./tasks.js";

export async function runPool(tasks: readonly Task[], workers: number, onDone: (done: number, total: number, task: Task) => void): Promise<unknown[]> {
  const results: unknown[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  const count = Math.max(1, Math.min(workers || availableParallelism(), tasks.length));
  let next = 0;
  let done = 0;
  // Workers do not inherit `--import tsx`: register tsx's loader inside each, then load the TypeScript worker.
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(new URL("./worker.ts", import.meta.url).href)}); })`;
  const pool = Array.from({ length: count }, () => new Worker(boot, { eval: true }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolveAll, reject) => {
            const feed = () => {
              if (next >= tasks.length) return resolveAll();
              const id = next++;
              worker.postMessage({ id, task: tasks[id] });
            };
            worker.on("message", (msg: { id: number; result?: unknown; error?: string }) => {
              if (msg.error !== undefined) return reject(new Error(`task ${JSON.stringify(tasks[msg.id])}: ${msg.error}`));
              results[msg.id] = msg.result;
              done++;
              onDone(done, tasks.length, tasks[msg.id]!);
              feed();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`claims worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
