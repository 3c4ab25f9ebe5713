/**
 * The data a report page is built from: plain JSON, inlined into the page and read by
 * the page's script (client.ts). Everything is computed in Node at report time (layouts,
 * derived curves, error bars) so the page only draws.
 */

/** One line of a chart: `[x, y]` points (y null where a value is missing). */
export interface SeriesData {
  readonly name: string;
  readonly points: readonly (readonly [number, number | null])[];
}

/** A line chart of per-step values. */
export interface CurveChart {
  /** stable id: the element's `data-chart` attribute and PNG file name */
  readonly name: string;
  readonly title: string;
  /** how a derived curve was computed (shown under the title), absent for recorded ones */
  readonly note?: string;
  readonly xLabel: string;
  readonly series: readonly SeriesData[];
}

/** The topology with positions and, per recorded step, each node's class and finality. */
export interface GraphData {
  /** nodes in the run, and how many are drawn */
  readonly nodes: number;
  readonly drawn: number;
  /** x, y per drawn node, in [-1, 1] */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** run node id per drawn node (for tooltips) */
  readonly ids: readonly number[];
  /** flat pairs of drawn-node positions */
  readonly edges: readonly number[];
  readonly edgesTotal: number;
  readonly classes: readonly string[];
  /** one byte per drawn node per frame (class | 0x80 when final), base64 */
  readonly frames: readonly { readonly step: number; readonly state: string }[];
  readonly layout: string;
}

/** One node's density matrix per recorded step (row-major re and im parts). */
export interface DensityData {
  readonly node: number;
  readonly dim: number;
  readonly frames: readonly { readonly step: number; readonly re: readonly number[]; readonly im: readonly number[] }[];
}

/** Means with 95% intervals per grid point: one series of a sweep chart. */
export interface IntervalSeries {
  readonly name: string;
  readonly mean: readonly (number | null)[];
  readonly low: readonly (number | null)[];
  readonly high: readonly (number | null)[];
}

/** A sweep chart: grid points along x, means with error bars. */
export interface IntervalChart {
  readonly name: string;
  readonly title: string;
  readonly note: string;
  readonly xLabel: string;
  readonly categories: readonly string[];
  readonly series: readonly IntervalSeries[];
  /** values are shares in [0, 1] (drawn as percentages) */
  readonly share?: boolean;
}

interface Common {
  readonly title: string;
  readonly subtitle: string;
  /** label/value rows of the summary table */
  readonly summary: readonly (readonly [string, string])[];
  /** what the reader should know: sampling, thinning, missing trace */
  readonly notes: readonly string[];
  readonly generator: string;
}

export interface RunReportData extends Common {
  readonly kind: "run";
  readonly curves: readonly CurveChart[];
  readonly graph: GraphData | null;
  readonly density: DensityData | null;
}

export interface SweepReportData extends Common {
  readonly kind: "sweep";
  readonly charts: readonly IntervalChart[];
}

export type ReportData = RunReportData | SweepReportData;
