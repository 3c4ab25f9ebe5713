import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { NumpyRandomState, libmLog } from "../../../src/core/numpy-random.js";
import { emtdFixtures, tmeshFixtures } from "../../helpers/fixtures.js";

interface NumpyRun {
  seed: number;
  u32: number[];
  rand: number[];
  randn: number[];
  randnThenRand: number[];
  randint: [number, number][];
  permutation: number[][];
  choice5of2: number[][];
  choiceSizes: [number, number, number[]][];
  reseedRandn: [number, number];
}

const dir = resolve(import.meta.dirname, "../../fixtures/python-rng");
const numpyFixture = JSON.parse(readFileSync(resolve(dir, "numpy-random.json"), "utf8")) as { data: NumpyRun[] };
const logFixture = JSON.parse(readFileSync(resolve(dir, "libm-log.json"), "utf8")) as { libc: string; machine: string; data: [number, number][] };

describe("NumpyRandomState against numpy's legacy RandomState (test/fixtures/python-rng)", () => {
  for (const run of numpyFixture.data) {
    describe(`seed ${run.seed}`, () => {
      it("raw 32-bit words", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.u32.map(() => r.nextU32())).toEqual(run.u32);
      });

      it("rand()", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.rand.map(() => r.rand())).toEqual(run.rand);
      });

      it("randn(), 501 values bit for bit", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.randn.map(() => r.randn())).toEqual(run.randn);
      });

      it("keeps the cached Gaussian across an intervening rand()", () => {
        const r = new NumpyRandomState(run.seed);
        const got = [...Array.from({ length: 7 }, () => r.randn()), r.rand(), ...Array.from({ length: 3 }, () => r.randn())];
        expect(got).toEqual(run.randnThenRand);
      });

      it("randint(n)", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.randint.map(([n]) => [n, r.randint(n)])).toEqual(run.randint);
      });

      it("permutation(n)", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.permutation.map((p) => Array.from(r.permutation(p.length)))).toEqual(run.permutation);
      });

      it("choice(5, 2, replace=False), repeatedly", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.choice5of2.map(() => Array.from(r.choiceWithoutReplacement(5, 2)))).toEqual(run.choice5of2);
      });

      it("choice(n, size, replace=False) for several sizes", () => {
        const r = new NumpyRandomState(run.seed);
        expect(run.choiceSizes.map(([n, k]) => [n, k, Array.from(r.choiceWithoutReplacement(n, k))])).toEqual(run.choiceSizes);
      });

      it("a fresh state starts without a cached Gaussian", () => {
        expect(new NumpyRandomState(run.seed).randn()).toBe(run.reseedRandn[0]);
        expect(run.reseedRandn[1]).toBe(run.reseedRandn[0]);
      });
    });
  }
});

describe("libmLog", () => {
  it(`equals the C library's log bit for bit (${logFixture.libc}, ${logFixture.machine}; ${logFixture.data.length} values incl. subnormals and the near-1 window)`, () => {
    const bad = logFixture.data.filter(([x, y]) => libmLog(x) !== y);
    expect(bad).toEqual([]);
  });

  it("stays within one ulp of Math.log", () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }), (x) => {
        const a = libmLog(x);
        const b = Math.log(x);
        return a === b || Math.abs(a - b) <= Math.abs(b) * 2.3e-16;
      }),
    );
  });

  it("handles the special values like Math.log", () => {
    expect(libmLog(0)).toBe(-Infinity);
    expect(libmLog(1)).toBe(0);
    expect(libmLog(Infinity)).toBe(Infinity);
    expect(libmLog(-1)).toBeNaN();
    expect(libmLog(Number.NaN)).toBeNaN();
  });
});

describe("NumpyRandomState", () => {
  it("interval(max) stays in [0, max] and permutation is a permutation", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 200 }), (seed, max, n) => {
        const r = new NumpyRandomState(seed);
        const x = r.interval(max);
        const p = Array.from(r.permutation(n)).sort((a, b) => a - b);
        return x >= 0 && x <= max && p.every((v, i) => v === i);
      }),
    );
  });

  it("rejects seeds numpy rejects, and bad bounds, with RangeError", () => {
    expect(() => new NumpyRandomState(-1)).toThrow(RangeError);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(RangeError);
    const r = new NumpyRandomState(0);
    expect(() => r.nextInt(0)).toThrow(/n must be/);
    expect(() => r.interval(2 ** 32)).toThrow(/max must be/);
    expect(() => r.choiceWithoutReplacement(3, 4)).toThrow(/exceeds population/);
  });
});

describe("NumpyRandomState against the seeds' reference vectors (test/fixtures/reference)", () => {
  it("reproduces every EMTD run's uniform draws as a prefix of np.random.rand()", () => {
    const runs = emtdFixtures();
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      const r = new NumpyRandomState(run.seed);
      expect(run.uniform_draws.map(() => r.rand())).toEqual(run.uniform_draws);
    }
  });

  it("reproduces every T-MESH run's initial ρ = ψψ† (to 1e-12) and its interacting pairs exactly", () => {
    const runs = tmeshFixtures();
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      const r = new NumpyRandomState(run.seed);
      for (let node = 0; node < run.N; node++) {
        // np.random.randn(dim) + 1j * np.random.randn(dim): real parts first, then imaginary.
        const re = Array.from({ length: run.dim }, () => r.randn());
        const im = Array.from({ length: run.dim }, () => r.randn());
        const norm = Math.sqrt(re.reduce((s, x, i) => s + x * x + im[i]! * im[i]!, 0));
        for (let a = 0; a < run.dim; a++) {
          for (let b = 0; b < run.dim; b++) {
            // ψ_a · conj(ψ_b)
            const rr = (re[a]! * re[b]! + im[a]! * im[b]!) / (norm * norm);
            const ii = (im[a]! * re[b]! - re[a]! * im[b]!) / (norm * norm);
            expect(Math.abs(rr - run.initial_rho_re[node]![a]![b]!)).toBeLessThan(1e-12);
            expect(Math.abs(ii - run.initial_rho_im[node]![a]![b]!)).toBeLessThan(1e-12);
          }
        }
      }
      const pairs = run.pairs.map(() => Array.from(r.choiceWithoutReplacement(run.N, 2)));
      expect(pairs).toEqual(run.pairs);
    }
  });
});
