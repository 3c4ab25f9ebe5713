/** The human summary `entropic sim` prints. */
import type { RunSummary } from "../../sim/cycle/driver.js";

const CORE = new Set(["scenario", "protocol", "nodes", "seed", "rng", "steps", "outcome", "updates", "simMs", "params", "final"]);

/** Width of the name column: the longest name shown, at least 16 (so short summaries keep their look). */
export function labelWidth(names: Iterable<string>): number {
  let w = 16;
  for (const n of names) w = Math.max(w, n.length);
  return w;
}

export function formatSummary(s: RunSummary, outDir?: string): string {
  // Fields a run does not have (the cycle driver's `network`, say) are left out, as JSON leaves them out.
  const extra = Object.entries(s).filter(([key, value]) => !CORE.has(key) && value !== undefined);
  const finals = Object.entries(s.final).map(([k, v]) => `${k}=${formatValue(v)}`);
  const w = labelWidth(["outcome", "steps", "updates", ...extra.map(([k]) => k), "final", "wrote"]);
  const row = (name: string, text: string) => `  ${name.padEnd(w)} ${text}`;
  const lines = [
    `${s.scenario} (${s.protocol}): ${s.nodes} nodes, seed ${s.seed}, ${s.rng} generators`,
    row("outcome", s.outcome),
    row("steps", String(s.steps)),
    row("updates", `${s.updates}  (${formatRate(s.updates, s.simMs)} node updates/s over ${s.simMs.toFixed(2)} ms)`),
  ];
  for (const [key, value] of extra) lines.push(row(key, formatValue(value)));
  if (finals.length) lines.push(row("final", finals.join("  ")));
  if (outDir) lines.push(row("wrote", `${outDir}/summary.json, rounds.jsonl, rounds.csv`));
  return `${lines.join("\n")}\n`;
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Safety plus validity violations the checkers found (0 for protocols without checkers). */
export function violationCount(s: RunSummary): number {
  const n = (v: unknown) => (typeof v === "number" && v > 0 ? v : 0);
  return n(s.safetyViolations) + n(s.validityViolations);
}

/** The line that tells a user how to replay a run that broke safety. */
export function replayHint(s: RunSummary, scenarioArg: string | undefined, sets: readonly string[]): string | null {
  if (violationCount(s) === 0) return null;
  const args = [scenarioArg === undefined ? "" : shellQuote(scenarioArg), `--seed ${s.seed}`, ...sets.map((x) => `--set ${shellQuote(x)}`)].filter(Boolean).join(" ");
  const safety = typeof s.safetyViolations === "number" ? s.safetyViolations : 0;
  const validity = typeof s.validityViolations === "number" ? s.validityViolations : 0;
  const what = [
    safety > 0 ? `SAFETY VIOLATED (${safety} conflicting decisions)` : "",
    validity > 0 ? `VALIDITY VIOLATED (${validity} decisions for a candidate never proposed)` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${what}: replay with: entropic sim ${args}\n`;
}

/** `x` as one shell word: bare when it is safe, single-quoted otherwise. */
export function shellQuote(x: string): string {
  return /^[\w@%+=:,./-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`;
}

function formatRate(count: number, ms: number): string {
  if (ms <= 0) return "n/a";
  const rate = (count / ms) * 1000;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(1)}k` : rate.toFixed(0);
}
