/**
 * A sweep's report data: the aggregate tables `entropic sweep` prints, as charts with 95%
 * error bars — outcome shares with the Wilson intervals the sweep computed, and means of
 * steps, final observables and numeric summary fields with normal-approximation
 * intervals (mean ± 1.96·sd/√n).
 */
import { Z95 } from "../sim/stats.js";
import type { PointAggregate } from "../sim/sweep.js";
import type { IntervalChart, IntervalSeries, SweepReportData } from "./model.js";

export interface SweepReportInput {
  readonly protocol: string;
  readonly seeds: { readonly from: number; readonly to: number };
  readonly points: readonly PointAggregate[];
  readonly generator: string;
}

const MEAN_NOTE = "mean ± 1.96·sd/√n over the runs (normal approximation)";

export function buildSweepReport(input: SweepReportInput): SweepReportData {
  const { points, protocol, seeds } = input;
  const axes = points.length ? Object.keys(points[0]!.params) : [];
  const categories = points.map((p) => (axes.length ? axes.map((a) => `${a}=${String(p.params[a])}`).join(" ") : "(scenario as is)"));
  const xLabel = axes.length ? axes.join(" × ") : "grid point";
  const charts: IntervalChart[] = [];
  const outcomeNames = points.length ? Object.keys(points[0]!.outcomeIntervals) : [];
  charts.push({
    name: "sweep-outcomes",
    title: "Outcome shares",
    note: "share of runs per outcome, Wilson 95% interval",
    xLabel,
    categories,
    share: true,
    series: outcomeNames.map((o) => ({
      name: o,
      mean: points.map((p) => p.outcomeIntervals[o]?.share ?? null),
      low: points.map((p) => p.outcomeIntervals[o]?.low ?? null),
      high: points.map((p) => p.outcomeIntervals[o]?.high ?? null),
    })),
  });
  charts.push({ name: "sweep-steps", title: "Steps to the end of a run", note: MEAN_NOTE, xLabel, categories, series: [stepsSeries(points)] });
  for (const key of points.length ? Object.keys(points[0]!.observables) : []) {
    const series = meanSeries(key, points, (p) => p.observables[key], (p) => p.runs);
    if (series.mean.some((v) => v !== null)) charts.push({ name: `sweep-final-${key}`, title: `Final ${key}`, note: MEAN_NOTE, xLabel, categories, series: [series] });
  }
  for (const key of points.length ? Object.keys(points[0]!.fields) : []) {
    const series = meanSeries(key, points, (p) => p.fields[key], (p) => p.runs - (p.fields[key]?.nulls ?? p.runs));
    const nulls = points.reduce((a, p) => a + (p.fields[key]?.nulls ?? 0), 0);
    const note = nulls > 0 ? `${MEAN_NOTE}; ${nulls} run(s) had no value (null) and are left out` : MEAN_NOTE;
    if (series.mean.some((v) => v !== null)) charts.push({ name: `sweep-field-${key}`, title: key, note, xLabel, categories, series: [series] });
  }
  const runs = points.reduce((a, p) => a + p.runs, 0);
  return {
    kind: "sweep",
    title: `Sweep of ${protocol}`,
    subtitle: `${points.length} grid point${points.length === 1 ? "" : "s"} × seeds ${seeds.from}..${seeds.to} · ${runs.toLocaleString("en")} runs`,
    summary: [
      ["protocol", protocol],
      ["seeds", `${seeds.from}..${seeds.to}`],
      ["grid points", String(points.length)],
      ["axes", axes.length ? axes.join(", ") : "none (the scenario as is)"],
      ["runs", runs.toLocaleString("en")],
    ],
    notes: [],
    charts,
    generator: input.generator,
  };
}

function stepsSeries(points: readonly PointAggregate[]): IntervalSeries {
  const mean: (number | null)[] = [];
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  for (const p of points) {
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (const [steps, count] of Object.entries(p.steps)) {
      n += count;
      sum += Number(steps) * count;
    }
    const m = n ? sum / n : null;
    for (const [steps, count] of Object.entries(p.steps)) sq += count * (Number(steps) - (m ?? 0)) ** 2;
    const half = n > 1 ? (Z95 * Math.sqrt(sq / (n - 1))) / Math.sqrt(n) : 0;
    mean.push(m);
    low.push(m === null ? null : m - half);
    high.push(m === null ? null : m + half);
  }
  return { name: "steps", mean, low, high };
}

function meanSeries(
  name: string,
  points: readonly PointAggregate[],
  get: (p: PointAggregate) => { mean: number | null; sd: number | null } | undefined,
  count: (p: PointAggregate) => number,
): IntervalSeries {
  const mean: (number | null)[] = [];
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  for (const p of points) {
    const v = get(p);
    const m = v?.mean ?? null;
    const n = count(p);
    const half = m !== null && v?.sd !== null && v?.sd !== undefined && n > 0 ? (Z95 * v.sd) / Math.sqrt(n) : 0;
    mean.push(m);
    low.push(m === null ? null : m - half);
    high.push(m === null ? null : m + half);
  }
  return { name, mean, low, high };
}
