/**
 * The consensus sections of a scenario: where the protocol runs (topology, sampling), what
 * it decides (workload), who attacks it (adversary), how long it may take (maxRounds) and
 * how evidence of misbehaviour turns into distrust (trust). Validated by zod; every field
 * has a default so `protocol: snowball` alone is a runnable scenario.
 */
import { z } from "zod";
import { type HyperedgesSpec, hyperedgesSpecSchema } from "../../topology/hyperedge-file.js";
import { topologySpecSchema } from "../../topology/spec.js";
import { type NetworkSpec, networkSchema } from "../event/network.js";

export const samplingModes = ["neighbors", "global"] as const;

/**
 * Which driver runs a consensus scenario: `cycle` (synchronous rounds, answers read
 * directly, no messages; src/sim/consensus/cycle.ts) or `event` (integer-tick event queue,
 * every query and answer a message with latency, loss, partitions, churn and signatures;
 * src/sim/event/). Both report the same observables and summary fields. `node` runs the
 * live node engine itself — N real node cores over a simulated network, ledger and clock
 * (src/runtime/simnet/; the `node` section below) — so it needs the runtime and is run by
 * `entropic sim` / `runNodeScenario` from `entropic/node`, not by the pure `simulate()`.
 */
export const consensusDrivers = ["cycle", "event", "node"] as const;

export const workloadSchema = z
  .strictObject({
    instances: z.number().int().min(1).max(100_000).default(1).describe("decision instances (conflict sets)"),
    candidates: z.number().int().min(2).max(64).default(2).describe("conflicting transactions per instance"),
    bias: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("share of nodes whose first-seen candidate is candidate 0; the rest see the others uniformly"),
    seen: z.number().min(0).max(1).default(1).describe("share of nodes that see a candidate before the first round"),
  })
  .describe("what is decided and how nodes first see it");

export const adversaryTypes = ["none", "crash", "stubborn", "random", "equivocate", "balance"] as const;

export const adversarySchema = z
  .strictObject({
    type: z.enum(adversaryTypes).default("none"),
    share: z.number().min(0).lt(1, { error: "share must be below 1 (some nodes must be honest)" }).default(0),
    knowledge: z.enum(["none", "full"]).default("full").describe("balance attacker: full sees every honest preference (informed); none estimates the split only from the queries its nodes receive (oblivious)"),
    placement: z.enum(["random", "hubs"]).default("random").describe("random nodes, or the highest-degree nodes"),
  })
  .describe("Byzantine or faulty nodes and their strategy");

export const trustSchema = z
  .strictObject({
    evidence: z.boolean().default(true).describe("equivocation proofs lower the sender's trust everywhere"),
    delay: z.number().int().min(0).max(1000).default(2).describe("rounds for evidence to spread by gossip"),
    penalty: z.number().min(0).max(1).default(1).describe("trust is multiplied by (1 − penalty) per proof"),
  })
  .describe("evidence and trust");

const ms = (what: string, min = 0) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int({ error: `${what} must be a whole number of milliseconds` })
    .min(min, { error: `${what} must be at least ${min} ms` })
    .max(1e9, { error: `${what} must be at most 10^9 ms` });

export const nodeCrashSchema = z
  .strictObject({
    node: z.number().int().min(0).describe("honest node index"),
    at: ms("at").describe("simulated ms after the boot (every node started and dialled) the process is killed (kill -9: memory lost, in-flight writes land as a random prefix)"),
    restart: ms("restart", 1).describe("simulated ms after the boot it restarts from its ledger"),
  })
  .refine((c) => c.restart > c.at, { error: "restart must be after at", path: ["restart"] });

