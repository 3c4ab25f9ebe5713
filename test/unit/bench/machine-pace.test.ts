// bench/lib/machine-pace.ts: the pointer chase is one cycle through every element (so no read
// is predictable and every page is visited), the same cycle every run; bad sizes are refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { measureMachinePace, singleCycle } from "../../../bench/lib/machine-pace.js";
import { createRng } from "../../../src/core/prng.js";

function cycleLength(next: Int32Array): number {
  let at = 0;
  let steps = 0;
  do {
    at = next[at]!;
    steps++;
  } while (at !== 0 && steps <= next.length);
  return steps;
}

describe("machine pace", () => {
  it("singleCycle is a permutation with one cycle through all n elements (Sattolo)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2000 }), fc.integer(), (n, seed) => {
        const rng = createRng(seed);
        const next = singleCycle(n, () => rng.nextFloat());
        expect(new Set(next).size).toBe(n);
        expect(Math.min(...next)).toBe(0);
        expect(Math.max(...next)).toBe(n - 1);
        expect(cycleLength(next)).toBe(n);
      }),
    );
  });

  it("is the same cycle for the same generator", () => {
    const gen = () => {
      const rng = createRng(7);
      return () => rng.nextFloat();
    };
    expect(singleCycle(1000, gen())).toEqual(singleCycle(1000, gen()));
  });

  it("refuses sizes that cannot make a cycle or a pass", () => {
    expect(() => singleCycle(1, Math.random)).toThrow(/at least 2 elements/);
    expect(() => singleCycle(2.5, Math.random)).toThrow(/at least 2 elements/);
    expect(() => measureMachinePace({ rounds: 0 })).toThrow(/rounds must be a whole number/);
    expect(() => measureMachinePace({ reads: 1.5 })).toThrow(/reads must be a whole number/);
  });
});
