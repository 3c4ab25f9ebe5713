/**
 * The `network` section of a consensus scenario: what the event driver's simulated
 * network does to messages. The cycle driver ignores this section (it has no messages).
 * Every time is in integer ticks; one round (one simulation step, one row of rounds.jsonl)
 * is `pollInterval` ticks.
 *
 * ```yaml
 * driver: event
 * network:
 *   pollInterval: 10                 # ticks between a node's polls; 1 round = 10 ticks
 *   timeout: 30                      # ticks a poll waits for its answers (default 3 × pollInterval)
 *   latency: { kind: uniform, min: 1, max: 5 }   # one way, drawn per message
 *   loss: 0.01                       # per message
 *   duplication: 0.001               # per message: delivered twice (second copy, own latency)
 *   corruption: 0                    # per answer: bytes damaged in flight
 *   partitions:
 *     - { at: 100, heal: 400, split: 0.5 }                    # nodes [0, n/2) | [n/2, n)
 *     - { at: 600, heal: 700, groups: [[0, 99], [100, 199]] } # ranges; the rest form one more group
 *   churn: { rate: 0.0002, session: { kind: exponential, mean: 50 } }
 *   signatures: true                 # default: n ≤ 10^4
 *   statementMemory: 16              # statements each receiver keeps to compare
 * ```
 */
import { z } from "zod";
import { ScenarioError } from "../../core/errors.js";
import { type Rng, randomNormal } from "../../core/prng.js";

const ticks = (what: string, min = 1) =>
  z
    .number({ error: `${what} must be a number of ticks` })
    .int({ error: `${what} must be an integer number of ticks` })
    .min(min, { error: `${what} must be at least ${min} tick${min === 1 ? "" : "s"}` })
    .max(1e9, { error: `${what} must be at most 10^9 ticks` });

const probability = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, { error: `${what} must be a probability in [0, 1)` })
    .lt(1, { error: `${what} must be below 1` });

export const latencySchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("constant"), ticks: ticks("latency") }),
    z
      .strictObject({ kind: z.literal("uniform"), min: ticks("min latency"), max: ticks("max latency") })
      .refine((l) => l.max >= l.min, { error: "max must be at least min", path: ["max"] }),
    z.strictObject({
      kind: z.literal("lognormal"),
      median: z.number({ error: "median must be a number" }).min(1, { error: "median must be at least 1 tick" }).max(1e6),
      sigma: z.number({ error: "sigma must be a number" }).min(0, { error: "sigma must be at least 0" }).max(5, { error: "sigma must be at most 5" }),
    }),
  ])
  .describe("one-way message latency in ticks, drawn per message (lognormal: round(median·e^(σ·N(0,1))), at least 1)");

const range = z
  .tuple([ticks("group start", 0), ticks("group end", 0)], { error: "a group is a node range [first, last]" })
  .refine(([lo, hi]) => hi >= lo, { error: "a group range [first, last] needs last ≥ first" });

export const partitionSchema = z
  .strictObject({
    at: ticks("at", 0).describe("tick the partition starts"),
    heal: ticks("heal", 1).describe("tick it heals (messages sent in [at, heal) across groups are dropped)"),
    split: z
      .union([
        z.number().gt(0, { error: "split must be in (0, 1)" }).lt(1, { error: "split must be in (0, 1)" }),
        z.array(z.number().gt(0, { error: "split must be in (0, 1)" }).lt(1, { error: "split must be in (0, 1)" })).min(1),
      ])
      .optional()
      .describe("share s: nodes [0, ⌊s·n⌋) against the rest; a list of increasing shares cuts more groups"),
    groups: z.array(range).min(1).optional().describe("node ranges [first, last], one per group; nodes in none form one more group"),
  })
  .superRefine((p, ctx) => {
    if (p.heal <= p.at) ctx.addIssue({ code: "custom", path: ["heal"], message: `heal must be after at (${p.at}); got ${p.heal}` });
    if ((p.split === undefined) === (p.groups === undefined)) {
      ctx.addIssue({ code: "custom", path: ["split"], message: "give exactly one of split or groups" });
    }
    if (Array.isArray(p.split)) {
      for (let i = 1; i < p.split.length; i++) {
        if (p.split[i]! <= p.split[i - 1]!) ctx.addIssue({ code: "custom", path: ["split", i], message: "split shares must increase" });
      }
    }
    if (p.groups) {
      const sorted = p.groups.map((g, i) => ({ lo: g[0], hi: g[1], i })).sort((a, b) => a.lo - b.lo);
      for (let j = 1; j < sorted.length; j++) {
        if (sorted[j]!.lo <= sorted[j - 1]!.hi) {
          ctx.addIssue({ code: "custom", path: ["groups", sorted[j]!.i], message: `group overlaps group ${sorted[j - 1]!.i}` });
        }
      }
    }
  });

