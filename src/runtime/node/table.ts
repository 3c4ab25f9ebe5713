/**
 * One node's protocol state for a growing number of decision instances.
 *
 * The protocols keep state in fixed-size typed arrays (nodes × instances × candidates),
 * sized once; a live node meets new conflict sets all the time. So the table is a list of
 * fixed-size segments, each its own `ConsensusState` with one node (index 0, this node)
 * and {@link SEGMENT} instances. Instance i lives in segment ⌊i / SEGMENT⌋ at i mod SEGMENT.
 * The same protocol objects as the simulators, unchanged: only the addressing is here.
 *
 * Instance numbers only grow; a segment is dropped once every instance in it has been
 * released (finalized and forgotten), so the memory held is bounded by the segments that
 * still hold a live instance, not by history.
 */
import { type AnswerLayout, type ConsensusProtocol, type ConsensusState, NO_CANDIDATE, type PollContext } from "../../protocols/consensus.js";

/** Instances per segment: small enough that an idle node allocates little. */
export const SEGMENT = 256;

export class InstanceTable {
  private readonly segments = new Map<number, ConsensusState>();
  /** per segment: each instance's answer version ({@link InstanceTable.version}) */
  private readonly versions = new Map<number, Int32Array>();
  /** instances allocated and not yet released, per segment */
  private readonly live = new Map<number, number>();
  private next = 0;
  /** the segment last looked up (polls and answers walk instances in order) */
  private lastKey = -1;
  private lastState: ConsensusState | undefined;

  constructor(
    readonly protocol: ConsensusProtocol<unknown>,
    readonly params: unknown,
    /** candidates per instance (the conflict registry's limit) */
    readonly candidates: number,
  ) {}

  /** A fresh instance number (never reused), its segment allocated. */
  allocate(): number {
    const i = this.next++;
    const s = (i / SEGMENT) | 0;
    if (!this.segments.has(s)) {
      this.segments.set(s, this.protocol.createState({ nodes: 1, instances: SEGMENT, candidates: this.candidates }, this.params));
      this.versions.set(s, new Int32Array(SEGMENT));
    }
    this.live.set(s, (this.live.get(s) ?? 0) + 1);
    return i;
  }

  /** Instance `i` is done with; its segment is freed once all of its allocated instances are. */
  release(i: number): void {
    this.touch(i);
    const s = (i / SEGMENT) | 0;
    const n = (this.live.get(s) ?? 0) - 1;
    if (n > 0) {
      this.live.set(s, n);
      return;
    }
    this.live.delete(s);
    // The segment currently being filled stays until its last number is handed out.
    if ((s + 1) * SEGMENT <= this.next) {
      this.segments.delete(s);
      this.versions.delete(s);
      if (this.lastKey === s) this.lastState = undefined;
    }
  }

  /** Segments held in memory. */
  get segmentCount(): number {
    return this.segments.size;
  }

  private seg(i: number): ConsensusState {
    const key = (i / SEGMENT) | 0;
    if (key === this.lastKey && this.lastState !== undefined) return this.lastState;
    const s = this.segments.get(key);
    if (s === undefined) throw new RangeError(`instance ${i} was never allocated`);
    this.lastKey = key;
    this.lastState = s;
    return s;
  }

  /**
   * A number that changes whenever what this node would answer about instance `i` may
   * have changed: its preference or its finality in the protocol (checked around every
   * call that can move them), or anything the caller reports with {@link touch} (the
   * set's decision). -1 once its segment is gone. The responder compares it with the one
   * it recorded for each member of a standing batch (standing-answers.ts): an equal
   * version needs no closer look, which made the *same* check a typed-array read per
   * member instead of a walk through the set's objects.
   */
  version(i: number): number {
    return this.versions.get((i / SEGMENT) | 0)?.[i % SEGMENT] ?? -1;
  }

  /** Something outside the protocol changed what this node answers about `i` (its decision). */
  touch(i: number): void {
    const v = this.versions.get((i / SEGMENT) | 0);
    if (v !== undefined) v[i % SEGMENT]!++;
  }

  /** Bump `i`'s version when its preference or finality moved from `pref` / `final`. */
  private moved(i: number, pref: number, final: boolean): void {
    if (this.preference(i) !== pref || this.isFinal(i) !== final) this.touch(i);
  }

