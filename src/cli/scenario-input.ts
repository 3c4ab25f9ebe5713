/** Resolving the scenario a command runs: a file, or the built-in default (the EMTD seed demo). */
import { fileURLToPath } from "node:url";
import { UsageError } from "../core/errors.js";
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

/** Load the raw (unvalidated) scenario document. */
export function readScenarioDocument(path: string | undefined): { doc: unknown; source: string } {
  const file = path ?? defaultScenarioPath;
  const source = path ?? "built-in default (scenarios/emtd-seed.yaml)";
  return { doc: parseScenarioText(readTextFile(file), path ?? "scenarios/emtd-seed.yaml"), source };
}

/** Resolve and validate: file or default, then `--seed`, then `--set` overrides. */
export function resolveScenario(path: string | undefined, seed: number | undefined, overrides: readonly Override[]): Scenario {
  const { doc, source } = readScenarioDocument(path);
  const all = seed === undefined ? overrides : [...overrides, { name: "seed", value: seed }];
  return validateScenario(applyOverrides(doc, all), source);
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
