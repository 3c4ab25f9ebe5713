/**
 * One benchmark case in its own process, so peak memory (maxRSS) belongs to that case
 * alone. argv[2]: a scenario document as JSON; argv[3]: how many consecutive seeds to run
 * (default 1). Prints one JSON line: totals over the runs.
 */
import { performance } from "node:perf_hooks";
import { simulate } from "../src/sim/cycle/driver.js";
import { validateScenario } from "../src/sim/scenario/schema.js";

const started = performance.now();
const doc = JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>;
const runs = Number(process.argv[3] ?? 1);
const firstSeed = Number(doc.seed ?? 0);
let updates = 0;
let steps = 0;
let simMs = 0;
const outcomes: Record<string, number> = {};
let nodes = 0;
for (let r = 0; r < runs; r++) {
  const scenario = validateScenario({ ...doc, seed: firstSeed + r });
  const { summary } = simulate(scenario, { clock: () => performance.now(), recordSteps: false });
  updates += summary.updates;
  steps += summary.steps;
  simMs += summary.simMs;
  nodes = summary.nodes;
  outcomes[summary.outcome] = (outcomes[summary.outcome] ?? 0) + 1;
}
const wallMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ nodes, runs, steps, updates, simMs, wallMs, outcomes, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
