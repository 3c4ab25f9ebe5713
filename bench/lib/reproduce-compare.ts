/**
 * The pure half of `npm run reproduce` (bench/reproduce.ts): what is kept of each run, the
 * per-seed comparison of the seed's own Python with our port, the share comparisons, the
 * parsing of the seed demos' printed output, and the list of checks whose failure makes the
 * command exit non-zero. No I/O, no clock: everything here is a function of the runs.
 */
import { histogramEntries, meanSd, newcombeDifference, proportionsAgree, wilsonInterval, type DifferenceInterval, type ShareInterval } from "../../src/sim/stats.js";

/** Seeds per demo by default (`--seeds`). */
export const DEFAULT_SEEDS = 2000;
/** Seeds for the harder EMTD setting by default (`--hard-seeds`). */
export const DEFAULT_HARD_SEEDS = 500;
/** The harder EMTD setting (the recorded fixtures' N=200 runs): fast cooling, a large input. */
export const HARD_EMTD = { nodes: 200, decay: 0.1, input: 10 } as const;

// ---------------------------------------------------------------------------------------
// What is kept of each run

/** One EMTD run (the seed's `EntropicLedger.run_epoch`), from either implementation. */
export interface EmtdRun {
  readonly seed: number;
  readonly outcome: string;
  readonly steps: number;
  readonly adopters: number;
  readonly injectAccepted: boolean;
  /** node 0's [scalar, phase] at the end, what the seed's demo prints */
  readonly finalState0: readonly [number, number];
  /** node temperature when the run stopped (all nodes cool in lock-step) */
  readonly finalTemperature: number;
}

/** One T-M.E.S.H. demo run, from either implementation. */
export interface TmeshRun {
  readonly seed: number;
  /** `consensus` when all ρ agree within the consensus tolerance, else `not_converged` */
  readonly outcome: string;
  readonly steps: number;
  /** the seed's "global coherence" after every interaction (its `fidelity_history`) */
  readonly coherence: readonly number[];
  /** coherence of the initial states, before any interaction (not recorded by the seed's code) */
  readonly initialCoherence: number | null;
  /** mean and population variance of the nodes' von Neumann entropies before any interaction */
  readonly initialEntropyMean: number | null;
  readonly initialEntropyVariance: number | null;
  /** largest fall of the mean node entropy from one step to the next (null when not recorded) */
  readonly maxEntropyMeanDrop: number | null;
  readonly finalEntropyMean: number;
  /** how far apart the final states are (ours: max entrywise |ρ_i − ρ_0|; Python: max over pairs) */
  readonly finalSpread: number;
}

/** The three columns every table shows. */
export type ColumnKey = "python" | "oursPython" | "oursXoshiro";

export const COLUMN_LABELS: Readonly<Record<ColumnKey, string>> = {
  python: "seed's Python (reference)",
  oursPython: "ours, `rng: python`",
  oursXoshiro: "ours, `rng: xoshiro`",
};

/** One demo (or setting) measured three ways; `python` is null when the reference did not run. */
export interface RunSet<R> {
  readonly title: string;
  readonly seeds: number;
  /** parameters as `name=value` strings, for the doc */
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly outcomes: readonly string[];
  readonly python: readonly R[] | null;
  /** why `python` is null */
  readonly pythonSkipped?: string;
  /** set when the reference was present but its run failed (a failed check) */
  readonly pythonError?: string;
  readonly oursPython: readonly R[];
  readonly oursXoshiro: readonly R[];
}

// ---------------------------------------------------------------------------------------
// Shares

export interface ShareCell {
  readonly count: number;
  readonly n: number;
  readonly interval: ShareInterval;
}

export function shareCell(runs: readonly { outcome: string }[], outcome: string): ShareCell {
  const count = runs.filter((r) => r.outcome === outcome).length;
  return { count, n: runs.length, interval: wilsonInterval(count, runs.length) };
}

