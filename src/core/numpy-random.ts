/**
 * numpy's legacy `RandomState`, bit for bit, for the routines the seeds' code calls
 * through `np.random.*` after `np.random.seed(s)`: `rand`, `randn`, `randint`,
 * `permutation`, `shuffle` and `choice(n, size, replace=False)`. The legacy stream is
 * frozen by numpy's compatibility policy (NEP 19), so these stay valid across numpy
 * releases; the modern `Generator` API is a different stream and is not provided.
 */
import { type Rng, res53 } from "./prng.js";
import { Mt19937 } from "./python-random.js";

const TWO_POW_32 = 4294967296;

/** Smallest all-ones mask ≥ max, for 0 ≤ max < 2^32. */
function mask32(max: number): number {
  let m = max >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/**
 * `numpy.random.RandomState(seed)` for an integer seed in [0, 2^32): MT19937 seeded by
 * `init_genrand` (numpy's `mt19937_seed`), plus the cached second Gaussian of the legacy
 * polar method. Seeding resets the cache, as `np.random.seed` does.
 */
export class NumpyRandomState implements Rng {
  private readonly mt: Mt19937;
  private hasGauss = false;
  private gauss = 0;

  /** @param seed integer in [0, 2^32 − 1]; numpy rejects anything else and so does this. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32 - 1], got ${seed}`);
    }
    this.mt = Mt19937.fromWord(seed);
  }

  /** One raw MT19937 word (numpy's `next_uint32`). */
  nextU32(): number {
    return this.mt.nextU32();
  }

  /** `rand()` / `random_sample()`: numpy's `legacy_double`, 53 bits from two words. */
  nextFloat(): number {
    const a = this.mt.nextU32();
    return res53(a, this.mt.nextU32());
  }

  /** `np.random.rand()` (one value). */
  rand(): number {
    return this.nextFloat();
  }

  /**
   * `np.random.randn()` (one value): numpy's `legacy_gauss`. The polar method yields two
   * deviates per accepted pair; numpy returns `f·x2` and caches `f·x1` for the next call,
   * so the order of returned values matters for bit-exactness.
   */
  randn(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const cached = this.gauss;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextFloat() - 1;
      x2 = 2 * this.nextFloat() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * libmLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * numpy's `random_interval(max)`: uniform integer in [0, max] by masking a word with the
   * smallest all-ones mask ≥ max and rejecting values above max. Only max < 2^32 is
   * supported (larger bounds switch numpy to 64-bit draws).
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max >= TWO_POW_32) {
      throw new RangeError(`interval: max must be an integer in [0, 2^32), got ${max}`);
    }
    if (max === 0) return 0;
    const mask = mask32(max);
    let v: number;
    do {
      v = (this.mt.nextU32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /**
   * Uniform integer in [0, n) for n in [1, 2^32]: the draw of legacy `randint(n)` (masked
   * rejection on 32-bit words, numpy's `random_bounded_uint64` with `use_masked`), which is
   * `interval(n − 1)`.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    return this.interval(n - 1);
  }

  /** `np.random.randint(n)` under its numpy name. */
  randint(n: number): number {
    return this.nextInt(n);
  }

  /**
   * Legacy `shuffle` of a 1-d array in place: for i from length−1 down to 1, swap with
   * `interval(i)`. numpy walks the same indices, so any typed or plain array shuffles alike.
   */
  shuffle(items: { length: number; [i: number]: number }): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
  }

  /** Legacy `permutation(n)`: `arange(n)` shuffled. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`permutation: n must be a non-negative int32, got ${n}`);
    const arr = new Int32Array(n);
    for (let i = 0; i < n; i++) arr[i] = i;
    this.shuffle(arr);
    return arr;
  }

  /**
   * Legacy `choice(n, size, replace=False)` without `p`: numpy takes `permutation(n)[:size]`,
   * so it consumes draws for a full shuffle of n items however small `size` is.
   */
  choiceWithoutReplacement(n: number, size: number): Int32Array {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`choiceWithoutReplacement: size must be a non-negative integer, got ${size}`);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`choiceWithoutReplacement: n must be a positive integer, got ${n}`);
    if (size > n) throw new RangeError(`choiceWithoutReplacement: size ${size} exceeds population ${n}`);
    return this.permutation(n).slice(0, size);
  }
}

