/**
 * A sweep's report data: the aggregate tables `entropic sweep` prints, as charts with 95%
 * error bars — outcome shares with the Wilson intervals the sweep computed, and means of
 * steps, final observables and numeric summary fields with normal-approximation
 * intervals (mean ± 1.96·sd/√n). With two or more swept fields, the first is the x axis and
 * each value of the second is a series (sweepLayout).
 */
import { Z95 } from "../sim/stats.js";
import type { SweepPoint } from "./files.js";
import type { IntervalChart, IntervalSeries, SweepReportData } from "./model.js";

export interface SweepReportInput {
  readonly protocol: string;
  readonly seeds: { readonly from: number; readonly to: number };
  readonly points: readonly SweepPoint[];
  readonly generator: string;
}

const MEAN_NOTE = "mean ± 1.96·sd/√n over the runs (normal approximation)";

interface Interval {
  readonly mean: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/**
 * Where each grid point goes on a chart. With one swept field (or none) the grid points are
 * the x categories of one series. With two or more, the first field's values are the x
 * categories and every value of the second (every combination of the rest) is a series of
 * its own, so a chart never zig-zags along a flattened grid.
 */
export interface SweepLayout {
  readonly xLabel: string;
  readonly categories: readonly string[];
  /** one per series: its label ("" with a single series) and the point index at each category */
  readonly groups: readonly { readonly label: string; readonly at: readonly (number | null)[] }[];
}

const label = (name: string, value: unknown) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`;

export function sweepLayout(points: readonly SweepPoint[]): SweepLayout {
  const axes = points.length ? Object.keys(points[0]!.params) : [];
  if (axes.length <= 1) {
    return {
      xLabel: axes.length ? axes[0]! : "grid point",
      categories: points.map((p) => (axes.length ? label(axes[0]!, p.params[axes[0]!]) : "(scenario as is)")),
      groups: [{ label: "", at: points.map((_, i) => i) }],
    };
  }
  const [x, ...rest] = axes as [string, ...string[]];
  const categories: string[] = [];
  const groupLabels: string[] = [];
  for (const p of points) {
    const c = label(x, p.params[x]);
    if (!categories.includes(c)) categories.push(c);
    const g = rest.map((a) => label(a, p.params[a])).join(" ");
    if (!groupLabels.includes(g)) groupLabels.push(g);
  }
  const groups = groupLabels.map((g) => ({ label: g, at: categories.map(() => null as number | null) }));
  points.forEach((p, i) => {
    const g = groups[groupLabels.indexOf(rest.map((a) => label(a, p.params[a])).join(" "))]!;
    g.at[categories.indexOf(label(x, p.params[x]))] = i;
  });
  return { xLabel: x, categories, groups };
}

function seriesOf(name: string, at: readonly (number | null)[], values: readonly Interval[]): IntervalSeries {
  const pick = (k: keyof Interval) => at.map((i) => (i === null ? null : values[i]![k]));
  return { name, mean: pick("mean"), low: pick("low"), high: pick("high") };
}

export function buildSweepReport(input: SweepReportInput): SweepReportData {
  const { points, protocol, seeds } = input;
  const axes = points.length ? Object.keys(points[0]!.params) : [];
  const layout = sweepLayout(points);
  const { xLabel, categories } = layout;
  const single = layout.groups.length === 1 && layout.groups[0]!.label === "";
  /** One series per group of a per-point metric (named `name` when there is a single group). */
  const grouped = (name: string, values: readonly Interval[]) => layout.groups.map((g) => seriesOf(single ? name : g.label, g.at, values));
  const charts: IntervalChart[] = [];
  const outcomeNames = points.length ? Object.keys(points[0]!.outcomeIntervals) : [];
  const outcomeValues = (o: string): Interval[] =>
    points.map((p) => ({ mean: p.outcomeIntervals[o]?.share ?? null, low: p.outcomeIntervals[o]?.low ?? null, high: p.outcomeIntervals[o]?.high ?? null }));
  if (single) {
    charts.push({
      name: "sweep-outcomes",
      title: "Outcome shares",
      note: "share of runs per outcome, Wilson 95% interval",
      xLabel,
      categories,
      share: true,
      series: outcomeNames.map((o) => seriesOf(o, layout.groups[0]!.at, outcomeValues(o))),
    });
  } else {
    for (const o of outcomeNames) {
      charts.push({ name: `sweep-outcome-${o}`, title: `Share of runs with outcome ${o}`, note: "share of runs, Wilson 95% interval", xLabel, categories, share: true, series: grouped(o, outcomeValues(o)) });
    }
  }
  charts.push({ name: "sweep-steps", title: "Steps to the end of a run", note: MEAN_NOTE, xLabel, categories, series: grouped("steps", stepsIntervals(points)) });
  for (const key of points.length ? Object.keys(points[0]!.observables) : []) {
    const values = meanIntervals(points, (p) => p.observables[key], (p) => p.runs);
    if (values.some((v) => v.mean !== null)) charts.push({ name: `sweep-final-${key}`, title: `Final ${key}`, note: MEAN_NOTE, xLabel, categories, series: grouped(key, values) });
  }
  for (const key of points.length ? Object.keys(points[0]!.fields) : []) {
    const values = meanIntervals(points, (p) => p.fields[key], (p) => p.runs - (p.fields[key]?.nulls ?? p.runs));
    const nulls = points.reduce((a, p) => a + (p.fields[key]?.nulls ?? 0), 0);
    const note = nulls > 0 ? `${MEAN_NOTE}; ${nulls} run(s) had no value (null) and are left out` : MEAN_NOTE;
    if (values.some((v) => v.mean !== null)) charts.push({ name: `sweep-field-${key}`, title: key, note, xLabel, categories, series: grouped(key, values) });
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

function stepsIntervals(points: readonly SweepPoint[]): Interval[] {
  return points.map((p) => {
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
    return { mean: m, low: m === null ? null : m - half, high: m === null ? null : m + half };
  });
}

function meanIntervals(
  points: readonly SweepPoint[],
  get: (p: SweepPoint) => { mean: number | null; sd: number | null } | undefined,
  count: (p: SweepPoint) => number,
): Interval[] {
  return points.map((p) => {
    const v = get(p);
    const m = v?.mean ?? null;
    const n = count(p);
    const half = m !== null && v?.sd !== null && v?.sd !== undefined && n > 0 ? (Z95 * v.sd) / Math.sqrt(n) : 0;
    return { mean: m, low: m === null ? null : m - half, high: m === null ? null : m + half };
  });
}
