/**
 * `snowball`: Avalanche's n-ary Snowball, with avalanchego's semantics and defaults
 * (snow/consensus/snowball: nnarySnowball over nnarySnowflake over nnarySlush, one
 * termination condition). A poll's answers are the responders' preferences; the poll's
 * choice is their mode (ties go to the candidate seen first in the sample) and its count
 * the mode's votes.
 *
 * - count ≥ αp: the choice's preference strength grows; it becomes the Snowball
 *   preference when its strength exceeds the previous maximum.
 * - Snowflake: count < αp clears confidence; otherwise a change of slush preference
 *   clears confidence, the slush preference becomes the choice, and count ≥ αc adds one
 *   to confidence (else clears it); confidence ≥ β finalizes.
 * - Preference is the Snowflake (slush) preference once final, the Snowball one before.
 *
 * Trust (`ctx.trust`, lowered by equivocation evidence, as for EMTD and T-MESH): a vote
 * from a peer whose trust is 0 is not counted (as a non-answer). A vote from a peer with
 * trust in (0, 1) counts in full: Snowball's α thresholds are vote counts out of K, and
 * weighing votes by trust would change what α means. With the default penalty (1) trust
 * is only ever 0 or 1, so the three protocols read evidence alike.
 */
import { z } from "zod";
import { type ConsensusProtocol, type ConsensusState, type Layout, NO_CANDIDATE, type PollContext } from "../consensus.js";

export const snowballParams = z
  .object({
    k: z.number().int().min(1).max(1000).default(20).describe("sample size K"),
    alphaPreference: z.number().int().min(1).default(15).describe("votes needed to change preference"),
    alphaConfidence: z.number().int().min(1).default(15).describe("votes needed to add confidence"),
    beta: z.number().int().min(1).max(1_000_000).default(20).describe("consecutive successful polls to finalize"),
    variant: z.enum(["tree", "flat"]).default("tree").describe("avalanchego's snowball Tree (bitwise binary decisions) or Flat n-ary"),
  })
  .strict()
  .superRefine((p, ctx) => {
    // avalanchego's Parameters.Verify: K/2 < αp ≤ αc ≤ K.
    if (p.alphaPreference <= Math.floor(p.k / 2)) {
      ctx.addIssue({ code: "custom", path: ["alphaPreference"], message: `must be in (k/2, alphaConfidence] = (${Math.floor(p.k / 2)}, ${p.alphaConfidence}]; got ${p.alphaPreference}` });
    }
    if (p.alphaConfidence < p.alphaPreference) {
      ctx.addIssue({ code: "custom", path: ["alphaConfidence"], message: `must be in [alphaPreference, k] = [${p.alphaPreference}, ${p.k}]; got ${p.alphaConfidence}` });
    }
    if (p.alphaConfidence > p.k) {
      ctx.addIssue({ code: "custom", path: ["alphaConfidence"], message: `must be at most k = ${p.k}; got ${p.alphaConfidence}` });
    }
  });

export type SnowballParams = z.infer<typeof snowballParams>;

/** Trust 0 (or NaN, negative): the peer's votes are not counted. Absent: trusted. */
function distrusted(t: number | undefined): boolean {
  return t !== undefined && !(t > 0);
}

/**
 * The Snowball instance arithmetic (nnarySnowball over nnarySnowflake over nnarySlush) on
 * flat arrays: `slots` instances, each choosing among `arity` options.
 */
export class SnowballCore {
  /** Snowball preference per slot */
  readonly ballPreference: Int32Array;
  /** Slush/Snowflake preference per slot */
  readonly flakePreference: Int32Array;
  readonly confidence: Int32Array;
  readonly maxStrength: Int32Array;
  /** preference strength per slot and option */
  readonly strength: Int32Array;
  readonly finalized: Uint8Array;

  constructor(
    slots: number,
    readonly arity: number,
    readonly params: SnowballParams,
  ) {
    this.ballPreference = new Int32Array(slots).fill(NO_CANDIDATE);
    this.flakePreference = new Int32Array(slots).fill(NO_CANDIDATE);
    this.confidence = new Int32Array(slots);
    this.maxStrength = new Int32Array(slots);
    this.strength = new Int32Array(slots * arity);
    this.finalized = new Uint8Array(slots);
  }

  /** Give a slot its initial choice (no-op if it has one). */
  initialize(s: number, choice: number): void {
    if (this.ballPreference[s] !== NO_CANDIDATE) return;
    this.ballPreference[s] = choice;
    this.flakePreference[s] = choice;
  }

