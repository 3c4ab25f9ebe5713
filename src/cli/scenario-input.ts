/** Resolving the scenario a command runs: a file, or the built-in default (the EMTD seed demo). */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../core/errors.js";
import { SCENARIO_FILES_KEY, scenarioFiles, withScenarioFiles } from "../sim/scenario/files.js";
import { applyOverrides, type Override, parseOverrideValue, parseScenarioText } from "../sim/scenario/load.js";
import { type Scenario, validateScenario } from "../sim/scenario/schema.js";
import { readTextFile } from "./files.js";

/** The shipped scenarios folder (next to dist/ and src/ in the package). */
export const scenariosDir = fileURLToPath(new URL("../../scenarios/", import.meta.url));
export const defaultScenarioPath = `${scenariosDir}emtd-seed.yaml`;

/** Parse `NAME=VALUE` (`--set`). With `list`, VALUE may be `V1,V2,...` (sweeps). */
export function parseAssignment(raw: string, list: boolean): { name: string; values: unknown[] } {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new UsageError(`--set expects NAME=VALUE, got ${JSON.stringify(raw)}`);
  const name = raw.slice(0, eq).trim();
  const value = raw.slice(eq + 1);
  if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new UsageError(`--set: bad field name ${JSON.stringify(name)}`);
  if (value === "") throw new UsageError(`--set ${name}: empty value`);
  const parts = list ? value.split(",") : [value];
  return { name, values: parts.map((p) => parseOverrideValue(p.trim())) };
}

/**
 * Read the files a scenario document names (a topology graph file, hyperedge events) into
 * its `$files`, each path relative to the scenario file's folder `dir` (sim/scenario/files.ts).
 */
export function withFilesRead(doc: unknown, dir: string): unknown {
  return withScenarioFiles(doc, (path, field) => {
    try {
      return readTextFile(resolve(dir, path));
    } catch (error) {
      throw new UsageError(`${field} ${path}: ${(error as Error).message}`);
    }
  });
}

/**
 * The document with the files every grid point names read in too (a sweep over
 * `topology.path` names a file per point), each relative to the scenario's folder `dir`.
 */
export function withFilesOfPoints(doc: unknown, dir: string, points: readonly (readonly Override[])[]): unknown {
  const files: Record<string, string> = { ...scenarioFiles(doc) };
  const before = Object.keys(files).length;
  for (const overrides of points) Object.assign(files, scenarioFiles(withFilesRead(applyOverrides({ ...(doc as object), [SCENARIO_FILES_KEY]: files }, overrides), dir)));
  return Object.keys(files).length === before ? doc : { ...(doc as object), [SCENARIO_FILES_KEY]: files };
}

/** Load the raw (unvalidated) scenario document, with the files it names read into it. */
export function readScenarioDocument(path: string | undefined): { doc: unknown; source: string; dir: string } {
  const file = path ?? defaultScenarioPath;
  const source = path ?? "built-in default (scenarios/emtd-seed.yaml)";
  const dir = dirname(resolve(file));
  return { doc: withFilesRead(parseScenarioText(readTextFile(file), path ?? "scenarios/emtd-seed.yaml"), dir), source, dir };
}

/**
 * Resolve and validate: file or default, then `--seed`, then `--set` overrides (a file an
 * override names is read relative to the scenario file too). Notes (self-loops dropped from
 * a topology file, …) go to stderr.
 */
export function resolveScenario(path: string | undefined, seed: number | undefined, overrides: readonly Override[]): Scenario {
  const { doc, source, dir } = readScenarioDocument(path);
  const all = seed === undefined ? overrides : [...overrides, { name: "seed", value: seed }];
  const scenario = validateScenario(withFilesRead(applyOverrides(doc, all), dir), source);
  for (const note of scenario.notes ?? []) process.stderr.write(`note: ${note}\n`);
  return scenario;
}

export function parseSeed(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--seed expects a non-negative integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n > 2 ** 32 - 1) throw new UsageError(`--seed must be at most 4294967295, got ${raw}`);
  return n;
}

/** `A..B` (inclusive) or a single seed. */
export function parseSeedRange(raw: string): { from: number; to: number } {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(raw);
  if (!m) throw new UsageError(`--seeds expects A..B (e.g. 0..1999), got ${JSON.stringify(raw)}`);
  const from = parseSeed(m[1]!);
  const to = m[2] === undefined ? from : parseSeed(m[2]);
  if (to < from) throw new UsageError(`--seeds ${raw}: the end is before the start`);
  if (to - from + 1 > 10_000_000) throw new UsageError(`--seeds ${raw}: more than 10^7 runs`);
  return { from, to };
}
