/**
 * Views: what the HTTP API and tools read of a node — transactions, conflict sets (from
 * memory, or from their ledger records once they left it), status, metrics, and the
 * memory census (`retained`) the boundedness test checks. Read-only: nothing here changes
 * consensus state. This is the loop's side of the node (engine.ts), not the core's: it
 * reads the core's state between steps, and the ledger and the transport directly.
 */
import { toHex } from "../../core/bytes.js";
import { conflictKey, decodeTx, parseConflictKey } from "../../core/tx.js";
import type { ConflictView, MetricSample, StatusView, TxView } from "../api/facade.js";
import type { Ledger } from "../ports.js";
import { MESSAGE_KINDS, type MessageCounts } from "./message-counts.js";
import { BACKGROUND_TASKS } from "./options.js";
import { decodeSetRecord, type SetRecord } from "./set-record.js";
import { COUNTERS, type NodeState } from "./state.js";
import { instanceId, MAX_HEADS } from "./wire.js";

/** What the views read of the loop's side: the transport, the ledger, the message counts. */
export interface ShellView {
  readonly peerId: string;
  addresses(): string[];
  peers(): string[];
  /** ledger writes issued (group commits) */
  ledgerWrites(): number;
  readonly messages: MessageCounts;
  readonly ledger: Pick<Ledger, "getTx" | "getSet" | "finalized">;
  now(): number;
}

export class Views {
  constructor(
    private readonly s: NodeState,
    private readonly shell: ShellView,
    /** sizes of structures owned by other modules, for {@link retained} */
    private readonly extra: () => Record<string, number>,
    /** the poll loop's load (load-gauge.ts), for the metrics */
    private readonly load: () => { readonly timeoutMs: number; readonly roundMs: number; readonly admissible: number } = () => ({ timeoutMs: s.tuning.pollTimeoutMs, roundMs: 0, admissible: Infinity }),
  ) {}

  /** A transaction held in memory (pending or recently finalized); {@link readTx} also reads the ledger. */
  getTx(cid: string): TxView | undefined {
    const s = this.s;
    const r = s.txs.get(cid);
    if (!r) return undefined;
    const info = s.sets.get(r.set)!;
    return {
      cid,
      tx: r.tx,
      status: s.statusOf(r),
      conflict: info.set.key,
      seenAt: r.seenAt,
      ...(info.finalizedAt !== undefined ? { finalizedAt: info.finalizedAt } : {}),
    };
  }

  /** A set held in memory (pending or recently finalized), with its own observables; {@link readConflict} also reads the ledger. */
  getConflict(key: string): ConflictView | undefined {
    const s = this.s;
    const set = s.registry.get(key);
    if (!set) return undefined;
    const final = s.sets.get(set.index)!.final;
    const c = final !== undefined ? -1 : s.table.preference(set.index);
    return {
      key,
      author: set.author,
      nonce: set.nonce,
      candidates: set.candidates.map((cid) => ({ cid: cid.toString(), status: s.statusOf(s.txs.get(cid.toString())!) })),
      preferred: final !== undefined ? final.toString() : c >= 0 ? (set.candidates[c]?.toString() ?? null) : null,
      final: final?.toString() ?? null,
      observables: s.table.observe(set.index),
      reverted: s.sets.get(set.index)!.reverted ?? [],
    };
  }

