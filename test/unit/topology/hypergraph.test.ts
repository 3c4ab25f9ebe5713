import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { eventCount, eventMembers, eventsBetween, eventsInTick, temporalHypergraph } from "../../../src/topology/hypergraph.js";

const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });

describe("temporalHypergraph", () => {
  it("gives time-sorted events in [0, horizon), each with k distinct members in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 2, max: 60 }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), seed, (n, k, rate, horizon, s) => {
        fc.pre(k <= n);
        const h = temporalHypergraph({ n, k, rate, horizon }, new Xoshiro128(s));
        expect(h.members.length).toBe(eventCount(h) * k);
        for (let e = 0; e < eventCount(h); e++) {
          const t = h.times[e]!;
          expect(t >= 0 && t < horizon).toBe(true);
          if (e > 0) expect(t).toBeGreaterThanOrEqual(h.times[e - 1]!);
          const m = Array.from(eventMembers(h, e));
          expect(new Set(m).size).toBe(k);
          expect(m.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("has a Poisson number of events: mean rate·horizon within 5 sd", () => {
    fc.assert(
      fc.property(seed, (s) => {
        const h = temporalHypergraph({ n: 100, k: 2, rate: 40, horizon: 100 }, new Xoshiro128(s));
        return Math.abs(eventCount(h) - 4000) < 5 * Math.sqrt(4000);
      }),
      { numRuns: 20 },
    );
  });

  it("draws every node about equally often in every position (pairs, and k near n)", () => {
    for (const [n, k] of [
      [10, 2],
      [10, 8],
    ] as const) {
      const h = temporalHypergraph({ n, k, rate: 1, horizon: 20000 }, new Xoshiro128(11));
      const events = eventCount(h);
      for (let pos = 0; pos < k; pos++) {
        const counts = new Array<number>(n).fill(0);
        for (let e = 0; e < events; e++) counts[h.members[e * k + pos]!]!++;
        const mean = events / n;
        const sd = Math.sqrt(mean * (1 - 1 / n));
        for (const c of counts) expect(Math.abs(c - mean)).toBeLessThan(5 * sd);
      }
    }
  });

  it("is a pure function of the generator's seed", () => {
    const a = temporalHypergraph({ n: 50, k: 3, rate: 5, horizon: 30 }, new Xoshiro128(4));
    const b = temporalHypergraph({ n: 50, k: 3, rate: 5, horizon: 30 }, new Xoshiro128(4));
    expect(Array.from(a.times)).toEqual(Array.from(b.times));
    expect(Array.from(a.members)).toEqual(Array.from(b.members));
  });

  it("splits into tick windows that partition the events", () => {
    const h = temporalHypergraph({ n: 20, k: 2, rate: 3.7, horizon: 50 }, new Xoshiro128(2));
    let next = 0;
    for (let tick = 0; tick * 0.25 < 50; tick++) {
      const { start, end } = eventsInTick(h, tick, 0.25);
      expect(start).toBe(next);
      for (let e = start; e < end; e++) {
        expect(h.times[e]!).toBeGreaterThanOrEqual(tick * 0.25);
        expect(h.times[e]!).toBeLessThan((tick + 1) * 0.25);
      }
      next = end;
    }
    expect(next).toBe(eventCount(h));
    expect(eventsBetween(h, 10, 5)).toEqual({ start: eventsBetween(h, 10, 11).start, end: eventsBetween(h, 10, 11).start });
  });

  it("names bad parameters", () => {
    const r = new Xoshiro128(1);
    expect(() => temporalHypergraph({ n: 10, k: 1, rate: 1, horizon: 1 }, r)).toThrow(/temporalHypergraph: k must be/);
    expect(() => temporalHypergraph({ n: 10, k: 11, rate: 1, horizon: 1 }, r)).toThrow(/k must be/);
    expect(() => temporalHypergraph({ n: 1, k: 2, rate: 1, horizon: 1 }, r)).toThrow(/temporalHypergraph: n must be/);
    expect(() => temporalHypergraph({ n: 10, k: 2, rate: 0, horizon: 1 }, r)).toThrow(/temporalHypergraph: rate must be/);
    expect(() => temporalHypergraph({ n: 10, k: 2, rate: 1, horizon: Number.NaN }, r)).toThrow(/temporalHypergraph: horizon must be/);
    expect(() => temporalHypergraph({ n: 10, k: 2, rate: 1e12, horizon: 1 }, r)).toThrow(/rate·horizon/);
    const h = temporalHypergraph({ n: 10, k: 2, rate: 1, horizon: 1 }, r);
    expect(() => eventMembers(h, eventCount(h))).toThrow(RangeError);
    expect(() => eventsInTick(h, 0.5)).toThrow(/tick must be an integer/);
  });
});
