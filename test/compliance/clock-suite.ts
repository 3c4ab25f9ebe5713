/**
 * The compliance suite of the {@link Clock} port, run against every implementation. The
 * tests hold for the wall clock without depending on how loaded the machine is: Node
 * fires timers in order of expiry, so a real `advance(ms)` (a sleep created after the
 * timers under test, expiring later) resolves only after every timer due by then fired.
 * Assertions are therefore lower bounds on what fired, plus "nothing fires early".
 */
import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/runtime/ports.js";

/** A clock under test and a way to let its time pass. */
export interface ClockFixture {
  readonly clock: Clock;
  /** Let `ms` of the clock's time pass; resolves after every timer due by then has fired. */
  advance(ms: number): Promise<void>;
  /** Greatest amount (ms) by which a timer may fire before `now()` says it is due (real clocks round). */
  readonly earlyTolerance: number;
}

/** Register the Clock compliance tests under `describe(name)`; `factory` gives a fresh clock per test. */
export function clockComplianceSuite(name: string, factory: () => ClockFixture): void {
  describe(`Clock compliance: ${name}`, () => {
    it("now() never goes back and moves forward with time", async () => {
      const { clock, advance, earlyTolerance } = factory();
      const t0 = clock.now();
      expect(clock.now()).toBeGreaterThanOrEqual(t0);
      await advance(10);
      expect(clock.now()).toBeGreaterThanOrEqual(t0 + 10 - earlyTolerance);
    });

    it("after(ms) fires once, not before ms, with now() at or past its due time", async () => {
      const { clock, advance, earlyTolerance } = factory();
      const t0 = clock.now();
      const firedAt: number[] = [];
      clock.after(12, () => firedAt.push(clock.now()));
      await advance(4);
      expect(firedAt).toEqual([]);
      await advance(10);
      expect(firedAt).toHaveLength(1);
      expect(firedAt[0]).toBeGreaterThanOrEqual(t0 + 12 - earlyTolerance);
      await advance(15);
      expect(firedAt).toHaveLength(1);
    });

    it("fires timers in due order, equal delays in creation order", async () => {
      const { clock, advance } = factory();
      const order: string[] = [];
      // No delays of 0 and 1 together: Node rounds 0 up to 1 ms.
      const plan: [string, number][] = [["a", 8], ["b", 4], ["c", 8], ["d", 0], ["e", 6], ["f", 4], ["g", 12], ["h", 6]];
      for (const [label, ms] of plan) clock.after(ms, () => order.push(label));
      await advance(14);
      expect(order).toEqual(["d", "b", "f", "e", "h", "a", "c", "g"]);
    });

    it("after(0) fires on the next advance", async () => {
      const { clock, advance } = factory();
      let fired = 0;
      clock.after(0, () => fired++);
      expect(fired).toBe(0);
      await advance(2);
      expect(fired).toBe(1);
    });

    it("a cancelled timer never fires; cancelling twice or after firing is harmless", async () => {
      const { clock, advance } = factory();
      const fired: string[] = [];
      const cancelled = clock.after(4, () => fired.push("cancelled"));
      const kept = clock.after(4, () => fired.push("kept"));
      cancelled.cancel();
      cancelled.cancel();
      await advance(8);
      expect(fired).toEqual(["kept"]);
      kept.cancel();
      await advance(4);
      expect(fired).toEqual(["kept"]);
    });

    it("a timer created by a callback fires on a later advance", async () => {
      const { clock, advance, earlyTolerance } = factory();
      const fired: Array<{ name: string; at: number }> = [];
      clock.after(3, () => {
        fired.push({ name: "outer", at: clock.now() });
        clock.after(3, () => fired.push({ name: "inner", at: clock.now() }));
      });
      await advance(4);
      expect(fired.map((f) => f.name)[0]).toBe("outer");
      // An exact clock (no early tolerance) also shows it by advance: the inner timer is
      // due 2 ms after this one ended.
      if (earlyTolerance === 0) expect(fired).toHaveLength(1);
      await advance(4);
      expect(fired.map((f) => f.name)).toEqual(["outer", "inner"]);
      // The inner timer counts from when the outer callback ran, not from the advance that
      // ran it. Asserted on the clock's own timestamps rather than on which advance saw it,
      // because a loaded machine may stretch a real 4 ms sleep past both timers.
      const [outer, inner] = [fired[0]!, fired[1]!];
      expect(inner.at).toBeGreaterThanOrEqual(outer.at + 3 - earlyTolerance);
    });

    it("every(ms) fires repeatedly, at most once per ms, until cancelled", async () => {
      const { clock, advance, earlyTolerance } = factory();
      const t0 = clock.now();
      let fired = 0;
      const handle = clock.every(5, () => fired++);
      await advance(7);
      expect(fired).toBeGreaterThanOrEqual(1);
      await advance(7);
      expect(fired).toBeGreaterThanOrEqual(2);
      expect(fired).toBeLessThanOrEqual(Math.floor((clock.now() - t0 + earlyTolerance) / 5));
      handle.cancel();
      const atCancel = fired;
      await advance(12);
      expect(fired).toBe(atCancel);
    });

    it("an every timer can cancel itself from its own callback", async () => {
      const { clock, advance } = factory();
      let fired = 0;
      const handle = clock.every(3, () => {
        fired++;
        if (fired === 2) handle.cancel();
      });
      for (let i = 0; i < 3; i++) await advance(4);
      expect(fired).toBe(2);
    });

    it("rejects negative, non-finite and (for every) zero delays with RangeError", () => {
      const { clock } = factory();
      const noop = (): void => {};
      for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => clock.after(ms, noop)).toThrow(RangeError);
      for (const ms of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => clock.every(ms, noop)).toThrow(RangeError);
    });
  });
}
