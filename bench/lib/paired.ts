/**
 * Distribution-free statistics for paired measurements (bench/node-sim-ab.ts): the exact
 * sign test and the order-statistic interval for a median. Each pair is one unit of
 * independence; nothing here assumes the differences are normal or symmetric.
 */

/** C(n, k) as a float (exact for the pair counts a benchmark runs, n ≤ 1000). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += choose(n, i);
  return Math.min(1, sum / 2 ** n);
}

/**
 * The exact two-sided sign test: `below` of `n` pairs fell one way, the rest the other (ties
 * left out by the caller). The probability, with no difference, of a split at least this uneven.
 */
export function signTest(below: number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(below) || below < 0 || below > n) throw new RangeError(`signTest: need 0 ≤ below ≤ n, n ≥ 1, got ${below} of ${n}`);
  return Math.min(1, 2 * binomialHalfCdf(Math.min(below, n - below), n));
}

export interface MedianInterval {
  readonly median: number;
  readonly low: number;
  readonly high: number;
  /** the interval's exact coverage of the population median (≥ the asked level when the sample allows it) */
  readonly coverage: number;
}

/**
 * The sample median and the widest-needed order-statistic interval [x(k), x(n−k+1)] whose exact
 * coverage, 1 − 2·P(X ≤ k − 1) for X ~ Bin(n, 1/2), is at least `level`; when even [min, max]
 * falls short (few pairs), that interval with its own, lower, coverage.
 */
export function medianInterval(values: readonly number[], level = 0.95): MedianInterval {
  const n = values.length;
  if (n === 0) throw new RangeError("medianInterval: no values");
  const x = [...values].sort((a, b) => a - b);
  const median = n % 2 === 1 ? x[(n - 1) / 2]! : (x[n / 2 - 1]! + x[n / 2]!) / 2;
  let k = 1;
  while (k + 1 <= Math.ceil(n / 2) && 1 - 2 * binomialHalfCdf(k, n) >= level) k++;
  return { median, low: x[k - 1]!, high: x[n - k]!, coverage: 1 - 2 * binomialHalfCdf(k - 1, n) };
}
