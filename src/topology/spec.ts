/**
 * Topology specifications: the plain-data description a scenario file embeds, validated by
 * {@link topologySpecSchema} and turned into a graph by `buildTopology` (index.ts).
 */
import { z } from "zod";
import { MAX_COMPLETE_NODES } from "./generators.js";

/** Largest node count a scenario may ask for; generation at this size needs tens of GB. */
export const MAX_SPEC_NODES = 50_000_000;

const nodes = (min: number, max = MAX_SPEC_NODES) =>
  z
    .number({ error: "n must be a number" })
    .int({ error: "n must be an integer" })
    .min(min, { error: `n must be at least ${min}` })
    .max(max, { error: `n must be at most ${max}` })
    .describe("number of nodes");

const probability = (what: string) =>
  z
    .number({ error: "p must be a number" })
    .min(0, { error: "p must be a probability in [0, 1]" })
    .max(1, { error: "p must be a probability in [0, 1]" })
    .describe(what);

/** `{ kind: "watts-strogatz", n, k, p }`: networkx's small-world graph (k ≤ n). */
export const wattsStrogatzSpecSchema = z
  .strictObject({
    kind: z.literal("watts-strogatz"),
    n: nodes(1),
    k: z
      .number({ error: "k must be a number" })
      .int({ error: "k must be an integer" })
      .min(0, { error: "k must be at least 0" })
      .describe("ring neighbours, ⌊k/2⌋ on each side"),
    p: probability("rewiring probability per lattice edge"),
  })
  .refine((s) => s.k <= s.n, { error: "k must not exceed n", path: ["k"] });

/** `{ kind: "erdos-renyi", n, p }`: G(n, p). */
export const erdosRenyiSpecSchema = z.strictObject({
  kind: z.literal("erdos-renyi"),
  n: nodes(1),
  p: probability("edge probability per pair"),
});

/** `{ kind: "barabasi-albert", n, m }`: preferential attachment, 1 ≤ m < n. */
export const barabasiAlbertSpecSchema = z
  .strictObject({
    kind: z.literal("barabasi-albert"),
    n: nodes(2),
    m: z
      .number({ error: "m must be a number" })
      .int({ error: "m must be an integer" })
      .min(1, { error: "m must be at least 1" })
      .describe("edges from each new node"),
  })
  .refine((s) => s.m < s.n, { error: "m must be smaller than n", path: ["m"] });

/** `{ kind: "random-geometric", n, radius, dim }`: points in the unit square or cube. */
export const randomGeometricSpecSchema = z.strictObject({
  kind: z.literal("random-geometric"),
  n: nodes(1),
  radius: z
    .number({ error: "radius must be a number" })
    .min(0, { error: "radius must be at least 0" })
    .max(2, { error: "radius must be at most 2 (beyond √3 every pair is linked)" })
    .describe("link distance (radio range) in the unit box"),
  dim: z.union([z.literal(2), z.literal(3)], { error: "dim must be 2 or 3" }).default(2).describe("2: unit square, 3: unit cube"),
});

/** `{ kind: "ring", n }`: a cycle, n ≥ 3. */
export const ringSpecSchema = z.strictObject({ kind: z.literal("ring"), n: nodes(3) });

/** `{ kind: "complete", n }`: every pair linked, n ≤ 46341. */
export const completeSpecSchema = z.strictObject({ kind: z.literal("complete"), n: nodes(1, MAX_COMPLETE_NODES) });

/** Graph file formats a `kind: file` topology reads (file.ts). */
export const graphFileFormats = ["graphml", "gexf", "edgelist"] as const;

/**
 * `{ kind: "file", path, format?, allowDisconnected? }`: a graph read from a GraphML, GEXF or
 * edge-list file, `path` relative to the scenario file. The loader (CLI) reads the text;
 * validation parses it (file.ts): node ids become 0..n−1 in file order (ids already exactly
 * 0..n−1 keep their numbers), self-loops and repeated edges are dropped with a note, and a
 * disconnected graph is refused unless `allowDisconnected` is true. Edge attributes
 * `latency` (ticks) and `packet_loss` or `loss` (0..1) set the event driver's per-link
 * latency and loss.
 */
export const fileSpecSchema = z.strictObject({
  kind: z.literal("file"),
  path: z.string({ error: "path must be a file name" }).min(1, { error: "path must not be empty" }).max(4096).describe("graph file, relative to the scenario file"),
  format: z
    .enum(graphFileFormats, { error: `format must be one of ${graphFileFormats.join(", ")}` })
    .optional()
    .describe("graphml, gexf or edgelist (default: from the file extension)"),
  allowDisconnected: z.boolean().default(false).describe("run on a graph with more than one connected component (refused by default)"),
});

/** Any topology spec, discriminated by `kind`. */
export const topologySpecSchema = z.discriminatedUnion("kind", [
  wattsStrogatzSpecSchema,
  erdosRenyiSpecSchema,
  barabasiAlbertSpecSchema,
  randomGeometricSpecSchema,
  ringSpecSchema,
  completeSpecSchema,
  fileSpecSchema,
]);

/** A validated topology spec (defaults filled in). */
export type TopologySpec = z.output<typeof topologySpecSchema>;
/** A topology spec as written in a scenario file (`dim` may be omitted). */
export type TopologySpecInput = z.input<typeof topologySpecSchema>;
/** The `kind` values. */
export type TopologyKind = TopologySpec["kind"];
/** A `kind: file` spec. */
export type FileTopologySpec = z.output<typeof fileSpecSchema>;
/** The generated kinds (`file` reads a graph instead; see {@link fileSpecSchema}). */
export const topologyKinds = ["watts-strogatz", "erdos-renyi", "barabasi-albert", "random-geometric", "ring", "complete"] as const satisfies readonly TopologyKind[];
