// NumPy's own answers (recorded by fixtures/numpy_reference.py) for the expressions that
// src/physics mirrors from the T-M.E.S.H. seed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CMatrix, fromParts, maxAbsDiff, trace } from "../../../src/physics/complex.js";
import { hermitianEigenvalues } from "../../../src/physics/eigen.js";
import { normalizeTrace, pureDensity, seedCoherence, vonNeumannEntropy } from "../../../src/physics/density.js";
import { numpyComplexSum, numpyMean, numpySum } from "../../../src/physics/summation.js";

interface Parts {
  re: number[][];
  im: number[][];
}
interface Fixture {
  sums: { values: number[]; sum: number; mean: number | null }[];
  complexSums: { re: number[]; im: number[]; sum: [number, number] }[];
  traces: { m: Parts; trace: [number, number] }[];
  coherence: { rhos: Parts[]; coherence: number }[];
  pure: { re: number[]; im: number[]; rho: Parts }[];
  normalize: { rho: Parts; normalized: Parts }[];
  entropy: { rho: Parts; eigvalsh: number[]; entropy: number }[];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/numpy-reference.json", import.meta.url), "utf8")) as Fixture;
const m = (p: Parts): CMatrix => fromParts(p.re, p.im);

/** Distance in units of the last place, for reporting how close "close" is. */
function ulps(a: number, b: number): number {
  return Math.abs(a - b) / (Number.EPSILON * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE));
}

describe("numpySum / numpyMean are bit-identical to np.sum / np.mean", () => {
  for (const c of fixture.sums) {
    it(`length ${c.values.length}`, () => {
      expect(numpySum(c.values)).toBe(c.sum);
      if (c.mean !== null) expect(numpyMean(c.values)).toBe(c.mean);
    });
  }

  it("differs from a left-to-right sum on at least one recorded array (so the order matters)", () => {
    const naive = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(fixture.sums.some((c) => naive(c.values) !== c.sum)).toBe(true);
  });
});

describe("numpyComplexSum and trace are bit-identical to np.sum / np.trace on complex128", () => {
  for (const c of fixture.complexSums) {
    it(`np.sum, length ${c.re.length}`, () => {
      const s = numpyComplexSum(c.re, c.im);
      expect([s.re, s.im]).toEqual(c.sum);
    });
  }
  for (const c of fixture.traces) {
    it(`np.trace, d=${c.m.re.length}`, () => {
      const t = trace(m(c.m));
      expect([t.re, t.im]).toEqual(c.trace);
    });
  }

  it("the complex order differs from the real one on a recorded array", () => {
    expect(fixture.complexSums.some((c) => numpySum(c.re) !== c.sum[0])).toBe(true);
  });
});

describe("normalizeTrace is bit-identical to `rho /= np.trace(rho)`", () => {
  for (const [k, c] of fixture.normalize.entries()) {
    it(`case ${k}`, () => {
      const out = normalizeTrace(m(c.rho));
      expect(Array.from(out.re)).toEqual(c.normalized.re.flat());
      expect(Array.from(out.im)).toEqual(c.normalized.im.flat());
    });
  }
});

describe("seedCoherence vs the seed's NumPy lines", () => {
  for (const [k, c] of fixture.coherence.entries()) {
    it(`case ${k}: ${c.rhos.length} nodes, d=${c.rhos[0]!.re.length}`, () => {
      // NumPy fuses multiply-adds inside np.dot on FMA CPUs; JavaScript cannot, so a few ulps.
      expect(ulps(seedCoherence(c.rhos.map(m)), c.coherence)).toBeLessThan(16);
    });
  }
});

describe("pureDensity vs `psi /= np.linalg.norm(psi); np.outer(psi, psi.conj())`", () => {
  for (const [k, c] of fixture.pure.entries()) {
    it(`case ${k}`, () => {
      expect(maxAbsDiff(pureDensity(c.re, c.im), m(c.rho))).toBeLessThan(4e-16);
    });
  }
});

describe("vonNeumannEntropy vs the seed's entropy() (np.linalg.eigvalsh)", () => {
  for (const [k, c] of fixture.entropy.entries()) {
    it(`case ${k}: d=${c.eigvalsh.length}`, () => {
      const ours = hermitianEigenvalues(m(c.rho));
      ours.forEach((l, i) => expect(Math.abs(l - c.eigvalsh[i]!)).toBeLessThan(1e-15));
      expect(Math.abs(vonNeumannEntropy(m(c.rho)) - c.entropy)).toBeLessThan(1e-14);
    });
  }
});
