/**
 * The asker's half of standing polls (wire-poll.ts): its pending sets grouped into
 * batches that keep their membership from round to round, so a peer can be asked about
 * a batch by its ref alone and answer *same*.
 *
 * Rules, each round ({@link StandingBatches.plan}):
 * - sets to poll that are in no batch yet form new batches, in first-seen order, at most
 *   {@link BATCH_MEMBERS} each; the youngest batch, while it is at most half full and held
 *   by at most {@link REOPEN_MAX_PEERS} peers, is dissolved into the first of them, so a
 *   steady trickle of arrivals fills a few large batches instead of one small batch per
 *   round. Every part of a poll is a signed answer, a record on both sides and a check of
 *   its members: at 100 sets/s, one batch per round made the same sets cost 1.8× the CPU
 *   of a 500 sets/s burst, with the same answer entries (docs/node-simulator.md);
 * - a batch whose members are all done (decided, forgotten, or no longer polled) is dropped;
 * - a batch with fewer than half of its members still polled is dissolved, and those
 *   members join new batches: so a batch never makes a peer answer about more than twice
 *   the sets the asker still needs, and a set decided long ago (which the peer may have to
 *   read from its ledger) does not stay in the asker's polls;
 * - the round takes whole batches, oldest first, up to the poll size limit; its instance
 *   list is their members end to end, members no longer polled marked inactive.
 *
 * Per batch the asker remembers, per peer, the last full answer as resolved here
 * ({@link LastAnswer}): a *same* reuses it; a peer without one gets the batch's ids (a
 * registration, answered in full). Everything about a batch goes with it when it is dropped.
 */
import type { SignedAnswer } from "./wire.js";
import { ID_BYTES } from "./wire.js";

/**
 * Members per batch the asker forms: the most a responder accepts (standing-answers.ts
 * `MAX_STANDING_MEMBERS`). With reopening (below) batches fill to it; 256 against 128 gave
 * 1,739,322 against 1,887,851 events at 100 nodes × 1,000 sets (docs/node-simulator.md).
 */
export const BATCH_MEMBERS = 256;

/**
 * The youngest batch is reopened for new arrivals while at most this many peers hold it:
 * two rounds' samples at Snowball's K = 20. Reopening costs each of those peers a new
 * registration of the batch's members (a full answer); a batch held more widely stays.
 */
export const REOPEN_MAX_PEERS = 40;

/**
 * What a peer last said about a batch, as resolved here: its last full answer with the
 * deltas since applied over it (wire-poll.ts).
 */
export interface LastAnswer {
  /** per member: the candidate index here, NO_CANDIDATE, REFUSED or SKIPPED (poll-round.ts) at resolution */
  readonly cand: Int32Array;
  /** per member: 1 when the peer's answer is locked (undefined: none is) */
  locked: Uint8Array | undefined;
  /**
   * the signed answers behind the members: the full one, `sources[j]` at `positions[j]` for
   * member j once a delta replaced it (undefined: no delta yet). Kept to re-resolve a
   * member whose candidate was unknown here (since fetched), and as evidence.
   */
  readonly signed: SignedAnswer;
  sources: SignedAnswer[] | undefined;
  positions: Int32Array | undefined;
  /** the number of the responder's latest answer applied (wire-poll.ts `seen`) */
  seq: number;
}

/** The signed answer behind member j of `last`, and j's position in it. */
export function sourceOf(last: LastAnswer, j: number): { readonly signed: SignedAnswer; readonly at: number } {
  return last.sources === undefined ? { signed: last.signed, at: j } : { signed: last.sources[j]!, at: last.positions![j]! };
}

export interface StandingBatch {
  readonly ref: number;
  /** instance numbers here */
  readonly members: Int32Array;
  /** their 8-byte instance ids, end to end */
  readonly ids: Uint8Array;
  /** per peer (by index): its last full answer (none: the next poll registers the batch with the peer) */
  readonly last: Map<number, LastAnswer>;
  /** position of the first member in the current round's instance list */
  offset: number;
}

/** One round's batches and the instance list they make. */
export interface RoundPlan {
  readonly batches: readonly StandingBatch[];
  /** instance numbers, the batches' members end to end */
  readonly instances: readonly number[];
  /** per position: 1 when the instance is not polled this round (done, or not wanted) */
  readonly inactive: Uint8Array;
  /** per batch: its inactive members as a wire-poll.ts `skip` bitmap (undefined: none) */
  readonly skips: readonly (Uint8Array | undefined)[];
}

