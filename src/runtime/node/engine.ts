/**
 * The live node: one protocol (emtd, tmesh or snowball: the simulators' objects,
 * unchanged) deciding real conflicting transactions over a {@link Transport}, persisting
 * to a {@link Ledger}, timed by a {@link Clock}. It implements the HTTP API's
 * {@link NodeFacade}. This file only assembles the node from its jobs, around the shared
 * {@link NodeState} (state.ts):
 *
 * - admission.ts — transactions in (client, gossip, fetch), refusals, the write before all else;
 * - poller.ts — poll rounds: sampling, signed queries, digesting answers;
 * - evidence.ts — signed-answer memory, equivocation proofs, trust;
 * - finalizer.ts — decisions, written before they are announced;
 * - responder.ts — answers to peers' queries and fetches;
 * - resync.ts — heads, wanted blocks, vertex intake and the sheaf check, re-gossip;
 * - sealer.ts — decisions into signed DAG vertices;
 * - outbox.ts — batched transaction gossip;
 * - views.ts — what the API reads: transactions, sets, status, metrics, observables;
 * - recovery.ts — what is loaded from the ledger at open.
 *
 * Ordering contract (as etcd/raft's `Ready`): everything is persisted before it is sent
 * or announced. A transaction is written before it is gossiped or counted as submitted
 * (and refused before it is written); a finalized decision is written before it is
 * sealed into a vertex, reported by an event or the API; a vertex is written before it is
 * published. So after `kill -9` a node never has to take back anything it told anyone,
 * except a preference (which may change anyway). Each module's doc states its part.
 *
 * Lifecycle: {@link NodeEngine.open} loads the ledger and installs the transport
 * handlers; `start` starts each loop (each a {@link Startable}); `stop` stops them in
 * reverse order, publishing queued gossip and sealing pending decisions last.
 */
import type { Tx } from "../../core/tx.js";
import type { ConflictView, MetricSample, NodeEvent, NodeFacade, StatusView, SubmitResult, TxView } from "../api/facade.js";
import { DecodeError } from "../../core/errors.js";
import { TOPICS, type Topic, type Verdict } from "../ports.js";
import { Admission } from "./admission.js";
import { Evidence } from "./evidence.js";
import { Finalizer } from "./finalizer.js";
import type { LoadGauge } from "./load-gauge.js";
import { type Startable, stopAll } from "./lifecycle.js";
import { type BackgroundTask, type EngineComponents, type EngineInit, type EngineOptions, type EngineTuning, type FailureView, splitOptions } from "./options.js";
import { Outbox } from "./outbox.js";
import { Poller } from "./poller.js";
import { recover } from "./recovery.js";
import { Responder } from "./responder.js";
import { Resync } from "./resync.js";
import { Sealer } from "./sealer.js";
import { NodeState } from "./state.js";
import { Views } from "./views.js";
import { decodeTxBatch } from "./wire.js";

export { BACKGROUND_TASKS, DEFAULT_TUNING } from "./options.js";
export type { BackgroundTask, EngineComponents, EngineInit, EngineOptions, EngineTuning, FailureView } from "./options.js";
export { sealableDecisions } from "./sealer.js";

export class NodeEngine implements NodeFacade, Startable {
  readonly name = "engine";
  readonly tuning: EngineTuning;
  private readonly s: NodeState;
  private readonly admission: Admission;
  private readonly poller: Poller;
  private readonly evidence: Evidence;
  private readonly resync: Resync;
  private readonly responder: Responder;
  private readonly outbox: Outbox;
  private readonly views: Views;
  /** the loops, in start order (stopped in reverse: the sealer last) */
  private readonly services: readonly Startable[];

  private constructor(init: EngineInit, components: EngineComponents) {
    const s = new NodeState(init, components);
    this.s = s;
    this.tuning = s.tuning;
    this.outbox = new Outbox(s);
    this.admission = new Admission(s, this.outbox, () => this.load().overloaded(s.undecided.size, s.c.clock.now()));
    this.evidence = new Evidence(s);
    const finalizer = new Finalizer(s);
    this.resync = new Resync(s, this.admission, this.outbox);
    this.poller = new Poller(s, this.evidence, finalizer, this.resync);
    this.responder = new Responder(s, finalizer, this.resync);
    const sealer = new Sealer(s);
    this.views = new Views(
      s,
      () => ({ outbox: this.outbox.size, reservations: this.admission.reservations, standingBatches: this.poller.standing.size, standingAnswers: this.responder.standing.size }),
      () => {
        const g = this.load();
        return { timeoutMs: g.timeoutMs(), roundMs: g.roundMs(), admissible: g.admissible(s.c.clock.now()) };
      },
    );
    this.services = [sealer, this.resync, this.views, this.outbox, this.poller];
  }

  /** The poll loop's load gauge, told the finalizations so far (admission and the metrics read it). */
  private load(): LoadGauge {
    const g = this.poller.gauge;
    g.observeFinalized(this.s.counters.finalized, this.s.c.clock.now());
    return g;
  }

  /** Load what the ledger holds, install the transport handlers; call {@link start} next. */
  static async open(options: EngineOptions): Promise<NodeEngine> {
    const { init, components } = splitOptions(options);
    return NodeEngine.create(init, components);
  }

  /** {@link open} with the configuration and the dependencies apart. */
  static async create(init: EngineInit, components: EngineComponents): Promise<NodeEngine> {
    const e = new NodeEngine(init, components);
    await recover(e.s, e.admission, e.outbox);
    e.s.c.transport.onMessage((topic, from, data) => e.onGossip(topic, from, data));
    e.s.c.transport.onRequest((from, data) => e.responder.onRequest(from, data));
    return e;
  }

  /** Start the loops. */
  start(): void {
    if (this.s.running) return;
    this.s.running = true;
    for (const x of this.services) void x.start();
  }

  /** Stop the loops (the caller stops the transport and closes the ledger afterwards). */
  async stop(): Promise<void> {
    this.s.running = false;
    await stopAll(this.services, (name, err) => this.s.recordFailure("stop", new Error(`${name}: ${(err as Error).message ?? String(err)}`)));
  }

  /** One poll round now (tests and tools; the loop calls it on its own). */
  pollRound(): Promise<void> {
    return this.poller.pollRound();
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

  submitTx(tx: Tx): Promise<SubmitResult> {
    return this.admission.submitTx(tx);
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
    this.s.listeners.add(listener);
    return () => this.s.listeners.delete(listener);
  }

  /** Gossip in: each topic to the job that takes it; a malformed message costs its sender trust. */
  private async onGossip(topic: Topic, from: string, data: Uint8Array): Promise<Verdict> {
    try {
      if (topic === TOPICS.tx) return await this.admission.ingestTxs(decodeTxBatch(data), from, false);
      if (topic === TOPICS.vertex) return await this.resync.ingestVertex(data, from);
      if (topic === TOPICS.evidence) return this.evidence.ingest(data, from);
      if (topic === TOPICS.heads) return this.resync.ingestHeads(data, from);
      return "ignore";
    } catch (err) {
      if (!(err instanceof DecodeError)) {
        // Our failure (the ledger, a bug), not the peer's: record it, do not blame them.
        this.s.recordFailure("gossip-in", err);
        return "ignore";
      }
      this.s.c.log?.(`${topic} from ${from}: ${(err as Error).message}`);
      this.s.distrust(from, 0.8, `malformed ${topic}`);
      return "reject";
    }
  }
}
