/**
 * Small, exact statistics for sweeps and reports: binomial intervals, mean and standard
 * deviation, quantiles, integer histograms, and a test of whether two shares agree.
 *
 * Conventions:
 * - Shares and their intervals with no trials are `null` (`{ share: null, low: null, high:
 *   null }`), so a report prints "n/a" rather than a made-up number.
 * - Sample statistics follow numpy: the mean of nothing, the sd of one value and a quantile
 *   of nothing are NaN, and NaN inputs propagate to NaN outputs (JSON.stringify writes NaN as
 *   `null`, so reports see `null` there too). Typed `number`, cheap to consume.
 * - Arguments that are wrong rather than empty (a negative count, k > n, a non-integer count,
 *   q outside [0, 1], an unsorted array given as sorted) throw RangeError.
 * - Pure: no I/O, no clock, no randomness.
 */
import { quantiles } from "../core/quantile.js";

/** The 0.975 quantile of the standard normal, to 7 significant digits (two-sided 95%). */
export const Z95 = 1.959964;

/** A share with an interval; all three `null` when there were no trials. */
export type ShareInterval = { share: number; low: number; high: number } | { share: null; low: null; high: null };

const EMPTY: ShareInterval = Object.freeze({ share: null, low: null, high: null }) as ShareInterval;

function checkCount(k: number, n: number, fn: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 0 || k > n) throw new RangeError(`${fn}: successes must be an integer in [0, n=${n}], got ${k}`);
}

function checkZ(z: number, fn: string): void {
  if (!(z > 0) || !Number.isFinite(z)) throw new RangeError(`${fn}: z must be a positive finite number, got ${z}`);
}

/**
 * Wilson score interval for a binomial share k/n (Wilson 1927), the interval the reports use:
 * it stays inside [0, 1], is not degenerate at 0/n or n/n, and covers close to nominal for
 * small n. `low` is exactly 0 when k = 0 and `high` exactly 1 when k = n.
 * n = 0 gives `{ share: null, low: null, high: null }`.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z95): ShareInterval {
  checkCount(successes, n, "wilsonInterval");
  checkZ(z, "wilsonInterval");
  if (n === 0) return EMPTY;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { share: p, low, high };
}

/**
 * One-sided 95% upper bounds on an event's probability after n trials with zero events:
 * `ruleOfThree` = min(1, 3/n) (Hanley & Lippman-Hand 1983, the approximation), and `exact`
 * = 1 − 0.05^(1/n), the one-sided Clopper–Pearson bound (the p with (1−p)^n = 0.05).
 * n = 0 gives 1 for both (no information).
 */
export function upperBound95ZeroEvents(n: number): { ruleOfThree: number; exact: number } {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`upperBound95ZeroEvents: n must be a non-negative integer, got ${n}`);
  if (n === 0) return { ruleOfThree: 1, exact: 1 };
  // -expm1(ln(0.05)/n) = 1 - 0.05^(1/n) without cancellation for large n.
  return { ruleOfThree: Math.min(1, 3 / n), exact: -Math.expm1(Math.log(0.05) / n) };
}

// ---------- Clopper–Pearson (exact) via the regularized incomplete beta function ----------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for I_x(a, b) (modified Lentz; Numerical Recipes' betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0, x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`regularizedIncompleteBeta: need a, b > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** The x in [0, 1] with I_x(a, b) = target, by bisection to full double precision. */
function betaQuantile(target: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-17; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (regularizedIncompleteBeta(mid, a, b) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Exact two-sided Clopper–Pearson interval (1934) at the given confidence (default 0.95):
 * low = Beta⁻¹(α/2; k, n−k+1), high = Beta⁻¹(1−α/2; k+1, n−k), with low = 0 at k = 0 and
 * high = 1 at k = n. Conservative (covers at least the nominal level). n = 0 gives nulls.
 * Note: at k = 0 its upper end is 1 − (α/2)^(1/n), the one-sided bound at level 1 − α/2,
 * which is wider than {@link upperBound95ZeroEvents}' one-sided 95% `exact`.
 */
export function clopperPearson(k: number, n: number, confidence = 0.95): ShareInterval {
  checkCount(k, n, "clopperPearson");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`clopperPearson: confidence must be in (0, 1), got ${confidence}`);
  if (n === 0) return EMPTY;
  const alpha = 1 - confidence;
  const low = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return { share: k / n, low, high };
}

// ---------- moments, quantiles, histograms ----------

export interface MeanSd {
  n: number;
  /** NaN for n = 0 (numpy: `np.mean([])`). */
  mean: number;
  /** Sample standard deviation (n − 1 denominator, numpy `ddof=1`); NaN for n < 2. */
  sd: number;
}

/**
 * Mean and sample standard deviation in one pass by Welford's update (1962), which does not
 * lose precision when the mean is large relative to the spread (the naive Σx² − n·mean²
 * does). A NaN or infinite value makes the result NaN, as in numpy.
 */
export function meanSd(values: Iterable<number>): MeanSd {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  return { n, mean: n > 0 ? mean : Number.NaN, sd: n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN };
}

// quantile and quantiles live in core/ (the runtime uses them too); re-exported here.
export { quantile, quantiles } from "../core/quantile.js";

/**
 * Counts of each integer value, keyed by its decimal string, keys inserted in ascending
 * numeric order. JavaScript enumerates non-negative integer keys in ascending order by
 * itself; negative keys are enumerated after them (a language rule), so use
 * {@link histogramEntries} when values may be negative. Non-integers throw RangeError.
 */
export function histogram(values: Iterable<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [v, c] of histogramEntries(values)) out[String(v)] = c;
  return out;
}