  introduce(i: number, candidate: number): void {
    const pref = this.preference(i);
    const final = this.isFinal(i);
    this.seg(i).introduce(0, i % SEGMENT, candidate);
    this.moved(i, pref, final);
  }
  wantsPoll(i: number): boolean {
    return this.seg(i).wantsPoll(0, i % SEGMENT);
  }
  prepareQuery(i: number, out: Float64Array): void {
    this.seg(i).prepareQuery(0, i % SEGMENT, out);
  }
  respond(i: number, query: Float64Array, out: Float64Array, ctx: PollContext): void {
    const pref = this.preference(i);
    const final = this.isFinal(i);
    this.seg(i).respond(0, i % SEGMENT, query, out, ctx);
    this.moved(i, pref, final);
  }
  onPoll(i: number, answers: Float64Array, from: Int32Array, count: number, ctx: PollContext): void {
    const pref = this.preference(i);
    const final = this.isFinal(i);
    this.seg(i).onPoll(0, i % SEGMENT, answers, from, count, ctx);
    this.moved(i, pref, final);
  }
  preference(i: number): number {
    return this.seg(i).preference(0, i % SEGMENT);
  }
  isFinal(i: number): boolean {
    return this.seg(i).isFinal(0, i % SEGMENT);
  }
  /** The protocol's observables of instance `i` alone (not of its segment). */
  observe(i: number): Record<string, number> {
    return this.seg(i).observe?.([0], [i % SEGMENT]) ?? {};
  }
}

/** Peer ids ↔ small integers (the protocols' `from` ids), and each peer's trust in [0, 1]. */
export class PeerBook {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];
  trust = new Float64Array(16).fill(1);

  index(peer: string): number {
    let i = this.ids.get(peer);
    if (i === undefined) {
      i = this.list.length;
      this.ids.set(peer, i);
      this.list.push(peer);
      if (i >= this.trust.length) {
        const grown = new Float64Array(this.trust.length * 2).fill(1);
        grown.set(this.trust);
        this.trust = grown;
      }
    }
    return i;
  }

  name(i: number): string | undefined {
    return this.list[i];
  }

  /** Every peer seen so far, in first-seen order. */
  names(): readonly string[] {
    return this.list;
  }

  /** Lower a peer's trust by `factor` (evidence of misbehaviour); returns the new trust. */
  penalise(peer: string, factor: number): number {
    const i = this.index(peer);
    this.trust[i] = this.trust[i]! * factor;
    return this.trust[i]!;
  }
}

/**
 * Move an answer or query vector between two candidate orders: `target[x] = source[map[x]]`
 * on the candidate axis (map[x] = −1: zero), as the protocol's {@link AnswerLayout} says
 * its words refer to candidates (`ConsensusProtocol.answerLayout`):
 * - `index`: one word, a candidate index: target = x where map[x] = source (or NO_CANDIDATE);
 * - `per-candidate`: d words (a share vector, gossip-avg);
 * - `matrix`: 2d² words, a complex d×d matrix, real parts then imaginary parts, row-major (T-MESH).
 */
export function permuteVector(source: Float64Array, target: Float64Array, map: readonly number[], layout: AnswerLayout, d: number): void {
  const width = target.length;
  if (width !== layout.width || source.length !== layout.width) throw new RangeError(`a ${layout.kind} answer for ${d} candidates has ${layout.width} words, not ${source.length} → ${width}`);
  target.fill(0);
  switch (layout.kind) {
    case "index": {
      const c = source[0]!;
      target[0] = c < 0 ? c : map.indexOf(c);
      return;
    }
    case "per-candidate":
      for (let x = 0; x < d; x++) if (map[x]! >= 0) target[x] = source[map[x]!]!;
      return;
    case "matrix": {
      const d2 = d * d;
      for (let a = 0; a < d; a++) {
        const sa = map[a]!;
        if (sa < 0) continue;
        for (let b = 0; b < d; b++) {
          const sb = map[b]!;
          if (sb < 0) continue;
          target[a * d + b] = source[sa * d + sb]!;
          target[d2 + a * d + b] = source[d2 + sa * d + sb]!;
        }
      }
      return;
    }
  }
}

/**
 * The candidate an answer names, for the quorum gate (quorum.ts): the index an `index`
 * answer carries; for `per-candidate` and `matrix` answers the candidate holding more than
 * half of the weight (the diagonal of a density matrix, whose trace is 1). NO_CANDIDATE
 * when no candidate has a majority — a mixed state names nothing.
 */
export function namedCandidate(answer: Float64Array, layout: AnswerLayout, d: number): number {
  switch (layout.kind) {
    case "index": {
      const c = answer[0]!;
      return Number.isInteger(c) && c >= 0 && c < d ? c : NO_CANDIDATE;
    }
    case "per-candidate": {
      let total = 0;
      for (let x = 0; x < d; x++) total += Math.max(0, answer[x]!);
      for (let x = 0; x < d; x++) if (total > 0 && answer[x]! > total / 2) return x;
      return NO_CANDIDATE;
    }
    case "matrix":
      for (let x = 0; x < d; x++) if (answer[x * d + x]! > 0.5) return x;
      return NO_CANDIDATE;
  }
}
