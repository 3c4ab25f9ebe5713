/**
 * The shared state of one live node: what every job module (admission, poller, evidence,
 * finalizer, responder, resync, sealer, views) reads and changes, and the few helpers
 * they all use (events, caught failures, trust, the set lookups).
 *
 * Memory (issue 14): finalized history lives in the ledger, not here. In memory are the
 * pending sets and their transactions, the {@link EngineTuning.recentFinalized} newest
 * finalized sets (an LRU; an evicted set is written as a set record and its protocol
 * state released, see {@link NodeState.forget}), a bounded LRU of recent decisions
 * (conflict key → CID) for finality checks, the DAG's bounded caches ({@link DagIndex}),
 * a 2 KiB set commitment of the finalized map ({@link FinalizedCommitment}) and the
 * bounded caches named below. Anything older is read from the ledger. `retained()` in
 * views.ts lists every structure for the boundedness test.
 */
import { type BlockCid, parseCid } from "../../core/codec.js";
import type { ConflictSet } from "../../core/conflict.js";
import { concatBytes, toHex, utf8 } from "../../core/bytes.js";
import type { Tx } from "../../core/tx.js";
import type { Decision } from "../../core/vertex.js";
import type { AnswerLayout, ConsensusProtocol, PollContext } from "../../protocols/consensus.js";
import { AnswerMemory } from "../../protocols/shell.js";
import { ZERO_KEY } from "./evidence.js";
import type { NodeEvent, TxStatus } from "../api/facade.js";
import { DagIndex } from "./dag.js";
import { LiveSets } from "./live-sets.js";
import { Lru } from "./lru.js";
import { FinalizedCommitment } from "./merkle.js";
import { KeyFilter } from "./key-filter.js";
import { BACKGROUND_TASKS, type BackgroundTask, type CoreComponents, DEFAULT_TUNING, type EngineInit, type EngineTuning, type FailureView } from "./options.js";
import { ReadySink } from "./ready.js";
import { readFinal, Scheduler, type Task } from "./tasks.js";
import type { Reversal, SetRecord } from "./set-record.js";
import { InstanceTable, PeerBook } from "./table.js";
import type { SignedAnswer } from "./wire.js";
import { IdIndex, idIndexSalt } from "./id-index.js";
import type { Topic } from "../ports.js";
import { WantList } from "./wants.js";
import { QuorumGate, quorumSize, quorumWindowMs } from "./quorum.js";

/** A transaction held in memory (its set is pending or recently finalized). */
export interface TxRecord {
  readonly tx: Tx;
  readonly cid: BlockCid;
  readonly cidText: string;
  readonly bytes: Uint8Array;
  readonly set: number;
  readonly seenAt: number;
}

/** A conflict set held in memory. */
export interface SetInfo {
  readonly set: ConflictSet;
  /** candidate id (8 bytes, as a string key) → candidate index */
  readonly byCandidateId: Map<string, number>;
  /**
   * candidate index → its id as a string key: the same strings as {@link byCandidateId}'s
   * keys. An answer naming a known candidate other than this node's preference is found by
   * comparing ids with the set's few candidates and remembered under this string
   * (answer-reader.ts, evidence.ts), instead of a string built per answer entry and looked up.
   */
  readonly candidateKeys: string[];
  readonly firstSeen: number;
  /** the set's 8-byte instance id (cached: it goes into every query) */
  readonly id: Uint8Array;
  /** clock time each candidate was first seen (candidate order) */
  readonly seenAt: number[];
  finalizedAt?: number;
  /** the decision, once final */
  final?: BlockCid;
  /** decisions taken back (`available` partition mode), oldest first */
  reverted?: Reversal[];
  /** when to re-gossip the candidates of this pending set next, and the delay after that */
  nextRegossip: number;
  regossipDelay: number;
  /**
   * Candidates (bit x: candidate x, for x < {@link HELD_BITS}) some peer named in an answer
   * to this node's polls: that peer holds them, so re-gossip skips them (resync.ts).
   */
  heldByPeers: number;
}

/** Candidates beyond this index are never marked held (a 31-bit mask): they are re-gossiped as before. */
export const HELD_BITS = 31;

