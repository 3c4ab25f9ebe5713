/**
 * What the HTTP API (and the dashboard) may ask of a running node. The node engine
 * implements it; the HTTP server only validates input, calls these methods and renders
 * JSON, so the server can be tested against a fake.
 */
import type { Tx } from "../../core/tx.js";

/** Lifecycle of a transaction on one node. */
export type TxStatus = "pending" | "preferred" | "finalized" | "rejected";

export interface TxView {
  /** CID string of the transaction */
  readonly cid: string;
  readonly tx: Tx;
  readonly status: TxStatus;
  /** conflict key of its conflict set */
  readonly conflict: string;
  /** wall-clock ms when this node first saw it */
  readonly seenAt: number;
  /** wall-clock ms when this node finalized its conflict set, if it has */
  readonly finalizedAt?: number;
}

export interface ConflictView {
  readonly key: string;
  readonly author: Uint8Array;
  readonly nonce: number;
  /** candidates in this node's first-seen order */
  readonly candidates: ReadonlyArray<{ readonly cid: string; readonly status: TxStatus }>;
  /** the CID this node prefers now, or null */
  readonly preferred: string | null;
  /** the finalized CID, or null */
  readonly final: string | null;
  /** protocol-specific numbers for this instance (confidence, temperature, entropy …) */
  readonly observables: Readonly<Record<string, number>>;
  /** decisions this node took back (`available` partition mode), oldest first; empty otherwise */
  readonly reverted: ReadonlyArray<{ readonly from: string; readonly to: string; readonly at: number }>;
}

export interface StatusView {
  readonly peerId: string;
  readonly protocol: string;
  readonly addresses: readonly string[];
  readonly peers: readonly string[];
  /** newest DAG vertex CIDs this node knows */
  readonly heads: readonly string[];
  /** hex Merkle root over the finalized map (conflict key → tx CID) */
  readonly ledgerRoot: string;
  readonly finalizedCount: number;
  readonly pendingCount: number;
  readonly uptimeMs: number;
  /** monotonically increasing counters (messages in/out, dropped, rejected …) */
  readonly counters: Readonly<Record<string, number>>;
  /**
   * Failures of background work (sealing, polling, gossip …) the node caught and survived:
   * how many per task, and the newest one.
   */
  readonly failures?: {
    readonly total: number;
    readonly byTask: Readonly<Record<string, number>>;
    readonly lastError: string | null;
    readonly lastAt: number | null;
  };
}

/** One Prometheus sample. */
export interface MetricSample {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** One Prometheus histogram: cumulative bucket counts by upper bound (`+Inf` implied), sum and count. */
export interface HistogramMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "histogram";
  /** ascending finite upper bounds, each with the number of observations <= it */
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly count: number }>;
  readonly sum: number;
  readonly count: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Server-sent events. */
export type NodeEvent =
  | { readonly type: "finalized"; readonly conflict: string; readonly cid: string; readonly latencyMs: number; readonly at: number }
  | { readonly type: "tx"; readonly conflict: string; readonly cid: string; readonly at: number }
  | { readonly type: "sheaf-conflict"; readonly conflict: string; readonly peer: string; readonly ours: string; readonly theirs: string; readonly at: number }
  | { readonly type: "decision-reverted"; readonly conflict: string; readonly from: string; readonly to: string; readonly at: number }
  | { readonly type: "observables"; readonly at: number; readonly values: Readonly<Record<string, number>> };

/** The result of submitting a transaction. */
export type SubmitResult =
  | { readonly ok: true; readonly cid: string; readonly conflict: string; readonly status: TxStatus; readonly isNew: boolean }
  | { readonly ok: false; readonly reason: "too-many-candidates" | "already-final" | "overloaded"; readonly detail: string };

export interface NodeFacade {
  /**
   * Submit a transaction (already decoded; its signature is checked here). Resolves once
   * it is persisted. Throws a DecodeError ("bad-signature") when the signature fails.
   */
  submitTx(tx: Tx): Promise<SubmitResult>;
  /** A transaction held in memory (a live node: pending and recently finalized). */
  getTx(cid: string): TxView | undefined;
  /** A conflict set held in memory (a live node: pending and recently finalized). */
  getConflict(key: string): ConflictView | undefined;
  /** Any stored transaction, also old ones read from the ledger; the API prefers it when present. */
  readTx?(cid: string): Promise<TxView | undefined>;
  /** Any stored conflict set, also old ones read from the ledger; the API prefers it when present. */
  readConflict?(key: string): Promise<ConflictView | undefined>;
  status(): StatusView;
  metrics(): readonly MetricSample[];
  /** Listen to events; returns the unsubscribe function. */
  subscribe(listener: (event: NodeEvent) => void): () => void;
}
