/**
 * The live node: one protocol (emtd, tmesh or snowball: the simulators' objects,
 * unchanged) deciding real conflicting transactions over a {@link Transport}, persisting
 * to a {@link Ledger}, timed by a {@link Clock}. It implements the HTTP API's
 * {@link NodeFacade}.
 *
 * Ordering contract (as etcd/raft's `Ready`): everything is persisted before it is sent
 * or announced. A transaction is written before it is gossiped or counted as submitted; a
 * finalized decision is written before it is sealed into a vertex, reported by an event
 * or the API; a vertex is written before it is published. So after `kill -9` a node never
 * has to take back anything it told anyone, except a preference (which may change anyway).
 *
 * Loops (all on the injected clock):
 * - poll: ask `K` random connected peers (all of them for EMTD) about every undecided
 *   instance in one batched, signed query; feed each instance's answers to the protocol;
 * - gossip: transactions are published in batches every `gossipFlushMs` (publish has no
 *   backpressure, so the node paces itself);
 * - seal: new decisions go into a signed Merkle-DAG vertex whose parents are this node's
 *   previous vertex and the newest vertex of every other author it knows;
 * - heads: announce the newest vertices and the Merkle root of the finalized map; a node
 *   that hears of vertices it lacks walks back from them and fetches what is missing.
 *
 * Memory (issue 14): finalized history lives in the ledger, not here. In memory are the
 * pending sets and their transactions, the {@link EngineTuning.recentFinalized} newest
 * finalized sets (an LRU; an evicted set is written as a set record and its protocol
 * state released), a bounded LRU of recent decisions (conflict key → CID) for finality
 * checks, the DAG's bounded caches ({@link DagIndex}) and a 2 KiB set commitment of the
 * finalized map ({@link FinalizedCommitment}). Anything older is read from the ledger.
 *
 * Nothing stays pending for want of gossip (issue 14 §3): a restarted node re-announces
 * the pending transactions it holds; a node polled about a set it does not know fetches
 * it from the asker (every protocol); a pending set is re-gossiped with exponential
 * backoff ({@link EngineTuning.regossipMs}, doubling up to 60 s) until it is decided.
 *
 * The sheaf check of the live node: each received vertex is a section (its author's
 * decisions) over the conflict sets it covers; on the overlap with this node's finalized
 * map the two must agree. A disagreement is a `sheaf-conflict` event with both CIDs.
 */
import { type BlockCid, cidOf, parseCid } from "../../core/codec.js";
import type { ConflictSet } from "../../core/conflict.js";
import { equalBytes, toHex } from "../../core/bytes.js";
import type { CryptoSuite, KeyPair } from "../../core/crypto.js";
import { DecodeError } from "../../core/errors.js";
import type { Rng } from "../../core/prng.js";
import { type Tx, conflictKey, decodeTx, encodeTx, parseConflictKey, verifyTx } from "../../core/tx.js";
import { type Decision, type Vertex, createVertex, decodeVertex, encodeVertex, MAX_DECISIONS } from "../../core/vertex.js";
import { ALL_NEIGHBOURS, type ConsensusProtocol, NO_CANDIDATE, type PollContext } from "../../protocols/consensus.js";
import type {
  ConflictView,
  MetricSample,
  NodeEvent,
  NodeFacade,
  StatusView,
  SubmitResult,
  TxStatus,
  TxView,
} from "../api/facade.js";
import { type Clock, type Ledger, LedgerConflictError, type TimerHandle, TOPICS, type Topic, type Transport, type Verdict } from "../ports.js";
import { peerIdFromEd25519PublicKey } from "../transport/keys.js";
import { quantile } from "../../core/quantile.js";
import { GroupCommitter } from "../ledger/group-commit.js";
import { DagIndex } from "./dag.js";
import { LiveSets } from "./live-sets.js";
import { Lru } from "./lru.js";
import { FinalizedCommitment } from "./merkle.js";
import { decodeSetRecord, encodeSetRecord, type SetRecord } from "./set-record.js";
import { InstanceTable, PeerBook, permuteVector } from "./table.js";
import {
  type AnswerResponse,
  candidateId,
  decodeHeads,
  decodeRequest,
  decodeResponse,
  decodeTxBatch,
  encodeHeads,
  encodeRequest,
  encodeResponse,
  encodeTxBatch,
  type FetchRequest,
  ID_BYTES,
  idKey,
  instanceId,
  isZeroId,
  MAX_FETCH,
  MAX_HEADS,
  MAX_QUERY_INSTANCES,
  MAX_TX_BATCH,
  type QueryRequest,
  type Response,
  type SignedAnswer,
  type EquivocationProof,
  checkEvidence,
  decodeEvidence,
  encodeEvidence,
  signAnswer,
  verifyAnswer,
} from "./wire.js";

const SESSION_META = "session";

/** idKey of the all-zero candidate id ("no preference"). */
const ZERO_KEY = "\0".repeat(ID_BYTES);

/** Unchanged heads are re-announced every this many heads intervals. */
const QUIET_HEADS_EVERY = 5;

/** Peers whose trust evidence has brought below this are no longer sampled. */
const MIN_SAMPLING_TRUST = 0.5;

/** Tunables of the engine; every field has a default. */
export interface EngineTuning {
  /** candidates per conflict set (default 4) */
  readonly maxCandidates: number;
  /** pause between the end of one poll round and the start of the next, ms (default 20) */
  readonly pollIntervalMs: number;
  /** a peer that has not answered by then counts as silent, ms (default 1000) */
  readonly pollTimeoutMs: number;
  /** instances per query (default 2048) */
  readonly maxPollBatch: number;
  /** transaction gossip batching interval, ms (default 20) */
  readonly gossipFlushMs: number;
  /** vertex sealing interval, ms (default 200) */
  readonly sealIntervalMs: number;
  /** head announcement interval, ms (default 1000) */
  readonly headsIntervalMs: number;
  /** undecided instances beyond which submissions are refused as overloaded (default 50 000) */
  readonly maxPending: number;
  /** finalized sets kept in memory (an LRU; older ones are served from the ledger) (default 2048, ~3.5 KiB each) */
  readonly recentFinalized: number;
  /** decisions (conflict key → CID) remembered for finality checks without a ledger read (default 16 384, ~0.25 KiB each) */
  readonly recentDecisions: number;
  /** a pending set is re-gossiped after this long, then with doubling delays up to 60 s, ms (default 2000) */
  readonly regossipMs: number;
}

export const DEFAULT_TUNING: EngineTuning = {
  maxCandidates: 4,
  pollIntervalMs: 20,
  pollTimeoutMs: 1000,
  maxPollBatch: 2048,
  gossipFlushMs: 20,
  sealIntervalMs: 200,
  headsIntervalMs: 1000,
  maxPending: 50_000,
  recentFinalized: 2048,
  recentDecisions: 16_384,
  regossipMs: 2000,
};

/** Longest pause between two re-announcements of a pending set, ms. */
const MAX_REGOSSIP_MS = 60_000;

/** Ledger reads per query for sets no longer in memory (the rest count as unknown this time). */
const MAX_RECORD_READS = 64;

/** Epoch of answers about a final set this node no longer holds in memory (top of the session's range). */
const FINAL_EPOCH_OFFSET = 1_048_575;

export interface EngineOptions {
  readonly protocol: ConsensusProtocol<unknown>;
  /** protocol parameters, already validated by `protocol.params` */
  readonly params: unknown;
  readonly transport: Transport;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly crypto: CryptoSuite;
  /** this node's signing key (the same Ed25519 key as its libp2p identity) */
  readonly keys: KeyPair;
  /** the protocol's randomness */
  readonly rng: Rng;
  readonly tuning?: Partial<EngineTuning>;
  /** diagnostics (never the hot path) */
  readonly log?: (line: string) => void;
  /**
   * Where a caught failure of a background task is reported (one line with its context;
   * the node command writes it to stderr). Defaults to {@link log}.
   */
  readonly warn?: (line: string) => void;
}

/**
 * The node's background work: timer callbacks and fire-and-forget promises. None of them
 * may reject unhandled; each failure is caught, reported through `warn`, counted in
 * `entropic_background_failures_total{task}` and shown in `/v1/status` under `failures`.
 * `unhandled` counts rejections that reached the process-level handler of `entropic node`.
 */
