/**
 * The shell around a consensus protocol (issue 11: one copy of the shell). A protocol
 * (consensus.ts) only digests answers; around it, every node also signs its answers under
 * epochs, remembers what its peers signed to catch equivocations, and samples the peers it
 * polls. Those rules live here, once, pure (no clock, no I/O, randomness injected), and
 * both message-level engines use them: the event driver (src/sim/event/run.ts) and the
 * live node (src/runtime/node/: responder.ts, evidence.ts, poller.ts).
 *
 * Shared:
 * - **The epoch rule** ({@link opensEpoch}): a responder opens a new epoch for an instance
 *   whenever the candidate it would sign differs from the one it last signed at its current
 *   epoch, so it never signs two candidates for one (instance, epoch). {@link openEpoch}
 *   applies it to an object with `epoch` and `lastAnswered` (the node's SetInfo);
 *   {@link EpochTable} to typed arrays (the event driver's per-(node, instance) slots,
 *   whose epoch also moves on after each of the node's own polls: {@link EpochTable.advance}).
 * - **The equivocation memory rule** ({@link judgeAnswer}): per (instance, peer) a receiver
 *   keeps the last (epoch, candidate, signed proof) seen; a second, different, non-empty
 *   candidate at the same epoch is an equivocation, and the earlier signed object is handed
 *   back so the caller can build the proof. Two stores apply it: {@link AnswerMemory}
 *   (exact, per-instance rows indexed by peer: the node, which keeps every (set, peer) of
 *   the sets it holds and forgets a set's row with the set) and {@link StatementCells}
 *   (bounded, direct-mapped typed-array cells per receiver: the event driver's
 *   `statementMemory`, which must stay small at 10^4 nodes).
 * - **Peer sampling without replacement** ({@link partialShuffle}, {@link samplePeers}):
 *   k of a pool by partial Fisher–Yates, drawing `rng.nextInt(n − i)` for i = 0..k−1 from
 *   the injected stream. This draw sequence is part of every replay.
 *
 * Not shared: the trust update. Both sides multiply a trust in [0, 1] by a factor (0:
 * isolated — left out of samples, answers ignored), but that one multiplication is all they
 * have in common: the simulators apply a proof's penalty to one world-wide array after a
 * gossip delay (sim/consensus/evidence.ts `TrustLedger`, shared by the cycle and event
 * drivers), the node lowers its own view at once, by a factor per offence, and feeds it to
 * gossipsub's score (runtime/node/state.ts `distrust`).
 *
 * Not shared either: the bytes. The event driver signs one core/conflict.ts `Statement`
 * (instance key, epoch, candidate index) per instance, so an equivocation proof is two
 * statements checked by `isEquivocation`, and a simulated node signs once per (instance,
 * epoch) and reuses the bytes for every asker (the driver's cost model). The node answers a
 * batched query with one signature over every instance's (epoch, 8-byte candidate id)
 * (runtime/node/wire.ts), so its proof is two whole signed answers. The rules above see
 * only (instance, peer, epoch, candidate) and an opaque signed object, so both formats use
 * them unchanged.
 */
import type { Rng } from "../core/prng.js";

// ---------------------------------------------------------------------------------------
// The epoch rule

/**
 * `lastAnswered` of a responder that has signed nothing at its current epoch (a fresh
 * epoch, usable as it is). Any other value — a candidate, or NO_CANDIDATE — counts as
 * something signed, so a different candidate opens a new epoch (opening one is always safe).
 */
export const UNSIGNED = -2;

/**
 * The epoch rule: whether signing `candidate` needs a new epoch, given what the responder
 * last signed at its current epoch ({@link UNSIGNED}: nothing). Candidates are indices ≥ 0.
 */
export function opensEpoch(lastAnswered: number, candidate: number): boolean {
  return candidate !== lastAnswered && lastAnswered !== UNSIGNED;
}

