/**
 * Finalization: a set the protocol declared final is decided here.
 *
 * Ordering contract (persist before announce): the decision and the set's record are
 * written together first; only then is the set marked final in memory, queued for
 * sealing, reported by a `finalized` event and counted. A write refused by the ledger
 * (a different decision already stored for the key) decides nothing. So after `kill -9`
 * a node never has to take back a decision it told anyone.
 *
 * Two paths may see one set final at once (a poll round, and an answer to a peer's
 * exchange query); `finalizing` makes the second one skip it.
 *
 * Partition modes (options.ts `partitionMode`, docs/partitions.md): in `safe` mode a set
 * the protocol declared final is decided only when a quorum of the validators named the
 * candidate recently (quorum.ts); until then it stays pending and polled.
 */
import { parseCid } from "../../core/codec.js";
import type { Decision } from "../../core/vertex.js";
import { toHex } from "../../core/bytes.js";
import { LedgerConflictError } from "../ports.js";
import { encodeSetRecord } from "./set-record.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import type { NodeState } from "./state.js";
import { persist, type Task } from "./tasks.js";

/** Finalization latencies kept for the observables' quantiles (halved when full). */
const MAX_LATENCIES = 4096;

export class Finalizer {
  constructor(private readonly s: NodeState) {}

  *finalize(instances: readonly number[]): Task<void> {
    const s = this.s;
    const decisions: Decision[] = [];
    // An instance listed twice is decided once: a key folded twice into the commitment
    // (merkle.ts) would give a root no other node with the same decisions has.
    const listed = new Set<number>();
    for (const i of instances) {
      if (listed.has(i)) continue;
      listed.add(i);
      const info = s.sets.get(i);
      if (info === undefined) continue; // final and forgotten meanwhile
      const c = s.tuning.partitionMode === "safe" ? this.quorumCandidate(i) : s.table.preference(i);
      let cid = info.set.candidates[c];
      // `available`: another node already sealed a decision for this set (the other side of
      // a healed partition); the reconciliation rule (reconciler.ts) picks between the two now.
      const foreign = s.tuning.partitionMode === "available" && cid !== undefined ? s.foreignDecisions.peek(info.set.key) : undefined;
      if (foreign !== undefined && foreign < cid!.toString()) cid = parseCid(foreign);
      // A set already final, or being written by another path right now, is not decided a second time.
      if (cid === undefined || info.final !== undefined || s.finalizing.has(info.set.key)) continue;
      decisions.push([info.set.key, cid]);
    }
    if (decisions.length === 0) return;
    for (const [k] of decisions) s.finalizing.add(k);
    const now = s.c.clock.now();
    try {
      // The decision and the set's record land together, so the set can leave memory later.
      const sets = decisions.map(([k, c]) => {
        const info = s.sets.get(s.registry.get(k)!.index)!;
        return [toHex(info.id), encodeSetRecord({ ...s.recordOf(info), final: c.toString(), finalizedAt: now })] as const;
      });
      yield* persist({ finalized: decisions.map(([k, c]) => [k, c.toString()] as const), sets });
    } catch (err) {
      if (!(err instanceof LedgerConflictError)) throw err;
      s.counters.ledgerConflicts++;
      s.c.log?.(err.message);
      return;
    } finally {
      for (const [k] of decisions) s.finalizing.delete(k);
    }
    for (const [key, cid] of decisions) {
      const i = s.registry.get(key)!.index;
      const info = s.sets.get(i)!;
      s.finals.add(key, cid);
      s.finalKeys.add(key);
      s.decided.set(key, cid.toString());
      info.final = cid;
      info.finalizedAt = now;
      s.table.decide(i, info.set.indexOf(cid)); // moves its answers' version (table.ts)
      s.undecided.delete(i);
      s.deferred.delete(i);
      s.gate.forget(i);
      // Polls skip a decided set before any evidence check (answer-reader.ts `resolve`): its peers'
      // answers are never read again, and with 100 peers they held ~100 answers' worth of
      // batch answers alive per decided set until it left memory (2,048 sets later).
      s.answerMemory.forget(i);
      s.pendingDecisions.push([key, cid]);
      s.sealSoon();
      s.counters.finalized++;
      s.finalizedSinceTick++;
      const latencyMs = now - info.firstSeen;
      s.recentLatencies.push(latencyMs);
      if (s.recentLatencies.length > MAX_LATENCIES) s.recentLatencies.splice(0, MAX_LATENCIES / 2);
      s.emit({ type: "finalized", conflict: key, cid: cid.toString(), latencyMs, at: now });
    }
    // Last: this may push older finalized sets out of memory (never one just decided).
    for (const [key] of decisions) s.recent.set(s.registry.get(key)!.index, true);
  }

  /**
   * `safe` mode: the candidate set `i` may be decided on now, or NO_CANDIDATE (it waits,
   * still polled, in `deferred`). The protocol declared `i` final on its preference; that
   * is decided once more than half of the validators — this node and the peers whose
   * answers of the quorum window (state.ts `quorumWindow`) named it — stand behind it. If
   * instead a majority of the validators, without this node, named another candidate (this node's protocol
   * froze on the losing side of a partition and they decided meanwhile), that one is
   * adopted: the two majorities cannot both exist within one window.
   */
  private quorumCandidate(i: number): number {
    const s = this.s;
    const now = s.c.clock.now();
    const quorum = s.quorum();
    const window = s.quorumWindow();
    const mine = s.table.preference(i);
    if (mine !== NO_CANDIDATE && 1 + s.gate.support(i, mine, now, window) >= quorum) return mine;
    const best = s.gate.strongest(i, now, window);
    if (best.candidate !== NO_CANDIDATE && best.candidate !== mine && best.peers >= quorum) {
      s.counters.decisionsAdopted++;
      return best.candidate;
    }
    if (!s.deferred.has(i)) {
      s.deferred.add(i);
      s.counters.finalizationsDeferred++;
    }
    return NO_CANDIDATE;
  }
}
