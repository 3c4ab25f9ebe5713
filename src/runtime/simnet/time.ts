/**
 * Simulated time for networks of real node engines (tigerbeetle's VOPR model: the
 * simulator owns time). One {@link ManualClock} is the world's clock; each node sees it
 * through a {@link NodeClock} that adds the node's skew and dies with the node's process.
 *
 * A step fires every timer due at the next due instant, then lets the microtasks that
 * woke run to completion (a tick, which Node runs only once the microtask queue is empty;
 * a real event-loop turn every few hundred steps: the engines, the memory transport and
 * the simulated ledger never wait on anything but promises and this clock), so the run is
 * a pure function of its inputs: no wall time, no I/O, no thread decides an order.
 */
import { ManualClock } from "../clock.js";
import type { Clock, TimerHandle } from "../ports.js";

/** One turn of the event loop: every queued microtask (and the ones they queue) runs first. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Steps between two real turns of the event loop: the loop still turns now and then, so
 * what lives outside the simulation (a signal handler, a worker's messages, a wall-clock
 * timer) is not starved while a long run computes.
 */
const STEPS_PER_TURN = 256;

export class SimTime {
  readonly clock = new ManualClock(0);
  /** timer callbacks fired so far (the simulator's events) */
  steps = 0;
  private sinceTurn = 0;

  /** Let every microtask the step woke run ({@link afterDrain}, as a promise). */
  private drain(): Promise<void> {
    return new Promise((resolve) => this.afterDrain(resolve));
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Fire the timers due at the next due instant (at most `until`), then drain. Returns
   * false when nothing is due by `until` (time then moves to `until`).
   */
  async step(until: number): Promise<boolean> {
    const due = this.clock.nextDue();
    if (due === undefined || due > until) {
      if (until > this.clock.now()) this.clock.advance(until - this.clock.now());
      await drainMicrotasks();
      return false;
    }
    const before = this.clock.pending;
    this.clock.advance(Math.max(0, due - this.clock.now()));
    this.steps += Math.max(1, before - this.clock.pending);
    await this.drain();
    return true;
  }

  /**
   * Run until `until` (simulated ms), or until `stop()` says so after a step. The same
   * steps as `while (await this.step(until) && !stop())`, driven by callbacks: a run takes
   * ~1.5 M steps, and an async step with its awaits allocated ~540 bytes each (~7% of what
   * a 100-node, 300-set simulation allocated; a sampling heap profile).
   */
  runUntil(until: number, stop?: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const next = (): void => {
        try {
          if (this.clock.now() >= until) return resolve();
          const due = this.clock.nextDue();
          if (due === undefined || due > until) {
            if (until > this.clock.now()) this.clock.advance(until - this.clock.now());
            this.afterDrain(resolve);
            return;
          }
          const before = this.clock.pending;
          this.clock.advance(Math.max(0, due - this.clock.now()));
          this.steps += Math.max(1, before - this.clock.pending);
          this.afterDrain(() => {
            try {
              if (stop?.() === true) resolve();
              else next();
            } catch (err) {
              reject(err);
            }
          });
        } catch (err) {
          reject(err);
        }
      };
      next();
    });
  }

  /**
   * Call `then` once every microtask queued so far (and the ones they queue) has run,
   * without a turn of the event loop but every {@link STEPS_PER_TURN} steps: Node runs the
   * next-tick queue only once V8's microtask queue is empty, so a tick queued now runs after
   * all of them. A turn (setImmediate) cost ~2.9 µs per step, a tick ~0.2 µs (500,000
   * awaits of each, on this machine), and a 100-node simulation takes ~1.5 M steps. Nothing
   * the simulator runs queues ticks of its own (engines, transport, disks: promises and this
   * clock only), so both drain the same work in the same order; tests pin that a run's
   * events are unchanged. `then` runs as a microtask of its own, as an
   * `await` continuation would: run from the tick itself, the next step's tick would be
   * queued while Node is still running ticks, and it runs every tick before any microtask,
   * so the next step would fire before this one's microtasks (a 100-node run then differed).
   */
  private afterDrain(then: () => void): void {
    const hop = (): void => queueMicrotask(then);
    if (++this.sinceTurn < STEPS_PER_TURN) process.nextTick(hop);
    else {
      this.sinceTurn = 0;
      setImmediate(hop);
    }
  }

  /** Await `promise` while simulated time runs (at most `limitMs` of it). */
  async settle<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
    let done = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    promise.then(
      (v) => {
        done = true;
        value = v;
      },
      (e: unknown) => {
        done = true;
        failed = true;
        error = e;
      },
    );
    const until = this.clock.now() + limitMs;
    await drainMicrotasks();
    while (!done && this.clock.now() < until) await this.step(until);
    if (!done) throw new Error(`${what} did not finish within ${limitMs} simulated ms`);
    if (failed) throw error;
    return value as T;
  }
}

/**
 * A node's view of simulated time: `now()` is the world's time scaled by `1 + drift` plus
 * a constant `skew` (ms), and timers run on the world clock for the equivalent real
 * duration. {@link kill} is the process dying: every timer of this incarnation is
 * cancelled and no callback of it ever runs again.
 */
export class NodeClock implements Clock {
  private readonly handles = new Set<TimerHandle>();
  private dead = false;

  constructor(
    private readonly time: SimTime,
    private readonly skew = 0,
    private readonly drift = 0,
  ) {
    if (!(drift > -0.5 && drift < 0.5)) throw new RangeError(`clock drift must be in (-0.5, 0.5), got ${drift}`);
  }

  now(): number {
    return Math.floor(this.time.now() * (1 + this.drift) + this.skew);
  }

  after(ms: number, fn: () => void): TimerHandle {
    if (this.dead) return { cancel: () => {} };
    const handle: TimerHandle = {
      cancel: () => {
        this.handles.delete(handle);
        inner.cancel();
      },
    };
    const inner = this.time.clock.after(this.real(ms), () => {
      this.handles.delete(handle);
      if (!this.dead) fn();
    });
    this.handles.add(handle);
    return handle;
  }

  every(ms: number, fn: () => void): TimerHandle {
    if (this.dead) return { cancel: () => {} };
    const inner = this.time.clock.every(Math.max(1, this.real(ms)), () => {
      if (!this.dead) fn();
    });
    const handle: TimerHandle = {
      cancel: () => {
        this.handles.delete(handle);
        inner.cancel();
      },
    };
    this.handles.add(handle);
    return handle;
  }

  /** The process is gone: cancel every timer; none of its callbacks runs again. */
  kill(): void {
    this.dead = true;
    for (const h of [...this.handles]) h.cancel();
    this.handles.clear();
  }

  private real(ms: number): number {
    return this.drift === 0 ? ms : Math.round(ms / (1 + this.drift));
  }
}