export interface ShareComparison {
  readonly outcome: string;
  readonly a: ColumnKey;
  readonly b: ColumnKey;
  /** Newcombe interval for share(a) − share(b) */
  readonly difference: DifferenceInterval | null;
  /** true when that interval contains 0 (stats.proportionsAgree) */
  readonly agree: boolean | null;
}

export function compareShares(a: ShareCell, b: ShareCell, outcome: string, keys: readonly [ColumnKey, ColumnKey]): ShareComparison {
  return {
    outcome,
    a: keys[0],
    b: keys[1],
    difference: newcombeDifference(a.count, a.n, b.count, b.n),
    agree: proportionsAgree(a.count, a.n, b.count, b.n),
  };
}

/**
 * The share comparisons a set is checked by: with the reference, Python vs ours on the same
 * generator (identical when the port is exact) and Python vs ours on xoshiro (an independent
 * sample: the genuine statistical check); without it, ours on the two generators.
 */
export function shareComparisons(set: RunSet<{ outcome: string }>): ShareComparison[] {
  const pairs: [ColumnKey, ColumnKey][] = set.python
    ? [
        ["python", "oursPython"],
        ["python", "oursXoshiro"],
      ]
    : [["oursPython", "oursXoshiro"]];
  const out: ShareComparison[] = [];
  for (const outcome of set.outcomes) {
    for (const [a, b] of pairs) {
      out.push(compareShares(shareCell(columnRuns(set, a)!, outcome), shareCell(columnRuns(set, b)!, outcome), outcome, [a, b]));
    }
  }
  return out;
}

export function columnRuns<R>(set: RunSet<R>, key: ColumnKey): readonly R[] | null {
  return key === "python" ? set.python : key === "oursPython" ? set.oursPython : set.oursXoshiro;
}

/** The columns present in a set, in table order. */
export function presentColumns(set: RunSet<unknown>): ColumnKey[] {
  return set.python ? ["python", "oursPython", "oursXoshiro"] : ["oursPython", "oursXoshiro"];
}

// ---------------------------------------------------------------------------------------
// Per-seed agreement

/** How one quantity compares seed by seed between two implementations. */
export interface AgreementRow {
  readonly quantity: string;
  /** how "agree" is judged, e.g. "exact" or "|Δ| ≤ 1e-12" */
  readonly criterion: string;
  readonly agreeing: number;
  readonly total: number;
  /** largest |difference| seen, for numeric quantities */
  readonly maxDifference: number | null;
  /** up to five seeds that disagree */
  readonly firstMismatches: readonly number[];
}

interface Quantity<R> {
  readonly name: string;
  readonly criterion: string;
  /** numeric quantities: the difference (NaN if incomparable); others: equality */
  readonly diff?: (a: R, b: R) => number;
  readonly tolerance?: number;
  readonly equal?: (a: R, b: R) => boolean;
}

function agreementRows<R extends { seed: number }>(a: readonly R[], b: readonly R[], quantities: readonly Quantity<R>[]): AgreementRow[] {
  const bySeed = new Map(b.map((r) => [r.seed, r]));
  const total = Math.max(a.length, b.length);
  return quantities.map((q) => {
    let agreeing = 0;
    let maxDifference: number | null = q.diff ? 0 : null;
    const firstMismatches: number[] = [];
    for (const ra of a) {
      const rb = bySeed.get(ra.seed);
      let ok = false;
      if (rb) {
        if (q.diff) {
          const d = q.diff(ra, rb);
          ok = d <= (q.tolerance ?? 0);
          maxDifference = Number.isNaN(d) || maxDifference === null || Number.isNaN(maxDifference) ? Number.NaN : Math.max(maxDifference, d);
        } else ok = q.equal!(ra, rb);
      }
      if (ok) agreeing++;
      else if (firstMismatches.length < 5) firstMismatches.push(ra.seed);
    }
    return { quantity: q.name, criterion: q.criterion, agreeing, total, maxDifference, firstMismatches };
  });
}

const absDiff = (x: number, y: number): number => (Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) : x === y ? 0 : Number.NaN);

/** Largest |a_i − b_i| over two series; NaN when their lengths differ. */
export function seriesMaxDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Number.NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, absDiff(a[i]!, b[i]!));
  return m;
}

