/**
 * CPython's `random.Random`, bit for bit: the MT19937 generator seeded the way
 * `random.seed(int)` seeds it, with `random()`, `getrandbits()`, `_randbelow()` and
 * `choice()` consuming exactly the 32-bit words CPython consumes. networkx draws its
 * graphs from this generator, so the seeds' Watts–Strogatz graphs replay only through it.
 *
 * The MT19937 core is exported because numpy's legacy `RandomState` runs the same
 * generator with a different seeding routine (see numpy-random.ts).
 */
import { type Rng, res53 } from "./prng.js";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;

/**
 * The MT19937 generator of Matsumoto & Nishimura (1998), as in their reference
 * `mt19937ar.c`, which both CPython and numpy embed unchanged.
 */
export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** Seed with one 32-bit word (`init_genrand`; numpy's `mt19937_seed`). */
  static fromWord(seed: number): Mt19937 {
    const g = new Mt19937();
    g.initGenrand(seed >>> 0);
    return g;
  }

  /** Seed with a key of 32-bit words (`init_by_array`; CPython's `random.seed`). */
  static fromKey(key: ArrayLike<number>): Mt19937 {
    if (key.length === 0) throw new RangeError("MT19937 key must hold at least one word");
    const g = new Mt19937();
    g.initByArray(key);
    return g;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.mti = N;
  }

  private initByArray(key: ArrayLike<number>): void {
    const mt = this.mt;
    const len = key.length;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j]! >>> 0) + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    // The reference code forces a non-zero state this way; a key of zeros would otherwise stick.
    mt[0] = 0x80000000;
    this.mti = N;
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.mti = 0;
  }

  /** Next tempered 32-bit word (`genrand_uint32`), as an unsigned number. */
  nextU32(): number {
    if (this.mti >= N) this.twist();
    let y = this.mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** 32-bit little-endian words of |seed|, at least one word: CPython's key for `init_by_array`. */
function seedKey(seed: number | bigint): number[] {
  let v: bigint;
  if (typeof seed === "bigint") {
    v = seed < 0n ? -seed : seed;
  } else {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer or a bigint, got ${seed}`);
    v = BigInt(Math.abs(seed));
  }
  const key: number[] = [];
  while (v > 0n) {
    key.push(Number(v & 0xffffffffn));
    v >>= 32n;
  }
  if (key.length === 0) key.push(0);
  return key;
}

/** Number of bits needed for n (Python's `int.bit_length`), for 0 ≤ n < 2^53. */
function bitLength(n: number): number {
  return n < TWO_POW_32 ? 32 - Math.clz32(n) : 32 + (32 - Math.clz32(Math.floor(n / TWO_POW_32)));
}

/**
 * CPython's `random.Random(seed)` for integer seeds. Every method consumes the same
 * MT19937 words as its CPython counterpart, so a sequence of calls reproduces Python's
 * output exactly (checked against python3 in test/fixtures/python-rng).
 */
export class PythonRandom implements Rng {
  private readonly mt: Mt19937;

  /**
   * @param seed any integer; like CPython, the sign is dropped and |seed| is split into
   *   32-bit words, least significant first. Use a bigint for seeds beyond 2^53.
   */
  constructor(seed: number | bigint) {
    this.mt = Mt19937.fromKey(seedKey(seed));
  }

  /** `random.getrandbits(32)`: one raw MT19937 word. */
  nextU32(): number {
    return this.mt.nextU32();
  }

  /** `random.random()`: 53-bit double in [0, 1) from two words. */
  nextFloat(): number {
    const a = this.mt.nextU32();
    return res53(a, this.mt.nextU32());
  }

  /** `random.random()` under its Python name. */
  random(): number {
    return this.nextFloat();
  }

  /**
   * `random.getrandbits(k)` for 0 ≤ k ≤ 53 (the range a double holds exactly). Beyond 32
   * bits CPython fills the result least significant word first and truncates the last
   * word from the top, which is what this does.
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 53) throw new RangeError(`getrandbits: k must be an integer in [0, 53], got ${k}`);
    if (k === 0) return 0;
    if (k <= 32) return this.mt.nextU32() >>> (32 - k);
    const lo = this.mt.nextU32();
    const hi = this.mt.nextU32() >>> (64 - k);
    return hi * TWO_POW_32 + lo;
  }

  /**
   * `random._randbelow(n)`: rejection sampling on `getrandbits(n.bit_length())`. Note
   * CPython uses the bit length of n, not of n − 1, so a power of two rejects about half
   * of its draws; reproducing that is the point.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 53) throw new RangeError(`nextInt: n must be an integer in [1, 2^53], got ${n}`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.randrange(n)` for a positive integer n (the same draw as `_randbelow`). */
  randrange(n: number): number {
    return this.nextInt(n);
  }

  /** `random.choice(seq)`. Throws RangeError on an empty sequence (Python raises IndexError). */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new RangeError("choice: cannot choose from an empty sequence");
    return seq[this.nextInt(seq.length)]!;
  }
}
