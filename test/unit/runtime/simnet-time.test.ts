// SimTime (src/runtime/simnet/time.ts): a step lets everything the timers it fired woke run
// to completion before the next instant, and a long run still lets the real event loop turn.
import { describe, expect, it } from "vitest";
import { SimTime } from "../../../src/runtime/simnet/time.js";

describe("SimTime", () => {
  it("runs a timer's whole promise chain before the next instant's timers fire", async () => {
    const time = new SimTime();
    const log: string[] = [];
    time.clock.after(1, () => {
      void (async () => {
        for (let k = 0; k < 1000; k++) await Promise.resolve();
        log.push("chain done");
        // A chain that arms a timer at the same instant: it fires in a later step at t = 1.
        time.clock.after(0, () => log.push(`same instant at ${time.now()}`));
      })();
    });
    time.clock.after(2, () => log.push(`t=2`));
    await time.runUntil(10);
    expect(log).toEqual(["chain done", "same instant at 1", "t=2"]);
  });

  it("drains every step's chains, not only the first one's (steps driven from the drain itself)", async () => {
    const time = new SimTime();
    const log: string[] = [];
    for (let t = 1; t <= 5; t++) {
      time.clock.after(t, () => {
        void (async () => {
          for (let k = 0; k < 50; k++) await Promise.resolve();
          log.push(`chain ${t}`);
        })();
      });
      time.clock.after(t, () => log.push(`timer ${t}`));
    }
    await time.runUntil(10);
    expect(log).toEqual([1, 2, 3, 4, 5].flatMap((t) => [`timer ${t}`, `chain ${t}`]));
  });

  it("lets the real event loop turn during a long run (a setImmediate callback runs before the run ends)", async () => {
    const time = new SimTime();
    let fired = 0;
    for (let t = 1; t <= 2000; t++) time.clock.after(t, () => fired++);
    let turnedAt = -1;
    setImmediate(() => (turnedAt = fired));
    await time.runUntil(5000);
    expect(fired).toBe(2000);
    // The loop turned while timers were still due: not starved until the end.
    expect(turnedAt).toBeGreaterThanOrEqual(0);
    expect(turnedAt).toBeLessThan(2000);
  });
});