  /** Any transaction this node stores: from memory, or from the ledger (a final set's record). */
  async readTx(cid: string): Promise<TxView | undefined> {
    const s = this.s;
    const held = this.getTx(cid);
    if (held !== undefined) return held;
    const bytes = await this.shell.ledger.getTx(cid);
    if (bytes === undefined) return this.getTx(cid);
    const tx = decodeTx(bytes, s.c.crypto.signatures, { verify: false }); // verified before it was stored
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
      reverted: rec.reverted ?? [],
    };
  }

  private async storedRecord(key: string): Promise<SetRecord | undefined> {
    const raw = await this.shell.ledger.getSet(toHex(instanceId(this.s.c.crypto.hasher, key)));
    const rec = raw === undefined ? undefined : decodeSetRecord(raw);
    return rec?.key === key ? rec : undefined;
  }

  /**
   * Entries the engine holds in memory, by structure: what the boundedness test checks
   * (each is bounded by the pending sets or by a stated cache size, see state.ts).
   */
  retained(): Record<string, number> {
    const s = this.s;
    const dag = s.dag.retained();
    return {
      sets: s.sets.size,
      registry: s.registry.size,
      byInstanceId: s.byInstanceId.size,
      txs: s.txs.size,
      undecided: s.undecided.size,
      recentFinalized: s.recent.size,
      decisions: s.decided.size,
      segments: s.table.segmentCount,
      answerMemory: s.answerMemory.size,
      dagVertices: dag.vertices,
      dagCids: dag.cids,
      dagAuthors: dag.authors,
      pendingDecisions: s.pendingDecisions.length,
      latencies: s.recentLatencies.length,
      keyOfPeer: s.keyOfPeer.size,
      notStored: s.notStored.size,
      ...this.extra(),
    };
  }

  status(): StatusView {
    const s = this.s;
    return {
      peerId: this.shell.peerId,
      protocol: s.protocol.name,
      addresses: this.shell.addresses(),
      peers: this.shell.peers(),
      heads: s.dag.heads(MAX_HEADS).map((c) => c.toString()),
      ledgerRoot: toHex(s.finals.root()),
      finalizedCount: s.finals.size,
      pendingCount: s.undecided.size,
      uptimeMs: this.shell.now() - s.startedAt,
      counters: { ...s.counters, ledgerWrites: this.shell.ledgerWrites() },
      failures: s.failures(),
    };
  }

  /** The finalized map (conflict key → tx CID string), read from the ledger, for tests and tools. */
  async finalizedEntries(): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for await (const [k, c] of this.shell.ledger.finalized()) out.push([k, c]);
    return out;
  }

  metrics(): readonly MetricSample[] {
    const s = this.s;
    const out: MetricSample[] = COUNTERS.map((c) => ({
      name: `entropic_${c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}_total`,
      help: `count of ${c}`,
      type: "counter" as const,
      value: c === "ledgerWrites" ? this.shell.ledgerWrites() : s.counters[c],
    }));
    out.push(
      { name: "entropic_finalized_sets", help: "conflict sets finalized on this node", type: "gauge", value: s.finals.size },
      { name: "entropic_pending_sets", help: "conflict sets not yet finalized", type: "gauge", value: s.undecided.size },
      { name: "entropic_peers", help: "connected peers", type: "gauge", value: this.shell.peers().length },
      { name: "entropic_transactions", help: "transactions held in memory (pending and recently finalized sets; older ones are in the ledger)", type: "gauge", value: s.txs.size },
      { name: "entropic_vertices", help: "DAG vertices stored", type: "gauge", value: s.dag.size },
      { name: "entropic_poll_timeout_ms", help: "the adaptive poll timeout now (twice the recent answer latency, within its bounds)", type: "gauge", value: this.load().timeoutMs },
      { name: "entropic_poll_round_ms", help: "smoothed duration of a poll round", type: "gauge", value: Math.round(this.load().roundMs) },
      { name: "entropic_admissible_pending_sets", help: "undecided sets beyond which a client's new set is refused as overloaded (recent finalization rate × maxQueueDelayMs, at least minAdmitted)", type: "gauge", value: this.load().admissible },
      ...(["in", "out"] as const).flatMap((direction) =>
        MESSAGE_KINDS.flatMap((kind) => {
          const t = this.shell.messages.get(direction, kind);
          const labels = { direction, kind };
          return [
            { name: "entropic_messages_total", help: "messages this node sent or received through its transport, by kind (gossip topic, or a request and its response)", type: "counter" as const, value: t.messages, labels },
            { name: "entropic_message_bytes_total", help: "payload bytes of those messages", type: "counter" as const, value: t.bytes, labels },
          ];
        }),
      ),
      ...BACKGROUND_TASKS.map((task) => ({
        name: "entropic_background_failures_total",
        help: "background task failures caught (the node kept running); see failures in /v1/status",
        type: "counter" as const,
        value: s.failureCount(task),
        labels: { task },
      })),
    );
    return out;
  }
}