/** A responder's signing state for one instance: its current epoch and what it last signed there. */
export interface EpochCursor {
  epoch: number;
  lastAnswered: number;
}

/**
 * The epoch at which `cursor`'s owner signs `candidate` now: its current one, or a new one
 * when the rule says so (recorded in the cursor).
 */
export function openEpoch(cursor: EpochCursor, candidate: number): number {
  if (opensEpoch(cursor.lastAnswered, candidate)) cursor.epoch++;
  cursor.lastAnswered = candidate;
  return cursor.epoch;
}

/** The epoch rule over typed arrays: one {@link EpochCursor} per slot. */
export class EpochTable {
  readonly epoch: Int32Array;
  readonly lastAnswered: Int32Array;

  constructor(slots: number) {
    this.epoch = new Int32Array(slots);
    this.lastAnswered = new Int32Array(slots).fill(UNSIGNED);
  }

  /** Whether `candidate` is what `slot` already signed at its current epoch (that signature still holds). */
  signed(slot: number, candidate: number): boolean {
    return this.lastAnswered[slot] === candidate;
  }

  /** The epoch to sign `candidate` at, opening a new one when the rule says so (see {@link openEpoch}). */
  open(slot: number, candidate: number): number {
    if (opensEpoch(this.lastAnswered[slot]!, candidate)) this.epoch[slot]!++;
    this.lastAnswered[slot] = candidate;
    return this.epoch[slot]!;
  }

  /** Move `slot` on to a fresh epoch with nothing signed at it. */
  advance(slot: number): void {
    this.epoch[slot]!++;
    this.lastAnswered[slot] = UNSIGNED;
  }
}

// ---------------------------------------------------------------------------------------
// The equivocation memory

/** {@link judgeAnswer}: the same (epoch, candidate) as remembered — keep the remembered proof. */
export const KEEP = 0;
/** {@link judgeAnswer}: nothing to compare with (another epoch, or an empty side) — remember the new answer. */
export const REPLACE = 1;
/** {@link judgeAnswer}: two different non-empty candidates at one epoch — keep the earlier, it is half the proof. */
export const EQUIVOCATION = 2;

/**
 * The memory rule: what a receiver does with a peer's signed (epoch, candidate) about an
 * instance, given the one it remembers from that peer about that instance. `empty` is the
 * "no preference" candidate, which contradicts nothing.
 */
export function judgeAnswer<C>(seenEpoch: number, seenCandidate: C, epoch: number, candidate: C, empty: C): typeof KEEP | typeof REPLACE | typeof EQUIVOCATION {
  if (seenEpoch !== epoch) return REPLACE;
  if (seenCandidate === candidate) return KEEP;
  return candidate === empty || seenCandidate === empty ? REPLACE : EQUIVOCATION;
}

/**
 * Exact equivocation memory: per (instance, peer) the last (epoch, candidate, signed)
 * seen, in one row per instance indexed by peer (peer numbers are small and dense).
 * Forgetting an instance drops its row. `C` is the candidate's name (any value compared
 * with ===), `S` the signed object a proof is built from.
 *
 * A row is one plain array of (epoch, candidate, signed) triples, peer p at 3p: an answer
 * entry reads and writes its triple in one cache line (three arrays were three misses per
 * entry, most of the asker's `resolve` in a 100-node simulation), and a row is made at the
 * width the memory has seen so far, so it does not grow peer by peer. A plain array, not a
 * typed one: every typed array over 64 bytes is an allocation outside V8's heap.
 */
export class AnswerMemory<C, S> {
  private readonly rows = new Map<number, unknown[]>();
  private entries = 0;
  /** triples per new row: the highest peer number seen, plus one */
  private width = 8;

  constructor(private readonly empty: C) {}

  /** (instance, peer) pairs remembered. */
  get size(): number {
    return this.entries;
  }

