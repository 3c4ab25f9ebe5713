/**
 * A `driver: node` simulation on a worker thread: the thread gets the simulator's young
 * generation (runtime/simnet/heap-tuning.ts), which a running process cannot give itself,
 * so `entropic sim` runs at the speed the benchmarks measure without NODE_OPTIONS.
 * Posts progress about every simulated second, then the run's output or its failure.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runNodeScenario } from "../../runtime/simnet/run.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { describeFailure } from "../errors.js";
import type { NodeWorkerMessage } from "./node-run.js";

const { scenario } = workerData as { scenario: Scenario };
const post = (m: NodeWorkerMessage): void => parentPort!.postMessage(m);
try {
  const output = await runNodeScenario(scenario, { onProgress: (simMs, deadlineMs) => post({ kind: "progress", simMs, deadlineMs }) });
  post({ kind: "done", output });
} catch (e) {
  const { status, line } = describeFailure(e, false);
  post({ kind: "failed", status, line, ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}) });
}
