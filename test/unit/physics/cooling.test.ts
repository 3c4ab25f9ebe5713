import { describe, expect, it } from "vitest";
import { type CoolingSpec, constant, coolingSchedule, geometric, logarithmic, validateCooling } from "../../../src/physics/cooling.js";

describe("geometric", () => {
  it("is T0·alpha^t", () => {
    const s = geometric(100, 0.95);
    expect(s.kind).toBe("geometric");
    expect(s.params).toEqual({ T0: 100, alpha: 0.95 });
    expect(s.temperatureAt(0)).toBe(100);
    expect(s.temperatureAt(1)).toBe(95);
    expect(s.temperatureAt(10)).toBeCloseTo(100 * 0.95 ** 10, 12);
    expect(s.temperatureAt(100)).toBeCloseTo(0.5920529220333997, 12);
    expect(geometric(3, 1).temperatureAt(1e6)).toBe(3);
  });

  it("is strictly decreasing for alpha < 1 and close to the seed's running product", () => {
    const s = geometric(100, 0.95);
    let running = 100;
    for (let t = 1; t <= 200; t++) {
      running *= 0.95;
      expect(s.temperatureAt(t)).toBeLessThan(s.temperatureAt(t - 1));
      expect(Math.abs(s.temperatureAt(t) - running) / running).toBeLessThan(1e-13);
    }
  });
});

describe("logarithmic", () => {
  it("is c / ln(t + 2), finite at t = 0", () => {
    const s = logarithmic(3);
    expect(s.kind).toBe("logarithmic");
    expect(s.params).toEqual({ c: 3 });
    expect(s.temperatureAt(0)).toBe(3 / Math.LN2);
    expect(s.temperatureAt(1)).toBe(3 / Math.log(3));
    expect(s.temperatureAt(Math.E ** 2 - 2)).toBeCloseTo(1.5, 12);
    for (let t = 1; t < 100; t++) expect(s.temperatureAt(t)).toBeLessThan(s.temperatureAt(t - 1));
  });
});

describe("constant", () => {
  it("is T at every step", () => {
    const s = constant(0.7);
    expect(s.kind).toBe("constant");
    expect([0, 1, 1000].map((t) => s.temperatureAt(t))).toEqual([0.7, 0.7, 0.7]);
  });
});

describe("validation", () => {
  it("rejects T0 ≤ 0, alpha outside (0, 1], c ≤ 0, T ≤ 0 and non-finite values with clear messages", () => {
    expect(() => geometric(0, 0.9)).toThrow(/T0 must be a positive finite number, got 0/);
    expect(() => geometric(-1, 0.9)).toThrow(RangeError);
    expect(() => geometric(Number.POSITIVE_INFINITY, 0.9)).toThrow(RangeError);
    expect(() => geometric(1, 0)).toThrow(/alpha must be in \(0, 1\], got 0/);
    expect(() => geometric(1, 1.01)).toThrow(RangeError);
    expect(() => geometric(1, Number.NaN)).toThrow(RangeError);
    expect(() => logarithmic(0)).toThrow(/c must be a positive finite number/);
    expect(() => logarithmic(-2)).toThrow(RangeError);
    expect(() => constant(0)).toThrow(/T must be a positive finite number/);
    expect(() => validateCooling({ kind: "cubic" } as unknown as CoolingSpec)).toThrow(/unknown cooling schedule kind "cubic"/);
    expect(() => validateCooling({ kind: "geometric", T0: 1, alpha: 1 })).not.toThrow();
  });

  it("rejects negative or non-finite steps", () => {
    expect(() => geometric(1, 0.5).temperatureAt(-1)).toThrow(RangeError);
    expect(() => logarithmic(1).temperatureAt(Number.NaN)).toThrow(RangeError);
    expect(() => constant(1).temperatureAt(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("coolingSchedule", () => {
  it("builds the same schedules as the factories", () => {
    const specs: CoolingSpec[] = [
      { kind: "geometric", T0: 50, alpha: 0.9 },
      { kind: "logarithmic", c: 2 },
      { kind: "constant", T: 0.3 },
    ];
    const direct = [geometric(50, 0.9), logarithmic(2), constant(0.3)];
    specs.forEach((spec, k) => {
      const s = coolingSchedule(spec);
      expect(s.kind).toBe(spec.kind);
      for (const t of [0, 1, 7, 100]) expect(s.temperatureAt(t)).toBe(direct[k]!.temperatureAt(t));
    });
    expect(() => coolingSchedule({ kind: "logarithmic", c: -1 })).toThrow(RangeError);
  });
});
