/**
 * The contract of a consensus protocol: a pure state machine per (node, instance) that
 * every driver — the cycle driver, the event driver and the live node — runs unchanged.
 *
 * A decision instance is one conflict set with `candidates` options (small integers
 * 0..d−1; the mapping to transaction CIDs lives outside the protocol). A node polls some
 * peers about an instance, each peer answers with a fixed-width vector of float64 words
 * (a candidate index for Snowball and EMTD, a density matrix for T-MESH, a share vector
 * for gossip averaging), and the node digests the answers. Exchange protocols (T-MESH's
 * partial swap, push-pull averaging) also update the responder from the asker's vector.
 *
 * All state lives in the protocol's own typed arrays (structure of arrays), so one object
 * holds 10^6 nodes in the cycle driver or one node's thousands of instances in the live
 * node. No I/O, no clock, no ambient randomness: time arrives as integer ticks and
 * randomness through `PollContext.rng`.
 */
import type { z } from "zod";
import type { Rng } from "../core/prng.js";
import type { CMatrix } from "../physics/complex.js";

/** Shape of a state table: nodes × instances, each instance with `candidates` options. */
export interface Layout {
  readonly nodes: number;
  readonly instances: number;
  readonly candidates: number;
}

/** What a protocol may consult while digesting a poll or answering one. */
export interface PollContext {
  /**
   * the current tick (cycle driver: the round number; event driver: the event tick; live
   * node: its poll rounds completed). No protocol here reads it: EMTD's cooling counts
   * each instance's own polled rounds.
   */
  readonly tick: number;
  /** the driver's protocol stream; protocols draw from nothing else */
  readonly rng: Rng;
  /**
   * Trust in each peer, in [0, 1], indexed by node id (absent: everyone trusted). Evidence
   * of misbehaviour (a bad signature, a bad proof, an equivocation) lowers it; protocols
   * that weigh answers (EMTD's coupling J_ij = bandwidth × trust) read it here.
   */
  readonly trust?: Float64Array;
}

/** "No candidate yet" in preference queries and single-word answers. */
export const NO_CANDIDATE = -1;

/**
 * How an answer's (and an exchange query's) float64 words refer to candidates: what a
 * driver must do to move a vector between two nodes' candidate orders (the live node
 * numbers a set's candidates in the order it first saw them, so two nodes' orders differ).
 * - `index`: one word, a candidate index (or {@link NO_CANDIDATE});
 * - `per-candidate`: `d` words, word x about candidate x (a share vector);
 * - `matrix`: `2d²` words, a complex d×d matrix over the candidates, real parts then
 *   imaginary parts, row-major (a density matrix).
 */
export interface AnswerLayout {
  readonly kind: "index" | "per-candidate" | "matrix";
  /** float64 words per answer (equals `answerWidth(candidates)`) */
  readonly width: number;
}

/** How the harness draws a node's sample: from its topology neighbours, or from the whole network. */
export type SamplingMode = "neighbors" | "global";

/** `sampleSize` value meaning "poll every neighbour". */
export const ALL_NEIGHBOURS = 0;

/** One protocol's state table for a layout. Methods take (node, instance) coordinates. */
export interface ConsensusState {
  readonly layout: Layout;
  /** Node `node` learns candidate `candidate` of `instance` (its first sight of the conflict set). */
  introduce(node: number, instance: number, candidate: number): void;
  /**
   * Whether `node` should poll about `instance` this round: false once final. A node that
   * knows nothing yet polls too, and learns a candidate from the answers (as an Avalanche
   * node fetches a transaction it is asked about), so late joiners can take part.
   */
  wantsPoll(node: number, instance: number): boolean;
  /**
   * Fill `query` (length `answerWidth`) with what the asker sends along. Read-only protocols
   * leave it untouched; exchange protocols send their own state.
   */
  prepareQuery(node: number, instance: number, query: Float64Array): void;
  /**
   * `responder` answers about `instance`: write `answerWidth` words to `out`. Exchange
   * protocols also update the responder from `query` (the asker's vector).
   */
  respond(responder: number, instance: number, query: Float64Array, out: Float64Array, ctx: PollContext): void;
  /**
   * Digest a completed poll: `count` answers laid end to end in `answers` (each
   * `answerWidth` words; `count` may be below the sample size after losses or timeouts).
   * `from` holds the responders' ids, aligned with the answers (for couplings and trust).
   */
  onPoll(node: number, instance: number, answers: Float64Array, from: Int32Array, count: number, ctx: PollContext): void;
  /** The candidate `node` currently prefers for `instance`, or NO_CANDIDATE. */
  preference(node: number, instance: number): number;
  /** Whether `node` has irreversibly decided `instance`. */
  isFinal(node: number, instance: number): boolean;
  /**
   * Protocol-specific observables over the given nodes (e.g. EMTD's mean temperature,
   * T-MESH's mean von Neumann entropy), averaged over instances: all of them, or only
   * `instances` when given (then only per-instance quantities are reported, no counters
   * of the whole table). Optional.
   */
  observe?(nodes: ArrayLike<number>, instances?: ArrayLike<number>): Record<string, number>;
  /** A copy of `node`'s density matrix for `instance`, for protocols whose state is one (T-MESH). Optional, read-only. */
  density?(node: number, instance: number): CMatrix;
}

/** A consensus protocol as drivers and scenarios see it. */
export interface ConsensusProtocol<P = unknown> {
  readonly name: string;
  readonly description: string;
  /** zod schema for parameters, defaults filled, ranges checked */
  readonly params: z.ZodType<P>;
  /** float64 words per answer, for a given number of candidates */
  answerWidth(candidates: number): number;
  /**
   * How the words of an answer refer to candidates, for `candidates` candidates (its
   * `width` equals {@link answerWidth}). Drivers that reorder candidates (the live node)
   * need it; a protocol without it runs in the simulators only.
   */
  answerLayout?(candidates: number): AnswerLayout;
  /**
   * How many peers a node polls per round (Snowball's K; T-MESH's partner count; push-pull:
   * 1), given how the harness samples (`neighbors`: from the topology's neighbours;
   * `global`: from the whole network; absent: the live node, which samples its known
   * peers). `ALL_NEIGHBOURS` asks every neighbour in the topology (literal EMTD); it has no
   * meaning under global sampling, and {@link ConsensusProtocol.checkSampling} refuses it.
   */
  sampleSize(params: P, sampling?: SamplingMode): number;
  /**
   * Why `params` make no sense under `sampling`, as `{ path, message }` issues (path
   * relative to the scenario's top level, e.g. "params.k"); empty or absent when they do.
   * The scenario validator reports them as schema errors, so nothing is silently ignored.
   */
  checkSampling?(params: P, sampling: SamplingMode): { path: string; message: string }[];
  /** whether `respond` changes the responder (push-pull exchange) */
  readonly exchange: boolean;
  /**
   * True when `respond` only writes `preference(responder, instance)` to `out[0]` and
   * changes nothing, and a node's preference changes only in its own `onPoll`. Drivers may
   * then answer from a compact cache of preferences instead of calling `respond`.
   */
  readonly answersArePreferences?: boolean;
  /**
   * Write a well-formed answer that says "I prefer `candidate`" (what an honest node holding
   * only that candidate would answer). Adversaries use it to lie in the protocol's own
   * language, so every protocol faces the same attacks.
   */
  answerFor(candidate: number, candidates: number, out: Float64Array): void;
  /** names of the keys `ConsensusState.observe` returns, in column order (may be empty) */
  readonly observables: readonly string[];
  /** Allocate the state table. */
  createState(layout: Layout, params: P): ConsensusState;
}
