/**
 * numpy's summation order, so ports of the seeds' `np.sum` / `np.mean` round the way the
 * seeds do.
 *
 * `np.add.reduce` over a contiguous float64 array starts from the identity 0 and adds the
 * result of `pairwise_sum` (numpy/_core/src/umath/loops_utils.h.src): fewer than 8
 * values are added left to right; up to 128 values go through 8 interleaved accumulators
 * combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus a left-to-right tail; longer
 * arrays split in two at a multiple of 8 and recurse. Checked against numpy 2.4 here
 * (2,200 random arrays, lengths 8–5000, all bit-identical). Arrays longer than numpy's
 * 8192-element buffer are not chunked the way numpy's iterator may chunk them; the seeds
 * never sum anything that long.
 */

const BLOCK = 128;

function pairwise(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = values[start]!, r1 = values[start + 1]!, r2 = values[start + 2]!, r3 = values[start + 3]!;
    let r4 = values[start + 4]!, r5 = values[start + 5]!, r6 = values[start + 6]!, r7 = values[start + 7]!;
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      r0 += values[start + i]!;
      r1 += values[start + i + 1]!;
      r2 += values[start + i + 2]!;
      r3 += values[start + i + 3]!;
      r4 += values[start + i + 4]!;
      r5 += values[start + i + 5]!;
      r6 += values[start + i + 6]!;
      r7 += values[start + i + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += values[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(values, start, n2) + pairwise(values, start + n2, n - n2);
}

/** Σ values in numpy's pairwise order (`np.sum` of a 1-d float64 array). */
export function numpySum(values: ArrayLike<number>): number {
  return 0 + pairwise(values, 0, values.length);
}

/** `np.mean` of a 1-d float64 array: numpySum / length (NaN when empty, as numpy warns and returns). */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}
