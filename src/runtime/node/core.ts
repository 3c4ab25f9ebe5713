/**
 * The node core: one protocol (emtd, tmesh or snowball: the simulators' objects,
 * unchanged) deciding real conflicting transactions, as a synchronous state machine.
 * `step(input) → Ready` (ready.ts), as etcd/raft's `Step`/`Ready`: inputs are received
 * messages, client submissions, timer ticks and the completions of the I/O it asked for;
 * each Ready says what to persist, read, send, publish and report. No I/O, no wall
 * clock, no timers of the host, no randomness but the injected generator: the same core
 * runs in the live node and, by the hundred, in the deterministic simulator (engine.ts
 * is the one loop that applies Readies, for both).
 *
 * The jobs, around the shared {@link NodeState} (state.ts):
 * - admission.ts — transactions in (client, gossip, fetch), refusals, the write before all else;
 * - poller.ts — poll rounds: sampling, signed queries, digesting answers;
 * - answer-reader.ts — peers' answers checked and their entries resolved (standing polls);
 * - evidence.ts — signed-answer memory, equivocation proofs, trust;
 * - finalizer.ts — decisions, written before they are announced;
 * - responder.ts — answers to peers' queries and fetches;
 * - resync.ts — heads, wanted blocks, vertex intake and the sheaf check, re-gossip;
 * - sealer.ts — decisions into signed DAG vertices;
 * - outbox.ts — batched transaction gossip.
 * A job that waits for I/O is a task (tasks.ts): a generator resumed by the input that
 * completes what it waited for.
 *
 * Time: the core's clock is a {@link ManualClock} moved to each input's `at`; the timers
 * the jobs arm on it (poll rounds, gossip flushes, seals, heads, observables) fire as it
 * passes them, and `Ready.wakeAt` tells the loop when the next one is due.
 */
import { DecodeError } from "../../core/errors.js";
import { quantile } from "../../core/quantile.js";
import type { SubmitResult } from "../api/facade.js";
import { ManualClock } from "../clock.js";
import { TOPICS, type Topic, type Verdict } from "../ports.js";
import { Admission } from "./admission.js";
import { Evidence } from "./evidence.js";
import { Finalizer } from "./finalizer.js";
import type { TimedJob } from "./lifecycle.js";
import type { LoadGauge } from "./load-gauge.js";
import type { CoreComponents, EngineInit } from "./options.js";
import { Outbox } from "./outbox.js";
import { Poller } from "./poller.js";
import type { CallResult, Input, Ready } from "./ready.js";
import { Responder } from "./responder.js";
import { Resync } from "./resync.js";
import { Sealer } from "./sealer.js";
import { NodeState } from "./state.js";
import type { Task } from "./tasks.js";
import { decodeTxBatch, encodeResponse } from "./wire.js";

/** Observables are emitted every this many ms. */
const OBSERVABLES_MS = 1000;

export class NodeCore {
  readonly state: NodeState;
  readonly admission: Admission;
  readonly poller: Poller;
  readonly outbox: Outbox;
  readonly responder: Responder;
  private readonly evidence: Evidence;
  private readonly resync: Resync;
  private readonly sealer: Sealer;
  private readonly clock: ManualClock;
  /** the timed jobs, in start order (stopped in reverse) */
  private readonly services: readonly TimedJob[];
  private observables: { cancel(): void } | null = null;

  /** @param components the core's dependencies; `clock` gives only the start time (the core keeps its own) */
  constructor(init: EngineInit, components: CoreComponents) {
    this.clock = new ManualClock(components.clock.now());
    const s = new NodeState(init, { ...components, clock: this.clock });
    this.state = s;
    this.outbox = new Outbox(s);
    this.admission = new Admission(s, this.outbox, () => this.load().overloaded(s.undecided.size, s.c.clock.now()));
    this.evidence = new Evidence(s);
    const finalizer = new Finalizer(s);
    this.resync = new Resync(s, this.admission, this.outbox);
    this.poller = new Poller(s, this.evidence, finalizer, this.resync);
    this.responder = new Responder(s, finalizer, this.resync);
    this.sealer = new Sealer(s);
    this.services = [this.sealer, this.resync, this.outbox, this.poller];
  }

  /** The poll loop's load gauge, told the finalizations so far (admission and the metrics read it). */
  load(): LoadGauge {
    const g = this.poller.gauge;
    g.observeFinalized(this.state.counters.finalized, this.clock.now());
    return g;
  }

  /** The core's time (the `at` of the newest input). */
  now(): number {
    return this.clock.now();
  }

