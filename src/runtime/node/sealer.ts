/**
 * Sealing: new decisions go into a signed Merkle-DAG vertex whose parents are this
 * node's previous vertex and the newest vertices of up to seven other authors, those
 * linked least recently first (dag.ts, `LINKED_PARENTS`), `sealIntervalMs` after the first
 * decision queued since the last seal, and once more at stop.
 *
 * Ordering contract: only decisions already in the ledger's finalized map are sealed
 * (finalizer.ts writes first), and a vertex is written before it is indexed or
 * published. Decisions persisted but not sealed when the node stopped are sealed at the
 * next start (recovery.ts re-queues them).
 */
import { cidOf } from "../../core/codec.js";
import { createVertex, type Decision, encodeVertex, MAX_DECISIONS } from "../../core/vertex.js";
import { type TimerHandle, TOPICS } from "../ports.js";
import { persist, type Task } from "./tasks.js";
import type { TimedJob } from "./lifecycle.js";
import type { NodeState } from "./state.js";

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

export class Sealer implements TimedJob {
  readonly name = "seal" as const;
  private sealing = false;
  private timer: TimerHandle | null = null;

  constructor(private readonly s: NodeState) {
    s.sealSoon = () => this.arm();
  }

  start(): void {
    this.arm();
  }

  /** Stop sealing on a timer ({@link seal} once more is the core's stop, core.ts). */
  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /**
   * Seal `sealIntervalMs` after the first decision queued since the last seal. The timer is
   * armed only when there is something to seal: an idle node with a 200 ms ticker woke 5
   * times a second for nothing (measured: the largest share of an idle 16-node devnet's
   * node-side CPU once every wake-up became a step of the core).
   */
  private arm(): void {
    const s = this.s;
    if (this.timer !== null || !s.running || s.pendingDecisions.length === 0) return;
    this.timer = s.c.clock.after(s.tuning.sealIntervalMs, () => {
      this.timer = null;
      if (!s.running) return;
      s.tasks.spawn(this.seal(), (ok, err) => {
        if (!ok) s.recordFailure("seal", err);
        this.arm(); // what is left (requeued, or beyond one vertex) is sealed next
      });
    });
  }

  /**
   * Seal pending decisions into a vertex. Throws when the vertex cannot be built or
   * stored; the caller records it. Decisions that could not be stored go back to the
   * queue (a later seal retries them); ones the encoder refuses are dropped with the
   * error (they are in the ledger's finalized map, and retrying could only fail again).
   */
  *seal(): Task<void> {
    const s = this.s;
    if (this.sealing || s.pendingDecisions.length === 0) return;
    this.sealing = true;
    try {
      const { decisions: all, conflicting } = sealableDecisions(s.pendingDecisions.splice(0));
      if (conflicting.length > 0) {
        s.recordFailure("seal", new Error(`a second, different decision was queued for ${conflicting.map((d) => d[0]).join(", ")}; only the first is sealed`));
      }
      const decisions = all.slice(0, MAX_DECISIONS);
      s.pendingDecisions.unshift(...all.slice(MAX_DECISIONS));
      if (decisions.length === 0) return;
      const parents = s.dag.parentsForNext();
      const height = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => p.height));
      const v = createVertex(s.c.crypto.signatures, s.c.keys, { height, parents: parents.map((p) => p.cid), decisions });
      const bytes = encodeVertex(v);
      const cid = cidOf(bytes, s.c.crypto.hasher);
      try {
        yield* persist({ vertices: [[cid.toString(), bytes]] });
      } catch (err) {
        s.pendingDecisions.unshift(...decisions); // retried by the next seal
        throw err;
      }
      s.dag.add(v, bytes, cid);
      s.counters.verticesSealed++;
      s.publish(TOPICS.vertex, bytes);
    } finally {
      this.sealing = false;
    }
  }
}
