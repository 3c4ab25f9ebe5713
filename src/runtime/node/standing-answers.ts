/**
 * The responder's half of standing polls (wire-poll.ts): per asker and batch ref, the
 * batch's instances as resolved here and what this node last answered about each.
 *
 * A member is unchanged when the asker no longer polls it (the part's `skip` bits), or when
 * the answer this node would give now is the one it gave last time: the same candidate, at
 * the same epoch (no new epoch opened since: not for this asker, not for anyone), with the
 * same locked bit. A member not in memory stays unchanged while it is still not in memory
 * and was answered from the ledger or known to be absent there. A part with every member
 * unchanged is *same*; otherwise, when the asker holds the latest answer, a *delta* over the
 * changed members, freshly signed, re-records them (responder.ts); a registration, or an
 * asker holding an older answer, gets a full answer, which re-records the whole batch.
 *
 * Memory: at most {@link MAX_STANDING} batches over all askers, least recently polled
 * forgotten first (an asker whose batch was forgotten gets *unknown* and registers it
 * again), each at most {@link MAX_STANDING_MEMBERS} instances: ≤ 4096 × 256 × 26 bytes; and a
 * number per asker, at most {@link MAX_ASKERS} of them. The columns are carved from 16 KiB
 * arena chunks (core/arena.ts): at worst each answer held pins a chunk, 64 MiB in all.
 */
import { Arena } from "../../core/arena.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import { UNDECIDED } from "./table.js";
import type { NodeState } from "./state.js";
import { ID_BYTES, idKey } from "./wire.js";
import { skipped } from "./wire-poll.js";

/** Standing batches remembered per node, over all askers. */
export const MAX_STANDING = 4096;
/** Members a standing batch may have (the asker forms batches of up to as many: standing-batches.ts). */
export const MAX_STANDING_MEMBERS = 256;
/** Askers numbered at once (their peer ids kept, one number each). */
const MAX_ASKERS = 65_536;

/** What this node last answered one asker about one batch. */
export class StandingAnswer {
  /** instance number here per member (-1: not in memory when last answered) */
  readonly local: Int32Array;
  /** candidate index last answered per member (NO_CANDIDATE: none; for a set not in memory, ≥ 0 when answered from its ledger record) */
  readonly cand: Int32Array;
  readonly epochs: Uint32Array;
  readonly locked: Uint8Array;
  /** 1 where the last full answer answered the member (0: the asker had it skipped) */
  readonly answered: Uint8Array;
  /** the member's answer version (table.ts `version`) when last answered; -2: none */
  readonly versions: Int32Array;
  /** the number of the last full answer (wire-poll.ts `seen`) */
  seq = 0;
  /** the recency list of {@link StandingAnswers} (least recently polled forgotten first) */
  newer: StandingAnswer | null = null;
  older: StandingAnswer | null = null;
  /** where {@link StandingAnswers} holds it: the asker's number and the batch's ref */
  asker = -1;
  ref = 0;

  /** @param arena where the columns are carved (core/arena.ts); default: a buffer of their own */
  constructor(
    readonly ids: Uint8Array,
    arena?: Arena,
  ) {
    const n = ids.length / ID_BYTES;
    // One region for all six columns, carved from the owner's arena: V8 allocates each
    // typed array (or buffer) over 64 bytes outside its heap, and one kept alive in a
    // 100-node simulation's heap cost ~20 µs (3.7% of the 1,000-set run's CPU as one
    // buffer per answer); views into a shared chunk are on-heap objects.
    const { buffer, offset } = arena?.region(18 * n) ?? { buffer: new ArrayBuffer(18 * n), offset: 0 };
    this.local = new Int32Array(buffer, offset, n).fill(-1);
    this.cand = new Int32Array(buffer, offset + 4 * n, n).fill(NO_CANDIDATE);
    this.epochs = new Uint32Array(buffer, offset + 8 * n, n);
    this.versions = new Int32Array(buffer, offset + 12 * n, n).fill(-2);
    this.locked = new Uint8Array(buffer, offset + 16 * n, n);
    this.answered = new Uint8Array(buffer, offset + 17 * n, n);
  }

  get size(): number {
    return this.local.length;
  }
}

export class StandingAnswers {
  /**
   * per asker number, its batches by ref. Two levels and an intrusive recency list, not
   * one `Lru` keyed by asker × 2^32 + ref: those keys are heap numbers (allocated per
   * lookup) in a 4096-entry map moved on every poll, 1.5% of a 100-node simulation's CPU
   * (docs/node-simulator.md, ninth session). An asker holds a few batches, so its map is small.
   */
  private readonly byAsker: (Map<number, StandingAnswer> | undefined)[] = [];
  /** the recency list's ends: most and least recently polled */
  private newest: StandingAnswer | null = null;
  private oldest: StandingAnswer | null = null;
  private held = 0;
  /** the answers' columns (at worst one 16 KiB chunk pinned per answer held: ≤ 64 MiB) */
  private readonly arena = new Arena();
  private readonly askers = new Map<string, number>();

