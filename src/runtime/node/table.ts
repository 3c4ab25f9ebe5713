/**
 * One node's protocol state for a growing number of decision instances, and beside it the
 * columns its answers are built from.
 *
 * The protocols keep state in fixed-size typed arrays (nodes × instances × candidates),
 * sized once; a live node meets new conflict sets all the time. So the table is a list of
 * fixed-size segments, each its own `ConsensusState` with one node (index 0, this node)
 * and {@link SEGMENT} instances. Instance i lives in segment ⌊i / SEGMENT⌋ at i mod SEGMENT.
 * The same protocol objects as the simulators, unchanged: only the addressing is here.
 *
 * Each segment also holds, per instance, what an answer about it reads: the answer
 * version, the signing epoch (the shell's {@link EpochTable}), the decided candidate, and
 * the candidates' CID digests (whose first 8 bytes are the ids answers carry), end to end. An answer entry used to read these through the
 * set's objects (`SetInfo`, its list of candidate ids, each id its own array): several
 * dependent reads, none in cache when a node of a 100-node simulation runs, which cost
 * ~1.5 µs per entry (two thirds of the answer loop, docs/node-simulator.md). Here they are
 * a few adjacent typed-array reads, and neighbouring instances (a batch's members arrive
 * together) share cache lines.
 *
 * Instance numbers only grow; a segment is dropped once every instance in it has been
 * released (finalized and forgotten), so the memory held is bounded by the segments that
 * still hold a live instance, not by history.
 */
import { type AnswerLayout, type ConsensusProtocol, type ConsensusState, NO_CANDIDATE, type PollContext } from "../../protocols/consensus.js";
import { EpochTable } from "../../protocols/shell.js";
import { ID_BYTES } from "./wire.js";

/** Instances per segment: small enough that an idle node allocates little. */
export const SEGMENT = 256;

/** Bytes of a candidate's CID digest (sha2-256). */
export const DIGEST_BYTES = 32;

/** {@link InstanceTable.decided}: the instance is not decided here. */
export const UNDECIDED = -1;
/** {@link InstanceTable.decided}: decided for a candidate this node does not hold (yet). */
export const DECIDED_UNKNOWN = -2;

interface Segment {
  readonly state: ConsensusState;
  /** each instance's answer version ({@link InstanceTable.version}) */
  readonly versions: Int32Array;
  /** each instance's signing epoch and what was last signed at it */
  readonly epochs: EpochTable;
  /** 1 for each instance allocated and not yet released */
  readonly held: Uint8Array;
  /** each instance's decided candidate index, {@link UNDECIDED} or {@link DECIDED_UNKNOWN} */
  readonly decided: Int32Array;
  /**
   * each instance's candidates' CID digests (sha2-256, 32 bytes; a candidate's 8-byte id
   * is the first 8): instance slot × candidates × 32 bytes
   */
  readonly digests: Uint8Array;
  /** instances allocated and not yet released */
  live: number;
}

export class InstanceTable {
  /**
   * The segments from the oldest held one to the newest, by key − {@link base} (undefined:
   * released). Keys only grow and old segments go first, so the window stays short; an
   * array index, not a `Map` lookup, because every answer entry looks its instance up here
   * (the lookup was the asker's largest line, docs/node-simulator.md).
   */
  private window: (Segment | undefined)[] = [];
  /** the key of window[0] */
  private base = 0;
  private held = 0;
  private next = 0;

  constructor(
    readonly protocol: ConsensusProtocol<unknown>,
    readonly params: unknown,
    /** candidates per instance (the conflict registry's limit) */
    readonly candidates: number,
  ) {}

  /** A fresh instance number (never reused), its segment allocated; its epochs start at `epochBase`. */
  allocate(epochBase = 0): number {
    const i = this.next++;
    const key = (i / SEGMENT) | 0;
    let seg = this.window[key - this.base];
    if (seg === undefined) {
      seg = {
        state: this.protocol.createState({ nodes: 1, instances: SEGMENT, candidates: this.candidates }, this.params),
        versions: new Int32Array(SEGMENT),
        epochs: new EpochTable(SEGMENT),
        held: new Uint8Array(SEGMENT),
        decided: new Int32Array(SEGMENT).fill(UNDECIDED),
        digests: new Uint8Array(SEGMENT * this.candidates * DIGEST_BYTES),
        live: 0,
      };
      if (this.window.length === 0) this.base = key;
      this.window[key - this.base] = seg; // the newest key: at the window's end
      this.held++;
    }
    seg.live++;
    seg.held[i % SEGMENT] = 1;
    seg.epochs.epoch[i % SEGMENT] = epochBase;
    return i;
  }

  /** Instance `i` is done with; its segment is freed once all of its allocated instances are. */
  release(i: number): void {
    this.touch(i);
    const key = (i / SEGMENT) | 0;
    const seg = this.segOrUndefined(i);
    if (seg === undefined || seg.held[i % SEGMENT] === 0) return;
    seg.held[i % SEGMENT] = 0;
    if (--seg.live > 0) return;
    // The segment currently being filled stays until its last number is handed out.
    if ((key + 1) * SEGMENT <= this.next) {
      this.window[key - this.base] = undefined;
      this.held--;
      let drop = 0;
      while (drop < this.window.length && this.window[drop] === undefined) drop++;
      if (drop > 0) {
        this.window = this.window.slice(drop);
        this.base += drop;
      }
    }
  }

