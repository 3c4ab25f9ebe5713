/**
 * One poll in flight ({@link PollRound}) and the rule that ends it early
 * ({@link snowballSettled}).
 *
 * avalanchego ends a poll as soon as its outcome is settled — α agreeing answers arrived,
 * or α can no longer be reached — instead of waiting for all K answers or the timeout.
 * Under loss that matters: with K = 20 and 1% loss per hop, a third of the polls lose an
 * answer and would otherwise wait the whole poll timeout. Answers that arrive after the
 * poll ended are dropped unread, as avalanchego drops responses to finished polls.
 */
import type { NodeState } from "./state.js";
import { Latch, type Task } from "./tasks.js";
import type { AnswerResponse } from "./wire.js";

/** One peer's answer to a round, checked. */
export interface RoundAnswer {
  /** exchange protocols: the signed answer (its vectors are read by the digest) */
  readonly response?: AnswerResponse;
  /**
   * preference protocols: per instance of the round the candidate named, in this node's
   * order, or NO_CANDIDATE (none, or unknown here), REFUSED (no valid answer: the evidence
   * check refused it, or the peer did not answer this part) or SKIPPED (no longer polled)
   */
  readonly candidates?: Int32Array;
  /** per instance 1 when the answer's candidate is locked (wire.ts `locked`) */
  readonly locked?: Uint8Array;
}

/** What a round needs from its poller (poller.ts). */
export interface PollAsker {
  /** Ask sample[x]; its checked answer, or null (no answer in time, or an invalid one). `closed`: the round no longer needs it. */
  ask(x: number, closed: () => boolean): Task<RoundAnswer | null>;
  peerIndex(peer: string): number;
  /** Run a task beside the round (the node core's scheduler, tasks.ts). */
  spawn<T>(task: Task<T>, done: (ok: boolean, value: unknown) => void): void;
}

/**
 * The asker's own preference per instance of a round (preference protocols): most answers
 * name it, and the asker recognises them by comparing 8 bytes instead of looking the id up.
 */
export interface PollHints {
  /** per instance the preferred candidate's 8-byte id (zeros: none) */
  readonly ids: Uint8Array;
  /** per instance the same id as a map key (undefined: none) */
  readonly keys: readonly (string | undefined)[];
  /** per instance the candidate's index here, or NO_CANDIDATE */
  readonly index: Int32Array;
}

/** {@link RoundAnswer.candidates}: no valid answer for the instance (refused by the evidence check, or not answered). */
export const REFUSED = -2;
/** {@link RoundAnswer.candidates}: the instance is no longer polled (final, or forgotten). */
export const SKIPPED = -3;

/** Snowball's thresholds, and the width of its candidate tree. */
export interface EarlyQuorum {
  readonly alphaPreference: number;
  readonly alphaConfidence: number;
  /** candidates per set (the protocol table's width, a node's `maxCandidates`) */
  readonly candidates: number;
}

/**
 * The thresholds that may end a poll early: Snowball's (tree or flat), whose poll outcome
 * is a function of per-candidate vote counts. null: every answer is awaited (EMTD,
 * T-MESH: their answers are values that all count).
 */
export function earlyQuorum(s: Pick<NodeState, "protocol" | "params" | "tuning">): EarlyQuorum | null {
  if (s.protocol.exchange || s.protocol.name !== "snowball") return null;
  const p = s.params as { alphaPreference?: unknown; alphaConfidence?: unknown } | null;
  if (p === null || typeof p !== "object") return null;
  const { alphaPreference, alphaConfidence } = p;
  if (typeof alphaPreference !== "number" || typeof alphaConfidence !== "number" || alphaConfidence < alphaPreference) return null;
  return { alphaPreference, alphaConfidence, candidates: s.tuning.maxCandidates };
}

/**
 * Whether a Snowball poll's outcome for one instance can no longer change, whatever the
 * `outstanding` answers still out will say. `votes[base + c]` counts the valid answers
 * naming candidate c (c < q.candidates).
 *
 * Walks avalanchego's snowball tree (protocols/snowball: B = ⌈log2 d⌉ bit levels, a
 * candidate's bits from the top): at each level the answers still on the path split by
 * the next bit. A side with `alphaConfidence` votes already holds more than half of any
 * sample (α > K/2), so it is the majority whatever comes, the level succeeds with
 * confidence, and the walk goes on inside that side. When neither side can reach
 * `alphaPreference` even with every outstanding answer, the level fails and the tree
 * stops there. Anything else is open. The flat variant (one n-ary choice) is settled
 * whenever the tree is: a side is a superset of each of its candidates.
 */
export function snowballSettled(votes: Int32Array, base: number, outstanding: number, q: EarlyQuorum): boolean {
  const d = q.candidates;
  let size = 1;
  while (size < d) size *= 2;
  if (size < 2) size = 2; // one bit level at least, as the tree has
  let lo = 0;
  while (size > 1) {
    const half = size / 2;
    let s0 = 0;
    let s1 = 0;
    for (let c = lo; c < lo + half && c < d; c++) s0 += votes[base + c]!;
    for (let c = lo + half; c < lo + size && c < d; c++) s1 += votes[base + c]!;
    if (s0 >= q.alphaConfidence) size = half;
    else if (s1 >= q.alphaConfidence) {
      lo += half;
      size = half;
    } else return s0 + outstanding < q.alphaPreference && s1 + outstanding < q.alphaPreference;
  }
  return true;
}

