/**
 * Tasks: how the node core waits without being asynchronous.
 *
 * A job that must wait for the ledger or a peer (admit a transaction once it is written,
 * digest a poll once its answers are in) is written as a generator that yields what it
 * waits for — an {@link Effect} — and resumes with the outcome. The {@link Scheduler}
 * runs tasks synchronously: a yielded persist, read or request becomes an entry of the
 * step's `Ready` (ready.ts) under a fresh id, and the task resumes in the step that brings
 * that id's completion back as an input. Nothing here does I/O, reads a clock or draws
 * randomness; the whole node core is a synchronous function of its inputs.
 *
 * This is the "sans-IO" coroutine pattern (redux-saga's effects, effection's operations,
 * Python's sans-I/O protocol libraries): the code keeps the shape it had with
 * `async`/`await` — `yield*` where there was `await` — so each job still reads top to
 * bottom, while the I/O is done by one loop outside (engine.ts) for the live node and the
 * simulator alike.
 *
 * Order: resumptions wait in one FIFO run queue drained before the step returns, as
 * promise callbacks wait in the microtask queue, so a task never resumes inside another
 * task's call stack, and the order is a function of the inputs alone.
 */
import type { LedgerBatch } from "../ports.js";

/** A ledger read: its kind, by key (the {@link Ledger} port's getters). */
export type ReadKind = "tx" | "vertex" | "set" | "final";

/** What a task waits for. */
export type Effect =
  | { readonly op: "persist"; readonly batch: LedgerBatch }
  | { readonly op: "read"; readonly kind: ReadKind; readonly key: string }
  | { readonly op: "request"; readonly peer: string; readonly bytes: Uint8Array; readonly timeoutMs: number }
  | { readonly op: "all"; readonly tasks: readonly Task<unknown>[] }
  | { readonly op: "wait"; readonly latch: Latch };

/** A job that may wait: resumed with each effect's outcome, returning T. */
export type Task<T> = Generator<Effect, T, unknown>;

/** Write `batch`; resumes once it is durable (throws what the ledger threw). */
export function* persist(batch: LedgerBatch): Task<void> {
  yield { op: "persist", batch };
}

/** Read a transaction's, vertex's or set record's bytes; undefined when not stored. */
export function* readBytes(kind: "tx" | "vertex" | "set", key: string): Task<Uint8Array | undefined> {
  return (yield { op: "read", kind, key }) as Uint8Array | undefined;
}

/** Read the finalized decision (a CID string) of a conflict key; undefined when none. */
export function* readFinal(key: string): Task<string | undefined> {
  return (yield { op: "read", kind: "final", key }) as string | undefined;
}

/** Send a request to `peer`; resumes with its response, or throws (failed, timed out). */
export function* request(peer: string, bytes: Uint8Array, timeoutMs: number): Task<Uint8Array> {
  return (yield { op: "request", peer, bytes, timeoutMs }) as Uint8Array;
}

/** Run tasks side by side; resumes with their results in order, or throws the first failure (as `Promise.all`). */
export function* all<T>(tasks: readonly Task<T>[]): Task<T[]> {
  if (tasks.length === 0) return [];
  return (yield { op: "all", tasks }) as T[];
}

/** A one-shot gate: tasks that wait on it resume when it opens (at once if it is open). */
export class Latch {
  private opened = false;
  /** set by the scheduler: what resumes the waiters */
  waiters: (() => void)[] = [];

  get isOpen(): boolean {
    return this.opened;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }

  *wait(): Task<void> {
    if (!this.opened) yield { op: "wait", latch: this };
  }
}

/** Where an effect the scheduler cannot settle itself goes: the step's Ready (ready.ts). */
export interface EffectSink {
  persist(id: number, batch: LedgerBatch): void;
  read(id: number, kind: ReadKind, key: string): void;
  request(id: number, peer: string, bytes: Uint8Array, timeoutMs: number): void;
}

interface Fiber {
  readonly gen: Task<unknown>;
  readonly done: (ok: boolean, value: unknown) => void;
}

/** Runs tasks; see the module doc. */
export class Scheduler {
  private nextId = 1;
  /** effect id → the fiber waiting for its completion */
  private readonly waiting = new Map<number, Fiber>();
  private readonly queue: { readonly fiber: Fiber; readonly ok: boolean; readonly value: unknown }[] = [];
  private head = 0;
  private draining = false;

  constructor(
    private readonly sink: EffectSink,
    /** a `done` callback that threw (a bug of the caller): reported, and the other tasks run on */
    private readonly fault: (err: unknown) => void,
  ) {}

  /** Fibers waiting for an I/O completion (the census of `retained`). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Start `task`; `done` gets its result or its failure. Runs at the next {@link drain}. */
  spawn<T>(task: Task<T>, done: (ok: boolean, value: unknown) => void): void {
    this.queue.push({ fiber: { gen: task, done: done as Fiber["done"] }, ok: true, value: undefined });
  }

  /** The outcome of effect `id` (from an input); false when no task waits for it. */
  complete(id: number, ok: boolean, value: unknown): boolean {
    const fiber = this.waiting.get(id);
    if (fiber === undefined) return false;
    this.waiting.delete(id);
    this.queue.push({ fiber, ok, value });
    return true;
  }

  /** Run every runnable task until each has finished or waits for I/O. */
  drain(): void {
    if (this.draining) return; // a done callback that spawns: its task joins this drain
    this.draining = true;
    try {
      while (this.head < this.queue.length) {
        const { fiber, ok, value } = this.queue[this.head]!;
        this.queue[this.head++] = undefined as never;
        this.resume(fiber, ok, value);
      }
    } finally {
      this.queue.length = 0;
      this.head = 0;
      this.draining = false;
    }
  }

  private resume(fiber: Fiber, ok: boolean, value: unknown): void {
    let r: IteratorResult<Effect, unknown>;
    try {
      r = ok ? fiber.gen.next(value) : fiber.gen.throw(value);
    } catch (err) {
      this.finish(fiber, false, err);
      return;
    }
    if (r.done === true) {
      this.finish(fiber, true, r.value);
      return;
    }
    const e = r.value;
    switch (e.op) {
      case "persist": {
        const id = this.nextId++;
        this.waiting.set(id, fiber);
        this.sink.persist(id, e.batch);
        return;
      }
      case "read": {
        const id = this.nextId++;
        this.waiting.set(id, fiber);
        this.sink.read(id, e.kind, e.key);
        return;
      }
      case "request": {
        const id = this.nextId++;
        this.waiting.set(id, fiber);
        this.sink.request(id, e.peer, e.bytes, e.timeoutMs);
        return;
      }
      case "wait": {
        const wake = (): void => void this.queue.push({ fiber, ok: true, value: undefined });
        if (e.latch.isOpen) wake();
        else e.latch.waiters.push(wake);
        return;
      }
      case "all": {
        // The children run as tasks of their own; the parent resumes with every result, or
        // with the first failure (later outcomes are dropped, as Promise.all drops them).
        const results = new Array<unknown>(e.tasks.length);
        let left = e.tasks.length;
        let failed = false;
        e.tasks.forEach((t, k) =>
          this.spawn(t, (childOk, v) => {
            if (failed) return;
            if (!childOk) {
              failed = true;
              this.queue.push({ fiber, ok: false, value: v });
              return;
            }
            results[k] = v;
            if (--left === 0) this.queue.push({ fiber, ok: true, value: results });
          }),
        );
        return;
      }
    }
  }

  private finish(fiber: Fiber, ok: boolean, value: unknown): void {
    try {
      fiber.done(ok, value);
    } catch (err) {
      this.fault(err);
    }
  }
}