  /** Segments held in memory. */
  get segmentCount(): number {
    return this.held;
  }

  private segOrUndefined(i: number): Segment | undefined {
    const at = ((i / SEGMENT) | 0) - this.base;
    return at >= 0 ? this.window[at] : undefined;
  }

  private segment(i: number): Segment {
    const seg = this.segOrUndefined(i);
    if (seg === undefined) throw new RangeError(`instance ${i} was never allocated`);
    return seg;
  }

  private seg(i: number): ConsensusState {
    return this.segment(i).state;
  }

  /** Whether instance `i` is allocated and not released (its set is in memory). */
  holds(i: number): boolean {
    return this.segOrUndefined(i)?.held[i % SEGMENT] === 1;
  }

  /**
   * A number that changes whenever what this node would answer about instance `i` may
   * have changed: its preference or its finality in the protocol (checked around every
   * call that can move them), its decision ({@link decide}), or anything the caller reports
   * with {@link touch}. -1 once its segment is gone. The responder compares it with the one
   * it recorded for each member of a standing batch (standing-answers.ts): an equal
   * version needs no closer look, which made the *same* check a typed-array read per
   * member instead of a walk through the set's objects.
   */
  version(i: number): number {
    return this.segOrUndefined(i)?.versions[i % SEGMENT] ?? -1;
  }

  /** Something outside the protocol changed what this node answers about `i`. */
  touch(i: number): void {
    const seg = this.segOrUndefined(i);
    if (seg !== undefined) seg.versions[i % SEGMENT]!++;
  }

  /**
   * Record candidate `c` of `i` by its CID's 32-byte sha2-256 digest (every candidate is a
   * CIDv1 dag-cbor sha2-256 link, so two candidates are the same exactly when their digests are).
   */
  setCandidate(i: number, c: number, digest: Uint8Array): void {
    if (c < 0 || c >= this.candidates) throw new RangeError(`candidate ${c} is outside 0..${this.candidates - 1}`);
    if (digest.length !== DIGEST_BYTES) throw new RangeError(`a candidate digest is ${DIGEST_BYTES} bytes, got ${digest.length}`);
    this.segment(i).digests.set(digest, this.at(i, c));
  }

  /** Copy candidate `c`'s 8-byte id (its digest's first 8 bytes) of instance `i` to `out` at `offset`. */
  copyCandidateId(i: number, c: number, out: Uint8Array, offset: number): void {
    const digests = this.segment(i).digests;
    const at = this.at(i, c);
    for (let k = 0; k < ID_BYTES; k++) out[offset + k] = digests[at + k]!;
  }

  /** Whether candidate `c` of `i` has the 8-byte candidate id `bytes[offset..offset+8)` (wire.ts `candidateId`). */
  candidateIdIs(i: number, c: number, bytes: Uint8Array, offset: number): boolean {
    const digests = this.segment(i).digests;
    const at = this.at(i, c);
    for (let k = 0; k < ID_BYTES; k++) if (digests[at + k] !== bytes[offset + k]) return false;
    return true;
  }

  /** Whether candidate `c` of `i` has the CID digest `digest`. */
  candidateIs(i: number, c: number, digest: Uint8Array): boolean {
    return digest.length === DIGEST_BYTES && this.candidateIsAt(i, c, digest, 0);
  }

  /** Whether candidate `c` of `i` has the CID digest `digests[offset..offset+32)` (digests end to end: the decode memo's). */
  candidateIsAt(i: number, c: number, digests: Uint8Array, offset: number): boolean {
    if (offset < 0 || offset + DIGEST_BYTES > digests.length) return false;
    const mine = this.segment(i).digests;
    const at = this.at(i, c);
    for (let k = 0; k < DIGEST_BYTES; k++) if (mine[at + k] !== digests[offset + k]) return false;
    return true;
  }

  private at(i: number, c: number): number {
    return ((i % SEGMENT) * this.candidates + c) * DIGEST_BYTES;
  }

  /** The decided candidate index of `i`, {@link UNDECIDED} or {@link DECIDED_UNKNOWN}. */
  decided(i: number): number {
    return this.segment(i).decided[i % SEGMENT]!;
  }

  /** Whether `i` is held and not decided here ({@link holds} and {@link decided}, one lookup: asked per answer entry). */
  undecided(i: number): boolean {
    const seg = this.segOrUndefined(i);
    return seg !== undefined && seg.held[i % SEGMENT] === 1 && seg.decided[i % SEGMENT] === UNDECIDED;
  }

  /** Record `i`'s decision: candidate `c` (< 0: one this node does not hold); moves its version. */
  decide(i: number, c: number): void {
    const seg = this.segment(i);
    seg.decided[i % SEGMENT] = c >= 0 ? c : DECIDED_UNKNOWN;
    seg.versions[i % SEGMENT]!++;
  }

  /** The epoch at which this node signs candidate `c` for `i` now (the shell's epoch rule). */
  openEpoch(i: number, c: number): number {
    return this.segment(i).epochs.open(i % SEGMENT, c);
  }

  /** `i`'s current signing epoch. */
  epoch(i: number): number {
    return this.segment(i).epochs.epoch[i % SEGMENT]!;
  }

  /** The candidate last signed for `i` at its current epoch (shell.ts UNSIGNED: none). */
  lastSigned(i: number): number {
    return this.segment(i).epochs.lastAnswered[i % SEGMENT]!;
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
