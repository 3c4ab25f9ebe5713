/**
 * What a live node is given: its configuration ({@link EngineInit}: the protocol, its
 * parameters, the tunables) apart from its dependencies ({@link EngineComponents}: the
 * ports it runs on, its keys, its randomness, where it reports). The simulator and the
 * real node differ only in the components.
 */
import type { CryptoSuite, KeyPair } from "../../core/crypto.js";
import type { DecodeMemo } from "./decode-memo.js";
import type { Rng } from "../../core/prng.js";
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import type { Clock, Ledger, Transport } from "../ports.js";

/** Tunables of the engine; every field has a default. */
export interface EngineTuning {
  /** candidates per conflict set (default 4) */
  readonly maxCandidates: number;
  /** pause between the end of one poll round and the start of the next, ms (default 20) */
  readonly pollIntervalMs: number;
  /**
   * a peer that has not answered by then counts as silent, ms (default 250): the floor of
   * the adaptive poll timeout (the recent answer latency plus 4 deviations, and at least
   * twice it: load-gauge.ts)
   */
  readonly pollTimeoutMs: number;
  /** how long a fetch of blocks (transactions, vertices, sets) may take before the want goes to another peer, ms (default 2000) */
  readonly fetchTimeoutMs: number;
  /** the ceiling of the adaptive poll timeout, ms (default 10 000, avalanchego's maximum) */
  readonly maxPollTimeoutMs: number;
  /**
   * admission control: a client's new set is refused as overloaded while the undecided sets
   * exceed what this node finalizes in this long at its recent rate, ms (default 10 000;
   * 0: never; load-gauge.ts says why)
   */
  readonly maxQueueDelayMs: number;
  /**
   * undecided sets always admitted, whatever the recent rate (default 2048: the cold start,
   * before anything is finalized, of a few nodes per machine; `entropic devnet` lowers it
   * when it packs many nodes on one machine)
   */
  readonly minAdmitted: number;
  /** instances per query (default 2048) */
  readonly maxPollBatch: number;
  /** transaction gossip batching interval, ms (default 20) */
  readonly gossipFlushMs: number;
  /** delay from the first decision queued since the last seal to the next seal (one vertex), ms (default 200) */
  readonly sealIntervalMs: number;
  /** head announcement interval, ms (default 1000) */
  readonly headsIntervalMs: number;
  /** undecided instances beyond which submissions are refused as overloaded (default 50 000) */
  readonly maxPending: number;
  /** finalized sets kept in memory (an LRU; older ones are served from the ledger) (default 2048, ~3.5 KiB each) */
  readonly recentFinalized: number;
  /**
   * decisions (conflict key → CID) remembered for finality checks without a ledger read
   * (default 4096, ~0.3 KiB each: 1.2 MiB full). What asks about a set no longer in memory
   * is a late candidate or a lagging peer's vertex, naming a set decided a little while
   * ago; the {@link recentFinalized} newest sets answer from memory, so 4096 covers the
   * ~2048 sets evicted last (75 s of history at 27 sets/s, 8 s at 262 sets/s) and an older
   * one costs one ledger read. (16 384 took 4.7 MiB and ~10 minutes to fill at 30 tx/s,
   * all inside the soak's measuring window, bench/results/soak.md.)
   */
  readonly recentDecisions: number;
  /** a pending set is re-gossiped after this long, then with doubling delays up to 60 s, ms (default 2000) */
  readonly regossipMs: number;
  /**
   * What a node does when it cannot reach a majority of the validators (docs/partitions.md):
   * `safe` (default) finalizes a set only on a candidate that more than half of the
   * validators named within `quorumWindowMs`, so a side of a partition without a majority
   * decides nothing; `available` finalizes on the protocol's own rule, on each side, and
   * resolves conflicting decisions at the heal by one deterministic rule, reporting every
   * reverted decision.
   */
  readonly partitionMode: PartitionMode;
  /** size of the validator set for the quorum (default 0: the peers this node has known, itself included) */
  readonly validators: number;
  /** how recent an answer must be to count toward the quorum, ms (default 3000; at least 100 ms per validator: state.ts `quorumWindow`) */
  readonly quorumWindowMs: number;
}

export const PARTITION_MODES = ["safe", "available"] as const;
export type PartitionMode = (typeof PARTITION_MODES)[number];

export const DEFAULT_TUNING: EngineTuning = {
  maxCandidates: 4,
  pollIntervalMs: 20,
  pollTimeoutMs: 250,
  fetchTimeoutMs: 2000,
  maxPollTimeoutMs: 10_000,
  maxQueueDelayMs: 10_000,
  minAdmitted: 2048,
  maxPollBatch: 2048,
  gossipFlushMs: 20,
  sealIntervalMs: 200,
  headsIntervalMs: 1000,
  maxPending: 50_000,
  recentFinalized: 2048,
  recentDecisions: 4096,
  regossipMs: 2000,
  partitionMode: "safe",
  validators: 0,
  quorumWindowMs: 3000,
};

/** The node's configuration: plain data (and the protocol object), no I/O. */
export interface EngineInit {
  /** a live-capable protocol: one with {@link ConsensusProtocol.answerLayout} */
  readonly protocol: ConsensusProtocol<unknown>;
  /** protocol parameters, already validated by `protocol.params` */
  readonly params: unknown;
  readonly tuning?: Partial<EngineTuning>;
}

/** The node's dependencies: ports, keys, randomness and where it reports. */
export interface EngineComponents {
  readonly transport: Transport;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly crypto: CryptoSuite;
  /** this node's signing key (the same Ed25519 key as its libp2p identity) */
  readonly keys: KeyPair;
  /** the protocol's randomness */
  readonly rng: Rng;
  /** diagnostics (never the hot path) */
  readonly log?: (line: string) => void;
  /**
   * Where a caught failure of a background task is reported (one line with its context;
   * the node command writes it to stderr). Defaults to {@link log}.
   */
  readonly warn?: (line: string) => void;
  /**
   * Decoded gossip shared with other cores in this process (decode-memo.ts): the node
   * simulator gives one to all of a run's nodes; a live node has none and decodes each
   * vertex and heads announcement itself.
   */
  readonly decodeMemo?: DecodeMemo;
}

/**
 * What the node core (core.ts) is given of them: no transport and no ledger — the core
 * asks for I/O in its Ready (ready.ts) — and a clock it owns, moved by its inputs.
 */
export type CoreComponents = Omit<EngineComponents, "transport" | "ledger"> & {
  /** the peer id (libp2p's, as the transport names peers) of an Ed25519 public key: who signed an answer */
  readonly peerIdOf: (publicKey: Uint8Array) => string;
};

/** Both in one object: the form `NodeEngine.open` has always taken. */
export type EngineOptions = EngineInit & EngineComponents;

/** Split one options object into configuration and dependencies. */
export function splitOptions(o: EngineOptions): { init: EngineInit; components: EngineComponents } {
  const { protocol, params, tuning, transport, ledger, clock, crypto, keys, rng, log, warn, decodeMemo } = o;
  return {
    init: { protocol, params, ...(tuning !== undefined ? { tuning } : {}) },
    components: { transport, ledger, clock, crypto, keys, rng, ...(log !== undefined ? { log } : {}), ...(warn !== undefined ? { warn } : {}), ...(decodeMemo !== undefined ? { decodeMemo } : {}) },
  };
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
