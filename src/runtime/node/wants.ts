/**
 * Blocks this node heard of and lacks (vertices, transactions, whole sets), each with the
 * peer to ask, kept until a fetch brings it.
 *
 * Why a list that retries, not a fire-once request: a node learns that a set was decided
 * elsewhere only from the vertex that seals the decision, once. When the one fetch for the
 * decided transaction was lost (a partition, a crashed peer), the node never heard of the
 * set again — it was final everywhere else, so nobody polled or re-gossiped it — and it
 * stayed undecided here for ever (swarm seed 1132). Now a want that was not answered is
 * asked again with a doubling delay, each time of the next peer, and is dropped after
 * {@link MAX_ATTEMPTS} tries (a Byzantine vertex can name blocks that exist nowhere).
 *
 * Pure and bounded: no I/O, time passed in, at most {@link MAX_WANTS} entries per kind.
 */

export type WantKind = "tx" | "vertex" | "set";

interface Want {
  peer: string;
  attempts: number;
  /** when it may be asked again (0: now) */
  dueAt: number;
}

/** Entries per kind; a want beyond this is dropped (and counted by the caller). */
export const MAX_WANTS = 16_384;
/** Tries before a want is given up. */
export const MAX_ATTEMPTS = 10;
/** Longest pause between two tries of one want, ms. */
const MAX_BACKOFF_MS = 30_000;

export interface WantBatch {
  readonly txs: string[];
  readonly vertices: string[];
  readonly sets: string[];
}

export class WantList {
  private readonly lists: Record<WantKind, Map<string, Want>> = { tx: new Map(), vertex: new Map(), set: new Map() };
  /** wants dropped: the list was full or a want ran out of tries */
  dropped = 0;

  constructor(private readonly firstBackoffMs: number) {}

  /** Want `id` of `kind` from `peer`; a want already held keeps its peer and schedule. */
  want(kind: WantKind, id: string, peer: string): boolean {
    const list = this.lists[kind];
    if (list.has(id)) return false;
    if (list.size >= MAX_WANTS) {
      this.dropped++;
      return false;
    }
    list.set(id, { peer, attempts: 0, dueAt: 0 });
    return true;
  }

  /** It arrived (or is no longer needed). */
  settle(kind: WantKind, id: string): void {
    this.lists[kind].delete(id);
  }

  has(kind: WantKind, id: string): boolean {
    return this.lists[kind].has(id);
  }

  get size(): number {
    return this.lists.tx.size + this.lists.vertex.size + this.lists.set.size;
  }

  /** The earliest time a held want may be asked, or undefined when none is held. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const list of Object.values(this.lists)) for (const w of list.values()) if (next === undefined || w.dueAt < next) next = w.dueAt;
    return next;
  }

  /**
   * The wants due at `now`, grouped by the peer to ask, at most `perPeer` of each kind per
   * peer. Each one taken is rescheduled (doubling delay) and, from its second try on,
   * moved to the next peer of `peers` (sorted ids, so a run is reproducible); one that
   * has used up its tries is dropped. A want stays held until {@link settle}.
   */
  take(now: number, perPeer: number, peers: readonly string[]): Map<string, WantBatch> {
    const out = new Map<string, WantBatch>();
    const slot = (p: string): WantBatch => {
      let b = out.get(p);
      if (!b) out.set(p, (b = { txs: [], vertices: [], sets: [] }));
      return b;
    };
    const fields: Record<WantKind, keyof WantBatch> = { tx: "txs", vertex: "vertices", set: "sets" };
    for (const kind of ["vertex", "tx", "set"] as const) {
      const list = this.lists[kind];
      for (const [id, w] of list) {
        if (w.dueAt > now) continue;
        if (w.attempts >= MAX_ATTEMPTS) {
          list.delete(id);
          this.dropped++;
          continue;
        }
        // A retry goes to the next peer; so does a want whose peer is not connected (or was
        // never named: a want found at recovery).
        if ((w.attempts > 0 || !peers.includes(w.peer)) && peers.length > 0) {
          const at = peers.indexOf(w.peer);
          w.peer = peers[(at + 1) % peers.length]!;
        }
        const batch = slot(w.peer)[fields[kind]];
        if (batch.length >= perPeer) continue;
        batch.push(id);
        w.dueAt = now + Math.min(this.firstBackoffMs * 2 ** w.attempts, MAX_BACKOFF_MS);
        w.attempts++;
      }
    }
    return out;
  }
}
