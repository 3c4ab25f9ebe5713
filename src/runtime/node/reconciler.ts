/**
 * The `available` partition mode's reconciliation: when a partition heals, each side may
 * have finalized a different candidate of one conflict set. The sheaf check finds it — a
 * received vertex (a section: its author's decisions) disagrees with this node's finalized
 * map on the overlap (resync.ts) — and this module applies one deterministic rule:
 *
 *   of two conflicting decisions, the one whose CID string sorts first is kept.
 *
 * Every node applies the same rule to every pair it meets, and every decision is sealed
 * into a vertex that reaches every node (heads, fetches), so all nodes converge on the
 * least CID decided anywhere. A node whose decision loses takes it back: the ledger swaps
 * it atomically (LedgerBatch.reverted, refused unless the stored decision is the one
 * being replaced), the set's record keeps the reversal, the new decision is sealed, and
 * the reversal is reported — a `decision-reverted` event, `reverted` in
 * `GET /v1/conflicts/:key`, and `entropic_decisions_reverted_total`. Never silently.
 *
 * Why this rule: it needs nothing but the two CIDs, so it cannot depend on what a node has
 * seen so far, and it never oscillates (the kept CID only ever decreases). A rule by
 * support (most validators behind a decision) would let a client's stake matter, but the
 * support a node sees grows as vertices arrive, so nodes could flip back and forth before
 * agreeing. The cost: the winner is arbitrary, and an author who makes the double spend
 * can grind CIDs to choose it. In `available` mode finality means "final unless a
 * partition healed with a conflicting decision" (docs/partitions.md).
 */
import type { BlockCid } from "../../core/codec.js";
import { toHex } from "../../core/bytes.js";
import { LedgerConflictError } from "../ports.js";
import { decodeSetRecord, encodeSetRecord, type Reversal, type SetRecord } from "./set-record.js";
import type { NodeState } from "./state.js";
import { instanceId } from "./wire.js";
import { persist, readBytes, type Task } from "./tasks.js";

/** The decision kept of two conflicting ones: the smaller CID string. */
export function reconciledWinner(a: BlockCid, b: BlockCid): BlockCid {
  return a.toString() <= b.toString() ? a : b;
}

export class Reconciler {
  /** keys being reverted now (two vertices may report one conflict at once) */
  private readonly busy = new Set<string>();

  constructor(private readonly s: NodeState) {}

  /** A vertex from `from` decided `theirs` for `key`, where this node decided `ours`. */
  *conflict(key: string, ours: BlockCid, theirs: BlockCid, from: string): Task<void> {
    const s = this.s;
    if (s.tuning.partitionMode !== "available" || reconciledWinner(ours, theirs) === ours) return; // they take theirs back
    if (this.busy.has(key)) return;
    this.busy.add(key);
    try {
      const current = yield* s.finalOf(key);
      if (current === undefined || !current.equals(ours)) return; // changed meanwhile
      const at = s.c.clock.now();
      const held = s.registry.get(key);
      const info = held === undefined ? undefined : s.sets.get(held.index);
      const idHex = toHex(info?.id ?? instanceId(s.c.crypto.hasher, key));
      let record: SetRecord | undefined;
      if (info !== undefined) record = s.recordOf(info);
      else {
        const raw = yield* readBytes("set", idHex);
        record = raw === undefined ? undefined : decodeSetRecord(raw);
      }
      const reversal: Reversal = { from: ours.toString(), to: theirs.toString(), at };
      const reverted = [...(record?.reverted ?? []), reversal];
      const batch = {
        reverted: [[key, ours.toString(), theirs.toString()] as const],
        ...(record !== undefined ? { sets: [[idHex, encodeSetRecord({ ...record, final: theirs.toString(), finalizedAt: at, reverted })] as const] } : {}),
      };
      try {
        yield* persist(batch);
      } catch (err) {
        if (!(err instanceof LedgerConflictError)) throw err;
        s.counters.ledgerConflicts++;
        return;
      }
      // Persisted: now memory, the commitment, the seal queue, and the report.
      s.finals.remove(key, ours);
      s.finals.add(key, theirs);
      s.decided.set(key, theirs.toString());
      if (info !== undefined) {
        info.final = theirs;
        info.finalizedAt = at;
        info.reverted = reverted;
        s.table.decide(held!.index, info.set.indexOf(theirs)); // moves its answers' version (table.ts)
      }
      // A decision taken back before it was sealed is not sealed at all: only the new one is.
      for (let j = s.pendingDecisions.length - 1; j >= 0; j--) if (s.pendingDecisions[j]![0] === key) s.pendingDecisions.splice(j, 1);
      s.pendingDecisions.push([key, theirs]);
      s.sealSoon();
      s.counters.decisionsReverted++;
      s.emit({ type: "decision-reverted", conflict: key, from: reversal.from, to: reversal.to, at });
      // Serve what is now final: fetch the transaction if this node never held it.
      if (!s.txs.has(reversal.to) && (yield* readBytes("tx", reversal.to)) === undefined) s.wants.want("tx", reversal.to, from);
    } finally {
      this.busy.delete(key);
    }
  }
}
