import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ManualClock, systemClock } from "../../../src/runtime/clock.js";

const repoRoot = resolve(import.meta.dirname, "../../..");

describe("ManualClock", () => {
  it("starts where told and fires each timer with now() equal to its due time", () => {
    const clock = new ManualClock(100);
    const seen: [string, number][] = [];
    clock.after(5, () => seen.push(["a", clock.now()]));
    clock.after(0, () => seen.push(["b", clock.now()]));
    clock.advance(7);
    expect(seen).toEqual([
      ["b", 100],
      ["a", 105],
    ]);
    expect(clock.now()).toBe(107);
  });

  it("fires timers created during advance when they fall inside the window, not otherwise", () => {
    const clock = new ManualClock();
    const seen: [string, number][] = [];
    clock.after(2, () => {
      seen.push(["outer", clock.now()]);
      clock.after(3, () => seen.push(["inside", clock.now()]));
      clock.after(0, () => seen.push(["now", clock.now()]));
      clock.after(9, () => seen.push(["outside", clock.now()]));
    });
    clock.advance(5);
    expect(seen).toEqual([
      ["outer", 2],
      ["now", 2],
      ["inside", 5],
    ]);
    clock.advance(6);
    expect(seen.at(-1)).toEqual(["outside", 11]);
  });

  it("re-arms every() at exact multiples, a re-armed timer ordered as created when it fired", () => {
    const clock = new ManualClock();
    const seen: [string, number][] = [];
    clock.every(10, () => seen.push(["tick", clock.now()]));
    clock.after(20, () => seen.push(["after-20", clock.now()]));
    clock.advance(35);
    // The tick due at 20 was re-armed at 10, after "after-20" was created at 0.
    expect(seen).toEqual([
      ["tick", 10],
      ["after-20", 20],
      ["tick", 20],
      ["tick", 30],
    ]);
    expect(clock.now()).toBe(35);
    expect(clock.pending).toBe(1);
  });

  it("a throwing callback propagates; time stops at its due time and the rest fire on the next advance", () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.every(4, () => {
      seen.push(clock.now());
      if (clock.now() === 4) throw new Error("boom");
    });
    clock.after(6, () => seen.push(-clock.now()));
    expect(() => clock.advance(10)).toThrow("boom");
    expect(clock.now()).toBe(4);
    clock.advance(0);
    expect(seen).toEqual([4]);
    clock.advance(6);
    expect(seen).toEqual([4, -6, 8]);
    expect(clock.now()).toBe(10);
  });

  it("counts pending timers and keeps order after many cancellations sweep the heap", () => {
    const clock = new ManualClock();
    const handles = Array.from({ length: 1000 }, (_, i) => clock.after(1000 - i, () => fired.push(i)));
    const fired: number[] = [];
    expect(clock.pending).toBe(1000);
    handles.forEach((h, i) => {
      if (i % 100 !== 7) h.cancel();
    });
    expect(clock.pending).toBe(10);
    clock.advance(1000);
    expect(fired).toEqual([907, 807, 707, 607, 507, 407, 307, 207, 107, 7]);
    expect(clock.pending).toBe(0);
  });

  it("rejects a negative or non-finite advance and start", () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("property: fires exactly the uncancelled timers due by now, sorted by (due, creation), whatever the advances", () => {
    type Step = { kind: "after"; ms: number } | { kind: "cancel"; pick: number } | { kind: "advance"; ms: number };
    const arbStep: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("after" as const), ms: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 60 }), (steps) => {
        const clock = new ManualClock();
        const fired: number[] = [];
        const model: { id: number; due: number; cancelled: boolean; fired: boolean }[] = [];
        const handles: { cancel(): void }[] = [];
        for (const step of steps) {
          if (step.kind === "after") {
            const id = model.length;
            model.push({ id, due: clock.now() + step.ms, cancelled: false, fired: false });
            handles.push(
              clock.after(step.ms, () => {
                expect(clock.now()).toBe(model[id].due);
                fired.push(id);
              }),
            );
          } else if (step.kind === "cancel" && handles.length > 0) {
            const i = step.pick % handles.length;
            handles[i].cancel();
            if (!model[i].fired) model[i].cancelled = true;
          } else if (step.kind === "advance") {
            const until = clock.now() + step.ms;
            const due = model.filter((t) => !t.cancelled && !t.fired && t.due <= until).sort((a, b) => a.due - b.due || a.id - b.id);
            const before = fired.length;
            clock.advance(step.ms);
            expect(fired.slice(before)).toEqual(due.map((t) => t.id));
            for (const t of due) t.fired = true;
          }
        }
        expect(clock.pending).toBe(model.filter((t) => !t.cancelled && !t.fired).length);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The clock's documented semantics, written the slow and obvious way: every timer in one
 * list, the next one found by a scan over (due, creation order).
 */
class ReferenceClock {
  time = 0;
  private seq = 0;
  private readonly timers: { due: number; seq: number; period: number | undefined; fn: () => void; live: boolean }[] = [];

  after(ms: number, fn: () => void, period?: number): { cancel(): void } {
    const t = { due: this.time + ms, seq: this.seq++, period, fn, live: true };
    this.timers.push(t);
    return { cancel: () => void (t.live = false) };
  }

  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }

  nextDue(): number | undefined {
    return this.next()?.due;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (let t = this.next(); t !== undefined && t.due <= until; t = this.next()) {
      this.time = t.due;
      if (t.period === undefined) t.live = false;
      else {
        t.due += t.period;
        t.seq = this.seq++;
      }
      t.fn();
    }
    this.time = until;
  }

  private next() {
    let best: (typeof this.timers)[number] | undefined;
    for (const t of this.timers) if (t.live && (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    return best;
  }
}

describe("ManualClock against a reference", () => {
  it("model-based: the same firings, times, errors and pending counts as the reference, with nested timers, every(), throws and sweeps", () => {
    // What a timer's callback does when it fires: nothing, schedule another, cancel one, or throw.
    type Effect = { kind: "none" } | { kind: "after"; ms: number } | { kind: "cancel"; pick: number } | { kind: "throw" };
    type Op =
      | { kind: "after"; ms: number; effect: Effect }
      | { kind: "every"; ms: number; effect: Effect }
      | { kind: "cancel"; pick: number }
      | { kind: "burst"; count: number; ms: number; cancelEvery: number }
      | { kind: "advance"; ms: number };
    const effect: fc.Arbitrary<Effect> = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("after" as const), ms: fc.integer({ min: 0, max: 6 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.constant({ kind: "throw" as const }) },
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("after" as const), ms: fc.integer({ min: 0, max: 12 }), effect }),
      fc.record({ kind: fc.constant("every" as const), ms: fc.integer({ min: 1, max: 7 }), effect }),
      fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
      // many far-off timers, most cancelled: the clock's sweep
      fc.record({ kind: fc.constant("burst" as const), count: fc.integer({ min: 1, max: 120 }), ms: fc.integer({ min: 0, max: 40 }), cancelEvery: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 10 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        type Api = { now(): number; after(ms: number, fn: () => void): { cancel(): void }; every(ms: number, fn: () => void): { cancel(): void }; advance(ms: number): void; readonly pending: number; nextDue(): number | undefined };
        const run = (clock: Api): string[] => {
          const trace: string[] = [];
          const handles: { cancel(): void }[] = [];
          const arm = (id: number, e: Effect) => () => {
            trace.push(`${id}@${clock.now()}`);
            if (e.kind === "after") handles.push(clock.after(e.ms, arm(handles.length, { kind: "none" })));
            else if (e.kind === "cancel" && handles.length > 0) handles[e.pick % handles.length]!.cancel();
            else if (e.kind === "throw") throw new Error(`boom ${id}`);
          };
          for (const o of ops) {
            if (o.kind === "after") handles.push(clock.after(o.ms, arm(handles.length, o.effect)));
            else if (o.kind === "every") handles.push(clock.every(o.ms, arm(handles.length, o.effect)));
            else if (o.kind === "cancel") {
              if (handles.length > 0) handles[o.pick % handles.length]!.cancel();
            } else if (o.kind === "burst") {
              for (let k = 0; k < o.count; k++) {
                const h = clock.after(o.ms + k, arm(handles.length, { kind: "none" }));
                handles.push(h);
                if (k % o.cancelEvery !== 0) h.cancel();
              }
            } else {
              try {
                clock.advance(o.ms);
              } catch (err) {
                trace.push(`threw ${(err as Error).message} at ${clock.now()}`);
              }
            }
            trace.push(`pending ${clock.pending} next ${clock.nextDue()} now ${clock.now()}`);
          }
          return trace;
        };
        const reference = new ReferenceClock();
        const modelApi: Api = {
          now: () => reference.time,
          after: (ms, fn) => reference.after(ms, fn),
          every: (ms, fn) => reference.after(ms, fn, ms),
          advance: (ms) => reference.advance(ms),
          get pending() {
            return reference.pending;
          },
          nextDue: () => reference.nextDue(),
        };
        expect(run(new ManualClock())).toEqual(run(modelApi));
      }),
      { numRuns: 400 },
    );
  });
});

describe("systemClock", () => {
  it("reads whole milliseconds, as Date.now() does (the API's seenAt and at are never fractional)", async () => {
    const reads: number[] = [];
    for (let i = 0; i < 20; i++) {
      reads.push(systemClock.now());
      await new Promise((r) => setTimeout(r, 1));
    }
    for (const t of reads) expect(Number.isInteger(t), String(t)).toBe(true);
    expect(Math.abs(reads.at(-1)! - Date.now())).toBeLessThan(1000);
  });

  it("its timers do not keep the process alive (unref)", () => {
    const script = [
      `const { systemClock } = await import(${JSON.stringify(resolve(repoRoot, "src/runtime/clock.ts"))});`,
      "systemClock.after(60_000, () => process.exit(3));",
      "systemClock.every(60_000, () => process.exit(4));",
    ].join("\n");
    const started = performance.now();
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