/** Tolerance for T-M.E.S.H. floating-point results (the recorded fixtures' tolerance). */
export const TMESH_TOLERANCE = 1e-12;
/** Relative tolerance for EMTD's final temperature (100·decay^steps, summed then averaged on our side). */
export const TEMPERATURE_RELATIVE_TOLERANCE = 1e-12;

export function emtdAgreement(python: readonly EmtdRun[], ours: readonly EmtdRun[]): AgreementRow[] {
  return agreementRows(python, ours, [
    { name: "outcome", criterion: "equal", equal: (a, b) => a.outcome === b.outcome },
    { name: "steps (sweeps)", criterion: "equal", equal: (a, b) => a.steps === b.steps },
    { name: "node 0 accepted the injection", criterion: "equal", equal: (a, b) => a.injectAccepted === b.injectAccepted },
    { name: "adopters (nodes holding the input)", criterion: "equal", equal: (a, b) => a.adopters === b.adopters },
    {
      name: "node 0 final state [scalar, phase]",
      criterion: "bit-exact",
      diff: (a, b) => seriesMaxDiff(a.finalState0, b.finalState0),
      tolerance: 0,
    },
    {
      name: "final temperature",
      criterion: `relative |Δ| ≤ ${TEMPERATURE_RELATIVE_TOLERANCE}`,
      diff: (a, b) => absDiff(a.finalTemperature, b.finalTemperature) / Math.abs(a.finalTemperature),
      tolerance: TEMPERATURE_RELATIVE_TOLERANCE,
    },
  ]);
}

export function tmeshAgreement(python: readonly TmeshRun[], ours: readonly TmeshRun[]): AgreementRow[] {
  return agreementRows(python, ours, [
    { name: "outcome (consensus or not)", criterion: "equal", equal: (a, b) => a.outcome === b.outcome },
    { name: "interactions", criterion: "equal", equal: (a, b) => a.steps === b.steps },
    {
      name: "coherence after every interaction",
      criterion: `|Δ| ≤ ${TMESH_TOLERANCE}`,
      diff: (a, b) => seriesMaxDiff(a.coherence, b.coherence),
      tolerance: TMESH_TOLERANCE,
    },
    {
      name: "final coherence",
      criterion: `|Δ| ≤ ${TMESH_TOLERANCE}`,
      diff: (a, b) => absDiff(a.coherence[a.coherence.length - 1] ?? Number.NaN, b.coherence[b.coherence.length - 1] ?? Number.NaN),
      tolerance: TMESH_TOLERANCE,
    },
    {
      name: "final mean node entropy",
      criterion: `|Δ| ≤ ${TMESH_TOLERANCE}`,
      diff: (a, b) => absDiff(a.finalEntropyMean, b.finalEntropyMean),
      tolerance: TMESH_TOLERANCE,
    },
  ]);
}

// ---------------------------------------------------------------------------------------
// Distributions

/** Steps histogram rows over the union of values: value → count per column. */
export function stepsRows(set: RunSet<{ steps: number }>): { steps: number; counts: Partial<Record<ColumnKey, number>> }[] {
  const cols = presentColumns(set);
  const per = new Map<ColumnKey, Map<number, number>>();
  const values = new Set<number>();
  for (const c of cols) {
    const m = new Map(histogramEntries(columnRuns(set, c)!.map((r) => r.steps)));
    per.set(c, m);
    for (const v of m.keys()) values.add(v);
  }
  return [...values]
    .sort((x, y) => x - y)
    .map((steps) => ({ steps, counts: Object.fromEntries(cols.map((c) => [c, per.get(c)!.get(steps) ?? 0])) }));
}

export interface MeanDifference {
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  readonly agree: boolean;
}

/** Normal-approximation 95% interval for the difference of two means (Welch standard error). */
export function meanDifference(a: readonly number[], b: readonly number[]): MeanDifference | null {
  const x = meanSd(a);
  const y = meanSd(b);
  if (x.n < 2 || y.n < 2) return null;
  const se = Math.sqrt((x.sd * x.sd) / x.n + (y.sd * y.sd) / y.n);
  const d = x.mean - y.mean;
  const half = 1.959964 * se;
  return { difference: d, low: d - half, high: d + half, agree: d - half <= 0 && 0 <= d + half };
}

