/**
 * Shannon entropy of a discrete distribution: the "local entropy" S_i of EMTD's
 * Hamiltonian and the candidate-distribution observable of the simulators.
 */

function logOfBase(base: number): number {
  if (!(base > 0 && base !== 1 && Number.isFinite(base))) {
    throw new RangeError(`entropy base must be a positive finite number other than 1, got ${base}`);
  }
  return Math.log(base);
}

/**
 * H(p) = −Σ p_k log p_k, natural log unless `base` is given (2 for bits). Zero
 * probabilities contribute 0 (the limit p log p → 0). The probabilities are used as given,
 * not renormalised, so a caller's unnormalised input shows up in the result rather than
 * being hidden.
 * @throws RangeError on a negative or non-finite probability, or an invalid base.
 */
export function shannonEntropy(probabilities: ArrayLike<number>, base = Math.E): number {
  const lnBase = base === Math.E ? 1 : logOfBase(base);
  let h = 0;
  for (let k = 0; k < probabilities.length; k++) {
    const p = probabilities[k]!;
    if (!(p >= 0 && Number.isFinite(p))) throw new RangeError(`shannonEntropy: probability ${k} is ${p}`);
    if (p > 0) h -= p * Math.log(p);
  }
  return h / lnBase;
}

/**
 * Entropy of the empirical distribution of non-negative counts (count_k / total). All-zero
 * or empty counts have entropy 0: nothing observed, nothing uncertain.
 * @throws RangeError on a negative or non-finite count, or an invalid base.
 */
export function shannonEntropyOfCounts(counts: ArrayLike<number>, base = Math.E): number {
  const lnBase = base === Math.E ? 1 : logOfBase(base);
  let total = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (!(c >= 0 && Number.isFinite(c))) throw new RangeError(`shannonEntropyOfCounts: count ${k} is ${c}`);
    total += c;
  }
  if (total === 0) return 0;
  let h = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log(p);
    }
  }
  return h / lnBase;
}
