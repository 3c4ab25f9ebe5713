/** The human summary `entropic sim` prints. */
import type { RunSummary } from "../../sim/cycle/driver.js";

const CORE = new Set(["scenario", "protocol", "nodes", "seed", "rng", "steps", "outcome", "updates", "simMs", "params", "final"]);

export function formatSummary(s: RunSummary, outDir?: string): string {
  const lines = [
    `${s.scenario} (${s.protocol}): ${s.nodes} nodes, seed ${s.seed}, ${s.rng} generators`,
    `  outcome          ${s.outcome}`,
    `  steps            ${s.steps}`,
    `  updates          ${s.updates}  (${formatRate(s.updates, s.simMs)} node updates/s over ${s.simMs.toFixed(2)} ms)`,
  ];
  for (const [key, value] of Object.entries(s)) {
    if (CORE.has(key)) continue;
    lines.push(`  ${key.padEnd(16)} ${formatValue(value)}`);
  }
  const finals = Object.entries(s.final).map(([k, v]) => `${k}=${formatValue(v)}`);
  if (finals.length) lines.push(`  final            ${finals.join("  ")}`);
  if (outDir) lines.push(`  wrote            ${outDir}/summary.json, rounds.jsonl, rounds.csv`);
  return `${lines.join("\n")}\n`;
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

/** The line that tells a user how to replay a run that broke safety. */
export function replayHint(s: RunSummary, scenarioArg: string | undefined, sets: readonly string[]): string | null {
  if (typeof s.safetyViolations !== "number" || s.safetyViolations === 0) return null;
  const args = [scenarioArg ?? "", `--seed ${s.seed}`, ...sets.map((x) => `--set ${JSON.stringify(x)}`)].filter(Boolean).join(" ");
  return `SAFETY VIOLATED (${s.safetyViolations} conflicting decisions): replay with: entropic sim ${args}\n`;
}

function formatRate(count: number, ms: number): string {
  if (ms <= 0) return "n/a";
  const rate = (count / ms) * 1000;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(1)}k` : rate.toFixed(0);
}
