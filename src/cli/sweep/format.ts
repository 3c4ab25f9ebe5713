/** The human table `entropic sweep` prints. */
import type { PointAggregate } from "../../sim/sweep.js";
import { labelWidth } from "../sim/format.js";

export function formatSweep(protocol: string, points: readonly PointAggregate[]): string {
  const out: string[] = [];
  for (const p of points) {
    const label = Object.keys(p.params).length ? Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(" ") : "(scenario as is)";
    out.push(`${protocol}  ${label}  runs=${p.runs}`);
    // One column width for every name of the point, so long names never push values out of line.
    const w = Math.max(20, labelWidth([...Object.keys(p.outcomeIntervals), ...Object.keys(p.observables)]));
    for (const [name, s] of Object.entries(p.outcomeIntervals)) {
      out.push(`  ${name.padEnd(w)} ${pct(s.share).padStart(7)}  [${pct(s.low)}, ${pct(s.high)}]  (${s.count})`);
    }
    out.push(`  steps: ${Object.entries(p.steps).map(([k, v]) => `${k}:${v}`).join("  ")}  (mean ${p.stepsMean === null ? "n/a" : p.stepsMean.toFixed(3)})`);
    for (const [name, o] of Object.entries(p.observables)) out.push(`  ${name.padEnd(w)} mean ${fmt(o.mean)}  sd ${fmt(o.sd)}`);
    const rate = p.simMs > 0 ? ` (${((p.updates / p.simMs) * 1000).toExponential(2)} node updates/s)` : "";
    out.push(`  updates: ${p.updates}${rate}`);
  }
  return `${out.join("\n")}\n`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function fmt(x: number | null): string {
  return x !== null && Number.isFinite(x) ? x.toPrecision(5) : "n/a";
}
