/**
 * The contract between a protocol and whatever drives it.
 *
 * A protocol is pure: no I/O, no wall clock, no ambient randomness. A driver hands it a
 * topology and a seeded random source and advances it step by step; the protocol keeps
 * its state in typed arrays (structure of arrays) and reports observables after each
 * step. The same definition object is used by the cycle driver, the sweep runner and
 * (for the consensus protocols) the event driver and the live node.
 */
import type { z } from "zod";
import type { Rng } from "../core/prng.js";
import type { CMatrix } from "../physics/complex.js";
import type { Csr } from "../topology/csr.js";

/** Named scalar measurements taken after a step; every run of a protocol reports the same keys. */
export type Observables = Readonly<Record<string, number>>;

/** Summary values a protocol adds to the run summary: scalars, or a short vector of numbers (a node's state). */
export type SummaryValue = number | string | boolean | null | readonly number[];

/** How a run ended, plus protocol-specific summary fields. */
export interface RunResult {
  /** one of the protocol's declared `outcomes` */
  readonly outcome: string;
  /** protocol-specific summary fields (e.g. finalCoherence), merged into the run summary */
  readonly fields: Readonly<Record<string, SummaryValue>>;
}

/** What a driver gives a protocol at the start of a run. */
export interface RunEnvironment {
  /** the run's seed, for protocols that derive further named streams */
  readonly seed: number;
  /**
   * Random source factory: one independent stream per purpose ("topology", "protocol",
   * ...), so changing how one part consumes randomness never shifts another part's draws.
   */
  readonly rng: (purpose: string) => Rng;
  /** the scenario's extra top-level sections declared by `ProtocolDefinition.sections`, validated */
  readonly sections: Readonly<Record<string, unknown>>;
}

/** One run of a protocol: a deterministic state machine the driver advances. */
export interface ProtocolRun {
  /** Advance by one step (a sweep, an interaction, a round). Returns false once the run has ended. */
  step(): boolean;
  /** Steps completed so far. */
  readonly steps: number;
  /** Node updates performed so far (state-update attempts, accepted or not). */
  readonly updates: number;
  /** Number of nodes taking part. */
  readonly nodes: number;
  /** Upper bound on steps, for progress reporting. */
  readonly maxSteps: number;
  /** Observables of the current state (called once before the first step and after each step). */
  observe(): Observables;
  /** Outcome of the run so far (final once `step()` has returned false). */
  result(): RunResult;
  /**
   * A read-only view of per-node state, for traces and reports (optional; plain runs never
   * ask for it, so it costs nothing unless used).
   */
  inspect?(): RunInspector;
}

/**
 * What a trace reads of a run, node by node. Reading never changes the run: a traced run
 * gives the same results, byte for byte, as an untraced one.
 */
export interface RunInspector {
  /** labels of the colour classes `classOf` returns, by index (at most 127 of them) */
  readonly classes: readonly string[];
  /**
   * Whether `edges()` is fixed from the start (a topology). False when the edges are the
   * pairs that have met so far (tmesh-seed draws its pairs at random): read them at the end.
   */
  readonly fixedEdges: boolean;
  /** the topology as CSR, or undirected edges as flat pairs `[u0, v0, u1, v1, …]` */
  edges(): Csr | Int32Array;
  /** `node`'s colour class now (its preferred candidate, or the seed's state class) */
  classOf(node: number): number;
  /** whether `node` has decided irreversibly (or, for the seeds, converged) */
  isFinal(node: number): boolean;
  /** `node`'s d×d density matrix (decision instance 0), for protocols whose nodes hold one */
  density?(node: number): CMatrix | null;
}

/** A protocol as drivers and scenarios see it. */
export interface ProtocolDefinition<P = unknown> {
  /** scenario name, e.g. "emtd-seed" */
  readonly name: string;
  /** one line for `--help` and reports */
  readonly description: string;
  /** zod schema for the protocol's parameters; fills defaults, reports bad fields by path */
  readonly params: z.ZodType<P>;
  /** every outcome `result()` may report, so aggregates list them even at zero count */
  readonly outcomes: readonly string[];
  /** the observable keys `observe()` returns, in column order */
  readonly observables: readonly string[];
  /**
   * Extra top-level scenario sections this protocol reads (e.g. topology, workload,
   * adversary for consensus protocols), each a zod schema with defaults.
   */
  readonly sections?: Readonly<Record<string, z.ZodType>>;
  /** Start a run. Throws only on parameters the schema cannot express (e.g. k >= nodes). */
  create(params: P, env: RunEnvironment): ProtocolRun;
}
