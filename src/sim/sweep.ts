/**
 * Parameter sweeps, the pure half: expanding a grid, and aggregating run digests into
 * per-point statistics (outcome shares with Wilson 95% intervals, the steps histogram,
 * mean and sd of the final observables). Running the runs is the caller's business
 * (the CLI uses worker threads); the aggregate depends only on the digests, sorted by seed.
 */
import type { Observables } from "../protocols/protocol.js";
import type { RunOutput } from "./cycle/driver.js";
import { histogram, meanSd, wilsonInterval } from "./stats.js";

/** One swept field and its values. */
export interface SweepAxis {
  readonly name: string;
  readonly values: readonly unknown[];
}

/** A grid point: one value per axis. */
export type GridPoint = Readonly<Record<string, unknown>>;

/** Cartesian product of the axes, first axis slowest. No axes gives one empty point. */
export function expandGrid(axes: readonly SweepAxis[]): GridPoint[] {
  let points: Record<string, unknown>[] = [{}];
  for (const axis of axes) {
    const next: Record<string, unknown>[] = [];
    for (const p of points) for (const v of axis.values) next.push({ ...p, [axis.name]: v });
    points = next;
  }
  return points;
}

/** One run of a sweep: its index in the unsharded order, its grid point and seed. */
export interface RunRef {
  readonly run: number;
  readonly point: number;
  readonly seed: number;
}

/**
 * Every run of `points` grid points × `seeds`, in the unsharded order: grid point by grid
 * point (first axis slowest), seeds in the order given. `run` numbers this order from 0.
 */
export function sweepRuns(points: number, seeds: readonly number[]): RunRef[] {
  const out: RunRef[] = [];
  for (let point = 0; point < points; point++) for (const seed of seeds) out.push({ run: out.length, point, seed });
  return out;
}

/** Shard `index` of `count`: the runs whose number modulo `count` is `index` (a deterministic share). */
export function shardRuns(runs: readonly RunRef[], index: number, count: number): RunRef[] {
  return runs.filter((r) => r.run % count === index);
}

/** What a sweep keeps of each run. */
export interface RunDigest {
  readonly seed: number;
  readonly outcome: string;
  readonly steps: number;
  readonly updates: number;
  readonly simMs: number;
  readonly final: Observables;
  /** the summary's other numeric (or null) fields, e.g. safetyViolations, roundsTo99 */
  readonly fields: Readonly<Record<string, number | null>>;
}

const DIGEST_CORE = new Set(["seed", "outcome", "steps", "updates", "simMs", "nodes"]);

export function digestRun(output: RunOutput): RunDigest {
  const s = output.summary;
  const fields: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(s)) {
    if (DIGEST_CORE.has(key)) continue;
    if (typeof value === "number" || value === null) fields[key] = value;
  }
  return { seed: s.seed, outcome: s.outcome, steps: s.steps, updates: s.updates, simMs: s.simMs, final: s.final, fields };
}

/** Per summary field across runs: mean and sd of the numeric values, their sum, and how many were null. */
export interface FieldAggregate {
  readonly mean: number | null;
  readonly sd: number | null;
  readonly sum: number;
  readonly nulls: number;
}

export interface ShareWithInterval {
  readonly count: number;
  readonly share: number;
  readonly low: number;
  readonly high: number;
}

export interface PointAggregate {
  readonly params: GridPoint;
  readonly runs: number;
  /** share of runs per outcome (every declared outcome listed, zero or not) */
  readonly outcomes: Readonly<Record<string, number>>;
  /** count, share and Wilson 95% interval per outcome */
  readonly outcomeIntervals: Readonly<Record<string, ShareWithInterval>>;
  /** steps → number of runs */
  readonly steps: Readonly<Record<string, number>>;
  readonly stepsMean: number | null;
  /** mean and sample sd of each final observable */
  readonly observables: Readonly<Record<string, { mean: number | null; sd: number | null }>>;
  readonly updates: number;
  readonly simMs: number;
  /** numeric summary fields (safetyViolations, roundsTo99, messagesPerNodePerDecision, …) */
  readonly fields: Readonly<Record<string, FieldAggregate>>;
}

/** Aggregate one grid point's digests. `outcomes` lists the protocol's declared outcomes. */
export function aggregatePoint(params: GridPoint, digests: readonly RunDigest[], outcomes: readonly string[]): PointAggregate {
  const sorted = [...digests].sort((a, b) => a.seed - b.seed);
  const n = sorted.length;
  const counts = new Map<string, number>(outcomes.map((o) => [o, 0]));
  for (const d of sorted) counts.set(d.outcome, (counts.get(d.outcome) ?? 0) + 1);
  const shares: Record<string, number> = {};
  const intervals: Record<string, ShareWithInterval> = {};
  for (const [name, count] of counts) {
    const w = wilsonInterval(count, n);
    shares[name] = n === 0 ? 0 : count / n;
    intervals[name] = { count, share: shares[name]!, low: w.low ?? 0, high: w.high ?? 1 };
  }
  const keys = sorted.length ? Object.keys(sorted[0]!.final) : [];
  const observables: Record<string, { mean: number | null; sd: number | null }> = {};
  for (const key of keys) {
    const { mean, sd } = meanSd(sorted.map((d) => d.final[key] ?? Number.NaN).filter(Number.isFinite));
    observables[key] = { mean, sd };
  }
  let updates = 0;
  let simMs = 0;
  for (const d of sorted) {
    updates += d.updates;
    simMs += d.simMs;
  }
  const stepValues = sorted.map((d) => d.steps);
  const fields: Record<string, FieldAggregate> = {};
  for (const key of sorted.length ? Object.keys(sorted[0]!.fields) : []) {
    const values = sorted.map((d) => d.fields[key]);
    const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    const { mean, sd } = meanSd(numbers);
    fields[key] = { mean, sd, sum: numbers.reduce((a, b) => a + b, 0), nulls: values.length - numbers.length };
  }
  return {
    params,
    runs: n,
    outcomes: shares,
    outcomeIntervals: intervals,
    steps: histogram(stepValues),
    stepsMean: meanSd(stepValues).mean,
    observables,
    updates,
    simMs,
    fields,
  };
}
