/**
 * The two {@link Clock}s of the live node: {@link systemClock}, the one place in entropic
 * that reads wall time, and {@link ManualClock}, which only moves when told to (tests and
 * simulation drive the node engine with it and get the same run every time).
 */
import type { Clock, TimerHandle } from "./ports.js";

function checkDelay(what: "after" | "every", ms: number): void {
  const ok = Number.isFinite(ms) && (what === "after" ? ms >= 0 : ms > 0);
  if (!ok) throw new RangeError(`clock.${what}: ms must be a finite number ${what === "after" ? "≥ 0" : "> 0"}, got ${ms}`);
}

/**
 * Wall time: whole milliseconds since the Unix epoch (as `Date.now()`; times in the API,
 * `seenAt`, `finalizedAt`, `at`, `latencyMs`, are integers), read from the monotonic
 * performance clock (`timeOrigin + now()`, floored) so that it never steps back when the
 * system clock is adjusted.
 *
 * Timers are `unref()`ed: a pending timer never keeps the process alive on its own; the
 * node's sockets and servers do that, and a process that has nothing else to do exits.
 * An exception thrown by a timer callback is an uncaught exception, as with setTimeout.
 */
export const systemClock: Clock = {
  now: () => Math.floor(performance.timeOrigin + performance.now()),
  after(ms, fn) {
    checkDelay("after", ms);
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  every(ms, fn) {
    checkDelay("every", ms);
    const timer = setInterval(fn, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

/** One scheduled timer; `period` is set for `every` timers, which re-arm after firing. */
interface ManualTimer {
  due: number;
  /** creation order, the tie-break between timers due at the same time */
  seq: number;
  readonly period: number | undefined;
  readonly fn: () => void;
  live: boolean;
}

function firesBefore(a: ManualTimer, b: ManualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * A clock that moves only when {@link ManualClock.advance} is called. Timers fire in time
 * order, ties in creation order; a timer created by a callback during `advance` fires in
 * the same call if it falls due inside the window. `every(ms)` re-arms at exact multiples
 * of `ms` (no drift); a re-armed timer counts as created when it fired.
 */
export class ManualClock implements Clock {
  private time: number;
  private nextSeq = 0;
  private live = 0;
  /** binary min-heap by (due, seq); cancelled timers stay until they reach the top */
  private heap: ManualTimer[] = [];

  /** @param start the initial value of `now()` (milliseconds) */
  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError(`ManualClock: start must be finite, got ${start}`);
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): TimerHandle {
    checkDelay("after", ms);
    return this.schedule(ms, undefined, fn);
  }

  every(ms: number, fn: () => void): TimerHandle {
    checkDelay("every", ms);
    return this.schedule(ms, ms, fn);
  }

  /**
   * When the next live timer falls due, or undefined when none is pending. A simulator
   * steps with `advance(nextDue() - now())`, running what that wakes before the next step.
   */
  nextDue(): number | undefined {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (top.live) return top.due;
      this.pop();
    }
    return undefined;
  }

  /** Number of timers that have not yet fired (one-shot) or been cancelled. */
  get pending(): number {
    return this.live;
  }

  /**
   * Move time forward by `ms` (≥ 0), firing every timer that falls due on the way, each
   * with `now()` equal to its due time; afterwards `now()` is the old value plus `ms`.
   * If a callback throws, time stays at that timer's due time, the error propagates, and
   * the timers still due fire on the next `advance` (`advance(0)` runs them).
   */
  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be a finite number ≥ 0, got ${ms}`);
    const until = this.time + ms;
    for (let top = this.heap[0]; top !== undefined && top.due <= until; top = this.heap[0]) {
      this.pop();
      if (!top.live) continue;
      this.time = top.due;
      if (top.period === undefined) {
        top.live = false;
        this.live--;
      } else {
        // Re-arm before the callback so that a callback that throws does not stop the timer.
        top.due += top.period;
        top.seq = this.nextSeq++;
        this.push(top);
      }
      top.fn();
    }
    this.time = until;
  }

  private schedule(ms: number, period: number | undefined, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.time + ms, seq: this.nextSeq++, period, fn, live: true };
    this.push(timer);
    this.live++;
    return {
      cancel: () => {
        if (!timer.live) return;
        timer.live = false;
        this.live--;
        // Cancelled timers wait in the heap until they reach the top; a node that arms and
        // cancels many far-off timeouts would grow it without bound, so sweep now and then.
        if (this.heap.length > 64 && this.heap.length > 2 * this.live) this.sweep();
      },
    };
  }

  private sweep(): void {
    // A sorted array is a valid min-heap.
    this.heap = this.heap.filter((t) => t.live).sort((a, b) => a.due - b.due || a.seq - b.seq);
  }

  // Sifts move a hole instead of swapping pairs: a destructuring swap (`[a, b] = [b, a]`)
  // allocated an array per level here, ~10% of what a 100-node simulation allocated.
  private push(timer: ManualTimer): void {
    const h = this.heap;
    let i = h.length;
    h.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = h[parent]!;
      if (!firesBefore(timer, above)) break;
      h[i] = above;
      i = parent;
    }
    h[i] = timer;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && firesBefore(h[r]!, h[l]!) ? r : l;
      const below = h[child]!;
      if (!firesBefore(below, last)) break;
      h[i] = below;
      i = child;
    }
    h[i] = last;
  }
}