/** Note that a peer's answer named candidate `c` of a set (it holds it). */
export function markHeld(info: SetInfo, c: number): void {
  if (c >= 0 && c < HELD_BITS) info.heldByPeers |= 1 << c;
}

/** Domain of the hash that derives a node's {@link IdIndex} salt from its secret key. */
const ID_INDEX_DOMAIN = utf8("entropic/id-index-salt");

export const COUNTERS = [
  "txSubmitted",
  "txReceived",
  "txInvalid",
  "txRefused",
  "txOverloaded",
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
  "finalizationsDeferred",
  "decisionsAdopted",
  "decisionsReverted",
  "pollRounds",
  "pollMs",
  "pollFetchMs",
  "ledgerWrites",
  "pollAskMs",
  "pollFinalizeMs",
  "standingSame",
  "standingFull",
  "standingDelta",
  "standingUnknown",
] as const;
export type Counter = (typeof COUNTERS)[number];

export class NodeState {
  readonly protocol: ConsensusProtocol<unknown>;
  readonly params: unknown;
  readonly tuning: EngineTuning;
  /** how the protocol's answer words refer to candidates */
  readonly layout: AnswerLayout;
  readonly answerWidth: number;
  readonly startedAt: number;
  readonly selfHex: string;
  /** what the current step asks of the loop (ready.ts) */
  readonly out = new ReadySink();
  /** the jobs waiting for I/O (tasks.ts) */
  readonly tasks: Scheduler;
  /** the peers connected now (as of the last tick) */
  connected: readonly string[] = [];
  readonly registry: LiveSets;
  readonly table: InstanceTable;
  readonly peers = new PeerBook();
  /** set commitment over the whole finalized map (the announced root) */
  readonly finals: FinalizedCommitment;
  /** finalized sets still in memory, oldest first; eviction forgets them (see {@link forget}) */
  readonly recent: Lru<number, true>;
  /** recent decisions, for finality checks of sets no longer in memory */
  readonly decided: Lru<string, string>;
  /** every key finalized here, as a Bloom filter: a "no" spares {@link finalOf} its ledger read (key-filter.ts) */
  readonly finalKeys = new KeyFilter();
  /**
   * Instance ids a query asked about that had no final record in the ledger (cleared for
   * an id when its set is registered): polls about sets this node has not received yet
   * do not cost a ledger read each time. Bounded (16 384 ids).
   */
  readonly notStored = new Lru<string, true>(16_384);
  readonly txs = new Map<string, TxRecord>();
  readonly sets = new Map<number, SetInfo>();
  /** instance id (8 bytes) → instance number, for the sets in memory (id-index.ts) */
  readonly byInstanceId: IdIndex;
  /** undecided instances in first-seen order (a Set keeps insertion order) */
  readonly undecided = new Set<number>();
  readonly dag: DagIndex;
  /** blocks heard of and lacked, kept until fetched (wants.ts) */
  readonly wants: WantList;
  /** what peers' answers named per pending set: the `safe` mode's quorum gate (quorum.ts) */
  readonly gate = new QuorumGate();
  /**
   * Decisions other nodes sealed for sets this node had not decided when it received the
   * vertex (conflict key → CID string): in the `available` mode a node finalizing such a
   * set applies the reconciliation rule at once (finalizer.ts), since no later vertex may
   * mention the key again. Bounded (16 384 keys).
   */
  readonly foreignDecisions = new Lru<string, string>(16_384);
  /** sets the protocol declared final whose decision waits for a quorum (`safe` mode) */
  readonly deferred = new Set<number>();
  /**
   * per (set, peer) the last (epoch, candidate id key, signed answer) that peer signed for
   * the set: the shell's equivocation memory (protocols/shell.ts; ZERO_KEY, "no preference",
   * contradicts nothing)
   */
  readonly answerMemory = new AnswerMemory<string, SignedAnswer>(ZERO_KEY);
  /** peers whose equivocation this node has already proven to the network */
  readonly reported = new Set<string>();
  /** first epoch of this session: epochs restart above every earlier session's (see recovery.ts) */
  epochBase = 0;
  readonly counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  /** decisions persisted and not yet sealed into a vertex */
  readonly pendingDecisions: Decision[] = [];
  readonly recentLatencies: number[] = [];
  finalizedSinceTick = 0;
  /** peer id → the signing key its answers proved to be its own (cleared past 10 000) */
  readonly keyOfPeer = new Map<string, Uint8Array>();
  /** conflict keys whose decision is being written (two paths may finalize one set at once) */
  readonly finalizing = new Set<string>();
  running = false;
  /** The protocols' context: the tick is the node's poll-round counter (rounds completed). */
  readonly ctx: PollContext;
  private readonly failureCounts = Object.fromEntries(BACKGROUND_TASKS.map((t) => [t, 0])) as Record<BackgroundTask, number>;
  private lastFailure: { readonly line: string; readonly at: number } | null = null;
  /** Called when new work arrives (the poller re-arms its loop); set by the assembly. */
  wake: () => void = () => undefined;
  /** Called when a decision is queued for sealing (the sealer arms its timer); set by the sealer. */
  sealSoon: () => void = () => undefined;