export function minMax(values: readonly number[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** max over runs and steps of |coherence_t − coherence at the first recorded point| (from the initial state where known). */
export function coherenceDrift(runs: readonly TmeshRun[]): number {
  let m = 0;
  for (const r of runs) {
    const base = r.initialCoherence ?? r.coherence[0];
    if (base === undefined) continue;
    for (const c of r.coherence) m = Math.max(m, Math.abs(c - base));
  }
  return m;
}

// ---------------------------------------------------------------------------------------
// The seed demos' printed output

/** A number the seed's demo prints, beside ours formatted the same way. */
export interface PrintedRow {
  readonly what: string;
  readonly seed: string | null;
  readonly ours: string;
  /** null when the seed's output was not available */
  readonly match: boolean | null;
}

/** numpy prints a float array like `[3.14159 1.     ]`; parse the numbers back. */
export function parseNumpyVector(text: string): number[] {
  return text
    .replace(/[[\]]/g, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

/** Our EMTD seed-0 run beside what the seed's demo printed (`System crystallized in …`). */
export function emtdPrintedRows(seedStdout: string | null, ours: EmtdRun): PrintedRow[] {
  const m = seedStdout ? /System crystallized in (\d+) steps\. Final State Tensor: (\[[^\]]*\])/.exec(seedStdout) : null;
  const seedSteps = m ? m[1]! : null;
  const seedState = m ? m[2]! : null;
  const parsed = seedState ? parseNumpyVector(seedState) : null;
  // numpy prints 8 significant decimals; compare to that precision.
  const stateMatch = parsed ? parsed.length === 2 && parsed.every((v, i) => Math.abs(v - ours.finalState0[i]!) <= 5e-9 * Math.max(1, Math.abs(v))) : null;
  return [
    { what: "steps (sweeps until a sweep changes nothing)", seed: seedSteps, ours: String(ours.steps), match: seedSteps === null ? null : Number(seedSteps) === ours.steps },
    { what: "node 0 final state [scalar, phase]", seed: seedState, ours: `[${ours.finalState0.join(", ")}]`, match: stateMatch },
  ];
}

/** Our T-M.E.S.H. seed-0 run beside the numbers the seed's demo printed. */
export function tmeshPrintedRows(seedStdout: string | null, ours: TmeshRun): PrintedRow[] {
  const rows: PrintedRow[] = [];
  const text = seedStdout ?? "";
  const variance = /Initial Network Entropy Variance: (\S+)/.exec(text)?.[1] ?? null;
  const oursVariance = ours.initialEntropyVariance === null ? "n/a" : fixed(ours.initialEntropyVariance, 5);
  rows.push({ what: "initial entropy variance (`:.5f`)", seed: variance, ours: oursVariance, match: variance === null ? null : variance === oursVariance });
  const printedSteps = new Map<number, string>();
  for (const m of text.matchAll(/Time Step (\d+): Global Coherence = (\S+)/g)) printedSteps.set(Number(m[1]), m[2]!);
  // The seed prints every third step (t % 3 == 0) of 0..steps-1.
  for (let t = 0; t < ours.coherence.length; t += 3) {
    const seed = printedSteps.get(t) ?? null;
    const o = fixed(ours.coherence[t]!, 4);
    rows.push({ what: `coherence after step ${t} (\`:.4f\`)`, seed, ours: o, match: seedStdout === null ? null : seed === o });
  }
  const final = /Final Coherence \(1\.0 = Perfect Identical State\): (\S+)/.exec(text)?.[1] ?? null;
  const oursFinal = fixed(ours.coherence[ours.coherence.length - 1] ?? Number.NaN, 4);
  rows.push({ what: "final coherence (`:.4f`)", seed: final, ours: oursFinal, match: seedStdout === null ? null : final === oursFinal });
  const claimed = seedStdout === null ? null : /FINAL CONSENSUS STATE REACHED/.test(text);
  rows.push({
    what: "consensus reached?",
    seed: claimed === null ? null : claimed ? "prints “FINAL CONSENSUS STATE REACHED.” (unconditionally)" : "(not printed)",
    ours: `${ours.outcome} (max entrywise |ρ_i − ρ_0| = ${ours.finalSpread.toPrecision(3)})`,
    // Not a reproduction check: the seed's claim is printed unconditionally, ours is measured.
    match: null,
  });
  return rows;
}

/** Python's `f"{x:.{digits}f}"` for the values the demos print (both round the exact binary value). */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

// ---------------------------------------------------------------------------------------
// The reproduction's own check

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Everything the command checks; any `ok: false` makes it exit non-zero. */
export interface CheckInputs {
  readonly emtdSets: readonly RunSet<EmtdRun>[];
  readonly tmesh: RunSet<TmeshRun>;
  readonly printed: readonly { demo: string; rows: readonly PrintedRow[]; error?: string }[];
}

export function evaluateChecks(inputs: CheckInputs): Check[] {
  const checks: Check[] = [];
  const sets: { set: RunSet<EmtdRun> | RunSet<TmeshRun>; agreement: AgreementRow[] | null }[] = [
    ...inputs.emtdSets.map((set) => ({ set, agreement: set.python ? emtdAgreement(set.python, set.oursPython) : null })),
    { set: inputs.tmesh, agreement: inputs.tmesh.python ? tmeshAgreement(inputs.tmesh.python, inputs.tmesh.oursPython) : null },
  ];
  for (const { set, agreement } of sets) {
    if (set.pythonError !== undefined) {
      checks.push({ name: `${set.title}: the seed's Python ran`, ok: false, detail: set.pythonError.split("\n")[0]! });
    }
    if (agreement) {
      const bad = agreement.filter((r) => r.agreeing !== r.total || r.total !== set.seeds);
      checks.push({
        name: `${set.title}: per-seed agreement, seed's Python vs ours (rng: python)`,
        ok: bad.length === 0,
        detail: bad.length === 0
          ? `${set.seeds}/${set.seeds} seeds agree on ${agreement.map((r) => r.quantity).join(", ")}`
          : bad.map((r) => `${r.quantity}: ${r.agreeing}/${r.total} (${r.criterion}; first mismatching seeds ${r.firstMismatches.join(", ") || "—"})`).join("; "),
      });
    }
    for (const c of shareComparisons(set as RunSet<{ outcome: string }>)) {
      const d = c.difference;
      checks.push({
        name: `${set.title}: share of ${c.outcome}, ${COLUMN_LABELS[c.a]} vs ${COLUMN_LABELS[c.b]}`,
        ok: c.agree === true,
        detail: d ? `difference ${signed(d.difference)}, 95% interval [${signed(d.low)}, ${signed(d.high)}]${c.agree ? " contains 0" : " excludes 0"}` : "no runs",
      });
    }
  }
  for (const { demo, rows, error } of inputs.printed) {
    if (error !== undefined) {
      checks.push({ name: `${demo}: seed 0, the seed's demo ran`, ok: false, detail: error.split("\n")[0]! });
      continue;
    }
    const compared = rows.filter((r) => r.match !== null);
    if (compared.length === 0) continue;
    const bad = compared.filter((r) => !r.match);
    checks.push({
      name: `${demo}: seed 0, the numbers the seed's demo prints vs ours`,
      ok: bad.length === 0,
      detail: bad.length === 0 ? `${compared.length}/${compared.length} printed numbers equal` : bad.map((r) => `${r.what}: seed ${r.seed ?? "(missing)"} vs ours ${r.ours}`).join("; "),
    });
  }
  return checks;
}

export function signed(x: number, digits = 4): string {
  const s = x.toFixed(digits);
  return x >= 0 || /^-0\.0*$/.test(s) ? `+${s.replace(/^-/, "")}` : `−${s.slice(1)}`;
}