// ---------------------------------------------------------------------------------------
// The natural logarithm exactly as numpy computes it. legacy_gauss calls the C library's
// log(), and V8's Math.log (fdlibm) differs from glibc's in the last bit for about 1.5% of
// arguments, which would leak into every randn() value. glibc's log (since 2.28, from ARM's
// optimized-routines) is not correctly rounded either (0.52 ulp), so the only way to agree
// bit for bit is to replay its arithmetic: a 128-entry table around the reduced argument, a
// short polynomial, and the fused multiply-adds that the x86-64 FMA build (selected on any
// CPU with AVX2 and FMA) executes. The operation order below follows that build's machine
// code, not the C source, because the compiler contracted a*b+c into FMAs. The table and
// coefficients are glibc's __log_data. Checked against glibc 2.36 on 10^6 randn values
// and 5·10^5 logs across the whole double range.
// ---------------------------------------------------------------------------------------

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const WORD_HI = LITTLE_ENDIAN ? 1 : 0;
const WORD_LO = LITTLE_ENDIAN ? 0 : 1;
const SPLITTER = 134217729; // 2^27 + 1, Dekker's splitting constant

/**
 * Fused multiply-add a·b + c with a single rounding. Exact product by Dekker's splitting,
 * exact sum with c by TwoSum, then the two error terms are added with rounding to odd, which
 * makes the final round-to-nearest correct (Boldo & Melquiond, IEEE TC 57(4), 2008).
 * Valid while no intermediate overflows or underflows, which holds for every call below.
 */
function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - p + ah * bl + al * bh + al * bl;
  const uh = c + p;
  const bb = uh - c;
  const ul = c - (uh - bb) + (p - bb);
  let v = ul + pl;
  const vb = v - ul;
  const ve = ul - (v - vb) + (pl - vb);
  if (ve !== 0) {
    f64[0] = v;
    if ((u32[WORD_LO]! & 1) === 0) {
      // Even last bit with a non-zero remainder: step one ulp toward the remainder (round to odd).
      if (ve > 0 === v > 0) {
        if (u32[WORD_LO] === 0xffffffff) {
          u32[WORD_LO] = 0;
          u32[WORD_HI] = u32[WORD_HI]! + 1;
        } else u32[WORD_LO] = u32[WORD_LO]! + 1;
      } else if (u32[WORD_LO] === 0) {
        u32[WORD_LO] = 0xffffffff;
        u32[WORD_HI] = u32[WORD_HI]! - 1;
      } else u32[WORD_LO] = u32[WORD_LO]! - 1;
      v = f64[0]!;
    }
  }
  return uh + v;
}

/* glibc __log_data: ln2 split, polynomial for log1p(r) - r (A), near-1 polynomial (B),
   and 128 pairs (1/c, log c). */