export class StandingBatches {
  private batches: StandingBatch[] = [];
  private readonly batchOf = new Map<number, StandingBatch>();
  private nextRef = 0;

  constructor(
    /** an instance's 8-byte id here, or undefined when it is no longer in memory */
    private readonly idOf: (instance: number) => Uint8Array | undefined,
  ) {}

  /** Batches held. */
  get size(): number {
    return this.batches.length;
  }

  /**
   * This round's batches: `candidates` are the instances to poll in first-seen order,
   * `polled(i)` says whether a batch member is still to be polled, `limit` bounds the
   * instances of the round.
   */
  plan(candidates: Iterable<number>, polled: (i: number) => boolean, limit: number): RoundPlan {
    const kept: StandingBatch[] = [];
    for (const b of this.batches) {
      let live = 0;
      for (const i of b.members) if (polled(i)) live++;
      if (live * 2 >= b.members.length && live > 0) kept.push(b);
      else for (const i of b.members) if (this.batchOf.get(i) === b) this.batchOf.delete(i);
    }
    this.batches = kept;
    let fresh: number[] = [];
    let ids: Uint8Array[] = [];
    const close = (): void => {
      if (fresh.length === 0) return;
      const b: StandingBatch = { ref: this.nextRef, members: Int32Array.from(fresh), ids: concat(ids), last: new Map(), offset: 0 };
      this.nextRef = (this.nextRef + 1) >>> 0;
      for (const i of fresh) this.batchOf.set(i, b);
      this.batches.push(b);
      fresh = [];
      ids = [];
    };
    for (const i of candidates) {
      if (this.batchOf.has(i)) continue;
      const id = this.idOf(i);
      if (id === undefined) continue;
      if (fresh.length === 0) this.reopenYoungest(fresh, ids, polled);
      fresh.push(i);
      ids.push(id);
      if (fresh.length === BATCH_MEMBERS) close();
    }
    close();
    const chosen: StandingBatch[] = [];
    const instances: number[] = [];
    for (const b of this.batches) {
      if (instances.length + b.members.length > limit && chosen.length > 0) break;
      b.offset = instances.length;
      chosen.push(b);
      for (const i of b.members) instances.push(i);
    }
    const inactive = new Uint8Array(instances.length);
    const skips = chosen.map((b) => {
      let skip: Uint8Array | undefined;
      for (let j = 0; j < b.members.length; j++) {
        if (polled(b.members[j]!)) continue;
        inactive[b.offset + j] = 1;
        (skip ??= new Uint8Array(Math.ceil(b.members.length / 8)))[j >> 3]! |= 1 << (j & 7);
      }
      return skip;
    });
    return { batches: chosen, instances, inactive, skips };
  }

  /**
   * Before a new batch of arrivals is formed: the youngest batch, when few peers hold it
   * yet and it has room, is dissolved and its members head the new one (into `fresh`,
   * `ids`). Arrivals then fill batches of up to {@link BATCH_MEMBERS} over a few rounds
   * instead of one small batch per round, at the price of registering the youngest
   * batch's members again with the peers that held it.
   */
  private reopenYoungest(fresh: number[], ids: Uint8Array[], polled: (i: number) => boolean): void {
    const y = this.batches[this.batches.length - 1];
    if (y === undefined || y.last.size > REOPEN_MAX_PEERS || y.members.length > BATCH_MEMBERS / 2) return;
    this.batches.pop();
    for (let j = 0; j < y.members.length; j++) {
      const i = y.members[j]!;
      if (!polled(i)) {
        this.batchOf.delete(i); // done: it goes with the dissolved batch
        continue;
      }
      // Still mapped (to the dissolved batch) until close() maps it to the new one: the scan
      // of arrivals that goes on must not take it as an arrival a second time.
      fresh.push(i);
      ids.push(y.ids.subarray(j * ID_BYTES, (j + 1) * ID_BYTES));
    }
  }
}

function concat(ids: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(ids.length * ID_BYTES);
  ids.forEach((id, k) => out.set(id, k * ID_BYTES));
  return out;
}
