/**
 * Simulation mode: one scenario the page can start (with a seed and a pace) and stop. Each
 * run happens on a worker thread (sim-worker.ts) so the server keeps answering while a
 * large run computes; its rounds stream into the dashboard picture as they are recorded.
 */
import { Worker } from "node:worker_threads";
import { applyOverrides, type Override } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import type { SimView } from "../../web-shared/dashboard-model.js";
import type { DashboardSource } from "./store.js";
import { DashboardStore } from "./store.js";
import type { SimWorkerMessage, SimWorkerTask } from "./sim-worker.js";

export interface SimSourceOptions {
  /** the raw scenario document (before --seed/--set) */
  readonly doc: unknown;
  /** where it came from, for error messages */
  readonly source: string;
  /** `--set` overrides, applied before the seed */
  readonly overrides?: readonly Override[];
  readonly seed?: number;
  /** default pause between recorded rounds, ms */
  readonly stepMs?: number;
}

// Built code runs the built worker. Run from source (tsx, vitest), a new thread does not
// inherit the TypeScript loader, so a small bootstrap registers tsx there first.
const workerFile = new URL(import.meta.url.endsWith(".ts") ? "./sim-worker-source.mjs" : "./sim-worker.js", import.meta.url);

/** Largest pause the page may ask for. */
export const MAX_STEP_MS = 10_000;

export function startSimSource(options: SimSourceOptions): DashboardSource {
  const overrides = options.overrides ?? [];
  const withSeed = (seed: number | undefined): Override[] => (seed === undefined ? [...overrides] : [...overrides, { name: "seed", value: seed }]);
  // Validate now, so a bad scenario is a usage error at start-up and not a failed run later.
  const scenario = validateScenario(applyOverrides(options.doc, withSeed(options.seed)), options.source);
  // The header already says "sim" (the mode badge): the title names the scenario.
  const store = new DashboardStore("sim", `scenario ${scenario.name}`, scenario.protocol);
  let view: SimView = {
    run: 0,
    scenario: scenario.name,
    protocol: scenario.protocol,
    nodes: 0,
    seed: scenario.seed,
    observables: [],
    state: "idle",
    step: 0,
    maxSteps: 0,
    stepMs: options.stepMs ?? 100,
    rounds: [],
    outcome: null,
    summary: null,
    graph: null,
  };
  store.emit({ type: "sim", sim: view });
  let worker: Worker | null = null;

  function publish(next: SimView): void {
    view = next;
    store.emit({ type: "sim", sim: view });
  }

  async function stopWorker(): Promise<void> {
    const w = worker;
    worker = null;
    if (w) await w.terminate();
  }

  async function startSim(request: { seed?: number; stepMs?: number }): Promise<SimView> {
    await stopWorker();
    const seed = request.seed ?? view.seed;
    const stepMs = request.stepMs ?? view.stepMs;
    const run = view.run + 1;
    const task: SimWorkerTask = { doc: options.doc, overrides: withSeed(seed), stepMs };
    const { error: _previous, ...rest } = view;
    publish({ ...rest, run, seed, stepMs, state: "running", step: 0, rounds: [], outcome: null, summary: null, graph: null });
    const w = new Worker(workerFile, { workerData: task });
    worker = w;
    w.on("message", (message: SimWorkerMessage) => {
      if (worker !== w) return;
      switch (message.type) {
        case "start":
          publish({ ...view, scenario: message.scenario, nodes: message.nodes, seed: message.seed, maxSteps: message.maxSteps, observables: message.observables });
          break;
        case "rounds":
          store.emit({ type: "sim-rounds", run, rounds: message.rounds, step: message.step, ...(message.graph ? { graph: message.graph } : {}) });
          view = store.snapshot.sim!;
          break;
        case "end":
          publish({ ...view, state: "finished", outcome: message.outcome, summary: message.summary });
          worker = null;
          void w.terminate();
          break;
        case "error":
          publish({ ...view, state: "failed", error: message.message });
          worker = null;
          void w.terminate();
          break;
      }
    });
    w.on("error", (error) => {
      if (worker !== w) return;
      worker = null;
      publish({ ...view, state: "failed", error: error.message });
    });
    return view;
  }

  async function stopSim(): Promise<SimView> {
    if (worker === null) return view;
    await stopWorker();
    publish({ ...view, state: "stopped" });
    return view;
  }

  return {
    store,
    actions: { startSim, stopSim },
    close: stopWorker,
  };
}
