/**
 * One benchmark case in its own process, so peak memory (maxRSS) belongs to that case
 * alone. argv[2]: a scenario document as JSON; argv[3]: how many consecutive seeds to
 * measure (default 1); argv[4]: how many warm-up runs to do first (default 0).
 *
 * Prints one JSON line: totals over the measured runs, plus `cold`, the very first run in
 * the process (the JIT compiler has not seen the code yet). Warm-up runs use the seeds
 * after the measured ones, so the measured seeds stay firstSeed… and match the Python runs.
 *
 * It runs the compiled build in dist/ (what `npx entropic` runs; `npm run bench` builds it
 * first and bench/run.ts refuses a stale one), not the TypeScript sources through tsx:
 * tsx's transpiled output runs some hot loops up to ~1.5× slower.
 *
 * Observables are recorded at the end only (`recordSteps: false`): the timed loop is the
 * protocol's steps, and anything a step itself records (tmesh-seed's coherence history)
 * is still computed every step.
 */
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

type Driver = typeof import("../src/sim/cycle/driver.js");
type Schema = typeof import("../src/sim/scenario/schema.js");
const dist = (path: string) => pathToFileURL(resolve(import.meta.dirname, "../dist", path)).href;
const { simulate } = (await import(dist("sim/cycle/driver.js"))) as Driver;
const { validateScenario } = (await import(dist("sim/scenario/schema.js"))) as Schema;

const started = performance.now();
const doc = JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>;
const runs = Number(process.argv[3] ?? 1);
const warmup = Number(process.argv[4] ?? 0);
const firstSeed = Number(doc.seed ?? 0);

function once(seed: number) {
  const scenario = validateScenario({ ...doc, seed });
  return simulate(scenario, { clock: () => performance.now(), recordSteps: false }).summary;
}

let cold: { updates: number; steps: number; simMs: number } | null = null;
for (let w = 0; w < warmup; w++) {
  const s = once(firstSeed + runs + w);
  cold ??= { updates: s.updates, steps: s.steps, simMs: s.simMs };
}
const measuredStart = performance.now();
let updates = 0;
let steps = 0;
let simMs = 0;
const outcomes: Record<string, number> = {};
let nodes = 0;
for (let r = 0; r < runs; r++) {
  const summary = once(firstSeed + r);
  cold ??= { updates: summary.updates, steps: summary.steps, simMs: summary.simMs };
  updates += summary.updates;
  steps += summary.steps;
  simMs += summary.simMs;
  nodes = summary.nodes;
  outcomes[summary.outcome] = (outcomes[summary.outcome] ?? 0) + 1;
}
const now = performance.now();
process.stdout.write(
  `${JSON.stringify({
    nodes,
    runs,
    warmup,
    steps,
    updates,
    simMs,
    wallMs: now - measuredStart,
    processWallMs: now - started,
    cold,
    outcomes,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
