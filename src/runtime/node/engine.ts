/**
 * The live node: the node core (core.ts, a synchronous `step(input) → Ready` machine)
 * and the one loop that runs it over a {@link Transport}, a {@link Ledger} and a
 * {@link Clock}. It implements the HTTP API's {@link NodeFacade}. `entropic node` runs it
 * over libp2p, LevelDB and wall time; the node simulator (`driver: node`,
 * runtime/simnet) runs the very same class over its simulated network, ledger and clock.
 *
 * The loop:
 * - turns what arrives — a message, a request, a client's transaction, a timer, the
 *   outcome of a write, read or request the core asked for — into an input, stamped with
 *   the clock, and steps the core;
 * - applies each Ready (ready.ts): writes go to the ledger through a group committer,
 *   reads start, and everything the node says (publishes, requests, replies, verdicts,
 *   results, events, scores) leaves at once — nothing in a Ready depends on a write still
 *   in flight (ready.ts says why), so persist-before-send holds without holding messages;
 * - arms one timer, for the core's next `wakeAt`.
 *
 * Lifecycle: {@link NodeEngine.open} loads the ledger into the core (recovery.ts) and
 * installs the transport handlers; `start` starts the core's timed jobs; `stop` stops them,
 * publishes queued gossip and seals pending decisions, and waits until every write the
 * core asked for has settled.
 */
import type { Tx } from "../../core/tx.js";
import type { ConflictView, MetricSample, NodeEvent, NodeFacade, StatusView, SubmitResult, TxView } from "../api/facade.js";
import { GroupCommitter } from "../ledger/group-commit.js";
import { peerIdFromEd25519PublicKey } from "../transport/keys.js";
import type { Clock, Ledger, LedgerBatch, TimerHandle, Topic, Transport, Verdict } from "../ports.js";
import { NodeCore } from "./core.js";
import type { Startable } from "./lifecycle.js";
import { countingTransport, MessageCounts } from "./message-counts.js";
import { type BackgroundTask, type EngineComponents, type EngineInit, type EngineOptions, type EngineTuning, type FailureView, splitOptions } from "./options.js";
import type { Input, Ready } from "./ready.js";
import { recover } from "./recovery.js";
import type { NodeState } from "./state.js";
import type { ReadKind } from "./tasks.js";
import { Views } from "./views.js";
import { encodeResponse } from "./wire.js";

export { BACKGROUND_TASKS, DEFAULT_TUNING } from "./options.js";
export type { BackgroundTask, EngineComponents, EngineInit, EngineOptions, EngineTuning, FailureView } from "./options.js";
export { sealableDecisions } from "./sealer.js";

/** An input without its time: the loop stamps it when it steps. */
type Unstamped = Input extends infer I ? (I extends { readonly at: number } ? Omit<I, "at"> : never) : never;

interface Pending<T> {
  resolve(v: T): void;
  reject(err: unknown): void;
}

export class NodeEngine implements NodeFacade, Startable {
  readonly name = "engine";
  readonly tuning: EngineTuning;
  private readonly core: NodeCore;
  private readonly s: NodeState;
  private readonly views: Views;
  /** the transport, counting every message (message-counts.ts) */
  private readonly transport: Transport;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  /** every write of the node goes through it (one LevelDB batch per group) */
  private readonly store: GroupCommitter;
  /** messages and bytes in and out, by kind */
  private readonly messages = new MessageCounts();
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private nextToken = 1;
  private readonly calls = new Map<number, Pending<SubmitResult | undefined>>();
  private readonly replies = new Map<number, (bytes: Uint8Array) => void>();
  private readonly verdicts = new Map<number, (v: Verdict) => void>();
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  /** writes in flight, and what {@link stop} waits on when there are some */
  private writing = 0;
  private idle: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  private constructor(init: EngineInit, components: EngineComponents) {
    // The core gets no transport and no ledger: it asks for I/O in its Readies.
    const { transport: _transport, ledger: _ledger, ...rest } = components;
    this.core = new NodeCore(init, { ...rest, peerIdOf: peerIdFromEd25519PublicKey });
    this.s = this.core.state;
    this.tuning = this.s.tuning;
    this.transport = countingTransport(components.transport, this.messages);
    this.ledger = components.ledger;
    this.clock = components.clock;
    this.store = new GroupCommitter(components.ledger);
    const core = this.core;
    const transport = this.transport;
    const store = this.store;
    this.views = new Views(
      this.s,
      {
        peerId: transport.peerId,
        addresses: () => transport.addresses(),
        peers: () => transport.peers(),
        ledgerWrites: () => store.writes,
        messages: this.messages,
        ledger: components.ledger,
        now: () => components.clock.now(),
      },
      () => ({
        outbox: core.outbox.size,
        reservations: core.admission.reservations,
        standingBatches: core.poller.standing.size,
        standingAnswers: core.responder.standing.size,
        tasksWaiting: this.s.tasks.pending,
      }),
      () => {
        const g = core.load();
        return { timeoutMs: g.timeoutMs(), roundMs: g.roundMs(), admissible: g.admissible(core.now()) };
      },
    );
  }