/**
 * One poll in flight: the sample's answers as they arrive, each instance's votes so far
 * (early termination only), and whether every instance's outcome is settled.
 */
export class PollRound {
  readonly responses: (RoundAnswer | null)[];
  /** per answer: the candidate it names for each instance (preference protocols) */
  readonly candidates: (Int32Array | undefined)[];
  readonly peerIdx: number[];
  private readonly quorum: EarlyQuorum | null;
  private closed = false;
  private outstanding: number;
  /** per instance × candidate: votes so far (early termination only) */
  private readonly votes: Int32Array | null;
  /** per instance: valid votes so far (early termination only) */
  private readonly total: Int32Array | null;
  /** per instance: 1 once its outcome is settled */
  private readonly settled: Uint8Array | null;
  private unsettled: number;
  private readonly over = new Latch();
  private failure: { readonly err: unknown } | null = null;

  constructor(
    private readonly poller: PollAsker,
    readonly batch: readonly number[],
    readonly sample: readonly string[],
    quorum: EarlyQuorum | null,
    /** per instance 1 when it is in the round's list but not polled (a standing batch's member that is done) */
    readonly inactive: Uint8Array | null = null,
  ) {
    // A sample too small to ever reach α gives unsuccessful polls whatever it answers; such a
    // poll still teaches (candidates, sets, locked votes), so it waits for every answer.
    this.quorum = quorum !== null && sample.length >= quorum.alphaPreference ? quorum : null;
    this.responses = new Array<RoundAnswer | null>(sample.length).fill(null);
    this.candidates = new Array<Int32Array | undefined>(sample.length);
    this.peerIdx = sample.map((p) => poller.peerIndex(p));
    this.outstanding = sample.length;
    this.unsettled = batch.length;
    this.votes = this.quorum ? new Int32Array(batch.length * this.quorum.candidates) : null;
    this.total = this.quorum ? new Int32Array(batch.length) : null;
    this.settled = this.quorum ? new Uint8Array(batch.length) : null;
    if (this.settled !== null && inactive !== null) {
      for (let j = 0; j < batch.length; j++) {
        if (inactive[j] === 1) {
          this.settled[j] = 1; // nothing to wait for
          this.unsettled--;
        }
      }
    }
  }

  /** Answers not in when the round ended (0 when it waited for all). */
  get unheard(): number {
    return this.outstanding;
  }

  /** Ask the whole sample; returns once every answer is in (or timed out), or every outcome is settled. */
  *collect(): Task<void> {
    if (this.sample.length === 0) return;
    const isClosed = (): boolean => this.closed;
    for (let x = 0; x < this.sample.length; x++) {
      this.poller.spawn(this.poller.ask(x, isClosed), (ok, value) => {
        if (ok) this.arrive(x, value as RoundAnswer | null);
        else if (!this.closed) {
          this.failure = { err: value };
          this.finish();
        }
      });
    }
    yield* this.over.wait();
    if (this.failure !== null) throw this.failure.err;
  }

  private arrive(x: number, r: RoundAnswer | null): void {
    if (this.closed) return;
    this.outstanding--;
    this.responses[x] = r;
    if (r?.candidates !== undefined) this.candidates[x] = r.candidates;
    if (this.quorum !== null) {
      if (r?.candidates !== undefined) this.count(r.candidates);
      this.settle();
    }
    if (this.outstanding === 0 || this.unsettled === 0) this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.over.open();
  }

  private count(cand: Int32Array): void {
    const votes = this.votes!;
    const settled = this.settled!;
    const d = this.quorum!.candidates;
    for (let j = 0; j < cand.length; j++) {
      const c = cand[j]!;
      if (settled[j] === 1) continue;
      if (c === SKIPPED) {
        settled[j] = 1; // no longer polled: nothing to wait for
        this.unsettled--;
      } else if (c >= 0 && c < d) {
        votes[j * d + c]!++;
        this.total![j]!++;
      }
    }
  }

  private settle(): void {
    const settled = this.settled!;
    const total = this.total!;
    const q = this.quorum!;
    // Settling needs a side with alphaConfidence votes (so as many in all), or alphaPreference
    // out of reach (so fewer answers out than alphaPreference): skip the walk otherwise.
    const alphaOutOfReach = this.outstanding < q.alphaPreference;
    for (let j = 0; j < this.batch.length; j++) {
      if (settled[j] === 0 && (alphaOutOfReach || total[j]! >= q.alphaConfidence) && snowballSettled(this.votes!, j * q.candidates, this.outstanding, q)) {
        settled[j] = 1;
        this.unsettled--;
      }
    }
  }
}