  /** nnarySnowball.RecordPoll(count, choice). */
  recordPoll(s: number, count: number, choice: number): void {
    const { alphaPreference, alphaConfidence, beta } = this.params;
    if (count >= alphaPreference) {
      const strength = ++this.strength[s * this.arity + choice]!;
      if (strength > this.maxStrength[s]!) {
        this.ballPreference[s] = choice;
        this.maxStrength[s] = strength;
      }
    }
    // nnarySnowflake.RecordPoll
    if (this.finalized[s] === 1) return;
    if (count < alphaPreference) {
      this.confidence[s] = 0;
      return;
    }
    if (choice !== this.flakePreference[s]) this.confidence[s] = 0;
    this.flakePreference[s] = choice;
    if (count < alphaConfidence) {
      this.confidence[s] = 0;
      return;
    }
    const confidence = ++this.confidence[s]!;
    if (confidence >= beta) this.finalized[s] = 1;
  }

  /** nnarySnowflake.RecordUnsuccessfulPoll. */
  recordUnsuccessfulPoll(s: number): void {
    this.confidence[s] = 0;
  }

  preference(s: number): number {
    return this.finalized[s] === 1 ? this.flakePreference[s]! : this.ballPreference[s]!;
  }
}

/**
 * Flat n-ary Snowball (avalanchego's `Flat`): one instance over all d candidates; the
 * poll's choice is the mode of the answers (ties go to the candidate seen first).
 */
export class FlatSnowballState implements ConsensusState {
  readonly core: SnowballCore;
  private readonly votes: Int32Array;

  constructor(
    readonly layout: Layout,
    readonly params: SnowballParams,
  ) {
    this.core = new SnowballCore(layout.nodes * layout.instances, layout.candidates, params);
    this.votes = new Int32Array(layout.candidates);
  }

  introduce(node: number, instance: number, candidate: number): void {
    this.core.initialize(node * this.layout.instances + instance, candidate);
  }

  wantsPoll(node: number, instance: number): boolean {
    return this.core.finalized[node * this.layout.instances + instance] === 0;
  }

  prepareQuery(): void {}

  respond(responder: number, instance: number, _query: Float64Array, out: Float64Array, _ctx?: PollContext): void {
    out[0] = this.preference(responder, instance);
  }

  onPoll(node: number, instance: number, answers: Float64Array, from: Int32Array, count: number, ctx?: PollContext): void {
    const d = this.layout.candidates;
    const trust = ctx?.trust;
    const votes = this.votes;
    votes.fill(0);
    let choice = NO_CANDIDATE;
    let best = 0;
    for (let a = 0; a < count; a++) {
      const c = answers[a]!;
      if (!(c >= 0 && c < d && Number.isInteger(c))) continue; // no preference, or garbage from a faulty peer
      if (trust !== undefined && distrusted(trust[from[a]!])) continue; // isolated by evidence
      const v = ++votes[c]!;
      if (v > best) {
        best = v;
        choice = c;
      }
    }
    const s = node * this.layout.instances + instance;
    if (choice === NO_CANDIDATE) this.core.recordUnsuccessfulPoll(s);
    else {
      this.core.initialize(s, choice); // a node that knew nothing learns the poll's choice
      this.core.recordPoll(s, best, choice);
    }
  }

  preference(node: number, instance: number): number {
    return this.core.preference(node * this.layout.instances + instance);
  }

  isFinal(node: number, instance: number): boolean {
    return this.core.finalized[node * this.layout.instances + instance] === 1;
  }
}

/**
 * Snowball tree (avalanchego's `Tree`, the default for n-ary choices): candidates are
 * decided bit by bit, most significant first, each bit by a binary Snowball instance.
 * A poll's votes go to the root; each level takes the majority bit among the votes that
 * match the path so far, and passes only those votes down that branch. The branch not
 * taken is marked to reset its confidence the next time it is visited, and a level that
 * misses αp resets everything below it — so, as in avalanchego, a deeper bit can never
 * finalize before the bits above it.
 *
 * Why a tree: with d equally likely candidates a flat poll rarely reaches αp = 15 of 20
 * votes for any single candidate, so flat n-ary Snowball can stall from a uniform start;
 * binary splits always have a majority that random drift can amplify.
 *
 * Layout: heap-indexed complete binary tree of 2^B − 1 binary instances per (node,
 * instance), B = ceil(log2 d); node t has children 2t+1 (bit 0) and 2t+2 (bit 1).
 */
export class TreeSnowballState implements ConsensusState {
  readonly core: SnowballCore;
  readonly bits: number;
  readonly treeSize: number;
  /** per tree slot: confidence must be cleared before its next poll */
  readonly shouldReset: Uint8Array;
  /** scratch: which answers are still on the current path */
  private alive: Uint8Array;

  constructor(
    readonly layout: Layout,
    readonly params: SnowballParams,
  ) {
    this.bits = Math.max(1, Math.ceil(Math.log2(layout.candidates)));
    this.treeSize = 2 ** this.bits - 1;
    const slots = layout.nodes * layout.instances * this.treeSize;
    this.core = new SnowballCore(slots, 2, params);
    this.shouldReset = new Uint8Array(slots);
    this.alive = new Uint8Array(params.k);
  }