  constructor(private readonly s: NodeState) {}

  get size(): number {
    return this.held;
  }

  /**
   * A small number per asker, for {@link register} and {@link get} (not the peer book's:
   * indexing a peer there makes it a sampling candidate). Bounded: renumbered from scratch,
   * forgetting every batch (askers then register theirs again), past {@link MAX_ASKERS}.
   */
  askerIndex(asker: string): number {
    let i = this.askers.get(asker);
    if (i === undefined) {
      if (this.askers.size >= MAX_ASKERS) {
        this.askers.clear();
        this.byAsker.length = 0;
        this.newest = this.oldest = null;
        this.held = 0;
      }
      i = this.askers.size;
      this.askers.set(asker, i);
    }
    return i;
  }

  /** A new registration from `asker` (its {@link askerIndex}) replacing any earlier batch under its ref. */
  register(asker: number, ref: number, ids: Uint8Array): StandingAnswer {
    checkKey(asker, ref);
    const batches = (this.byAsker[asker] ??= new Map());
    const earlier = batches.get(ref);
    if (earlier !== undefined) this.unlink(earlier);
    const st = new StandingAnswer(ids, this.arena);
    st.asker = asker;
    st.ref = ref;
    batches.set(ref, st);
    this.pushNewest(st);
    while (this.held > MAX_STANDING) {
      const old = this.oldest!;
      this.unlink(old);
      const of = this.byAsker[old.asker]!;
      of.delete(old.ref);
      if (of.size === 0) this.byAsker[old.asker] = undefined;
    }
    return st;
  }

  /** The batch `asker` registered under `ref`, refreshed as recently polled; undefined when not held. */
  get(asker: number, ref: number): StandingAnswer | undefined {
    checkKey(asker, ref);
    const st = this.byAsker[asker]?.get(ref);
    if (st !== undefined && st !== this.newest) {
      this.unlink(st);
      this.pushNewest(st);
    }
    return st;
  }

  private pushNewest(st: StandingAnswer): void {
    st.older = this.newest;
    st.newer = null;
    if (this.newest !== null) this.newest.newer = st;
    this.newest = st;
    if (this.oldest === null) this.oldest = st;
    this.held++;
  }

  private unlink(st: StandingAnswer): void {
    if (st.newer !== null) st.newer.older = st.older;
    else this.newest = st.older;
    if (st.older !== null) st.older.newer = st.newer;
    else this.oldest = st.newer;
    st.newer = st.older = null;
    this.held--;
  }

  /**
   * The members (positions, in order) whose answer now differs from the recorded one, or
   * that were skipped last time and are wanted now: empty when the part is *same*, else
   * what a delta covers (wire-poll.ts). No epoch is opened here: the caller's epoch rule
   * is only applied when an answer is built. `absent`, when given, gets the unchanged
   * members this node still lacks (not in memory, nor in its ledger): the asker holds them.
   */
  changed(st: StandingAnswer, skip: Uint8Array | undefined, absent?: number[]): number[] {
    const s = this.s;
    const out: number[] = [];
    const n = st.size;
    for (let j = 0; j < n; j++) {
      if (skipped(skip, j)) continue; // the asker no longer needs it
      if (st.answered[j] === 0) {
        out.push(j); // skipped last time, wanted now
        continue;
      }
      const i = st.local[j]!;
      // Nothing that moves an answer happened to the set since: the same answer.
      if (i >= 0 && st.versions[j] === s.table.version(i)) continue;
      if (i < 0) {
        // Not in memory when last answered: the same answer while still not in memory and
        // either answered from the ledger (a decision, which does not move) or known absent.
        if (s.byInstanceId.has(st.ids, j * ID_BYTES) || (st.cand[j] === NO_CANDIDATE && !s.notStored.has(idKey(st.ids, j * ID_BYTES)))) out.push(j);
        else if (st.cand[j] === NO_CANDIDATE) absent?.push(j);
        continue;
      }
      if (!s.sets.has(i)) {
        out.push(j); // forgotten since: answered from the ledger now
        continue;
      }
      const t = s.table;
      const decided = t.decided(i);
      const c = decided !== UNDECIDED ? decided : t.preference(i);
      if (c < 0) {
        if (st.cand[j] !== NO_CANDIDATE) out.push(j);
        continue;
      }
      const locked = decided !== UNDECIDED || t.isFinal(i) ? 1 : 0;
      if (c !== st.cand[j] || t.lastSigned(i) !== c || t.epoch(i) !== st.epochs[j] || locked !== st.locked[j]) out.push(j);
    }
    return out;
  }
}

/** Asker numbers and refs as the wire and {@link StandingAnswers.askerIndex} give them. */
function checkKey(asker: number, ref: number): void {
  if (!Number.isInteger(asker) || asker < 0 || asker >= MAX_ASKERS) throw new RangeError(`asker index ${asker} is out of range`);
  if (!Number.isInteger(ref) || ref < 0 || ref > 0xffff_ffff) throw new RangeError(`batch ref ${ref} is not a 32-bit number`);
}
