/**
 * numpy's summation order, so ports of the seeds' `np.sum`, `np.mean` and `np.trace` round
 * the way the seeds do.
 *
 * A reduction starts from the identity 0 and adds the result of numpy's `pairwise_sum`
 * (numpy/_core/src/umath/loops_utils.h.src). For float64: fewer than 8 values go left to
 * right; up to 128 values go through 8 interleaved accumulators combined as
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus a left-to-right tail; longer runs split in two
 * at a multiple of 8 and recurse. For complex128 the same code runs over (re, im) pairs, so
 * each component sees 4 accumulators, the cut-offs are 4 and 64 elements, and the split
 * point is half the length rounded down to a multiple of 4. Checked bit for bit against
 * numpy 2.4 (real and complex sums of lengths 1–5000, and `np.trace` for d = 1–19).
 * Runs longer than numpy's 8192-element buffer are not chunked the way numpy's iterator
 * may chunk them; the seeds never sum anything that long.
 */

function realPairwise(v: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += v[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = v[start]!, r1 = v[start + 1]!, r2 = v[start + 2]!, r3 = v[start + 3]!;
    let r4 = v[start + 4]!, r5 = v[start + 5]!, r6 = v[start + 6]!, r7 = v[start + 7]!;
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      r0 += v[start + i]!;
      r1 += v[start + i + 1]!;
      r2 += v[start + i + 2]!;
      r3 += v[start + i + 3]!;
      r4 += v[start + i + 4]!;
      r5 += v[start + i + 5]!;
      r6 += v[start + i + 6]!;
      r7 += v[start + i + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += v[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return realPairwise(v, start, n2) + realPairwise(v, start + n2, n - n2);
}

/**
 * One component (real or imaginary) of numpy's complex pairwise sum over `count` values
 * read at v[offset + k·stride]. The two components never mix, so a complex sum is this
 * function applied to each part.
 */
export function complexComponentSum(v: ArrayLike<number>, offset: number, stride: number, count: number): number {
  if (count < 4) {
    let res = -0;
    for (let k = 0; k < count; k++) res += v[offset + k * stride]!;
    return res;
  }
  if (count <= 64) {
    let r0 = v[offset]!, r1 = v[offset + stride]!, r2 = v[offset + 2 * stride]!, r3 = v[offset + 3 * stride]!;
    const whole = count - (count % 4);
    let k = 4;
    for (; k < whole; k += 4) {
      r0 += v[offset + k * stride]!;
      r1 += v[offset + (k + 1) * stride]!;
      r2 += v[offset + (k + 2) * stride]!;
      r3 += v[offset + (k + 3) * stride]!;
    }
    let res = r0 + r1 + (r2 + r3);
    for (; k < count; k++) res += v[offset + k * stride]!;
    return res;
  }
  const first = (count - (count % 8)) / 2;
  return complexComponentSum(v, offset, stride, first) + complexComponentSum(v, offset + first * stride, stride, count - first);
}

/** Σ values in numpy's pairwise order (`np.sum` of a 1-d float64 array). */
export function numpySum(values: ArrayLike<number>): number {
  return 0 + realPairwise(values, 0, values.length);
}

/** `np.mean` of a 1-d float64 array: numpySum / length (NaN when empty, as numpy returns with a warning). */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}

/** `np.sum` of a 1-d complex128 array given as real and imaginary parts. */
export function numpyComplexSum(re: ArrayLike<number>, im: ArrayLike<number>): { re: number; im: number } {
  if (re.length !== im.length) throw new RangeError(`numpyComplexSum: ${re.length} real parts, ${im.length} imaginary parts`);
  return { re: 0 + complexComponentSum(re, 0, 1, re.length), im: 0 + complexComponentSum(im, 0, 1, im.length) };
}
