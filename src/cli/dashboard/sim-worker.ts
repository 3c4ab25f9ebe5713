/**
 * Simulation worker for the dashboard: runs one scenario round by round and posts each
 * recorded round's observables as it happens, pausing between rounds so a person can
 * watch. The main thread stops a run by terminating the worker.
 *
 * It steps the protocol run itself rather than calling `simulate()`, because simulate()
 * reports only (done, max) while it runs and hands the observables back at the end; the
 * run comes from simulate()'s own set-up (`startRun`), so a run here replays exactly.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { nodeCrypto } from "../../runtime/crypto-node.js";
import { isRecordedStep, startRun } from "../../sim/cycle/driver.js";
import { protocols } from "../../sim/registry.js";
import { applyOverrides, type Override } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import type { SimGraph, SimRound } from "../../web-shared/dashboard-model.js";
import { LiveGraph } from "./sim-graph.js";

/** What the main thread passes to a new worker. */
export interface SimWorkerTask {
  readonly doc: unknown;
  readonly overrides: readonly Override[];
  readonly stepMs: number;
}

/** What the worker posts back. */
export type SimWorkerMessage =
  | {
      readonly type: "start";
      readonly scenario: string;
      readonly protocol: string;
      readonly nodes: number;
      readonly seed: number;
      readonly maxSteps: number;
      readonly observables: readonly string[];
    }
  | { readonly type: "rounds"; readonly rounds: readonly SimRound[]; readonly step: number; readonly graph?: SimGraph }
  | { readonly type: "end"; readonly outcome: string; readonly summary: Record<string, number | string | boolean | null> }
  | { readonly type: "error"; readonly message: string };

/** Without a pause, batch rounds so the page gets a few updates a second, not thousands. */
const BATCH_MS = 100;

async function main(task: SimWorkerTask): Promise<void> {
  const post = (message: SimWorkerMessage) => parentPort!.postMessage(message);
  const scenario = validateScenario(applyOverrides(task.doc, task.overrides));
  const run = startRun(scenario, { crypto: nodeCrypto });
  post({
    type: "start",
    scenario: scenario.name,
    protocol: scenario.protocol,
    nodes: run.nodes,
    seed: scenario.seed,
    maxSteps: run.maxSteps,
    observables: protocols[scenario.protocol].observables,
  });
  const graph = LiveGraph.of(run, scenario.seed);
  post({ type: "rounds", rounds: [{ step: 0, observables: run.observe() }], step: 0, ...(graph ? { graph: graph.snapshot() } : {}) });
  let batch: SimRound[] = [];
  let lastPost = performance.now();
  let more = true;
  while (more) {
    more = run.step();
    const due = isRecordedStep(scenario, run, more);
    if (due) batch.push({ step: run.steps, observables: run.observe() });
    if (batch.length > 0 && (!more || task.stepMs > 0 || performance.now() - lastPost >= BATCH_MS)) {
      post({ type: "rounds", rounds: batch, step: run.steps, ...(graph ? { graph: graph.snapshot() } : {}) });
      batch = [];
      lastPost = performance.now();
      if (more && task.stepMs > 0 && due) await sleep(task.stepMs);
    }
  }
  const result = run.result();
  const summary: Record<string, number | string | boolean | null> = { steps: run.steps, updates: run.updates };
  // The page shows scalars; a vector field (emtd-seed's finalStateNode0) as its text.
  for (const [key, value] of Object.entries(result.fields)) summary[key] = Array.isArray(value) ? `[${value.join(", ")}]` : (value as number | string | boolean | null);
  post({ type: "end", outcome: result.outcome, summary });
}

main(workerData as SimWorkerTask).catch((error: unknown) => {
  parentPort!.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies SimWorkerMessage);
});