  /** the core's dependencies: its clock (moved by the inputs), crypto, keys, randomness, diagnostics */
  readonly c: CoreComponents;

  constructor(init: EngineInit, c: CoreComponents) {
    this.c = c;
    this.tasks = new Scheduler(this.out, (err) => this.recordFailure("unhandled", err));
    const { protocol } = init;
    if (protocol.answerLayout === undefined) throw new Error(`protocol ${protocol.name} has no answerLayout: it cannot run on a live node`);
    this.protocol = protocol;
    this.params = init.params;
    this.tuning = { ...DEFAULT_TUNING, ...init.tuning };
    this.wants = new WantList(this.tuning.fetchTimeoutMs);
    this.layout = protocol.answerLayout(this.tuning.maxCandidates);
    this.answerWidth = protocol.answerWidth(this.tuning.maxCandidates);
    if (this.layout.width !== this.answerWidth) throw new Error(`protocol ${protocol.name}: answerLayout width ${this.layout.width} is not answerWidth ${this.answerWidth}`);
    this.registry = new LiveSets(this.tuning.maxCandidates);
    this.table = new InstanceTable(protocol, init.params, this.tuning.maxCandidates);
    this.finals = new FinalizedCommitment(c.crypto.hasher, c.decodeMemo);
    this.recent = new Lru(this.tuning.recentFinalized, (i) => this.forget(i));
    this.decided = new Lru(this.tuning.recentDecisions);
    this.startedAt = c.clock.now();
    this.selfHex = toHex(c.keys.publicKey);
    this.byInstanceId = new IdIndex(idIndexSalt(c.crypto.hasher.sha256(concatBytes(ID_INDEX_DOMAIN, c.keys.secretKey))));
    this.dag = new DagIndex(this.selfHex);
    const peers = this.peers;
    const counters = this.counters;
    this.ctx = {
      get tick() {
        return counters.pollRounds;
      },
      rng: c.rng,
      get trust() {
        return peers.trust;
      },
    };
  }

  /** An event for the node's subscribers (delivered by the loop, after this step's writes). */
  emit(e: NodeEvent): void {
    this.out.ready.events.push(e);
  }

  /** Publish on a topic (by the loop, after this step's writes). */
  publish(topic: Topic, bytes: Uint8Array): void {
    this.out.ready.publish.push({ topic, bytes });
  }

  /**
   * Run a job that may wait (tasks.ts) beside the others: its failure is caught and
   * recorded under `task`, never lost.
   */
  spawn(task: BackgroundTask, work: Task<unknown>): void {
    this.tasks.spawn(work, (ok, err) => {
      if (!ok) this.recordFailure(task, err);
    });
  }

  /** Run synchronous work (a timer callback): a throw is caught and recorded under `task`. */
  guard(task: BackgroundTask, work: () => void): void {
    try {
      work();
    } catch (err) {
      this.recordFailure(task, err);
    }
  }

  /** Count a caught failure of background work and report it (with its stack) through `warn`. */
  recordFailure(task: BackgroundTask, err: unknown): void {
    this.failureCounts[task]++;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const line = `${task}: ${message}`;
    this.lastFailure = { line, at: this.c.clock.now() };
    const report = this.c.warn ?? this.c.log;
    report?.(`background task ${task} failed (caught; node keeps running, failure #${this.failureCounts[task]}): ${err instanceof Error ? (err.stack ?? message) : message}`);
  }