const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
const A = [-0.5000000000000001, 0.33333333331825593, -0.2499999999622955, 0.20000304511814496, -0.16667054827627667];
const B = [-0.5, 0.3333333333333352, -0.24999999999998432, 0.19999999999320328, -0.16666666669929706, 0.14285715076560868, -0.12499997863982555, 0.11110712032936046, -0.10000486757818193, 0.09181994006195467, -0.08328363062289341];
/** pairs (invc, logc) */
const TAB = new Float64Array([
  1.4504249240398293, -0.3718565645633589, 1.442253508327276, -0.36620682668944937,
  1.4341736174350004, -0.3605888069791945, 1.426183816329995, -0.3550022171419869,
  1.4182825527052965, -0.34944666968829097, 1.4104682921759335, -0.3439217713603284,
  1.4027396147468003, -0.3384271921261188, 1.3950954438932313, -0.332962831494342,
  1.3875338232485754, -0.32752794345742586, 1.3800539211058593, -0.32212257167088865,
  1.3726542695419708, -0.3167462884799761, 1.3653332798446802, -0.3113985598928366,
  1.358090204587874, -0.3060794515165526, 1.3509234892132138, -0.300788424667644,
  1.3438320840699889, -0.2955252968476998, 1.3368146974742003, -0.29028969275850613,
  1.329870114677736, -0.2850812793277555, 1.322997339161106, -0.27989987391470095,
  1.316195352741367, -0.27474526621870154, 1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115, 1.2962024229438942, -0.2594387762767383,
  1.2896726275815547, -0.2543884090981692, 1.2832080305745537, -0.24936321635129843,
  1.276807885983376, -0.24436312405975968, 1.2704714060687552, -0.23938801747897287,
  1.2641976054949482, -0.23443761696705678, 1.257985357514882, -0.22951151871518505,
  1.2518337750655457, -0.2246094963439873, 1.2457421919097305, -0.21973149037705753,
  1.2397094966625508, -0.2148770752847895, 1.2337348463589233, -0.210046029103637,
  1.2278176973028803, -0.20523836373934046, 1.2219570190618474, -0.20045368751368642,
  1.2161519732977757, -0.1956917537758045, 1.2104018095009725, -0.19095237845203883,
  1.204705805718973, -0.18623539250290833, 1.1990631185441964, -0.18154051731551135,
  1.1934733004462308, -0.1768677957431919, 1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543, 1.1770114976921955, -0.16297859687290384,
  1.1716248121809465, -0.15839151377804228, 1.1662869231674715, -0.15382513241456763,
  1.1609977486762766, -0.14927976358922024, 1.1557563220795803, -0.14475495398119165,
  1.1505619105480347, -0.14025044090817573, 1.1454138888505974, -0.1357660466685502,
  1.140311877374656, -0.1313018016355727, 1.1352550225747513, -0.12685731518763532,
  1.1302429094831266, -0.1224325737671279, 1.1252747693068048, -0.11802724521862729,
  1.1203501571039876, -0.11364127671663482, 1.1154683327680124, -0.10927434611278386,
  1.1106291463292157, -0.10492665324943573, 1.1058315813301596, -0.10059761422644442,
  1.1010752177696026, -0.09628717309055901, 1.0963597137952512, -0.09199534069557558,
  1.0916844827550398, -0.08772190036688698, 1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668, 1.0778948225025884, -0.0750099004750382,
  1.0733751731601076, -0.07080805133352897, 1.068893585073351, -0.06662408085151128,
  1.0644491706655506, -0.06245745471915143, 1.0600414846328305, -0.0583080438042316,
  1.0556701316181605, -0.05417576112313327, 1.051334750556926, -0.050060547896805474,
  1.0470347288442157, -0.045962101199052086, 1.0427699229652954, -0.04188056008865715,
  1.0385395013738175, -0.03781540056183985, 1.034343418940345, -0.03376684757915882,
  1.0301811073173315, -0.029734619131772888, 1.026052043621297, -0.025718470239212365,
  1.0219561082336197, -0.021718543925430822, 1.0178926505784922, -0.01773446126981071,
  1.0138614436244586, -0.013766252464051831, 1.0098620186501341, -0.009813706322574944,
  1.0058938559734134, -0.005876555150052809, 1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412, 0.9884170338185201, 0.011650571286395461,
  0.9808429191005297, 0.019342955478919066, 0.9733840169987446, 0.0269766014846482,
  0.9660377568876556, 0.034552359728422744, 0.9588014945307369, 0.04207121767183253,
  0.9516728569073111, 0.049533940950141186, 0.9446494635965822, 0.056941358295944156,
  0.9377288993026223, 0.06429439168346107, 0.9309091073790681, 0.0715936354946507,
  0.924187681612722, 0.07884010933776153, 0.9175626765599192, 0.08603438905970506,
  0.9110320403624034, 0.09317721180013905, 0.9045935839762024, 0.10026951462748457,
  0.8982456375922825, 0.10731170956330516, 0.8919860966782501, 0.11430473320717738,
  0.8858131121185129, 0.12124928503033061, 0.879725075760676, 0.12814583422959913,
  0.8737201372634685, 0.1349951636851756, 0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146, 0.8561872354420692, 0.1552661937658968,
  0.8504983927816893, 0.16193275688146969, 0.8448844572790304, 0.16855539792220497,
  0.8393442741575965, 0.1751343179947753, 0.8338762249349438, 0.1816702989864325,
  0.8284789320557778, 0.18816387146023317, 0.8231510800065832, 0.1946155228479256,
  0.8178913903778707, 0.20102572579389744, 0.8126984007245374, 0.2073952090795501,
  0.8075710029460227, 0.21372429840596396, 0.8025078881160415, 0.2200135945981856,
  0.7975077379364331, 0.22626374162859975, 0.792569604966373, 0.23247494747693054,
  0.7876923641254114, 0.23864766620658884, 0.7828746724940998, 0.24478265647405806,
  0.7781155388790811, 0.25088025827324145, 0.7734139557869777, 0.2569408552510595,
  0.7687687179914933, 0.26296511155101143, 0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595, 0.7551621951078668, 0.2808227248478943,
  0.7507331780216866, 0.286704979267256, 0.7463557196361751, 0.29255295645509705,
  0.7420289364869653, 0.2983670386142876, 0.7377521537065876, 0.30414734587282055,
  0.7335242966002608, 0.30989455774829366, 0.729344777457841, 0.31560871301871884,
]);

