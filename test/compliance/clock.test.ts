import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock, systemClock } from "../../src/runtime/clock.js";
import { clockComplianceSuite } from "./clock-suite.js";

clockComplianceSuite("ManualClock", () => {
  const clock = new ManualClock(1_000);
  return {
    clock,
    advance: async (ms) => clock.advance(ms),
    earlyTolerance: 0,
  };
});

clockComplianceSuite("systemClock", () => ({
  clock: systemClock,
  // Created after the timers under test and expiring later, so it resolves after them;
  // the slack covers Node rounding delays to whole milliseconds.
  advance: (ms) => sleep(ms + 2),
  // Node measures timers on libuv's loop clock (whole ms, possibly the coarse kernel
  // clock), so a timer can fire up to ~2 ms before performance.now() says it is due, and
  // systemClock.now() floors to whole ms: one more.
  earlyTolerance: 3,
}));
