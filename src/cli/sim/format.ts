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
  return String(v);
}

function formatRate(count: number, ms: number): string {
  if (ms <= 0) return "n/a";
  const rate = (count / ms) * 1000;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(1)}k` : rate.toFixed(0);
}