  failures(): FailureView {
    const byTask = { ...this.failureCounts };
    return {
      total: Object.values(byTask).reduce((a, b) => a + b, 0),
      byTask,
      lastError: this.lastFailure?.line ?? null,
      lastAt: this.lastFailure?.at ?? null,
    };
  }

  failureCount(task: BackgroundTask): number {
    return this.failureCounts[task];
  }

  /** Lower a peer's trust on evidence (bad signatures, malformed data, equivocation); it feeds gossipsub's application score. */
  distrust(peer: string, factor: number, why: string): void {
    const t = this.peers.penalise(peer, factor);
    this.out.ready.scores.push({ peer, score: -100 * (1 - t) });
    this.c.log?.(`distrust ${peer}: ${why}`);
  }

  /** The ledger record of an in-memory set. */
  recordOf(info: SetInfo): SetRecord {
    return {
      key: info.set.key,
      candidates: info.set.candidates.map((c) => c.toString()),
      seenAt: info.set.candidates.map((_, x) => info.seenAt[x] ?? info.firstSeen),
      firstSeen: info.firstSeen,
      ...(info.final !== undefined ? { final: info.final.toString(), finalizedAt: info.finalizedAt ?? info.firstSeen } : {}),
      ...(info.reverted !== undefined ? { reverted: info.reverted } : {}),
    };
  }

  /**
   * Forget a finalized set (pushed out of the recent-finalized LRU): its record is in the
   * ledger (written when it was finalized, and again for each later candidate), so from
   * now on it is served from there. Its protocol state, transactions and answers go.
   */
  forget(i: number): void {
    const info = this.sets.get(i);
    if (info === undefined) return;
    this.sets.delete(i);
    this.registry.delete(info.set.key);
    this.byInstanceId.delete(info.id);
    for (const c of info.set.candidates) this.txs.delete(c.toString());
    this.answerMemory.forget(i);
    this.undecided.delete(i);
    this.deferred.delete(i);
    this.gate.forget(i);
    this.table.release(i);
  }

  /**
   * The decision for `key` when memory can tell: the CID of an in-memory set's decision, or
   * the CID string of a recent one; null when it is certainly not decided here; undefined
   * when only the ledger knows ({@link finalOf}). Vertex intake asks this for every
   * decision of every vertex, so it parses and formats nothing.
   */
  finalInMemory(key: string): BlockCid | string | null | undefined {
    const set = this.registry.get(key);
    if (set !== undefined) return this.sets.get(set.index)!.final ?? null;
    const recent = this.decided.get(key); // refreshed as recently used
    if (recent !== undefined) return recent;
    return this.finalKeys.mayHave(key) ? undefined : null; // never finalized here: certain, no read
  }

  /** The decision on a set: from memory, the recent decisions, or the ledger. */
  *finalOf(key: string): Task<BlockCid | undefined> {
    const known = this.finalInMemory(key);
    if (known === null) return undefined;
    if (known !== undefined) return typeof known === "string" ? parseCid(known) : known;
    const stored = yield* readFinal(key);
    return stored === undefined ? undefined : parseCid(stored);
  }

  statusOf(r: TxRecord): TxStatus {
    const info = this.sets.get(r.set)!;
    const final = info.final;
    if (final !== undefined) return final.equals(r.cid) ? "finalized" : "rejected";
    const c = this.table.preference(r.set);
    return c >= 0 && info.set.candidates[c]?.equals(r.cid) ? "preferred" : "pending";
  }

  /**
   * Validators needed for a quorum: a strict majority of the validator set — the
   * configured size, or every peer this node has known and itself.
   */
  quorum(): number {
    return quorumSize(this.validatorCount());
  }

  private validatorCount(): number {
    return Math.max(this.tuning.validators, this.peers.names().length + 1);
  }

  /** How recent a locked answer must be to count toward the quorum, ms (quorum.ts `quorumWindowMs`). */
  quorumWindow(): number {
    return quorumWindowMs(this.tuning.quorumWindowMs, this.validatorCount());
  }

  /** Whether a poll round would have anything to do. */
  hasWork(): boolean {
    const due = this.wants.nextDue();
    return this.undecided.size > 0 || (due !== undefined && due <= this.c.clock.now());
  }
}
