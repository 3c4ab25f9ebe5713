/**
 * The node core's interface to the world (core.ts): what goes in ({@link Input}) and
 * what comes out of each step ({@link Ready}), as etcd/raft's `Step` and `Ready`.
 *
 * The core does no I/O. One loop (engine.ts) feeds it inputs — messages, client calls,
 * timer ticks and the completions of the I/O it asked for — and applies each `Ready`;
 * the live node's loop runs over libp2p, LevelDB and wall time, the simulator's over its
 * simulated network, ledger and clock. Same core, same loop.
 */
import type { Tx } from "../../core/tx.js";
import type { NodeEvent, SubmitResult } from "../api/facade.js";
import type { LedgerBatch, Topic, Verdict } from "../ports.js";
import type { EffectSink, ReadKind } from "./tasks.js";

/**
 * One input. `at` is the loop's clock when it is stepped (ms): the core's only time;
 * timers the core armed fire, in due order, as `at` passes them.
 */
export type Input = { readonly at: number } & (
  | { readonly kind: "start" }
  /** `token` comes back in {@link Ready.results} once the node has sealed and published what it held */
  | { readonly kind: "stop"; readonly token: number }
  /** time passed (a timer the core asked for in {@link Ready.wakeAt}); `connected`: the peers connected now */
  | { readonly kind: "tick"; readonly connected?: readonly string[] }
  /** a pub/sub message; its verdict comes back in {@link Ready.verdicts} under `token` */
  | { readonly kind: "gossip"; readonly topic: Topic; readonly from: string; readonly data: Uint8Array; readonly token: number }
  /** a peer's request; the reply comes back in {@link Ready.replies} under `token` */
  | { readonly kind: "request"; readonly from: string; readonly data: Uint8Array; readonly token: number }
  /** a client's transaction; the result comes back in {@link Ready.results} under `token` */
  | { readonly kind: "submit"; readonly tx: Tx; readonly token: number }
  /** completions of what a Ready asked for, by its id */
  | { readonly kind: "persisted"; readonly id: number; readonly error?: unknown }
  | { readonly kind: "read"; readonly id: number; readonly value?: Uint8Array | string; readonly error?: unknown }
  | { readonly kind: "response"; readonly id: number; readonly data?: Uint8Array; readonly error?: unknown }
);

/** A result for a caller of the core (a submission, a stop). */
export type CallResult = { readonly token: number } & ({ readonly ok: true; readonly value: SubmitResult | undefined } | { readonly ok: false; readonly error: unknown });

/**
 * What one step asks of the loop: start the writes in `persist` and the `reads`, send
 * the rest — `publish`, `requests`, `replies`, `verdicts`, `results`, `events`, `scores`
 * — and step a `tick` at `wakeAt`. Each write's and read's outcome comes back as an input
 * under its id.
 *
 * Ordering contract: persist before send. Nothing in a Ready depends on a write still in
 * flight, so the loop may send all of it at once. That holds by construction: a job that
 * writes (admission, finalization, sealing, vertex intake, reconciliation) is a task
 * (tasks.ts) that changes what other jobs can see, and says anything about what it wrote
 * — a verdict, a client's result, an event, a vertex published — only after it resumes on
 * its `persisted` input, so in a later Ready. So after `kill -9` a node never has to take
 * back anything it told anyone, except a preference (which may change anyway; its signed
 * epochs are fenced per session at recovery, recovery.ts).
 *
 * Why not raft's rule (hold every message of a Ready until its writes, and every earlier
 * Ready's, are durable): raft's core changes its state at once and relies on the loop
 * to hold what that state would reveal; this core defers each such change to the write's
 * completion, so holding messages adds nothing but delay. Measured: held behind the
 * unrelated writes of vertex intake, poll answers made the first finalization 53% later
 * in a 20-node simulation with 1% loss (docs/node-simulator.md, "The core and its loop").
 */
export interface Ready {
  readonly persist: { readonly id: number; readonly batch: LedgerBatch }[];
  readonly reads: { readonly id: number; readonly kind: ReadKind; readonly key: string }[];
  readonly requests: { readonly id: number; readonly peer: string; readonly bytes: Uint8Array; readonly timeoutMs: number }[];
  readonly publish: { readonly topic: Topic; readonly bytes: Uint8Array }[];
  readonly replies: { readonly token: number; readonly bytes: Uint8Array }[];
  readonly verdicts: { readonly token: number; readonly verdict: Verdict }[];
  readonly results: CallResult[];
  readonly events: NodeEvent[];
  /** gossipsub application scores (trust lowered on evidence) */
  readonly scores: { readonly peer: string; readonly score: number }[];
  /** when the core's next timer is due (a `tick` then), or undefined: none armed */
  wakeAt: number | undefined;
}

/** An empty Ready that collects a step's output. */
export function emptyReady(): Ready {
  return { persist: [], reads: [], requests: [], publish: [], replies: [], verdicts: [], results: [], events: [], scores: [], wakeAt: undefined };
}

/** Collects the tasks' effects into the step's Ready (tasks.ts {@link EffectSink}). */
export class ReadySink implements EffectSink {
  ready: Ready = emptyReady();

  /** The Ready collected so far, and a fresh one for the next step. */
  take(): Ready {
    const r = this.ready;
    this.ready = emptyReady();
    return r;
  }

  persist(id: number, batch: LedgerBatch): void {
    this.ready.persist.push({ id, batch });
  }

  read(id: number, kind: ReadKind, key: string): void {
    this.ready.reads.push({ id, kind, key });
  }

  request(id: number, peer: string, bytes: Uint8Array, timeoutMs: number): void {
    this.ready.requests.push({ id, peer, bytes, timeoutMs });
  }
}
