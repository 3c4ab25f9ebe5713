// Worker thread for `npm run results` (bench/lib/results-pool.ts): runs a chunk of seeds of
// one scenario document on the build in workerData.dist and returns the run digests.
// Plain JavaScript so it loads without a TypeScript loader, on the build it is handed.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";

/** CPU milliseconds of this thread (utime + stime of /proc/thread-self/stat, 10 ms ticks), or null off Linux. */
function threadCpuMs() {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return null;
  }
}

const from = (rel) => import(pathToFileURL(join(workerData.dist, rel)).href);
const [{ nodeCrypto }, { simulate }, { applyOverrides }, { validateScenario }, { digestRun }] = await Promise.all([
  from("runtime/crypto-node.js"),
  from("sim/cycle/driver.js"),
  from("sim/scenario/load.js"),
  from("sim/scenario/schema.js"),
  from("sim/sweep.js"),
]);

parentPort.on("message", (task) => {
  try {
    const digests = task.seeds.map((seed) => {
      const scenario = validateScenario(applyOverrides(task.doc, [{ name: "seed", value: seed }]));
      const before = threadCpuMs();
      const digest = digestRun(simulate(scenario, { clock: () => performance.now(), recordSteps: false, crypto: nodeCrypto }));
      const after = threadCpuMs();
      // The run's own CPU time (whatever else shares the machine), kept in the cache for cost accounting.
      return before === null || after === null ? digest : { ...digest, cpuMs: after - before };
    });
    parentPort.postMessage({ id: task.id, digests });
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