export const BACKGROUND_TASKS = ["seal", "heads", "poll", "fetch", "finalize", "gossip-out", "gossip-in", "observables", "stop", "dial", "unhandled"] as const;
export type BackgroundTask = (typeof BACKGROUND_TASKS)[number];

/** What `/v1/status` shows of caught background failures. */
export interface FailureView {
  readonly total: number;
  readonly byTask: Readonly<Record<BackgroundTask, number>>;
  /** `task: message` of the newest failure, or null */
  readonly lastError: string | null;
  /** clock time of the newest failure, or null */
  readonly lastAt: number | null;
}

/**
 * The decisions of one vertex: sorted by conflict key, at most one per key (the first
 * queued wins; a second, different CID for a key is reported in `conflicting`). Before
 * this, one key could be queued twice when two paths finalized one set at once (a poll
 * round and an answer to a peer's query), and the vertex encoder refused the batch.
 */
export function sealableDecisions(pending: readonly Decision[]): { decisions: Decision[]; conflicting: Decision[] } {
  const byKey = new Map<string, Decision>();
  const conflicting: Decision[] = [];
  for (const d of pending) {
    const seen = byKey.get(d[0]);
    if (seen === undefined) byKey.set(d[0], d);
    else if (!seen[1].equals(d[1])) conflicting.push(d);
  }
  const decisions = [...byKey.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { decisions, conflicting };
}

interface TxRecord {
  readonly tx: Tx;
  readonly cid: BlockCid;
  readonly cidText: string;
  readonly bytes: Uint8Array;
  readonly set: number;
  readonly seenAt: number;
}

interface SetInfo {
  readonly set: ConflictSet;
  /** candidate id (8 bytes, as a string key) → candidate index */
  readonly byCandidateId: Map<string, number>;
  readonly firstSeen: number;
  /** the set's 8-byte instance id (cached: it goes into every query) */
  readonly id: Uint8Array;
  /** epoch of this node's signed answers for the set, and the candidate it last signed */
  epoch: number;
  lastAnswered: number;
  /** clock time each candidate was first seen (candidate order) */
  readonly seenAt: number[];
  finalizedAt?: number;
  /** the decision, once final */
  final?: BlockCid;
  /** when to re-gossip the candidates of this pending set next, and the delay after that */
  nextRegossip: number;
  regossipDelay: number;
}

const COUNTERS = [
  "txSubmitted",
  "txReceived",
  "txInvalid",
  "txRefused",
  "txDuplicates",
  "gossipPublished",
  "queriesSent",
  "queriesFailed",
  "queriesAnswered",
  "answersInvalid",
  "equivocations",
  "evidenceAccepted",
  "requestsInvalid",
  "fetchesSent",
  "verticesSealed",
  "verticesReceived",
  "verticesInvalid",
  "sheafConflicts",
  "finalized",
  "ledgerConflicts",
  "pollRounds",
  "pollMs",
  "pollFetchMs",
  "ledgerWrites",
  "pollAskMs",
  "pollFinalizeMs",
] as const;
type Counter = (typeof COUNTERS)[number];

export class NodeEngine implements NodeFacade {
  readonly tuning: EngineTuning;
  private readonly registry: LiveSets;
  private readonly store: GroupCommitter;
  private fetching = false;
  private headsSeq = 0;
  private headsTicks = 0;
  private lastHeads = "";
  private readonly table: InstanceTable;
  private readonly peers = new PeerBook();
  /** set commitment over the whole finalized map (the announced root) */
  private readonly finals: FinalizedCommitment;
  /** finalized sets still in memory, oldest first; eviction forgets them (see {@link forget}) */
  private readonly recent: Lru<number, true>;
  /** recent decisions, for finality checks of sets no longer in memory */
  private readonly decided: Lru<string, string>;
  private lastRegossipScan = 0;
  /**
   * Instance ids a query asked about that had no final record in the ledger (cleared for
   * an id when its set is registered): polls about sets this node has not received yet
   * do not cost a ledger read each time. Bounded (16 384 ids).
   */
  private readonly notStored = new Lru<string, true>(16_384);
  private readonly txs = new Map<string, TxRecord>();
  private readonly sets = new Map<number, SetInfo>();
  private readonly byInstanceId = new Map<string, number>();
  /** undecided instances in first-seen order (a Set keeps insertion order) */
  private readonly undecided = new Set<number>();
  private readonly dag: DagIndex;
  private readonly wantedVertices = new Map<string, string>(); // cid → peer to ask
  private readonly wantedTxs = new Map<string, string>();
  private readonly wantedSets = new Map<string, string>(); // instance id key → peer
  /** (set × 2^20 + peer) → last (epoch, candidate id key) that peer signed for the set */
  private readonly answerMemory = new Map<number, { epoch: number; pref: string; signed: SignedAnswer }>();
  /** peers whose equivocation this node has already proven to the network */
  private readonly reported = new Set<string>();
  /** first epoch of this session: epochs restart above every earlier session's (see load) */
  private epochBase = 0;
  private readonly counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  private readonly listeners = new Set<(e: NodeEvent) => void>();
  private readonly timers: TimerHandle[] = [];
  private readonly ctx: PollContext;
  private outbox: Uint8Array[] = [];
  private pendingDecisions: Decision[] = [];
  private polling = false;
  private pollTimer: TimerHandle | null = null;
  private flushTimer: TimerHandle | null = null;
  private sealing = false;
  private running = false;
  private readonly startedAt: number;
  private readonly selfHex: string;
  private readonly answerWidth: number;
  private finalizedSinceTick = 0;
  private readonly recentLatencies: number[] = [];
  private readonly peerOfKey = new Map<string, string>();
  /** conflict keys whose decision is being written (two paths may finalize one set at once) */
  private readonly finalizing = new Set<string>();
  private readonly failureCounts = Object.fromEntries(BACKGROUND_TASKS.map((t) => [t, 0])) as Record<BackgroundTask, number>;
  private lastFailure: { readonly line: string; readonly at: number } | null = null;

  private constructor(private readonly o: EngineOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...o.tuning };
    this.store = new GroupCommitter(o.ledger);
    this.registry = new LiveSets(this.tuning.maxCandidates);
    this.table = new InstanceTable(o.protocol, o.params, this.tuning.maxCandidates);
    this.finals = new FinalizedCommitment(o.crypto.hasher);
    this.recent = new Lru(this.tuning.recentFinalized, (i) => this.forget(i));
    this.decided = new Lru(this.tuning.recentDecisions);
    this.startedAt = o.clock.now();
    this.selfHex = toHex(o.keys.publicKey);
    this.dag = new DagIndex(this.selfHex);
    this.answerWidth = o.protocol.answerWidth(this.tuning.maxCandidates);
    const peers = this.peers;
    this.ctx = {
      get tick() {
        return 0;
      },
      rng: o.rng,
      get trust() {
        return peers.trust;
      },
    };
  }

  /** Load what the ledger holds, install the transport handlers; call {@link start} next. */
  static async open(options: EngineOptions): Promise<NodeEngine> {
    const e = new NodeEngine(options);
    await e.load();
    options.transport.onMessage((topic, from, data) => e.onGossip(topic, from, data));
    options.transport.onRequest((from, data) => e.onRequest(from, data));
    return e;
  }

  private async load(): Promise<void> {
    const { ledger, crypto } = this.o;
    // Epochs must never repeat across restarts, or an honest node that changed its mind
    // after a crash would sign two candidates for one (set, epoch): each session starts
    // its epochs at session × 2^20 (4096 sessions of 2^20 preference changes per set).
    const stored = await ledger.getMeta(SESSION_META);
    const session = stored && stored.length === 4 ? new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true) + 1 : 1;
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, session, true);
    await ledger.commit({ meta: [[SESSION_META, bytes]] });
    this.epochBase = (session % 4096) * 1_048_576;
    // Everything is streamed: memory holds the heads, the pending sets and (transiently)
    // the keys this node sealed, never the whole history.
    const sealed = new Set<string>();
    for await (const [, bytes] of ledger.vertices()) {
      const v = decodeVertex(bytes, crypto.signatures, { verify: false });
      this.dag.note(v, cidOf(bytes, crypto.hasher));
      if (toHex(v.author) === this.selfHex) for (const [k] of v.decisions) sealed.add(k);
    }
    for await (const [key, text] of ledger.finalized()) {
      const cid = parseCid(text);
      this.finals.add(key, cid);
      // Decisions persisted but not yet sealed when the node stopped: seal them now.
      if (!sealed.has(key)) this.pendingDecisions.push([key, cid]);
    }
    sealed.clear();
    for await (const [, bytes] of ledger.txs()) {
      const tx = decodeTx(bytes, crypto.signatures, { verify: false }); // our own, verified before it was stored
      if ((await ledger.getFinal(conflictKey(tx))) !== undefined) continue;
      const r = this.register(tx, bytes, cidOf(bytes, crypto.hasher));
      // Re-announce what is pending: this node may have accepted it and died before
      // gossiping it, and then nobody else would ever decide it (issue 14 §3).
      if (!("refused" in r)) this.outbox.push(bytes);
    }
  }

  /** Start the loops. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { clock } = this.o;
    this.timers.push(clock.every(this.tuning.sealIntervalMs, () => this.background("seal", () => this.seal())));
    this.timers.push(clock.every(this.tuning.headsIntervalMs, () => this.background("heads", () => this.announceHeads())));
    this.timers.push(clock.every(1000, () => this.background("observables", () => this.emitObservables())));
    if (this.outbox.length > 0) this.background("gossip-out", () => this.flushGossip());
    this.schedulePoll(0);
  }

  /**
   * Run background work (a timer callback, a fire-and-forget promise): a synchronous
   * throw or a rejection is caught and recorded, never left to kill the process.
   */
  private background(task: BackgroundTask, work: () => Promise<unknown> | void): void {
    try {
      const p = work();
      if (p !== undefined) p.catch((err: unknown) => this.recordFailure(task, err));
    } catch (err) {
      this.recordFailure(task, err);
    }
  }

  /**
   * Count a caught failure of background work and report it (with its stack) through
   * `warn`. Public so the process-level `unhandledRejection` handler of `entropic node`
   * can count what reached it as task `unhandled`.
   */
  recordFailure(task: BackgroundTask, err: unknown): void {
    this.failureCounts[task]++;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const line = `${task}: ${message}`;
    this.lastFailure = { line, at: this.o.clock.now() };
    const report = this.o.warn ?? this.o.log;
    report?.(`background task ${task} failed (caught; node keeps running, failure #${this.failureCounts[task]}): ${err instanceof Error ? (err.stack ?? message) : message}`);
  }

  /** Caught background failures, by task (also in `/v1/status` and `/v1/metrics`). */
  failures(): FailureView {
    const byTask = { ...this.failureCounts };
    return {
      total: Object.values(byTask).reduce((a, b) => a + b, 0),
      byTask,
      lastError: this.lastFailure?.line ?? null,
      lastAt: this.lastFailure?.at ?? null,
    };
  }

  /** Stop the loops (the caller stops the transport and closes the ledger afterwards). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.splice(0)) t.cancel();
    this.pollTimer?.cancel();
    this.pollTimer = null;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    await this.flushGossip();
    // Seal what is pending; a failure here is recorded (the decisions are in the ledger and
    // are sealed at the next start), it must not keep the node from stopping.
    await this.seal().catch((err: unknown) => this.recordFailure("stop", err));
  }

  // -------------------------------------------------------------------------------------
  // Transactions

  /**
   * Add a verified transaction (idempotent). Returns its record, or a refusal. The caller
   * makes sure a set not in memory is not final ({@link accept} asks the ledger first).
   */
  private register(tx: Tx, bytes: Uint8Array, cid: BlockCid): TxRecord | { refused: "too-many-candidates" | "already-final"; detail: string } {
    const cidText = cid.toString();
    const known = this.txs.get(cidText);
    if (known) return known;
    const key = conflictKey(tx);
    const added = this.registry.addCandidate(key, cid, () => this.table.allocate());
    if (!added.ok) return { refused: "too-many-candidates", detail: added.detail };
    const index = added.set.index;
    const now = this.o.clock.now();
    if (added.isNewSet) {
      const id = instanceId(this.o.crypto.hasher, key);
      const info: SetInfo = {
        set: added.set,
        byCandidateId: new Map(),
        firstSeen: now,
        id,
        epoch: this.epochBase,
        lastAnswered: NO_CANDIDATE,
        seenAt: [],
        nextRegossip: now + this.tuning.regossipMs,
        regossipDelay: this.tuning.regossipMs,
      };
      this.sets.set(index, info);
      this.byInstanceId.set(idKey(id), index);
      this.notStored.delete(idKey(id));
      this.table.introduce(index, added.candidateIndex);
      this.undecided.add(index);
      this.wake();
    }
    const info = this.sets.get(index)!;
    info.byCandidateId.set(idKey(candidateId(cid)), added.candidateIndex);
    info.seenAt[added.candidateIndex] = now;
    const rec: TxRecord = { tx, cid, cidText, bytes, set: index, seenAt: now };
    this.txs.set(cidText, rec);
    return rec;
  }

  /** The ledger record of an in-memory set. */
  private recordOf(info: SetInfo): SetRecord {
    return {
      key: info.set.key,
      candidates: info.set.candidates.map((c) => c.toString()),
      seenAt: info.set.candidates.map((_, x) => info.seenAt[x] ?? info.firstSeen),
      firstSeen: info.firstSeen,
      ...(info.final !== undefined ? { final: info.final.toString(), finalizedAt: info.finalizedAt ?? info.firstSeen } : {}),
    };
  }

  /**
   * Forget a finalized set (pushed out of the recent-finalized LRU): its record is in the
   * ledger (written when it was finalized, and again for each later candidate), so from
   * now on it is served from there. Its protocol state, transactions and answers go.
   */
  private forget(i: number): void {
    const info = this.sets.get(i);
    if (info === undefined) return;
    this.sets.delete(i);
    this.registry.delete(info.set.key);
    this.byInstanceId.delete(idKey(info.id));
    for (const c of info.set.candidates) this.txs.delete(c.toString());
    for (let p = 0; p < this.peers.names().length; p++) this.answerMemory.delete(i * 1_048_576 + p);
    this.undecided.delete(i);
    this.table.release(i);
  }

  /** The decision on a set: from memory, the recent decisions, or the ledger. */
  private async finalOf(key: string): Promise<BlockCid | undefined> {
    const set = this.registry.get(key);
    if (set !== undefined) return this.sets.get(set.index)!.final;
    const recent = this.decided.get(key);
    if (recent !== undefined) return parseCid(recent);
    const stored = await this.o.ledger.getFinal(key);
    return stored === undefined ? undefined : parseCid(stored);
  }

  /**
   * A valid late candidate of a set that is final and no longer in memory: stored, and
   * added to the set's record (as "rejected"), never brought back into memory.
   */
  private async acceptLate(f: { bytes: Uint8Array; cid: BlockCid }, key: string): Promise<void> {
    const idHex = toHex(instanceId(this.o.crypto.hasher, key));
    const raw = await this.o.ledger.getSet(idHex);
    const rec = raw === undefined ? undefined : decodeSetRecord(raw);
    const text = f.cid.toString();
    if (rec === undefined || rec.candidates.includes(text) || rec.candidates.length >= this.tuning.maxCandidates) return;
    const next: SetRecord = { ...rec, candidates: [...rec.candidates, text], seenAt: [...rec.seenAt, this.o.clock.now()] };
    await this.store.commit({ txs: [[text, f.bytes]], sets: [[idHex, encodeSetRecord(next)]] });
  }

  /** Verify-free path for bytes that passed `decodeTx`: persist, register, queue for gossip. */
  private async accept(txs: readonly { tx: Tx; bytes: Uint8Array; cid?: BlockCid }[], gossip: boolean): Promise<TxRecord[]> {
    const fresh: { tx: Tx; bytes: Uint8Array; cid: BlockCid }[] = [];
    for (const t of txs) {
      const cid = t.cid ?? cidOf(t.bytes, this.o.crypto.hasher);
      if (this.txs.has(cid.toString())) continue;
      const key = conflictKey(t.tx);
      if (this.registry.get(key) === undefined && (await this.finalOf(key)) !== undefined) {
        // A late candidate of a decided set is kept too: it is valid, and "rejected" is worth reporting.
        await this.acceptLate({ bytes: t.bytes, cid }, key);
        continue;
      }
      fresh.push({ ...t, cid });
    }
    if (fresh.length === 0) return [];
    await this.store.commit({ txs: fresh.map((f) => [f.cid.toString(), f.bytes] as const) });
    const out: TxRecord[] = [];
    for (const f of fresh) {
      const r = this.register(f.tx, f.bytes, f.cid);
      if ("refused" in r) {
        this.counters.txRefused++;
        continue;
      }
      out.push(r);
      if (gossip) this.queueGossip(f.bytes);
      const info = this.sets.get(r.set)!;
      // A late candidate of a final set still in memory: its record must list it too.
      if (info.final !== undefined) this.background("finalize", () => this.store.commit({ sets: [[toHex(info.id), encodeSetRecord(this.recordOf(info))]] }));
      this.emit({ type: "tx", conflict: info.set.key, cid: r.cidText, at: r.seenAt });
    }
    return out;
  }

  async submitTx(tx: Tx): Promise<SubmitResult> {
    if (!verifyTx(this.o.crypto.signatures, tx)) throw new DecodeError("bad-signature", "tx", "signature does not verify for the author");
    const bytes = encodeTx(tx);
    const cid = cidOf(bytes, this.o.crypto.hasher);
    const cidText = cid.toString();
    const key = conflictKey(tx);
    const existing = this.txs.get(cidText);
    if (existing) return { ok: true, cid: cidText, conflict: key, status: this.statusOf(existing), isNew: false };
    const final = await this.finalOf(key);
    if (final !== undefined && (final.equals(cid) || (await this.o.ledger.getTx(cidText)) !== undefined)) {
      // Known from before it left memory: the same answer as for a transaction held.
      return { ok: true, cid: cidText, conflict: key, status: final.equals(cid) ? "finalized" : "rejected", isNew: false };
    }
    if (final !== undefined) {
      return { ok: false, reason: "already-final", detail: `conflict set ${key} is already final on ${final.toString()}` };
    }
    const set = this.registry.get(key);
    if (set && set.candidates.length >= this.tuning.maxCandidates) {
      return { ok: false, reason: "too-many-candidates", detail: `conflict set ${key} already has ${set.candidates.length} candidates` };
    }
    if (!set && this.undecided.size >= this.tuning.maxPending) {
      return { ok: false, reason: "overloaded", detail: `${this.undecided.size} undecided conflict sets; try again shortly` };
    }
    const [rec] = await this.accept([{ tx, bytes }], true);
    if (!rec) return { ok: false, reason: "too-many-candidates", detail: `conflict set ${key} is full` };
    this.counters.txSubmitted++;
    return { ok: true, cid: rec.cidText, conflict: key, status: this.statusOf(rec), isNew: true };
  }

  /**
   * Queue a transaction for the next gossip batch. Timers are armed only when there is
   * work (here and in {@link wake}): an idle node with 15 peers should not wake up 100
   * times a second (measured: 2.6% of a core per idle node with 20 ms tickers).
   */
  private queueGossip(bytes: Uint8Array): void {
    this.outbox.push(bytes);
    if (this.flushTimer === null && this.running) {
      this.flushTimer = this.o.clock.after(this.tuning.gossipFlushMs, () => {
        this.flushTimer = null;
        this.background("gossip-out", () => this.flushGossip());
      });
    }
  }

  private async flushGossip(): Promise<void> {
    while (this.outbox.length > 0) {
      const batch = this.outbox.splice(0, MAX_TX_BATCH);
      try {
        await this.o.transport.publish(TOPICS.tx, encodeTxBatch(batch));
        this.counters.gossipPublished += batch.length;
      } catch (err) {
        this.o.log?.(`gossip publish failed: ${(err as Error).message}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Polling

  /** Whether a poll round would have anything to do. */
  private hasWork(): boolean {
    return this.undecided.size > 0 || this.wantedSets.size + this.wantedTxs.size + this.wantedVertices.size > 0;
  }

  /** Arm the poll loop if it went idle (new work arrived). */
  private wake(): void {
    if (this.pollTimer === null && !this.polling && this.running) this.schedulePoll(0);
  }

  private schedulePoll(delay: number): void {
    if (!this.running) return;
    this.pollTimer = this.o.clock.after(delay, () => {
      void this.pollRound()
        .catch((err: unknown) => this.recordFailure("poll", err))
        .finally(() => {
          this.pollTimer = null;
          // Idle: stop ticking until wake() is called by new work.
          if (this.hasWork()) this.schedulePoll(this.tuning.pollIntervalMs);
        });
    });
  }

  /** One poll round over up to `maxPollBatch` undecided instances. */
  async pollRound(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const t0 = this.o.clock.now();
    try {
      if (!this.fetching) {
        // Fetches run beside the polls: a slow peer must not stall consensus on everything else.
        this.fetching = true;
        const tf = this.o.clock.now();
        void this.fetchWanted()
          .catch((err: unknown) => this.recordFailure("fetch", err))
          .finally(() => {
            this.fetching = false;
            this.counters.pollFetchMs += this.o.clock.now() - tf;
          });
      }
      this.regossipPending();
      const connected = this.o.transport.peers();
      for (const p of connected) this.peers.index(p);
      if (connected.length === 0 || this.undecided.size === 0) return;
      const batch: number[] = [];
      for (const i of this.undecided) {
        if (batch.length >= Math.min(this.tuning.maxPollBatch, MAX_QUERY_INSTANCES)) break;
        if (this.table.wantsPoll(i)) batch.push(i);
      }
      if (batch.length === 0) return;
      const k = this.o.protocol.sampleSize(this.o.params);
      // The sample is drawn from every peer this node has known (a validator set, as
      // Avalanche samples validators, not connections): an unreachable peer is asked and
      // counts as a silent voter. Sampling only connected peers would let each side of a
      // partition reach α among itself and finalize alone. Peers shown to misbehave
      // (trust below MIN_SAMPLING_TRUST) are left out; silence alone is not evidence.
      const known = k === ALL_NEIGHBOURS ? connected : this.peers.names();
      const pool = known.filter((p) => this.peers.trust[this.peers.index(p)]! >= MIN_SAMPLING_TRUST);
      if (pool.length === 0) return;
      const sample = this.samplePeers(pool, k === ALL_NEIGHBOURS ? pool.length : Math.min(k, pool.length));
      const query = this.buildQuery(batch);
      const bytes = encodeRequest(query);
      this.counters.queriesSent += sample.length;
      const t2 = this.o.clock.now();
      const responses = await Promise.all(sample.map((peer) => this.ask(peer, bytes, query)));
      const t3 = this.o.clock.now();
      this.counters.pollAskMs += t3 - t2;
      const finalized = this.digest(batch, sample, responses, query.instances);
      if (finalized.length > 0) await this.finalize(finalized);
      this.counters.pollFinalizeMs += this.o.clock.now() - t3;
      this.counters.pollRounds++;
    } finally {
      this.counters.pollMs += this.o.clock.now() - t0;
      this.polling = false;
    }
  }

  /**
   * Re-announce the candidates of sets pending for a while, each with its own doubling
   * delay: when the candidates are known only here (a node that accepted them was killed
   * before gossiping, or a gossip message was lost), nobody else would ever poll them.
   * Scanned at most once a second (or every `regossipMs`, when shorter).
   */
  private regossipPending(): void {
    const now = this.o.clock.now();
    if (now - this.lastRegossipScan < Math.min(1000, this.tuning.regossipMs)) return;
    this.lastRegossipScan = now;
    for (const i of this.undecided) {
      const info = this.sets.get(i)!;
      if (now < info.nextRegossip) continue;
      info.nextRegossip = now + info.regossipDelay;
      info.regossipDelay = Math.min(info.regossipDelay * 2, MAX_REGOSSIP_MS);
      for (const c of info.set.candidates) {
        const r = this.txs.get(c.toString());
        if (r) this.queueGossip(r.bytes);
      }
    }
  }

  private samplePeers(peers: readonly string[], k: number): string[] {
    const a = peers.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.o.rng.nextInt(a.length - i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a.slice(0, k);
  }

  private buildQuery(batch: readonly number[]): QueryRequest {
    const ids = new Uint8Array(batch.length * ID_BYTES);
    batch.forEach((i, j) => ids.set(this.sets.get(i)!.id, j * ID_BYTES));
    if (!this.o.protocol.exchange) return { kind: "query", instances: ids };
    const w = this.answerWidth;
    const vectors = new Float64Array(batch.length * w);
    const candidates = batch.map((i, j) => {
      this.table.prepareQuery(i, vectors.subarray(j * w, (j + 1) * w));
      return this.candidateIds(this.sets.get(i)!.set);
    });
    return { kind: "query", instances: ids, candidates, vectors };
  }

  private candidateIds(set: ConflictSet): Uint8Array {
    const out = new Uint8Array(set.candidates.length * ID_BYTES);
    set.candidates.forEach((c, x) => out.set(candidateId(c), x * ID_BYTES));
    return out;
  }

  private async ask(peer: string, bytes: Uint8Array, query: QueryRequest): Promise<AnswerResponse | null> {
    let raw: Uint8Array;
    try {
      raw = await this.o.transport.request(peer, bytes, { timeoutMs: this.tuning.pollTimeoutMs });
    } catch {
      this.counters.queriesFailed++;
      return null;
    }
    try {
      const n = query.instances.length / ID_BYTES;
      const r = decodeResponse(raw, n);
      if (r.kind !== "answer") throw new DecodeError("invalid", "answer", `expected an answer, got ${r.kind}`);
      if (!this.signerIs(r.signer, peer)) throw new DecodeError("invalid", "answer", "signed by a key that is not the peer's");
      if (!verifyAnswer(this.o.crypto.signatures, query.instances, r)) throw new DecodeError("bad-signature", "answer", "signature does not verify");
      if (this.o.protocol.exchange ? r.vectors === undefined || r.vectors.length !== n * this.answerWidth : r.preferences === undefined) {
        throw new DecodeError("invalid", "answer", "answer does not match the protocol");
      }
      this.counters.queriesAnswered++;
      return r;
    } catch (err) {
      this.counters.answersInvalid++;
      this.distrust(peer, 0.5, `invalid answer: ${(err as Error).message}`);
      return null;
    }
  }

  /** Whether `signer` is the public key behind `peer` (answers are signed with the peer identity key). */
  private signerIs(signer: Uint8Array, peer: string): boolean {
    const hex = toHex(signer);
    let id = this.peerOfKey.get(hex);
    if (id === undefined) {
      id = peerIdFromEd25519PublicKey(signer);
      if (this.peerOfKey.size > 10_000) this.peerOfKey.clear();
      this.peerOfKey.set(hex, id);
    }
    return id === peer;
  }

  /** Feed every instance's answers to the protocol; returns the instances that became final. */
  private digest(batch: readonly number[], sample: readonly string[], responses: readonly (AnswerResponse | null)[], instances: Uint8Array): number[] {
    const w = this.answerWidth;
    const answers = new Float64Array(sample.length * w);
    const from = new Int32Array(sample.length);
    const peerIdx = sample.map((p) => this.peers.index(p));
    const finalized: number[] = [];
    const one = new Float64Array(w);
    for (let j = 0; j < batch.length; j++) {
      const i = batch[j]!;
      const info = this.sets.get(i);
      // Decided (by an answer to a peer) and already forgotten while this round was asking.
      if (info === undefined || info.final !== undefined) continue;
      let count = 0;
      for (let s = 0; s < sample.length; s++) {
        const r = responses[s];
        if (!r) continue;
        if (this.o.protocol.exchange) {
          if (r.skipped?.[j] === 1) continue;
          answers.set(r.vectors!.subarray(j * w, (j + 1) * w), count * w);
        } else {
          const pref = r.preferences!.subarray(j * ID_BYTES, (j + 1) * ID_BYTES);
          const epoch = new DataView(r.epochs.buffer, r.epochs.byteOffset + j * 4, 4).getUint32(0, true);
          const prefKey = idKey(pref);
          if (!this.checkEquivocation(i, peerIdx[s]!, sample[s]!, epoch, prefKey, { instances, answer: r })) continue;
          let c = NO_CANDIDATE;
          if (!isZeroId(pref)) {
            c = info.byCandidateId.get(prefKey) ?? NO_CANDIDATE;
            if (c === NO_CANDIDATE) this.wantSet(i, sample[s]!);
          }
          this.o.protocol.answerFor(c, this.tuning.maxCandidates, one);
          answers.set(one.subarray(0, w), count * w);
        }
        from[count++] = peerIdx[s]!;
      }
      this.table.onPoll(i, answers, from, count, this.ctx);
      if (this.table.isFinal(i)) finalized.push(i);
    }
    return finalized;
  }

  /** False (and the peer loses all trust) when it signed two candidates for one (set, epoch). */
  private checkEquivocation(set: number, peer: number, peerName: string, epoch: number, pref: string, signed: SignedAnswer): boolean {
    const key = set * 1_048_576 + peer;
    const seen = this.answerMemory.get(key);
    if (seen && seen.epoch === epoch && seen.pref !== pref && pref !== ZERO_KEY && seen.pref !== ZERO_KEY) {
      this.counters.equivocations++;
      this.distrust(peerName, 0, `equivocation on ${this.sets.get(set)!.set.key} at epoch ${epoch}`);
      this.reportEquivocation(peerName, { a: seen.signed, b: signed });
      return false;
    }
    if (!seen || seen.epoch !== epoch || seen.pref !== pref) this.answerMemory.set(key, { epoch, pref, signed });
    return this.peers.trust[peer]! > 0;
  }

  /** Gossip a proof once per equivocating peer, so nodes it never lied to can act too. */
  private reportEquivocation(peer: string, proof: EquivocationProof): void {
    if (this.reported.has(peer)) return;
    this.reported.add(peer);
    void this.o.transport.publish(TOPICS.evidence, encodeEvidence(proof)).catch(() => false);
  }

  /** An equivocation proof from the network: check it, and stop trusting the signer everywhere. */
  private ingestEvidence(bytes: Uint8Array, from: string): Verdict {
    const proof = decodeEvidence(bytes);
    const signer = checkEvidence(this.o.crypto.signatures, proof);
    if (signer === null) throw new DecodeError("invalid", "evidence", "the two answers do not prove an equivocation");
    const culprit = peerIdFromEd25519PublicKey(signer);
    if (this.peers.trust[this.peers.index(culprit)] === 0) return "ignore"; // already known: do not re-flood
    this.counters.evidenceAccepted++;
    this.distrust(culprit, 0, `equivocation proven by ${from}`);
    this.reported.add(culprit);
    return "accept";
  }

  /** Lower a peer's trust on evidence (bad signatures, malformed data, equivocation); it feeds gossipsub's application score. */
  private distrust(peer: string, factor: number, why: string): void {
    const t = this.peers.penalise(peer, factor);
    this.o.transport.setAppScore(peer, -100 * (1 - t));
    this.o.log?.(`distrust ${peer}: ${why}`);
  }

  private async finalize(instances: readonly number[]): Promise<void> {
    const decisions: Decision[] = [];
    for (const i of instances) {
      const info = this.sets.get(i);
      if (info === undefined) continue; // final and forgotten meanwhile
      const c = this.table.preference(i);
      const cid = info.set.candidates[c];
      // A set already final, or being written by another path right now (a poll round and
      // an answer to a peer may both see it final), is not decided a second time.
      if (cid === undefined || info.final !== undefined || this.finalizing.has(info.set.key)) continue;
      decisions.push([info.set.key, cid]);
    }
    if (decisions.length === 0) return;
    for (const [k] of decisions) this.finalizing.add(k);
    const now = this.o.clock.now();
    try {
      // The decision and the set's record land together, so the set can leave memory later.
      const sets = decisions.map(([k, c]) => {
        const info = this.sets.get(this.registry.get(k)!.index)!;
        return [toHex(info.id), encodeSetRecord({ ...this.recordOf(info), final: c.toString(), finalizedAt: now })] as const;
      });
      await this.store.commit({ finalized: decisions.map(([k, c]) => [k, c.toString()] as const), sets });
    } catch (err) {
      if (!(err instanceof LedgerConflictError)) throw err;
      this.counters.ledgerConflicts++;
      this.o.log?.(err.message);
      return;
    } finally {
      for (const [k] of decisions) this.finalizing.delete(k);
    }
    for (const [key, cid] of decisions) {
      const i = this.registry.get(key)!.index;
      const info = this.sets.get(i)!;
      this.finals.add(key, cid);
      this.decided.set(key, cid.toString());
      info.final = cid;
      info.finalizedAt = now;
      this.undecided.delete(i);
      this.pendingDecisions.push([key, cid]);
      this.counters.finalized++;
      this.finalizedSinceTick++;
      const latencyMs = now - info.firstSeen;
      this.recentLatencies.push(latencyMs);
      if (this.recentLatencies.length > 4096) this.recentLatencies.splice(0, 2048);
      this.emit({ type: "finalized", conflict: key, cid: cid.toString(), latencyMs, at: now });
    }
    // Last: this may push older finalized sets out of memory (never one just decided).
    for (const [key] of decisions) this.recent.set(this.registry.get(key)!.index, true);
  }

  // -------------------------------------------------------------------------------------
  // Answering and serving

  private async onRequest(from: string, data: Uint8Array): Promise<Uint8Array> {
    let req;
    try {
      req = decodeRequest(data);
    } catch (err) {
      this.counters.requestsInvalid++;
      this.distrust(from, 0.9, `bad request: ${(err as Error).message}`);
      return encodeResponse({ kind: "error", message: (err as Error).message.slice(0, 200) });
    }
    return encodeResponse(req.kind === "query" ? await this.answer(from, req) : await this.serveFetch(req));
  }

  /**
   * Records of final sets no longer in memory that a query asks about (by position in
   * the query), read from the ledger; at most {@link MAX_RECORD_READS} per query.
   */
  private async storedFinals(q: QueryRequest): Promise<Map<number, SetRecord>> {
    const out = new Map<number, SetRecord>();
    const n = q.instances.length / ID_BYTES;
    const reads: Promise<void>[] = [];
    for (let j = 0; j < n && reads.length < MAX_RECORD_READS; j++) {
      const id = idKey(q.instances, j * ID_BYTES);
      // Held in memory, or looked up in vain lately (a set only the asker holds so far).
      if (this.byInstanceId.has(id) || this.notStored.has(id)) continue;
      const idHex = toHex(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES));
      reads.push(
        this.o.ledger.getSet(idHex).then((raw) => {
          const rec = raw === undefined ? undefined : decodeSetRecord(raw);
          if (rec?.final !== undefined) out.set(j, rec);
          else if (!this.byInstanceId.has(id)) this.notStored.set(id, true);
        }),
      );
    }
    await Promise.all(reads);
    return out;
  }

  private async answer(from: string, q: QueryRequest): Promise<Response> {
    const n = q.instances.length / ID_BYTES;
    const epochs = new Uint8Array(4 * n);
    const view = new DataView(epochs.buffer);
    const stored = await this.storedFinals(q);
    // A final set no longer in memory is answered with its decision at the top epoch of
    // this session (never used for a preference, so never two candidates for one epoch).
    const finalEpoch = this.epochBase + FINAL_EPOCH_OFFSET;
    if (!this.o.protocol.exchange) {
      const preferences = new Uint8Array(ID_BYTES * n);
      for (let j = 0; j < n; j++) {
        const i = this.byInstanceId.get(idKey(q.instances, j * ID_BYTES));
        if (i === undefined) {
          const rec = stored.get(j);
          if (rec !== undefined) {
            view.setUint32(j * 4, finalEpoch, true);
            preferences.set(candidateId(parseCid(rec.final!)), j * ID_BYTES);
          } else {
            // Polled about a set this node never heard of: fetch it from the asker, who
            // holds its candidates (otherwise a set known to one node stays pending).
            this.wantSetById(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES), from);
          }
          continue;
        }
        const info = this.sets.get(i)!;
        const final = info.final;
        const c = final !== undefined ? info.set.indexOf(final) : this.table.preference(i);
        if (c === NO_CANDIDATE || c < 0) continue;
        if (c !== info.lastAnswered) {
          info.epoch++; // a new preference opens a new epoch: one signed candidate per (set, epoch)
          info.lastAnswered = c;
        }
        view.setUint32(j * 4, info.epoch, true);
        preferences.set(candidateId(info.set.candidates[c]!), j * ID_BYTES);
      }
      return signAnswer(this.o.crypto.signatures, this.o.keys, q.instances, { epochs, preferences });
    }
    const w = this.answerWidth;
    const d = this.tuning.maxCandidates;
    if (q.candidates === undefined || q.vectors === undefined || q.vectors.length !== n * w) {
      return { kind: "error", message: `this node runs ${this.o.protocol.name}: queries carry candidates and ${w}-word vectors` };
    }
    const vectors = new Float64Array(n * w);
    const skipped = new Uint8Array(n);
    const mine = new Float64Array(w);
    const out = new Float64Array(w);
    for (let j = 0; j < n; j++) {
      const i = this.byInstanceId.get(idKey(q.instances, j * ID_BYTES));
      const theirs = q.candidates[j]!;
      const rec = i === undefined ? stored.get(j) : undefined;
      if (rec !== undefined) {
        // final here, forgotten from memory: answer "I prefer the decision" in the asker's order
        const finalId = idKey(candidateId(parseCid(rec.final!)));
        let x = 0;
        while (x < theirs.length / ID_BYTES && idKey(theirs, x * ID_BYTES) !== finalId) x++;
        if (x < theirs.length / ID_BYTES) {
          this.o.protocol.answerFor(x, d, vectors.subarray(j * w, (j + 1) * w));
          continue;
        }
      }
      const map = i === undefined ? null : this.orderMap(this.sets.get(i)!, theirs, d);
      if (i === undefined || map === null) {
        skipped[j] = 1;
        if (i === undefined || theirs.length > 0) this.wantSetById(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES), from);
        continue;
      }
      // asker order → our order, exchange, our order → asker order
      permuteVector(q.vectors.subarray(j * w, (j + 1) * w), mine, invert(map, d), d);
      this.table.respond(i, mine, out, this.ctx);
      permuteVector(out, vectors.subarray(j * w, (j + 1) * w), map, d);
      if (this.table.isFinal(i) && this.sets.get(i)!.final === undefined) this.background("finalize", () => this.finalize([i]));
    }
    return signAnswer(this.o.crypto.signatures, this.o.keys, q.instances, { epochs, vectors, skipped });
  }

  /**
   * map[x] = our index of the asker's candidate x (identity beyond the candidates both
   * know), or null when the two candidate lists are not the same set.
   */
  private orderMap(info: SetInfo, theirs: Uint8Array, d: number): number[] | null {
    const k = theirs.length / ID_BYTES;
    if (k !== info.set.candidates.length) return null;
    const map: number[] = [];
    for (let x = 0; x < k; x++) {
      const c = info.byCandidateId.get(idKey(theirs, x * ID_BYTES));
      if (c === undefined) return null;
      map.push(c);
    }
    for (let x = k; x < d; x++) map.push(x);
    return map;
  }

  /** Blocks a peer asked for: from memory when held there, else from the ledger. */
  private async serveFetch(req: FetchRequest): Promise<Response> {
    const txs: Uint8Array[] = [];
    const vertices: Uint8Array[] = [];
    let budget = 900 * 1024;
    const addTx = (bytes: Uint8Array | undefined): void => {
      if (bytes && budget >= bytes.length) {
        txs.push(bytes);
        budget -= bytes.length;
      }
    };
    const txBytes = async (cid: string): Promise<Uint8Array | undefined> => this.txs.get(cid)?.bytes ?? (await this.o.ledger.getTx(cid));
    for (const c of req.txs) addTx(await txBytes(c.toString()));
    for (let j = 0; j < req.sets.length / ID_BYTES; j++) {
      const i = this.byInstanceId.get(idKey(req.sets, j * ID_BYTES));
      if (i !== undefined) {
        for (const c of this.sets.get(i)!.set.candidates) addTx(this.txs.get(c.toString())?.bytes);
        continue;
      }
      const raw = await this.o.ledger.getSet(toHex(req.sets.subarray(j * ID_BYTES, (j + 1) * ID_BYTES)));
      if (raw !== undefined) for (const c of decodeSetRecord(raw).candidates) addTx(await txBytes(c));
    }
    for (const c of req.vertices) {
      const v = this.dag.bytes(c.toString()) ?? (await this.o.ledger.getVertex(c.toString()));
      if (v && budget >= v.length) {
        vertices.push(v);
        budget -= v.length;
      }
    }
    return { kind: "blocks", txs, vertices };
  }

  // -------------------------------------------------------------------------------------
  // Fetching what others have

  private wantSet(i: number, peer: string): void {
    this.wantedSets.set(idKey(this.sets.get(i)!.id), peer);
    this.wake();
  }

  private wantSetById(id: Uint8Array, peer: string): void {
    if (this.wantedSets.size < MAX_FETCH) this.wantedSets.set(idKey(id), peer);
    this.wake();
  }

  /** Ask peers for the blocks this node heard of but lacks (one request per peer). */
  private async fetchWanted(): Promise<void> {
    if (this.wantedSets.size + this.wantedTxs.size + this.wantedVertices.size === 0) return;
    const byPeer = new Map<string, { txs: BlockCid[]; vertices: BlockCid[]; sets: string[] }>();
    const slot = (p: string) => {
      let s = byPeer.get(p);
      if (!s) byPeer.set(p, (s = { txs: [], vertices: [], sets: [] }));
      return s;
    };
    for (const [cid, p] of this.wantedTxs) if (!this.txs.has(cid) && slot(p).txs.length < MAX_FETCH) slot(p).txs.push(parseCid(cid));
    for (const [cid, p] of this.wantedVertices) if (!this.dag.has(cid) && slot(p).vertices.length < MAX_FETCH) slot(p).vertices.push(parseCid(cid));
    for (const [id, p] of this.wantedSets) if (slot(p).sets.length < MAX_FETCH) slot(p).sets.push(id);
    this.wantedTxs.clear();
    this.wantedVertices.clear();
    this.wantedSets.clear();
    await Promise.all(
      [...byPeer].map(async ([peer, want]) => {
        const sets = new Uint8Array(want.sets.length * ID_BYTES);
        want.sets.forEach((id, j) => {
          for (let b = 0; b < ID_BYTES; b++) sets[j * ID_BYTES + b] = id.charCodeAt(b);
        });
        this.counters.fetchesSent++;
        try {
          const raw = await this.o.transport.request(peer, encodeRequest({ kind: "fetch", txs: want.txs, vertices: want.vertices, sets }), {
            timeoutMs: this.tuning.pollTimeoutMs * 2,
          });
          const r = decodeResponse(raw, 0);
          if (r.kind !== "blocks") return;
          await this.ingestTxs(r.txs, peer, false);
          for (const vb of r.vertices) await this.ingestVertex(vb, peer);
        } catch (err) {
          this.o.log?.(`fetch from ${peer} failed: ${(err as Error).message}`);
        }
      }),
    );
  }

  /** Decode and verify transactions from a peer; returns the gossip verdict. */
  private async ingestTxs(list: readonly Uint8Array[], from: string, gossip: boolean): Promise<Verdict> {
    const ok: { tx: Tx; bytes: Uint8Array; cid: BlockCid }[] = [];
    let bad = 0;
    let known = 0;
    for (const bytes of list) {
      // Bytes whose CID we hold are the very bytes we verified before (a CID is a hash of
      // them): skip the decode and the signature check, the largest cost under load.
      const cid = cidOf(bytes, this.o.crypto.hasher);
      if (this.txs.has(cid.toString())) {
        known++;
        continue;
      }
      try {
        ok.push({ tx: decodeTx(bytes, this.o.crypto.signatures), bytes, cid });
      } catch {
        bad++;
      }
    }
    if (bad > 0) {
      this.counters.txInvalid += bad;
      this.distrust(from, 0.8, `${bad} invalid transactions`);
    }
    const fresh = await this.accept(ok, gossip);
    this.counters.txReceived += fresh.length;
    this.counters.txDuplicates += known;
    return bad > 0 ? "reject" : fresh.length > 0 ? "accept" : "ignore";
  }

  // -------------------------------------------------------------------------------------
  // Gossip in

  private async onGossip(topic: Topic, from: string, data: Uint8Array): Promise<Verdict> {
    try {
      if (topic === TOPICS.tx) return await this.ingestTxs(decodeTxBatch(data), from, false);
      if (topic === TOPICS.vertex) return await this.ingestVertex(data, from);
      if (topic === TOPICS.evidence) return this.ingestEvidence(data, from);
      if (topic === TOPICS.heads) {
        const h = decodeHeads(data);
        for (const c of h.heads) if (!this.dag.has(c.toString())) this.wantedVertices.set(c.toString(), from);
        this.wake();
        return "accept";
      }
      return "ignore";
    } catch (err) {
      if (!(err instanceof DecodeError)) {
        // Our failure (the ledger, a bug), not the peer's: record it, do not blame them.
        this.recordFailure("gossip-in", err);
        return "ignore";
      }
      this.o.log?.(`${topic} from ${from}: ${(err as Error).message}`);
      this.distrust(from, 0.8, `malformed ${topic}`);
      return "reject";
    }
  }

  private async ingestVertex(bytes: Uint8Array, from: string): Promise<Verdict> {
    let v: Vertex;
    try {
      v = decodeVertex(bytes, this.o.crypto.signatures);
    } catch (err) {
      this.counters.verticesInvalid++;
      this.distrust(from, 0.8, `invalid vertex: ${(err as Error).message}`);
      return "reject";
    }
    const cid = cidOf(bytes, this.o.crypto.hasher);
    if (await this.hasVertex(cid.toString())) return "ignore";
    await this.store.commit({ vertices: [[cid.toString(), bytes]] });
    this.dag.add(v, bytes, cid);
    this.counters.verticesReceived++;
    for (const p of v.parents) if (!(await this.hasVertex(p.toString()))) this.wantedVertices.set(p.toString(), from);
    this.wake();
    for (const [key, txCid] of v.decisions) {
      const ours = await this.finalOf(key);
      if (ours === undefined) {
        // Not decided here yet: make sure we hold the candidate the author chose.
        const text = txCid.toString();
        if (!this.txs.has(text)) this.wantedTxs.set(text, from);
      } else if (!equalBytes(ours.bytes, txCid.bytes)) {
        this.counters.sheafConflicts++;
        this.emit({ type: "sheaf-conflict", conflict: key, peer: from, ours: ours.toString(), theirs: txCid.toString(), at: this.o.clock.now() });
      }
    }
    return "accept";
  }

  /** Whether a vertex is stored: the DAG's caches first, then the ledger. */
  private async hasVertex(cid: string): Promise<boolean> {
    return this.dag.has(cid) || (await this.o.ledger.getVertex(cid)) !== undefined;
  }

  // -------------------------------------------------------------------------------------
  // Sealing and heads

  /**
   * Seal pending decisions into a vertex. Throws when the vertex cannot be built or
   * stored; the caller records it. Decisions that could not be stored go back to the
   * queue (a later seal retries them); ones the encoder refuses are dropped with the
   * error (they are in the ledger's finalized map, and retrying could only fail again).
   */
  private async seal(): Promise<void> {
    if (this.sealing || this.pendingDecisions.length === 0) return;
    this.sealing = true;
    try {
      const { decisions: all, conflicting } = sealableDecisions(this.pendingDecisions.splice(0));
      if (conflicting.length > 0) {
        this.recordFailure("seal", new Error(`a second, different decision was queued for ${conflicting.map((d) => d[0]).join(", ")}; only the first is sealed`));
      }
      const decisions = all.slice(0, MAX_DECISIONS);
      this.pendingDecisions.unshift(...all.slice(MAX_DECISIONS));
      if (decisions.length === 0) return;
      const parents = this.dag.parentsForNext();
      const height = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => p.height));
      const v = createVertex(this.o.crypto.signatures, this.o.keys, { height, parents: parents.map((p) => p.cid), decisions });
      const bytes = encodeVertex(v);
      const cid = cidOf(bytes, this.o.crypto.hasher);
      try {
        await this.store.commit({ vertices: [[cid.toString(), bytes]] });
      } catch (err) {
        this.pendingDecisions.unshift(...decisions); // retried by the next seal
        throw err;
      }
      this.dag.add(v, bytes, cid);
      this.counters.verticesSealed++;
      await this.o.transport.publish(TOPICS.vertex, bytes).catch(() => false);
    } finally {
      this.sealing = false;
    }
  }

  /**
   * Announce heads when they changed, and otherwise every {@link QUIET_HEADS_EVERY}-th
   * tick (so a peer that just joined or restarted still hears them): with 16 peers, an
   * unchanged announcement every second from everyone was a visible share of idle CPU.
   */
  private async announceHeads(): Promise<void> {
    const heads = this.dag.heads(MAX_HEADS);
    const fingerprint = `${heads.map((h) => h.toString()).join(",")}|${this.finals.size}`;
    this.headsTicks++;
    if (fingerprint === this.lastHeads && this.headsTicks % QUIET_HEADS_EVERY !== 0) return;
    this.lastHeads = fingerprint;
    const bytes = encodeHeads({ heads, root: this.finals.root(), count: this.finals.size, seq: this.headsSeq++ });
    await this.o.transport.publish(TOPICS.heads, bytes).catch(() => false);
  }

  // -------------------------------------------------------------------------------------
  // Facade

  private statusOf(r: TxRecord): TxStatus {
    const info = this.sets.get(r.set)!;
    const final = info.final;
    if (final !== undefined) return final.equals(r.cid) ? "finalized" : "rejected";
    const c = this.table.preference(r.set);
    return c >= 0 && info.set.candidates[c]?.equals(r.cid) ? "preferred" : "pending";
  }

  /** A transaction held in memory (pending or recently finalized); {@link readTx} also reads the ledger. */
  getTx(cid: string): TxView | undefined {
    const r = this.txs.get(cid);
    if (!r) return undefined;
    const info = this.sets.get(r.set)!;
    return {
      cid,
      tx: r.tx,
      status: this.statusOf(r),
      conflict: info.set.key,
      seenAt: r.seenAt,
      ...(info.finalizedAt !== undefined ? { finalizedAt: info.finalizedAt } : {}),
    };
  }

  /** A set held in memory (pending or recently finalized); {@link readConflict} also reads the ledger. */
  getConflict(key: string): ConflictView | undefined {
    const set = this.registry.get(key);
    if (!set) return undefined;
    const final = this.sets.get(set.index)!.final;
    const c = final !== undefined ? -1 : this.table.preference(set.index);
    return {
      key,
      author: set.author,
      nonce: set.nonce,
      candidates: set.candidates.map((cid) => ({ cid: cid.toString(), status: this.statusOf(this.txs.get(cid.toString())!) })),
      preferred: final !== undefined ? final.toString() : c >= 0 ? (set.candidates[c]?.toString() ?? null) : null,
      final: final?.toString() ?? null,
      observables: this.table.observe(set.index),
    };
  }

  /** Any transaction this node stores: from memory, or from the ledger (a final set's record). */
  async readTx(cid: string): Promise<TxView | undefined> {
    const held = this.getTx(cid);
    if (held !== undefined) return held;
    const bytes = await this.o.ledger.getTx(cid);
    if (bytes === undefined) return this.getTx(cid);
    const tx = decodeTx(bytes, this.o.crypto.signatures, { verify: false }); // verified before it was stored
    const key = conflictKey(tx);
    const rec = await this.storedRecord(key);
    if (rec === undefined) return this.getTx(cid); // pending: in memory (it may have just arrived)
    const x = rec.candidates.indexOf(cid);
    return {
      cid,
      tx,
      status: rec.final === undefined ? "pending" : rec.final === cid ? "finalized" : "rejected",
      conflict: key,
      seenAt: x >= 0 ? rec.seenAt[x]! : rec.firstSeen,
      ...(rec.finalizedAt !== undefined ? { finalizedAt: rec.finalizedAt } : {}),
    };
  }

  /** Any conflict set this node knows: from memory, or from its record in the ledger. */
  async readConflict(key: string): Promise<ConflictView | undefined> {
    const held = this.getConflict(key);
    if (held !== undefined) return held;
    const rec = await this.storedRecord(key);
    if (rec === undefined) return this.getConflict(key);
    const { author, nonce } = parseConflictKey(key);
    return {
      key,
      author,
      nonce,
      candidates: rec.candidates.map((cid) => ({ cid, status: rec.final === undefined ? "pending" : rec.final === cid ? "finalized" : "rejected" })),
      preferred: rec.final ?? null,
      final: rec.final ?? null,
      observables: {},
    };
  }

  private async storedRecord(key: string): Promise<SetRecord | undefined> {
    const raw = await this.o.ledger.getSet(toHex(instanceId(this.o.crypto.hasher, key)));
    const rec = raw === undefined ? undefined : decodeSetRecord(raw);
    return rec?.key === key ? rec : undefined;
  }

  /**
   * Entries the engine holds in memory, by structure: what the boundedness test checks
   * (each is bounded by the pending sets or by a stated cache size, see the module doc).
   */
  retained(): Record<string, number> {
    const dag = this.dag.retained();
    return {
      sets: this.sets.size,
      registry: this.registry.size,
      byInstanceId: this.byInstanceId.size,
      txs: this.txs.size,
      undecided: this.undecided.size,
      recentFinalized: this.recent.size,
      decisions: this.decided.size,
      segments: this.table.segmentCount,
      answerMemory: this.answerMemory.size,
      dagVertices: dag.vertices,
      dagCids: dag.cids,
      dagAuthors: dag.authors,
      pendingDecisions: this.pendingDecisions.length,
      outbox: this.outbox.length,
      latencies: this.recentLatencies.length,
      peerOfKey: this.peerOfKey.size,
      notStored: this.notStored.size,
    };
  }

  status(): StatusView {
    return {
      peerId: this.o.transport.peerId,
      protocol: this.o.protocol.name,
      addresses: this.o.transport.addresses(),
      peers: this.o.transport.peers(),
      heads: this.dag.heads(MAX_HEADS).map((c) => c.toString()),
      ledgerRoot: toHex(this.finals.root()),
      finalizedCount: this.finals.size,
      pendingCount: this.undecided.size,
      uptimeMs: this.o.clock.now() - this.startedAt,
      counters: { ...this.counters, ledgerWrites: this.store.writes },
      failures: this.failures(),
    };
  }

  /** The finalized map (conflict key → tx CID string), read from the ledger, for tests and tools. */
  async finalizedEntries(): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for await (const [k, c] of this.o.ledger.finalized()) out.push([k, c]);
    return out;
  }

  metrics(): readonly MetricSample[] {
    const out: MetricSample[] = COUNTERS.map((c) => ({
      name: `entropic_${c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}_total`,
      help: `count of ${c}`,
      type: "counter" as const,
      value: c === "ledgerWrites" ? this.store.writes : this.counters[c],
    }));
    out.push(
      { name: "entropic_finalized_sets", help: "conflict sets finalized on this node", type: "gauge", value: this.finals.size },
      { name: "entropic_pending_sets", help: "conflict sets not yet finalized", type: "gauge", value: this.undecided.size },
      { name: "entropic_peers", help: "connected peers", type: "gauge", value: this.o.transport.peers().length },
      { name: "entropic_transactions", help: "transactions held in memory (pending and recently finalized sets; older ones are in the ledger)", type: "gauge", value: this.txs.size },
      { name: "entropic_vertices", help: "DAG vertices stored", type: "gauge", value: this.dag.size },
      ...BACKGROUND_TASKS.map((task) => ({
        name: "entropic_background_failures_total",
        help: "background task failures caught (the node kept running); see failures in /v1/status",
        type: "counter" as const,
        value: this.failureCounts[task],
        labels: { task },
      })),
    );
    return out;
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private emitObservables(): void {
    const lat = this.recentLatencies.slice().sort((a, b) => a - b);
    const q = (p: number) => (lat.length === 0 ? 0 : quantile(lat, p));
    this.emit({
      type: "observables",
      at: this.o.clock.now(),
      values: {
        finalized: this.finals.size,
        pending: this.undecided.size,
        finalizedPerSecond: this.finalizedSinceTick,
        latencyP50: q(0.5),
        latencyP99: q(0.99),
        peers: this.o.transport.peers().length,
      },
    });
    this.finalizedSinceTick = 0;
  }
}

/** The inverse of a permutation given as map[x] = y. */
function invert(map: readonly number[], d: number): number[] {
  const inv = new Array<number>(d).fill(-1);
  map.forEach((y, x) => (inv[y] = x));
  return inv;
}
