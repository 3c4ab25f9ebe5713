/** Sweep worker: validates its grid point once, runs a chunk of seeds, returns digests. */
import { parentPort } from "node:worker_threads";
import { nodeCrypto } from "../../runtime/crypto-node.js";
import { simulate } from "../../sim/cycle/driver.js";
import { applyOverrides, type Override } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import { digestRun } from "../../sim/sweep.js";

export interface SweepTask {
  readonly id: number;
  readonly doc: unknown;
  readonly overrides: readonly Override[];
  readonly seeds: readonly number[];
}

parentPort!.on("message", (task: SweepTask) => {
  try {
    const base = applyOverrides(task.doc, task.overrides);
    const digests = task.seeds.map((seed) => {
      const scenario = validateScenario(applyOverrides(base, [{ name: "seed", value: seed }]));
      return digestRun(simulate(scenario, { clock: () => performance.now(), recordSteps: false, crypto: nodeCrypto }));
    });
    parentPort!.postMessage({ id: task.id, digests });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: (error as Error).message });
  }
});
