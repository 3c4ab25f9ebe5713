/**
 * Serialising runs: summary JSON, per-step JSONL and CSV. Pure string builders, so the
 * same run always gives the same bytes.
 */
import type { RunOutput, StepRecord } from "./cycle/driver.js";

/** Stable JSON: two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function stepsToJsonl(steps: readonly StepRecord[]): string {
  let out = "";
  for (const s of steps) out += `${JSON.stringify({ step: s.step, ...s.observables })}\n`;
  return out;
}

export function stepsToCsv(steps: readonly StepRecord[], columns: readonly string[]): string {
  const lines = [["step", ...columns].join(",")];
  for (const s of steps) lines.push([s.step, ...columns.map((c) => formatCsvNumber(s.observables[c]))].join(","));
  return `${lines.join("\n")}\n`;
}

function formatCsvNumber(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "";
  return String(v);
}

/** The three files `--out DIR` writes, by name. */
export function runFiles(output: RunOutput, columns: readonly string[]): Record<string, string> {
  return {
    "summary.json": toJson(output.summary),
    "rounds.jsonl": stepsToJsonl(output.steps),
    "rounds.csv": stepsToCsv(output.steps, columns),
  };
}
