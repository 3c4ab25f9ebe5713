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
  readonly period: number | undefined;
  readonly fn: () => void;
  live: boolean;
}

/**
 * The timers due at one instant, in creation order (the tie-break), and how many of them
 * have been taken. A timer created for an instant is appended to its bucket, so a bucket's
 * order is creation order without a sequence number to compare.
 */
interface Bucket {
  readonly due: number;
  readonly timers: ManualTimer[];
  next: number;
}

/**
 * A clock that moves only when {@link ManualClock.advance} is called. Timers fire in time
 * order, ties in creation order; a timer created by a callback during `advance` fires in
 * the same call if it falls due inside the window. `every(ms)` re-arms at exact multiples
 * of `ms` (no drift); a re-armed timer counts as created when it fired.
 *
 * The queue is a calendar: one bucket per due instant (a map), and a binary min-heap of
 * the instants. A simulation fires ~1.5 M timers over a few thousand distinct
 * milliseconds (latencies and timeouts are whole ticks), so most timers cost an append
 * and an index; a heap of all timers cost ~17 levels of pointer-chasing per timer, the
 * simulator's busiest loop (bench/manual-clock.ts, ~100,000 pending: ~1.7 µs per timer
 * for that heap, ~0.45 µs for this calendar). The event driver's queue
 * (sim/event/queue.ts) is the same calendar over a pool of integer slots; this one holds
 * callbacks that can be cancelled, and sweeps what was cancelled.
 */
export class ManualClock implements Clock {
  private time: number;
  private live = 0;
  /** timers held in buckets, cancelled ones included (they are dropped when reached or swept) */
  private held = 0;
  private readonly buckets = new Map<number, Bucket>();
  /** the buckets' instants, a binary min-heap */
  private instants: number[] = [];

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
    return this.peek()?.due;
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
    for (let top = this.peek(); top !== undefined && top.due <= until; top = this.peek()) {
      // peek() left the bucket's next timer live: take it.
      this.time = top.due;
      const timer = top.timers[top.next++]!;
      this.held--;
      if (timer.period === undefined) {
        timer.live = false;
        this.live--;
      } else {
        // Re-arm before the callback so that a callback that throws does not stop the timer.
        timer.due += timer.period;
        this.put(timer);
      }
      timer.fn();
    }
    this.time = until;
  }

  private schedule(ms: number, period: number | undefined, fn: () => void): TimerHandle {
    const timer: ManualTimer = { due: this.time + ms, period, fn, live: true };
    this.put(timer);
    this.live++;
    return {
      cancel: () => {
        if (!timer.live) return;
        timer.live = false;
        this.live--;
        // Cancelled timers wait in their bucket until it is reached; a node that arms and
        // cancels many far-off timeouts would grow the buckets without bound, so sweep now and then.
        if (this.held > 64 && this.held > 2 * this.live) this.sweep();
      },
    };
  }

  /** The earliest bucket, its next timer live (spent buckets and cancelled timers dropped on the way); undefined when none. */
  private peek(): Bucket | undefined {
    while (this.instants.length > 0) {
      const bucket = this.buckets.get(this.instants[0]!)!;
      const timers = bucket.timers;
      while (bucket.next < timers.length && !timers[bucket.next]!.live) {
        bucket.next++;
        this.held--;
      }
      if (bucket.next < timers.length) return bucket;
      this.buckets.delete(bucket.due);
      this.popInstant();
    }
    return undefined;
  }

  private put(timer: ManualTimer): void {
    this.held++;
    const bucket = this.buckets.get(timer.due);
    if (bucket !== undefined) {
      bucket.timers.push(timer);
      return;
    }
    this.buckets.set(timer.due, { due: timer.due, timers: [timer], next: 0 });
    this.pushInstant(timer.due);
  }

  private sweep(): void {
    const kept: ManualTimer[][] = [];
    for (const bucket of this.buckets.values()) {
      const timers = bucket.timers.slice(bucket.next).filter((t) => t.live);
      if (timers.length > 0) kept.push(timers);
    }
    this.buckets.clear();
    this.held = 0;
    // A sorted array is a valid min-heap.
    this.instants = kept.map((timers) => timers[0]!.due).sort((a, b) => a - b);
    for (const timers of kept) {
      this.buckets.set(timers[0]!.due, { due: timers[0]!.due, timers, next: 0 });
      this.held += timers.length;
    }
  }

  // Sifts move a hole instead of swapping pairs: a destructuring swap (`[a, b] = [b, a]`)
  // allocates an array per level.
  private pushInstant(due: number): void {
    const h = this.instants;
    let i = h.length;
    h.push(due);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = h[parent]!;
      if (!(due < above)) break;
      h[i] = above;
      i = parent;
    }
    h[i] = due;
  }

  private popInstant(): void {
    const h = this.instants;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && h[r]! < h[l]! ? r : l;
      const below = h[child]!;
      if (!(below < last)) break;
      h[i] = below;
      i = child;
    }
    h[i] = last;
  }
}
