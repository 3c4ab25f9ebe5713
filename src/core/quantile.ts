/**
 * Quantiles, shared by the simulators' statistics (sim/stats.ts re-exports them) and the
 * live node's and the load generator's latency summaries. Pure: no I/O, no clock.
 */

/**
 * Quantile q of an ascending array by linear interpolation between order statistics
 * (Hyndman & Fan type 7; numpy's default `method="linear"`, R's default). Uses numpy's
 * virtual index (n−1)·q and its two-sided lerp, so results match numpy bit for bit.
 * Empty input or any NaN gives NaN (numpy sorts NaN last and returns NaN); an array that is
 * not ascending, or q outside [0, 1], throws RangeError.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const n = sorted.length;
  let sawNaN = false;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (Number.isNaN(v)) sawNaN = true;
    else if (sawNaN) throw new RangeError(`quantile: NaN before a number (index ${i}); sort NaN last`);
    else if (i > 0 && v < sorted[i - 1]) throw new RangeError(`quantile: input is not sorted ascending (index ${i})`);
  }
  if (n === 0 || sawNaN) return Number.NaN;
  const virtual = (n - 1) * q;
  const lo = Math.floor(virtual);
  const hi = Math.min(lo + 1, n - 1);
  const t = virtual - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Several quantiles of unsorted values, sorting a copy once (NaN sorts last). */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => quantile(sorted, q));
}
