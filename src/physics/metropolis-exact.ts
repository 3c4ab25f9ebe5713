/**
 * Exact enumeration of single-site Metropolis chains on small graphs: every configuration
 * of n spins over q values (q^n states, base-q index, node 0 the least significant digit),
 * the random-scan transition matrix as sparse rows, the Boltzmann distribution, and the
 * checks Lemma 1 of the EMTD seed rests on: detailed balance π(x)P(x,y) = π(y)P(y,x),
 * stationarity πP = π, irreducibility, absorbing states, and the exact distribution after
 * t steps (also under a temperature schedule).
 *
 * A step picks a node i uniformly (1/n), asks the proposal rule for candidate values with
 * probabilities, and accepts a proposal s ≠ σ_i with min(1, exp(−ΔH/T)); rejected mass
 * stays on the diagonal. Pure: no I/O, no randomness. Meant for q^n ≤ ~10^5.
 */

/** What the kernel needs to know about the chain. */
export interface ChainSpec {
  /** nodes */
  readonly n: number;
  /** values per spin */
  readonly q: number;
  /** energy change when node i moves from its current value to s, in configuration `spins` */
  deltaH(spins: Int32Array, i: number, s: number): number;
  /**
   * Proposal for node i: writes the probability of proposing each value s (s = σ_i allowed:
   * "no move") into `out` (length q), summing to 1.
   */
  proposal(spins: Int32Array, i: number, out: Float64Array): void;
}

/** Row-compressed transition matrix (rows sum to 1). */
export interface SparseKernel {
  readonly states: number;
  readonly offsets: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

/** Decode state index x into spins (node 0 = least significant base-q digit). */
export function decodeState(x: number, n: number, q: number, out: Int32Array = new Int32Array(n)): Int32Array {
  let r = x;
  for (let i = 0; i < n; i++) {
    out[i] = r % q;
    r = Math.floor(r / q);
  }
  return out;
}

export function encodeState(spins: ArrayLike<number>, q: number): number {
  let x = 0;
  for (let i = spins.length - 1; i >= 0; i--) x = x * q + spins[i]!;
  return x;
}

function stateCount(n: number, q: number): number {
  const s = q ** n;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(q) || q < 2) throw new RangeError(`exact chain: need n ≥ 1 and q ≥ 2 integers, got n=${n}, q=${q}`);
  if (s > 2_000_000) throw new RangeError(`exact chain: ${q}^${n} = ${s} states is too many to enumerate`);
  return s;
}

