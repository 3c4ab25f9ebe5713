/**
 * The live node's ports (DESIGN.md §4). The node engine talks to the world only through
 * these three interfaces; each has a real implementation (libp2p, LevelDB, wall time)
 * and an in-memory one for tests and simulation, and one compliance suite per port runs
 * against both (test/compliance/), as libp2p's interface-compliance-tests do.
 */

// ---------------------------------------------------------------------------------------
// Clock

/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The only reader of wall time. `now()` is milliseconds (any epoch; monotonic in the
 * real clock); timers fire on the event loop. The manual clock fires them when advanced.
 */
export interface Clock {
  now(): number;
  /** Run `fn` once after `ms` milliseconds (ms ≥ 0). */
  after(ms: number, fn: () => void): TimerHandle;
  /** Run `fn` every `ms` milliseconds (ms > 0) until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
}

// ---------------------------------------------------------------------------------------
// Ledger

/** One atomic write: everything in it lands, or nothing does. */
export interface LedgerBatch {
  /** transactions by CID string (canonical DAG-CBOR bytes) */
  readonly txs?: ReadonlyArray<readonly [cid: string, bytes: Uint8Array]>;
  /** DAG vertices by CID string (canonical DAG-CBOR bytes) */
  readonly vertices?: ReadonlyArray<readonly [cid: string, bytes: Uint8Array]>;
  /**
   * Finalized decisions: conflict key → CID string of the chosen transaction. Final is
   * final: writing a different CID for a key that is already final rejects the whole
   * batch with {@link LedgerConflictError}; writing the same CID again is a no-op.
   */
  readonly finalized?: ReadonlyArray<readonly [conflictKey: string, txCid: string]>;
  /**
   * Decisions taken back (the `available` partition mode's reconciliation only,
   * docs/partitions.md): conflict key, the CID stored now, the CID that replaces it. A
   * key whose stored decision is not `from` rejects the whole batch with
   * {@link LedgerConflictError}. A key may not be both finalized and reverted in one batch.
   */
  readonly reverted?: ReadonlyArray<readonly [conflictKey: string, from: string, to: string]>;
  /** small named values (own head, counters); `null` deletes */
  readonly meta?: ReadonlyArray<readonly [name: string, value: Uint8Array | null]>;
  /**
   * Per-conflict-set records by id (the node keys them by the set's hex instance id): the
   * node's own summary of a set (conflict key, candidate CIDs, times), so a set it no longer
   * holds in memory can still be served. A later write of an id replaces the record.
   */
  readonly sets?: ReadonlyArray<readonly [id: string, record: Uint8Array]>;
}

/** A batch tried to change a finalized decision. Nothing of the batch was written. */
export class LedgerConflictError extends Error {
  override readonly name = "LedgerConflictError";
  constructor(
    readonly conflictKey: string,
    readonly existing: string,
    readonly attempted: string,
  ) {
    super(`conflict set ${conflictKey} is already final on ${existing}; refusing ${attempted}`);
  }
}

/**
 * Durable storage of one node. `commit` resolves only once the batch is durable against
 * a process crash (`kill -9`): the node persists before it sends (DESIGN.md §4).
 * Reads after a resolved commit see it. Values returned are copies the caller may keep.
 */
export interface Ledger {
  open(): Promise<void>;
  close(): Promise<void>;
  commit(batch: LedgerBatch): Promise<void>;
  getTx(cid: string): Promise<Uint8Array | undefined>;
  getVertex(cid: string): Promise<Uint8Array | undefined>;
  getFinal(conflictKey: string): Promise<string | undefined>;
  getMeta(name: string): Promise<Uint8Array | undefined>;
  /** The set record stored under `id` (see {@link LedgerBatch.sets}). */
  getSet(id: string): Promise<Uint8Array | undefined>;
  /** Every stored transaction, in CID-string order. */
  txs(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]>;
  /** Every stored vertex, in CID-string order. */
  vertices(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]>;
  /** Every finalized decision, in conflict-key order. */
  finalized(): AsyncIterable<readonly [conflictKey: string, txCid: string]>;
}

// ---------------------------------------------------------------------------------------
// Transport

/** The pub/sub topics a node uses. */
export const TOPICS = {
  /** batches of transactions */
  tx: "entropic/tx/1",
  /** single DAG vertices */
  vertex: "entropic/vertex/1",
  /** head announcements (the newest vertex CIDs a node knows, and its ledger root) */
  heads: "entropic/heads/1",
  /** proofs of misbehaviour (two conflicting signed answers), so every node can act on them */
  evidence: "entropic/evidence/1",
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * What the application says about a received pub/sub message (gossipsub's validation
 * result): `accept` forwards it, `ignore` drops it silently, `reject` drops it and
 * penalises the peer that sent it.
 */
export type Verdict = "accept" | "ignore" | "reject";

export type MessageHandler = (topic: Topic, from: string, data: Uint8Array) => Verdict | Promise<Verdict>;
/** Answers a request; throwing sends nothing back (the asker sees a failed request). */
export type RequestHandler = (from: string, data: Uint8Array) => Promise<Uint8Array>;

/** A peer-to-peer transport: pub/sub on {@link TOPICS} plus request/response. */
export interface Transport {
  /** this node's peer id (libp2p: the base58btc/base36 PeerId string) */
  readonly peerId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** addresses others can dial (multiaddr strings including /p2p/<peerId>) */
  addresses(): string[];
  /** Dial a peer by address; resolves once connected. */
  dial(address: string): Promise<void>;
  /** ids of currently connected peers, sorted */
  peers(): string[];
  /** Install the handler of pub/sub messages (one handler; subscribes to every topic). */
  onMessage(handler: MessageHandler): void;
  /** Install the handler of requests (one handler). */
  onRequest(handler: RequestHandler): void;
  /**
   * Publish to a topic. Never throws for "no peers yet"; returns false when the message
   * was not handed to any peer. Callers pace and batch: there is no backpressure.
   */
  publish(topic: Topic, data: Uint8Array): Promise<boolean>;
  /** Send one request and await the response; rejects on timeout or failure. */
  request(peer: string, data: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array>;
  /**
   * The application's opinion of a peer (gossipsub's P5 application-specific score):
   * 0 neutral, negative for misbehaviour. Trust from the protocol feeds it.
   */
  setAppScore(peer: string, score: number): void;
  /** The transport's current overall score of a peer (gossipsub score; 0 when unknown). */
  score(peer: string): number;
  /**
   * Refuse all traffic with these peers (close connections, refuse dials both ways) until
   * `deny([])`. Used to partition a devnet at the transport level.
   */
  deny(peers: readonly string[]): void;
}