  /** Load what the ledger holds, install the transport handlers; call {@link start} next. */
  static async open(options: EngineOptions): Promise<NodeEngine> {
    const { init, components } = splitOptions(options);
    return NodeEngine.create(init, components);
  }

  /** {@link open} with the configuration and the dependencies apart. */
  static async create(init: EngineInit, components: EngineComponents): Promise<NodeEngine> {
    const e = new NodeEngine(init, components);
    await recover(e.s, e.ledger, e.core.admission, e.core.outbox);
    e.transport.onMessage((topic, from, data) => e.gossipIn(topic, from, data));
    e.transport.onRequest((from, data) => e.requestIn(from, data));
    return e;
  }

  /** Start the core's timed jobs. */
  start(): void {
    this.step({ kind: "start" });
  }

  /** Stop the timed jobs, seal what is pending, and wait for every write and output (the caller stops the transport and closes the ledger afterwards). */
  async stop(): Promise<void> {
    try {
      await this.call((token) => ({ kind: "stop", token }));
    } catch (err) {
      this.s.recordFailure("stop", err);
    }
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = Infinity;
    while (this.writing > 0) {
      if (this.idle === null) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        this.idle = { promise, resolve };
      }
      await this.idle.promise;
    }
  }

  /**
   * Count a caught failure of background work and report it (with its stack) through
   * `warn`. Public so the process-level `unhandledRejection` handler of `entropic node`
   * can count what reached it as task `unhandled`.
   */
  recordFailure(task: BackgroundTask, err: unknown): void {
    this.s.recordFailure(task, err);
  }

  /** Caught background failures, by task (also in `/v1/status` and `/v1/metrics`). */
  failures(): FailureView {
    return this.s.failures();
  }

  /** Peers this node holds proven equivocators (its own check, or a proof it accepted), sorted. */
  convicted(): string[] {
    return [...this.s.reported].sort();
  }

  submitTx(tx: Tx): Promise<SubmitResult> {
    return this.call((token) => ({ kind: "submit", tx, token })) as Promise<SubmitResult>;
  }

  getTx(cid: string): TxView | undefined {
    return this.views.getTx(cid);
  }

  getConflict(key: string): ConflictView | undefined {
    return this.views.getConflict(key);
  }

  readTx(cid: string): Promise<TxView | undefined> {
    return this.views.readTx(cid);
  }

  readConflict(key: string): Promise<ConflictView | undefined> {
    return this.views.readConflict(key);
  }

  /** Entries held in memory, by structure (the boundedness test). */
  retained(): Record<string, number> {
    return this.views.retained();
  }

  status(): StatusView {
    return this.views.status();
  }

  finalizedEntries(): Promise<[string, string][]> {
    return this.views.finalizedEntries();
  }

  metrics(): readonly MetricSample[] {
    return this.views.metrics();
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------------------------
  // The loop

  private token(): number {
    return this.nextToken++;
  }

  private call(input: (token: number) => Unstamped): Promise<SubmitResult | undefined> {
    return new Promise((resolve, reject) => {
      const token = this.token();
      this.calls.set(token, { resolve, reject });
      this.step(input(token));
    });
  }

  private gossipIn(topic: Topic, from: string, data: Uint8Array): Promise<Verdict> {
    return new Promise((resolve) => {
      const token = this.token();
      this.verdicts.set(token, resolve);
      this.step({ kind: "gossip", topic, from, data, token });
    });
  }

  private requestIn(from: string, data: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const token = this.token();
      this.replies.set(token, resolve);
      this.step({ kind: "request", from, data, token });
    });
  }

  /** Step the core with `input` stamped now, and apply its Ready. */
  private step(input: Unstamped, at = this.clock.now()): void {
    let ready: Ready;
    try {
      ready = this.core.step({ ...input, at } as Input);
    } catch (err) {
      // A bug of the core: counted and reported; whoever waits on this input is answered.
      this.s.recordFailure("unhandled", err);
      this.answerLost(input, err);
      return;
    }
    this.apply(ready);
  }

  /** An input the core failed on: its caller must not wait forever. */
  private answerLost(input: Unstamped, err: unknown): void {
    if (input.kind === "gossip") this.verdicts.get(input.token)?.("ignore");
    else if (input.kind === "request") this.replies.get(input.token)?.(encodeResponse({ kind: "error", message: "internal error" }));
    else if (input.kind === "submit" || input.kind === "stop") this.calls.get(input.token)?.reject(err);
    if ("token" in input) {
      this.verdicts.delete(input.token);
      this.replies.delete(input.token);
      this.calls.delete(input.token);
    }
  }

  private apply(r: Ready): void {
    for (const p of r.persist) this.write(p.id, p.batch);
    for (const rd of r.reads) this.read(rd.id, rd.kind, rd.key);
    this.arm(r.wakeAt);
    this.deliver(r);
  }

  /** One write through the group committer; its outcome goes back to the core. */
  private write(id: number, batch: LedgerBatch): void {
    this.writing++;
    const settled = (): void => {
      if (--this.writing === 0 && this.idle !== null) {
        this.idle.resolve();
        this.idle = null;
      }
    };
    this.store.commit(batch).then(
      () => {
        settled();
        this.step({ kind: "persisted", id });
      },
      (error: unknown) => {
        settled();
        this.step({ kind: "persisted", id, error });
      },
    );
  }

  private read(id: number, kind: ReadKind, key: string): void {
    const l = this.ledger;
    const p: Promise<Uint8Array | string | undefined> =
      kind === "tx" ? l.getTx(key) : kind === "vertex" ? l.getVertex(key) : kind === "set" ? l.getSet(key) : l.getFinal(key);
    p.then(
      (value) => this.step(value === undefined ? { kind: "read", id } : { kind: "read", id, value }),
      (error: unknown) => this.step({ kind: "read", id, error }),
    );
  }

  /** Everything a Ready says, in order: publishes, requests, replies, verdicts, results, events, scores. */
  private deliver(r: Ready): void {
    const t = this.transport;
    for (const p of r.publish) {
      t.publish(p.topic, p.bytes).catch((err: unknown) => this.s.c.log?.(`publish on ${p.topic} failed: ${(err as Error).message}`));
    }
    for (const q of r.requests) {
      t.request(q.peer, q.bytes, { timeoutMs: q.timeoutMs }).then(
        (data) => this.step({ kind: "response", id: q.id, data }),
        (error: unknown) => this.step({ kind: "response", id: q.id, error }),
      );
    }
    for (const x of r.replies) {
      this.replies.get(x.token)?.(x.bytes);
      this.replies.delete(x.token);
    }
    for (const v of r.verdicts) {
      this.verdicts.get(v.token)?.(v.verdict);
      this.verdicts.delete(v.token);
    }
    for (const c of r.results) {
      const waiting = this.calls.get(c.token);
      this.calls.delete(c.token);
      if (c.ok) waiting?.resolve(c.value);
      else waiting?.reject(c.error);
    }
    for (const e of r.events) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // a listener's failure is its own
        }
      }
    }
    for (const x of r.scores) t.setAppScore(x.peer, x.score);
  }

  /** One timer, for the earliest `wakeAt` the core asked for. */
  private arm(wakeAt: number | undefined): void {
    if (wakeAt === undefined || wakeAt >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = wakeAt;
    this.timer = this.clock.after(Math.max(0, wakeAt - this.clock.now()), () => {
      this.timer = null;
      this.timerAt = Infinity;
      // At least the due time: a host timer may fire a hair early by the clock's reading.
      this.step({ kind: "tick", connected: this.transport.peers() }, Math.max(this.clock.now(), wakeAt));
    });
  }
}