  /**
   * Note that `peer` signed `candidate` for `instance` at `epoch` in `signed`: the earlier
   * signed object when the two prove an equivocation (the memory then keeps the earlier),
   * else null.
   */
  observe(instance: number, peer: number, epoch: number, candidate: C, signed: S): S | null {
    if (peer >= this.width) this.width = peer + 1;
    let row = this.rows.get(instance);
    if (row === undefined) {
      row = new Array<unknown>(3 * this.width);
      this.rows.set(instance, row);
    }
    const at = 3 * peer;
    const held = row[at + 2] as S | undefined;
    if (held === undefined) {
      this.entries++;
    } else {
      const verdict = judgeAnswer(row[at] as number, row[at + 1] as C, epoch, candidate, this.empty);
      if (verdict === EQUIVOCATION) return held;
      if (verdict === KEEP) return null;
    }
    row[at] = epoch;
    row[at + 1] = candidate;
    row[at + 2] = signed;
    return null;
  }

  /** Drop everything remembered about `instance`. */
  forget(instance: number): void {
    const row = this.rows.get(instance);
    if (row === undefined) return;
    for (let at = 2; at < row.length; at += 3) if (row[at] !== undefined) this.entries--;
    this.rows.delete(instance);
  }
}

/**
 * Bounded equivocation memory in typed arrays: each receiver has `cells` direct-mapped
 * cells; (signer, instance) hashes to one, and a pair that does not hold its cell has
 * nothing remembered (it takes the cell). Candidates are numbers (`empty`: none); `S` is
 * the signed object a proof is built from.
 */
export class StatementCells<S> {
  private readonly signer: Int32Array;
  private readonly instance: Int32Array;
  private readonly epoch: Float64Array;
  private readonly candidate: Float64Array;
  private readonly signed: (S | undefined)[];

  constructor(
    receivers: number,
    readonly cells: number,
    private readonly empty: number,
  ) {
    const n = receivers * cells;
    this.signer = new Int32Array(n).fill(-1);
    this.instance = new Int32Array(n);
    this.epoch = new Float64Array(n);
    this.candidate = new Float64Array(n);
    this.signed = new Array<S | undefined>(n);
  }

  /** The cell of (signer, instance) in `receiver`'s memory. */
  cellOf(receiver: number, signer: number, instance: number): number {
    return receiver * this.cells + (((Math.imul(signer, 0x9e3779b1) ^ Math.imul(instance, 0x85ebca77)) >>> 0) % this.cells);
  }

  /** As {@link AnswerMemory.observe}, in `receiver`'s memory. */
  observe(receiver: number, signer: number, instance: number, epoch: number, candidate: number, signed: S): S | null {
    const at = this.cellOf(receiver, signer, instance);
    const held = this.signed[at];
    if (held === signed) return null; // the very object this cell holds
    if (held !== undefined && this.signer[at] === signer && this.instance[at] === instance) {
      const verdict = judgeAnswer(this.epoch[at]!, this.candidate[at]!, epoch, candidate, this.empty);
      if (verdict === EQUIVOCATION) return held;
      if (verdict === KEEP) return null;
    }
    this.signer[at] = signer;
    this.instance[at] = instance;
    this.epoch[at] = epoch;
    this.candidate[at] = candidate;
    this.signed[at] = signed;
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// Peer sampling

/**
 * Partial Fisher–Yates: move a uniform sample of `k` of `items[0..n)` (without
 * replacement) to positions 0..k−1, in place, drawing `rng.nextInt(n − i)` for
 * i = 0..k−1 (k ≤ n). The draw sequence is part of every replay.
 */
export function partialShuffle<T>(items: { [index: number]: T }, n: number, k: number, rng: Rng): void {
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(n - i);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** `k` distinct members of `pool` (all of them, shuffled, when k ≥ its size), by {@link partialShuffle}. */
export function samplePeers<T>(pool: readonly T[], k: number, rng: Rng): T[] {
  const a = pool.slice();
  const m = Math.min(k, a.length);
  partialShuffle(a, a.length, m, rng);
  a.length = m;
  return a;
}