  private base(node: number, instance: number): number {
    return (node * this.layout.instances + instance) * this.treeSize;
  }

  /**
   * Learn a candidate: every tree node on its path that has no preference yet takes the
   * candidate's bit (avalanchego's Tree.Add; the first candidate learnt is the preference).
   */
  introduce(node: number, instance: number, candidate: number): void {
    const base = this.base(node, instance);
    let t = 0;
    for (let level = 0; level < this.bits; level++) {
      const bit = (candidate >>> (this.bits - 1 - level)) & 1;
      this.core.initialize(base + t, bit);
      t = 2 * t + 1 + bit;
    }
  }

  wantsPoll(node: number, instance: number): boolean {
    return !this.isFinal(node, instance);
  }

  prepareQuery(): void {}

  respond(responder: number, instance: number, _query: Float64Array, out: Float64Array, _ctx?: PollContext): void {
    out[0] = this.preference(responder, instance);
  }

  onPoll(node: number, instance: number, answers: Float64Array, from: Int32Array, count: number, ctx?: PollContext): void {
    const d = this.layout.candidates;
    const trust = ctx?.trust;
    if (this.alive.length < count) this.alive = new Uint8Array(count);
    const alive = this.alive;
    for (let a = 0; a < count; a++) {
      const c = answers[a]!;
      const valid = c >= 0 && c < d && Number.isInteger(c) && !(trust !== undefined && distrusted(trust[from[a]!]));
      alive[a] = valid ? 1 : 0;
      // A vote names a candidate: learn it, as avalanchego Adds a choice it hears of, so
      // every branch the node may come to prefer has a preference inside it.
      if (valid) this.introduce(node, instance, c);
    }
    const base = this.base(node, instance);
    const { core } = this;
    let t = 0;
    for (let level = 0; level < this.bits; level++) {
      const s = base + t;
      const shift = this.bits - 1 - level;
      if (this.shouldReset[s] === 1) {
        core.recordUnsuccessfulPoll(s);
        this.shouldReset[s] = 0;
        this.markChildren(base, t);
      }
      let ones = 0;
      let zeros = 0;
      for (let a = 0; a < count; a++) {
        if (alive[a] === 0) continue;
        if (((answers[a]! >>> shift) & 1) === 1) ones++;
        else zeros++;
      }
      // A tree node nobody on this path has initialised takes the poll's majority.
      const bit = ones > zeros ? 1 : ones < zeros ? 0 : Math.max(0, core.preference(s));
      const votes = bit === 1 ? ones : zeros;
      if (core.ballPreference[s] === NO_CANDIDATE) core.initialize(s, bit);
      core.recordPoll(s, votes, bit);
      if (votes < this.params.alphaPreference) {
        this.markChildren(base, t);
        return;
      }
      // The branch not taken must reset before it counts again.
      if (level < this.bits - 1) this.shouldReset[base + 2 * t + 1 + (1 - bit)] = 1;
      for (let a = 0; a < count; a++) if (alive[a] === 1 && ((answers[a]! >>> shift) & 1) !== bit) alive[a] = 0;
      t = 2 * t + 1 + bit;
    }
  }

  private markChildren(base: number, t: number): void {
    const left = 2 * t + 1;
    if (left < this.treeSize) {
      this.shouldReset[base + left] = 1;
      this.shouldReset[base + left + 1] = 1;
    }
  }

  preference(node: number, instance: number): number {
    const base = this.base(node, instance);
    let t = 0;
    let candidate = 0;
    for (let level = 0; level < this.bits; level++) {
      const p = this.core.preference(base + t);
      if (p === NO_CANDIDATE) return NO_CANDIDATE;
      candidate = (candidate << 1) | p;
      t = 2 * t + 1 + p;
    }
    return candidate;
  }

  /** Final once every binary instance on the preferred path is final. */
  isFinal(node: number, instance: number): boolean {
    const base = this.base(node, instance);
    let t = 0;
    for (let level = 0; level < this.bits; level++) {
      const s = base + t;
      if (this.core.finalized[s] !== 1) return false;
      t = 2 * t + 1 + this.core.preference(s);
    }
    return true;
  }
}

export const snowball: ConsensusProtocol<SnowballParams> = {
  name: "snowball",
  description: "Avalanche's Snowball (avalanchego semantics: snowball Tree or Flat; K=20, αp=15, αc=15, β=20)",
  params: snowballParams,
  answerWidth: () => 1,
  answerLayout: () => ({ kind: "index", width: 1 }),
  sampleSize: (p) => p.k,
  exchange: false,
  answersArePreferences: true,
  answerFor: (candidate, _d, out) => {
    out[0] = candidate;
  },
  observables: [],
  createState: (layout, params) => (params.variant === "tree" ? new TreeSnowballState(layout, params) : new FlatSnowballState(layout, params)),
};