/** The Metropolis kernel at temperature T > 0. */
export function metropolisKernel(spec: ChainSpec, T: number): SparseKernel {
  if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`exact chain: temperature must be positive and finite, got ${T}`);
  const { n, q } = spec;
  const S = stateCount(n, q);
  const offsets = new Int32Array(S + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const spins = new Int32Array(n);
  const prop = new Float64Array(q);
  const pow = Int32Array.from({ length: n }, (_, i) => q ** i);
  for (let x = 0; x < S; x++) {
    decodeState(x, n, q, spins);
    let stay = 0;
    const start = cols.length;
    for (let i = 0; i < n; i++) {
      prop.fill(0);
      spec.proposal(spins, i, prop);
      const own = spins[i]!;
      for (let s = 0; s < q; s++) {
        const p = prop[s]! / n;
        if (p === 0) continue;
        if (s === own) {
          stay += p;
          continue;
        }
        const dH = spec.deltaH(spins, i, s);
        const a = dH <= 0 ? 1 : Math.exp(-dH / T);
        const y = x + (s - own) * pow[i]!;
        if (a > 0) {
          cols.push(y);
          vals.push(p * a);
        }
        stay += p * (1 - a);
      }
    }
    // Merge duplicate targets (none for single-site moves: each (i, s) reaches a distinct y).
    if (stay > 0) {
      cols.push(x);
      vals.push(stay);
    }
    offsets[x + 1] = cols.length;
    void start;
  }
  return { states: S, offsets, cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
}

/** Boltzmann distribution π(x) ∝ exp(−H(x)/T), H(x) from `energy(spins)`. */
export function boltzmann(n: number, q: number, energy: (spins: Int32Array) => number, T: number): Float64Array {
  const S = stateCount(n, q);
  const spins = new Int32Array(n);
  const e = new Float64Array(S);
  let min = Infinity;
  for (let x = 0; x < S; x++) {
    e[x] = energy(decodeState(x, n, q, spins));
    if (e[x]! < min) min = e[x]!;
  }
  const pi = new Float64Array(S);
  let z = 0;
  for (let x = 0; x < S; x++) {
    pi[x] = Math.exp(-(e[x]! - min) / T);
    z += pi[x]!;
  }
  for (let x = 0; x < S; x++) pi[x] = pi[x]! / z;
  return pi;
}

/** P(x, y) by search in row x (0 when absent). */
export function entry(k: SparseKernel, x: number, y: number): number {
  let v = 0;
  for (let e = k.offsets[x]!; e < k.offsets[x + 1]!; e++) if (k.cols[e] === y) v += k.vals[e]!;
  return v;
}

/**
 * Largest |π(x)P(x,y) − π(y)P(y,x)| over all pairs with P(x,y) > 0 or P(y,x) > 0, and the
 * largest such gap relative to max(π(x)P(x,y), π(y)P(y,x)) (1 when one direction is
 * impossible: a one-way move).
 */
export function detailedBalanceGap(k: SparseKernel, pi: Float64Array): { absolute: number; relative: number; oneWay: number } {
  let absolute = 0;
  let relative = 0;
  let oneWay = 0;
  for (let x = 0; x < k.states; x++) {
    for (let e = k.offsets[x]!; e < k.offsets[x + 1]!; e++) {
      const y = k.cols[e]!;
      if (y === x) continue;
      const fwd = pi[x]! * k.vals[e]!;
      const back = pi[y]! * entry(k, y, x);
      const gap = Math.abs(fwd - back);
      if (gap > absolute) absolute = gap;
      const scale = Math.max(fwd, back);
      if (scale > 0 && gap / scale > relative) relative = gap / scale;
      if (entry(k, y, x) === 0) oneWay++;
    }
  }
  return { absolute, relative, oneWay };
}

/** d ↦ dP (row vector times kernel), into `out`. */
export function stepDistribution(k: SparseKernel, d: Float64Array, out: Float64Array = new Float64Array(k.states)): Float64Array {
  out.fill(0);
  for (let x = 0; x < k.states; x++) {
    const m = d[x]!;
    if (m === 0) continue;
    for (let e = k.offsets[x]!; e < k.offsets[x + 1]!; e++) out[k.cols[e]!] += m * k.vals[e]!;
  }
  return out;
}

/** ‖πP − π‖₁: 0 exactly when π is stationary. */
export function stationarityResidual(k: SparseKernel, pi: Float64Array): number {
  const next = stepDistribution(k, pi);
  let r = 0;
  for (let x = 0; x < k.states; x++) r += Math.abs(next[x]! - pi[x]!);
  return r;
}

/** Total-variation distance ½‖a − b‖₁. */
export function totalVariation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`totalVariation: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / 2;
}

/** States whose only transition is to themselves. */
export function absorbingStates(k: SparseKernel): number[] {
  const out: number[] = [];
  for (let x = 0; x < k.states; x++) {
    let moves = false;
    for (let e = k.offsets[x]!; e < k.offsets[x + 1]!; e++) if (k.cols[e] !== x && k.vals[e]! > 0) moves = true;
    if (!moves) out.push(x);
  }
  return out;
}

/** Whether every state reaches every other (forward and backward search from state 0). */
export function irreducible(k: SparseKernel): boolean {
  const reach = (forward: boolean): number => {
    const seen = new Uint8Array(k.states);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    // Backward edges: build the transpose once.
    let tOff: Int32Array | null = null;
    let tCols: Int32Array | null = null;
    if (!forward) {
      tOff = new Int32Array(k.states + 1);
      for (let e = 0; e < k.cols.length; e++) tOff[k.cols[e]! + 1]!++;
      for (let x = 0; x < k.states; x++) tOff[x + 1] += tOff[x]!;
      tCols = new Int32Array(k.cols.length);
      const fill = tOff.slice(0, k.states);
      for (let x = 0; x < k.states; x++) for (let e = k.offsets[x]!; e < k.offsets[x + 1]!; e++) if (k.vals[e]! > 0) tCols[fill[k.cols[e]!]!++] = x;
    }
    while (stack.length > 0) {
      const x = stack.pop()!;
      const [lo, hi, arr] = forward ? [k.offsets[x]!, k.offsets[x + 1]!, k.cols] : [tOff![x]!, tOff![x + 1]!, tCols!];
      for (let e = lo; e < hi; e++) {
        const y = arr[e]!;
        if (forward && !(k.vals[e]! > 0)) continue;
        if (seen[y] === 0) {
          seen[y] = 1;
          count++;
          stack.push(y);
        }
      }
    }
    return count;
  };
  return reach(true) === k.states && reach(false) === k.states;
}

/**
 * Evolve a distribution under a temperature schedule: `steps` single-site steps, the kernel
 * at step t built for T = temperature(floor(t / n)) (one round = n steps, as one poll per
 * node per round). Kernels are cached by temperature. Returns the final distribution.
 */
export function evolveAnnealed(spec: ChainSpec, start: Float64Array, rounds: number, temperature: (round: number) => number, cacheLimit = 64): Float64Array {
  let d = Float64Array.from(start);
  let tmp = new Float64Array(d.length);
  const cache = new Map<number, SparseKernel>();
  for (let r = 0; r < rounds; r++) {
    const T = temperature(r);
    let k = cache.get(T);
    if (!k) {
      k = metropolisKernel(spec, T);
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(T, k);
    }
    for (let s = 0; s < spec.n; s++) {
      stepDistribution(k, d, tmp);
      [d, tmp] = [tmp, d];
    }
  }
  return d;
}