  /** Apply one input; what the loop must do next. */
  step(input: Input): Ready {
    const s = this.state;
    this.advance(input.at);
    switch (input.kind) {
      case "tick":
        if (input.connected !== undefined) this.connect(input.connected);
        break;
      case "start":
        this.start();
        break;
      case "stop":
        this.call(input.token, this.stop());
        break;
      case "submit":
        this.call(input.token, this.admission.submitTx(input.tx));
        break;
      case "gossip": {
        const token = input.token;
        s.tasks.spawn(this.onGossip(input.topic, input.from, input.data), (ok, value) => {
          if (!ok) s.recordFailure("gossip-in", value);
          s.out.ready.verdicts.push({ token, verdict: ok ? (value as Verdict) : "ignore" });
        });
        break;
      }
      case "request": {
        const token = input.token;
        s.tasks.spawn(this.responder.onRequest(input.from, input.data), (ok, value) => {
          if (ok) s.out.ready.replies.push({ token, bytes: value as Uint8Array });
          else {
            // Our failure (the ledger, a bug), not the asker's: recorded, and the asker told.
            s.recordFailure("gossip-in", value);
            s.out.ready.replies.push({ token, bytes: encodeResponse({ kind: "error", message: "internal error" }) });
          }
        });
        break;
      }
      case "persisted":
        this.complete(input.id, input.error === undefined, input.error);
        break;
      case "read":
        this.complete(input.id, input.error === undefined, input.error === undefined ? input.value : input.error);
        break;
      case "response":
        this.complete(input.id, input.error === undefined, input.error === undefined ? input.data : input.error);
        break;
    }
    s.tasks.drain();
    const ready = s.out.take();
    ready.wakeAt = this.clock.nextDue();
    return ready;
  }

  /** Move the clock to `at`, firing due timers in order; the tasks each timer starts run before the next one fires. */
  private advance(at: number): void {
    const s = this.state;
    for (let due = this.clock.nextDue(); due !== undefined && due <= at; due = this.clock.nextDue()) {
      try {
        this.clock.advance(due - this.clock.now());
      } catch (err) {
        s.recordFailure("unhandled", err); // a timer callback that did not guard itself: a bug, counted
      }
      s.tasks.drain();
    }
    if (at > this.clock.now()) this.clock.advance(at - this.clock.now());
  }

  private connect(peers: readonly string[]): void {
    const s = this.state;
    const before = s.connected;
    s.connected = peers;
    // The usual tick: the same list (both sorted by the transports). Otherwise, did one join?
    if (peers.length === before.length && peers.every((p, i) => p === before[i])) return;
    for (const p of peers) s.peers.index(p);
    const had = new Set(before);
    if (peers.some((p) => !had.has(p))) this.resync.peerJoined();
  }

  private complete(id: number, ok: boolean, value: unknown): void {
    if (!this.state.tasks.complete(id, ok, value)) this.state.recordFailure("unhandled", new Error(`completion ${id}: no task waits for it`));
  }

  /** Run a caller's task; its result goes back under `token`. */
  private call(token: number, task: Task<unknown>): void {
    const s = this.state;
    s.tasks.spawn(task, (ok, value) => {
      const r: CallResult = ok ? { token, ok: true, value: value as SubmitResult | undefined } : { token, ok: false, error: value };
      s.out.ready.results.push(r);
    });
  }

  private start(): void {
    const s = this.state;
    if (s.running) return;
    s.running = true;
    for (const x of this.services) s.guard(x.name, () => x.start());
    this.observables ??= this.clock.every(OBSERVABLES_MS, () => {
      if (s.running) s.guard("observables", () => this.emitObservables());
    });
  }

  /** Stop the timed jobs; publish queued gossip and seal pending decisions last. */
  private *stop(): Task<undefined> {
    const s = this.state;
    s.running = false;
    this.observables?.cancel();
    this.observables = null;
    for (const x of [...this.services].reverse()) s.guard(x.name, () => x.stop());
    try {
      yield* this.sealer.seal();
    } catch (err) {
      s.recordFailure("stop", err); // the decisions are in the ledger: sealed at the next start
    }
    return undefined;
  }

  /** Gossip in: each topic to the job that takes it; a malformed message costs its sender trust. */
  private *onGossip(topic: Topic, from: string, data: Uint8Array): Task<Verdict> {
    const s = this.state;
    try {
      if (topic === TOPICS.tx) return yield* this.admission.ingestTxs(s.c.decodeMemo?.txBatch(data) ?? decodeTxBatch(data), from, false);
      if (topic === TOPICS.vertex) return yield* this.resync.ingestVertex(data, from);
      if (topic === TOPICS.evidence) return this.evidence.ingest(data, from);
      if (topic === TOPICS.heads) return this.resync.ingestHeads(data, from);
      return "ignore";
    } catch (err) {
      if (!(err instanceof DecodeError)) {
        // Our failure (the ledger, a bug), not the peer's: record it, do not blame them.
        s.recordFailure("gossip-in", err);
        return "ignore";
      }
      s.c.log?.(`${topic} from ${from}: ${(err as Error).message}`);
      s.distrust(from, 0.8, `malformed ${topic}`);
      return "reject";
    }
  }

  private emitObservables(): void {
    const s = this.state;
    const lat = s.recentLatencies.slice().sort((a, b) => a - b);
    const q = (p: number) => (lat.length === 0 ? 0 : quantile(lat, p));
    s.emit({
      type: "observables",
      at: s.c.clock.now(),
      values: {
        finalized: s.finals.size,
        pending: s.undecided.size,
        finalizedPerSecond: s.finalizedSinceTick,
        latencyP50: q(0.5),
        latencyP99: q(0.99),
        peers: s.connected.length,
      },
    });
    s.finalizedSinceTick = 0;
  }
}
