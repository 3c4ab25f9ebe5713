/** Sweep worker: validates its grid point once, runs a chunk of runs, returns their digests and rows. */
import { parentPort } from "node:worker_threads";
import { nodeCrypto } from "../../runtime/crypto-node.js";
import { simulate } from "../../sim/cycle/driver.js";
import { applyOverrides, type Override } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import { digestRun, type GridPoint, type RunRef } from "../../sim/sweep.js";
import { runRow } from "../../sim/sweep-rows.js";

export interface SweepTask {
  readonly id: number;
  readonly doc: unknown;
  readonly overrides: readonly Override[];
  readonly params: GridPoint;
  /** runs of this one grid point */
  readonly runs: readonly RunRef[];
}

parentPort!.on("message", (task: SweepTask) => {
  try {
    const base = applyOverrides(task.doc, task.overrides);
    const digests = [];
    const rows = [];
    for (const ref of task.runs) {
      const scenario = validateScenario(applyOverrides(base, [{ name: "seed", value: ref.seed }]));
      const output = simulate(scenario, { clock: () => performance.now(), recordSteps: false, crypto: nodeCrypto });
      digests.push(digestRun(output));
      rows.push(runRow(ref, task.params, output.summary));
    }
    parentPort!.postMessage({ id: task.id, digests, rows });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: (error as Error).message });
  }
});
