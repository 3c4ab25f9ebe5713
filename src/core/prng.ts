/**
 * Seeded pseudo-random numbers. Every random choice in entropic flows through an
 * {@link Rng}, so a run is a pure function of its scenario and seed.
 *
 * The default generator is xoshiro128** (Blackman & Vigna 2018): 128 bits of state,
 * 32-bit operations only, which V8 compiles to plain integer code via Math.imul. It
 * is seeded through splitmix32 so that nearby seeds give unrelated streams.
 */

/** The source of randomness injected into protocols, topologies and drivers. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /**
   * Uniform integer in [0, n) for an integer n in [1, 2^32]. Each generator keeps its own
   * reduction, so a Python-compatible generator reproduces CPython's `_randbelow` exactly.
   */
  nextInt(n: number): number;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** A 53-bit double from two 32-bit words, the construction of MT19937's genrand_res53. */
export function res53(a: number, b: number): number {
  return ((a >>> 5) * TWO_POW_26 + (b >>> 6)) / TWO_POW_53;
}

function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/** FNV-1a over a string: a stable 32-bit label hash for deriving sub-streams. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** xoshiro128** generator. */
export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any safe integer; the low and high 32-bit halves both feed the state.
   * @param stream optional stream number, so one seed yields independent streams.
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let st = (lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(stream >>> 0, 0x85ebca77)) | 0;
    let out: number;
    [st, out] = splitmix32(st);
    this.s0 = out;
    [st, out] = splitmix32(st);
    this.s1 = out;
    [st, out] = splitmix32(st);
    this.s2 = out;
    [st, out] = splitmix32(st);
    this.s3 = out;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  nextFloat(): number {
    const a = this.nextU32();
    return res53(a, this.nextU32());
  }

  nextInt(n: number): number {
    // Hot in every sampler: Lemire's multiply-shift with rejection (unbiased), exact in
    // doubles while x·n < 2^53, i.e. n ≤ 2^21; larger bounds take the generic path.
    if (n <= 2097152 && n >= 1 && (n | 0) === n) {
      for (;;) {
        const m = this.nextU32() * n;
        const hi = Math.floor(m / 4294967296);
        const lo = m - hi * 4294967296;
        if (lo >= n || lo >= (4294967296 - n) % n) return hi;
      }
    }
    return randomInt(this, n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Create the default generator for a seed and a named purpose ("topology", "protocol", ...). */
export function createRng(seed: number, purpose = ""): Rng {
  return new Xoshiro128(seed, purpose === "" ? 0 : hashLabel(purpose));
}

/** Uniform integer in [0, n), unbiased (rejection of the top partial block). n must be in [1, 2^32]. */
export function randomInt(rng: Pick<Rng, "nextU32">, n: number): number {
  if (!(n >= 1 && n <= 4294967296) || !Number.isInteger(n)) {
    throw new RangeError(`randomInt bound must be an integer in [1, 2^32], got ${n}`);
  }
  // Accept only draws below the largest multiple of n, so every residue is equally likely.
  const limit = 4294967296 - (4294967296 % n);
  for (;;) {
    const x = rng.nextU32();
    if (x < limit) return x % n;
  }
}

/** Standard normal deviate (Marsaglia polar method; consumes an even number of floats). */
export function randomNormal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.nextFloat() - 1;
    const v = 2 * rng.nextFloat() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Exponential deviate with the given rate (mean 1/rate). */
export function randomExponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.nextFloat()) / rate;
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(rng: Rng, items: T[] | Int32Array | Uint32Array): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}