/** `driver: node`: the live node engine in the simulator (src/runtime/simnet/). */
export const nodeDriverSchema = z
  .strictObject({
    txs: z.number().int().min(1).max(1_000_000).default(200).describe("conflict sets submitted (each a signed transaction, some with a conflicting twin)"),
    doubleSpends: z.number().min(0).max(1).default(0.1).describe("share of conflict sets submitted as a double spend: a twin with the same author and nonce goes to another node"),
    rate: z.number().gt(0).max(1e6).default(200).describe("conflict sets submitted per simulated second, round-robin over the live honest nodes"),
    start: ms("start").default(200).describe("simulated ms after the boot (every node started and dialled) of the first submission"),
    drain: ms("drain", 1).default(60_000).describe("after the last submission and the last fault, simulated ms allowed for every honest node to decide every set (the liveness checker's deadline)"),
    crashes: z.array(nodeCrashSchema).max(10_000).default([]).describe("process crashes (kill -9) and restarts from the ledger"),
    skew: ms("skew").default(0).describe("clock skew: each node's clock is offset by a uniform draw in [−skew, +skew] ms"),
    drift: z.number().min(0).max(0.2).default(0).describe("clock rate error: each node's clock runs at 1 + a uniform draw in [−drift, +drift]"),
    byzantine: z
      .strictObject({
        equivocate: z.number().int().min(0).max(1000).default(0).describe("nodes that answer polls with validly signed, contradictory preferences"),
        garbage: z.number().int().min(0).max(1000).default(0).describe("nodes that publish and answer random bytes"),
        replay: z.number().int().min(0).max(1000).default(0).describe("nodes that re-publish and re-send old messages they captured"),
      })
      .prefault({})
      .describe("Byzantine processes added beside the honest nodes (each connects like an honest node)"),
    crypto: z.enum(["ideal", "ed25519"]).default("ideal").describe("ideal: hash-based unforgeable signatures (~50× cheaper); ed25519: the live node's own scheme"),
    writeMs: ms("writeMs", 1).default(1).describe("simulated duration of one ledger write"),
    partition: z
      .enum(["safe", "available"])
      .default("safe")
      .describe("what a node cut off from a majority of the validators does (docs/partitions.md): safe — decides nothing until a quorum names the candidate; available — decides on each side and resolves conflicts at the heal"),
    tuning: z.record(z.string(), z.number()).default({}).describe("engine tunables (EngineTuning: pollIntervalMs, sealIntervalMs, …); unknown names are refused"),
  })
  .describe("driver: node — real node engines on simulated time, network and disks (1 tick of the network section = 1 ms)");

export type NodeDriverSpec = z.output<typeof nodeDriverSchema>;

/** The sections every consensus scenario may carry, with defaults. */
export const consensusSections = {
  topology: topologySpecSchema.prefault({ kind: "watts-strogatz", n: 1000, k: 10, p: 0.1 }),
  sampling: z
    .enum(samplingModes)
    .default("global")
    .describe("global: each poll samples uniformly from the whole network (Avalanche's model; the safe default for every protocol); neighbors: from the node's topology neighbours"),
  workload: workloadSchema.prefault({}),
  adversary: adversarySchema.prefault({}),
  trust: trustSchema.prefault({}),
  maxRounds: z.number().int().min(1).max(1_000_000).default(500),
  driver: z.enum(consensusDrivers).default("cycle").describe("cycle: synchronous rounds; event: simulated messages on an integer-tick clock; node: the live node engine on simulated time"),
  /** the event driver's network; the cycle driver ignores it. Optional, so cycle summaries do not carry it. */
  network: networkSchema.optional(),
  /** T-MESH only: hyperedge events from a file for the sheaf check (validateScenario refuses it elsewhere) */
  hyperedges: hyperedgesSpecSchema.optional(),
  /** driver: node only (refused elsewhere): workload and faults of the live-node simulation */
  node: nodeDriverSchema.optional(),
};

export type Workload = z.output<typeof workloadSchema>;
export type AdversarySpec = z.output<typeof adversarySchema>;
export type TrustSpec = z.output<typeof trustSchema>;

/** The validated consensus sections as a protocol run receives them. */
export interface ConsensusSetting {
  readonly topology: z.output<typeof topologySpecSchema>;
  readonly sampling: (typeof samplingModes)[number];
  readonly workload: Workload;
  readonly adversary: AdversarySpec;
  readonly trust: TrustSpec;
  readonly maxRounds: number;
  readonly driver: (typeof consensusDrivers)[number];
  /** absent: the event driver uses the defaults */
  readonly network?: NetworkSpec;
  /** absent: the sheaf check runs on neighbourhoods */
  readonly hyperedges?: HyperedgesSpec;
  /** driver: node only */
  readonly node?: NodeDriverSpec;
}