export const churnSchema = z
  .strictObject({
    rate: z
      .number({ error: "rate must be a number" })
      .min(0, { error: "rate must be at least 0" })
      .max(1, { error: "rate must be at most 1 per tick" })
      .describe("crashes per node per tick: up-time is exponential with mean 1/rate ticks"),
    session: z
      .strictObject({
        kind: z.literal("exponential"),
        mean: z.number({ error: "mean must be a number" }).gt(0, { error: "mean must be above 0 ticks" }).max(1e9),
      })
      .prefault({ kind: "exponential", mean: 100 })
      .describe("down-time of a crashed node, in ticks (exponential, at least 1); it then restarts with its state"),
  })
  .describe("nodes crash (stop sending and answering, open polls lost) and restart keeping their state");

export const networkSchema = z
  .strictObject({
    pollInterval: ticks("pollInterval").max(10_000, { error: "pollInterval must be at most 10000 ticks" }).default(10).describe("ticks between a node's polls; one round"),
    timeout: ticks("timeout").optional().describe("ticks a poll waits for its answers (default 3 × pollInterval)"),
    latency: latencySchema.prefault({ kind: "constant", ticks: 1 }),
    loss: probability("loss").default(0).describe("probability a message is lost"),
    duplication: probability("duplication").default(0).describe("probability a message is delivered twice"),
    corruption: z
      .number({ error: "corruption must be a number" })
      .min(0, { error: "corruption must be a probability in [0, 1]" })
      .max(1, { error: "corruption must be a probability in [0, 1]" })
      .default(0)
      .describe("probability an answer's bytes are damaged in flight (signed: dropped as invalid; unsigned: garbage reaches the protocol)"),
    partitions: z.array(partitionSchema).max(1000).default([]),
    churn: churnSchema.optional(),
    signatures: z.boolean().optional().describe("sign and verify every answer (default: on for n ≤ 10^4)"),
    statementMemory: z
      .number()
      .int()
      .min(1, { error: "statementMemory must be at least 1" })
      .max(4096, { error: "statementMemory must be at most 4096" })
      .default(16)
      .describe("statements each receiver keeps (one per (signer, instance) slot, direct-mapped) to detect equivocation"),
  })
  .describe("the event driver's network (ignored by the cycle driver)");

export type NetworkSpec = z.output<typeof networkSchema>;
export type LatencySpec = z.output<typeof latencySchema>;
export type PartitionSpec = z.output<typeof partitionSchema>;

/** Signatures are on by default up to this many nodes. */
export const SIGNATURES_DEFAULT_MAX_NODES = 10_000;

/** A latency sampler: integer ticks ≥ 1 per message. */
export function latencySampler(spec: LatencySpec, rng: Rng): () => number {
  switch (spec.kind) {
    case "constant": {
      const t = spec.ticks;
      return () => t;
    }
    case "uniform": {
      const { min } = spec;
      const span = spec.max - spec.min + 1;
      if (span === 1) return () => min;
      return () => min + rng.nextInt(span);
    }
    case "lognormal": {
      const { median, sigma } = spec;
      if (sigma === 0) return () => Math.max(1, Math.round(median));
      return () => Math.max(1, Math.round(median * Math.exp(sigma * randomNormal(rng))));
    }
  }
}

/** Largest latency a spec can produce, or Infinity (lognormal with σ > 0). */
export function maxLatency(spec: LatencySpec): number {
  if (spec.kind === "constant") return spec.ticks;
  if (spec.kind === "uniform") return spec.max;
  return spec.sigma === 0 ? Math.max(1, Math.round(spec.median)) : Number.POSITIVE_INFINITY;
}

/** A partition resolved against the network size: group id per node. */
export interface ResolvedPartition {
  readonly at: number;
  readonly heal: number;
  readonly group: Uint16Array;
}

/**
 * Group ids per node for a partition. `split: s` puts nodes [0, ⌊s·n⌋) in group 0 and the
 * rest in group 1 (a list of shares cuts at each); `groups` ranges are groups 0, 1, … and
 * every node in no range joins one extra group. Throws a {@link ScenarioError} naming the
 * field when a range reaches past the last node (the schema cannot know n).
 */
export function resolvePartition(p: PartitionSpec, n: number, path: string): ResolvedPartition {
  const group = new Uint16Array(n);
  if (p.split !== undefined) {
    const cuts = (Array.isArray(p.split) ? p.split : [p.split]).map((s) => Math.floor(s * n));
    for (let i = 0, g = 0; i < n; i++) {
      while (g < cuts.length && i >= cuts[g]!) g++;
      group[i] = g;
    }
  } else {
    const ranges = p.groups ?? [];
    group.fill(ranges.length);
    ranges.forEach(([lo, hi], g) => {
      if (hi >= n) throw new ScenarioError([{ path: `${path}.groups.${g}`, message: `range [${lo}, ${hi}] reaches past the last node (${n - 1})` }]);
      for (let i = lo; i <= hi; i++) group[i] = g;
    });
  }
  return { at: p.at, heal: p.heal, group };
}