/** `[value, count]` pairs in ascending order of value. */
export function histogramEntries(values: Iterable<number>): [value: number, count: number][] {
  const counts = new Map<number, number>();
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`histogram: values must be integers, got ${v}`);
    const key = v === 0 ? 0 : v; // fold -0 into 0
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((x, y) => x[0] - y[0]);
}

// ---------- comparing two shares ----------

export interface DifferenceInterval {
  /** p1 − p2 */
  difference: number;
  low: number;
  high: number;
}

/**
 * Interval for the difference of two independent shares p1 − p2 by Newcombe's hybrid score
 * method (Newcombe 1998, method 10), built from the two Wilson intervals:
 * low = d − √((p1−l1)² + (u2−p2)²), high = d + √((u1−p1)² + (p2−l2)²).
 * Null when either n is 0.
 */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number, z: number = Z95): DifferenceInterval | null {
  checkCount(k1, n1, "newcombeDifference");
  checkCount(k2, n2, "newcombeDifference");
  checkZ(z, "newcombeDifference");
  if (n1 === 0 || n2 === 0) return null;
  const w1 = wilsonInterval(k1, n1, z) as { share: number; low: number; high: number };
  const w2 = wilsonInterval(k2, n2, z) as { share: number; low: number; high: number };
  const d = w1.share - w2.share;
  const low = d - Math.sqrt((w1.share - w1.low) ** 2 + (w2.high - w2.share) ** 2);
  const high = d + Math.sqrt((w1.high - w1.share) ** 2 + (w2.share - w2.low) ** 2);
  return { difference: d, low: Math.max(-1, low), high: Math.min(1, high) };
}

/**
 * Whether two shares k1/n1 and k2/n2 agree at the interval level of z (default 95%): true when
 * the Newcombe hybrid score interval for their difference contains 0 (see
 * {@link newcombeDifference}). Chosen over the pooled two-proportion z-test because it stays
 * defined and sensible at 0/n and n/n (the z-test's standard error is 0 when both shares are 0
 * or both are 1), and over "the two Wilson intervals overlap", which is far too lenient (two
 * overlapping 95% intervals can differ significantly). Null when either n is 0 (no evidence
 * either way).
 */
export function proportionsAgree(k1: number, n1: number, k2: number, n2: number, z: number = Z95): boolean | null {
  const ci = newcombeDifference(k1, n1, k2, n2, z);
  if (ci === null) return null;
  return ci.low <= 0 && 0 <= ci.high;
}

// ---------- per-run safety, severity and spread (docs/results.md) ----------

/**
 * Safety at the level where trials are independent: the share of runs with any safety
 * violation, with its exact two-sided 95% Clopper–Pearson interval. Runs, not nodes: the
 * nodes of one run share its history, so counting them as trials overstates certainty.
 * No runs gives nulls.
 */
export function unsafeRunShare(unsafeRuns: number, runs: number): ShareInterval {
  return clopperPearson(unsafeRuns, runs);
}

/** Within-run severity over the runs of a cell (see {@link runSeverity}). */
export interface Severity {
  /** runs in which at least one honest decision was made (the denominator of `mean`) */
  readonly runsWithDecisions: number;
  /** mean over those runs of conflicting / decided */
  readonly mean: number;
  /** largest single-run conflicting / decided */
  readonly max: number;
  /** Σ conflicting / Σ decided over all runs (decisions pooled) */
  readonly pooled: number;
}

/**
 * Severity of unsafety inside runs: per run, conflicting decided honest nodes (those whose
 * decision differs from the majority decision) over decided honest nodes. Runs without a
 * decision have no severity and are left out of every figure; when no run decided at all
 * the result is null ("no decisions"), never a bound or a zero.
 */
export function runSeverity(conflicting: readonly number[], decided: readonly number[]): Severity | null {
  if (conflicting.length !== decided.length) throw new RangeError(`runSeverity: ${conflicting.length} conflict counts for ${decided.length} runs`);
  let runs = 0;
  let sum = 0;
  let max = 0;
  let totalC = 0;
  let totalD = 0;
  for (let i = 0; i < decided.length; i++) {
    const d = decided[i]!;
    const c = conflicting[i]!;
    checkCount(c, d, "runSeverity");
    if (d === 0) continue;
    runs++;
    const r = c / d;
    sum += r;
    if (r > max) max = r;
    totalC += c;
    totalD += d;
  }
  if (runs === 0) return null;
  return { runsWithDecisions: runs, mean: sum / runs, max, pooled: totalC / totalD };
}

/** Median and interquartile range of a per-run figure, and how many runs had none. */
export interface Spread {
  /** runs with a finite value */
  readonly n: number;
  /** runs whose value was null or not finite (e.g. never reached 99% finality) */
  readonly missing: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

/**
 * Median, first and third quartile (numpy's default linear interpolation, as
 * {@link quantile}) of the finite values; null and non-finite values are counted as
 * `missing`. No finite value gives null.
 */
export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (finite.length === 0) return null;
  const [q1, median, q3] = quantiles(finite, [0.25, 0.5, 0.75]) as [number, number, number];
  return { n: finite.length, missing: values.length - finite.length, median, q1, q3 };
}
