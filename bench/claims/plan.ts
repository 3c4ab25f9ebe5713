/**
 * The bookkeeping of `npm run claims`: named groups of tasks (a cell = one group, its runs
 * the tasks), run once in a pool, read back by name; and the statistics every claim prints
 * (exact Clopper–Pearson 95% intervals over runs, medians and quartiles).
 */
import { clopperPearson, spread } from "../../src/sim/stats.js";
import type { SimDigest, Task } from "./tasks.js";

export class Plan {
  readonly tasks: Task[] = [];
  readonly keys: string[] = [];
  readonly costs: number[] = [];
  private results: Map<string, unknown[]> | null = null;

  constructor(
    /** runs per simulated cell unless a cell says otherwise */
    readonly runs: number,
    readonly quick: boolean,
  ) {}

  add(key: string, task: Task, cost = 1): void {
    this.tasks.push(task);
    this.keys.push(key);
    this.costs.push(cost);
  }

  /** `runs` seeded runs of a scenario file with overrides. */
  sims(key: string, file: string, set: Record<string, unknown>, runs = this.runs, cost = 1): void {
    for (let s = 0; s < runs; s++) this.add(key, { kind: "sim", file, set, seed: s }, cost);
  }

  /** Run order: cheap cells first (stable). */
  order(): number[] {
    return this.tasks.map((_, i) => i).sort((a, b) => this.costs[a]! - this.costs[b]! || a - b);
  }

  setResults(byIndex: readonly unknown[]): void {
    const m = new Map<string, unknown[]>();
    byIndex.forEach((r, i) => {
      const k = this.keys[i]!;
      if (!m.has(k)) m.set(k, []);
      m.get(k)!.push(r);
    });
    this.results = m;
  }

  get<T = unknown>(key: string): T[] {
    return (this.results?.get(key) ?? []) as T[];
  }

  sim(key: string): SimDigest[] {
    return this.get<SimDigest>(key);
  }
}

export const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(100 * x).toFixed(d)}%`);
export const num = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(d));

/** "k/n = s% [low–high]" with the exact Clopper–Pearson 95% interval; "no runs" for n = 0. */
export function share(k: number, n: number): string {
  if (n === 0) return "no runs";
  const ci = clopperPearson(k, n);
  return `${k}/${n} = ${pct(ci.share, 0)} [${pct(ci.low, 0)}–${pct(ci.high, 0)}]`;
}

/** median [q1–q3] of the non-null values, with how many were null; "—" when none. */
export function med(values: readonly (number | null | undefined)[], d = 0): string {
  const s = spread(values);
  if (!s || s.n === 0) return "—";
  return `${num(s.median, d)} [${num(s.q1, d)}–${num(s.q3, d)}]${s.missing > 0 ? ` (${s.missing} none)` : ""}`;
}

export function medianOf(values: readonly (number | null | undefined)[]): number | null {
  const s = spread(values);
  return s && s.n > 0 ? s.median : null;
}

export const count = (runs: readonly SimDigest[], pred: (r: SimDigest) => boolean): number => runs.filter(pred).length;
export const live = (r: SimDigest): boolean => (r.fields.finalizedShare ?? 0) >= 0.99;
export const unsafe = (r: SimDigest): boolean => (r.fields.safetyViolations ?? 0) > 0;
export const agreed = (r: SimDigest): boolean => r.outcome === "agreement";

/** A markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