const NEAR_ONE_LO = 1 - 0.0625;
const NEAR_ONE_HI = 1 + 0x109 / 4096;

/**
 * Natural logarithm, bit-identical to glibc's `log` on x86-64 with FMA (glibc ≥ 2.28), which
 * is what numpy calls on Linux. Use it wherever a value must match numpy or CPython's `math.log`
 * to the last bit; `Math.log` is faster but differs in the last place for ~1.5% of inputs.
 */
export function libmLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  if (x >= NEAR_ONE_LO && x < NEAR_ONE_HI) {
    // Near 1 the table would lose accuracy; glibc evaluates a degree-12 polynomial in r = x − 1
    // and splits r²/2 so its rounding error is recovered.
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const p1 = fma(r2, B[3]!, fma(r, B[2]!, B[1]!));
    const p2 = fma(r2, B[6]!, fma(r, B[5]!, B[4]!));
    let q = fma(r3, B[10]!, fma(r2, B[9]!, fma(r, B[8]!, B[7]!)));
    q = fma(q, r3, p2);
    q = fma(q, r3, p1);
    const w = r * 134217728 + r;
    const rhi = w - r * 134217728;
    const rlo = r - rhi;
    const rhi2 = rhi * rhi;
    const hi = r + rhi2 * B[0]!;
    const lo = fma(B[0]! * rlo, r + rhi, r - hi + rhi2 * B[0]!);
    return hi + fma(q, r3, lo);
  }
  f64[0] = x;
  let hiWord = u32[WORD_HI]!;
  if (hiWord < 0x00100000) {
    // Subnormal: scale into the normal range and take 52 off the exponent field (it may wrap,
    // as glibc's 64-bit subtraction does; the split below undoes it).
    f64[0] = x * 4503599627370496;
    hiWord = u32[WORD_HI]! - (52 << 20);
  }
  // x = 2^k · z with z in [0.6875, 1.375); i picks the table interval holding z.
  const tmp = (hiWord - 0x3fe60000) | 0;
  const i = (tmp >>> 13) & 0x7f;
  const k = tmp >> 20;
  u32[WORD_HI] = (hiWord - (k << 20)) >>> 0;
  const z = f64[0]!;
  const r = fma(z, TAB[2 * i]!, -1);
  const w = fma(k, LN2_HI, TAB[2 * i + 1]!);
  const hi = r + w;
  const lo = fma(k, LN2_LO, w - hi + r);
  const r2 = r * r;
  const p = fma(fma(r, A[4]!, A[3]!), r2, fma(r, A[2]!, A[1]!));
  return fma(r * r2, p, fma(r2, A[0]!, lo)) + hi;
}
