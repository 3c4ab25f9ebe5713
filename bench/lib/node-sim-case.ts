/**
 * One timed `driver: node` run of `scenarios/node-100.yaml` from a compiled build, shared by
 * bench/node-sim.ts (this checkout's build) and bench/node-sim-ab.ts (this one's and a base's).
 * The build's own `loadScenario` and `runNodeScenario` are loaded from `<dir>/dist`, so an
 * older build runs with its own code; the scenario text is this checkout's.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { NodeRunOutput } from "../../src/runtime/simnet/run.js";

export const NODE_SIM_SCENARIO = "scenarios/node-100.yaml";

const root = resolve(import.meta.dirname, "../..");

export interface TimedNodeRun {
  readonly out: NodeRunOutput;
  readonly wallS: number;
  /** user + system CPU of this process during the run */
  readonly cpuS: number;
}

/** Run the scenario with `overrides` (as `--set name=value`) on the build in `dir` (default: this checkout). */
export async function timedNodeRun(overrides: readonly { name: string; value: string | number }[], dir = root): Promise<TimedNodeRun> {
  const load = (path: string): Promise<unknown> => import(pathToFileURL(resolve(dir, "dist", path)).href);
  const { loadScenario } = (await load("sim/scenario/load.js")) as typeof import("../../src/sim/scenario/load.js");
  const { runNodeScenario } = (await load("runtime/simnet/run.js")) as typeof import("../../src/runtime/simnet/run.js");
  const scenario = loadScenario(readFileSync(resolve(root, NODE_SIM_SCENARIO), "utf8"), NODE_SIM_SCENARIO, overrides);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await runNodeScenario(scenario);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { out, wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** A whole-number option in [min, max] (`fallback` when absent), or `refuse(message)`. */
export function wholeNumberOption(name: string, raw: string | undefined, fallback: number, min: number, max: number, refuse: (message: string) => never): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) refuse(`--${name} must be a whole number in ${min}..${max}, got "${raw}"`);
  return v;
}

/** The command line's options, strictly parsed, or `refuse(message)` (an unknown or malformed option). */
export function strictOptions<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, refuse: (message: string) => never): ReturnType<typeof parseArgs<{ options: O; strict: true }>>["values"] {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (err) {
    return refuse((err as Error).message);
  }
}
