import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mt19937, PythonRandom } from "../../../src/core/python-random.js";

interface PythonRun {
  seed: number | string;
  u32: number[];
  random: number[];
  getrandbits: [number, number][];
  randbelow: [number, number][];
  choice50: number[];
  mixed: [string, number][];
  u32AfterTwist: number[];
}

const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/python-rng/python-random.json"), "utf8")) as {
  data: PythonRun[];
};

function seedOf(s: number | string): number | bigint {
  return typeof s === "string" ? BigInt(s) : s;
}

describe("PythonRandom against CPython (test/fixtures/python-rng)", () => {
  it("covers zero, 32-bit, multi-word and negative seeds", () => {
    const seeds = fixture.data.map((r) => String(r.seed));
    expect(seeds).toEqual(expect.arrayContaining(["0", "1", String(2 ** 32 - 1), String(2 ** 32), "12345678901234567890", "-7"]));
  });

  for (const run of fixture.data) {
    describe(`seed ${run.seed}`, () => {
      const seed = seedOf(run.seed);

      it("getrandbits(32) words", () => {
        const r = new PythonRandom(seed);
        expect(run.u32.map(() => r.nextU32())).toEqual(run.u32);
      });

      it("random()", () => {
        const r = new PythonRandom(seed);
        expect(run.random.map(() => r.nextFloat())).toEqual(run.random);
      });

      it("getrandbits(k) for k in 0..53", () => {
        const r = new PythonRandom(seed);
        expect(run.getrandbits.map(([k]) => [k, r.getrandbits(k)])).toEqual(run.getrandbits);
      });

      it("_randbelow(n), including powers of two and n > 2^32", () => {
        const r = new PythonRandom(seed);
        expect(run.randbelow.map(([n]) => [n, r.nextInt(n)])).toEqual(run.randbelow);
      });

      it("choice(range(50))", () => {
        const r = new PythonRandom(seed);
        const seq = Array.from({ length: 50 }, (_, i) => i);
        expect(run.choice50.map(() => r.choice(seq))).toEqual(run.choice50);
      });

      it("an interleaving of random(), choice() and _randbelow()", () => {
        const r = new PythonRandom(seed);
        const seq = Array.from({ length: 50 }, (_, i) => i);
        const got = run.mixed.map(([name]): [string, number] => {
          if (name === "random") return [name, r.random()];
          if (name === "choice") return [name, r.choice(seq)];
          return [name, r.randrange(7)];
        });
        expect(got).toEqual(run.mixed);
      });

      it("words after the state has been regenerated", () => {
        const r = new PythonRandom(seed);
        for (let i = 0; i < 700; i++) r.nextU32();
        expect(run.u32AfterTwist.map(() => r.nextU32())).toEqual(run.u32AfterTwist);
      });
    });
  }
});

describe("PythonRandom", () => {
  it("treats a number seed and the equal bigint alike, and drops the sign like CPython", () => {
    const a = new PythonRandom(2 ** 40 + 3);
    const b = new PythonRandom(BigInt(2 ** 40 + 3));
    const c = new PythonRandom(-(2 ** 40 + 3));
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextU32())).toEqual(xs);
  });

  it("keeps nextInt in range and getrandbits below 2^k", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: 0, max: 53 }), (seed, n, k) => {
        const r = new PythonRandom(seed);
        const x = r.nextInt(n);
        const b = r.getrandbits(k);
        return Number.isInteger(x) && x >= 0 && x < n && Number.isInteger(b) && b >= 0 && b < 2 ** k;
      }),
    );
  });

  it("rejects bad arguments with RangeError", () => {
    expect(() => new PythonRandom(1.5)).toThrow(RangeError);
    const r = new PythonRandom(0);
    expect(() => r.nextInt(0)).toThrow(/n must be/);
    expect(() => r.getrandbits(54)).toThrow(/k must be/);
    expect(() => r.choice([])).toThrow(RangeError);
    expect(() => Mt19937.fromKey([])).toThrow(RangeError);
  });
});

describe("Mt19937", () => {
  it("reproduces the reference mt19937ar.c output for init_by_array({0x123, 0x234, 0x345, 0x456})", () => {
    // First outputs listed in Matsumoto & Nishimura's mt19937ar.out.
    const g = Mt19937.fromKey([0x123, 0x234, 0x345, 0x456]);
    expect(Array.from({ length: 5 }, () => g.nextU32())).toEqual([1067595299, 955945823, 477289528, 4107218783, 4228976476]);
  });

  it("reproduces the 10000th output of init_genrand(5489), the C++ std::mt19937 check value", () => {
    const g = Mt19937.fromWord(5489);
    let x = 0;
    for (let i = 0; i < 10000; i++) x = g.nextU32();
    expect(x).toBe(4123659995);
  });
});
