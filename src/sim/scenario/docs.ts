/**
 * Every field a scenario of a given protocol accepts, with its default, accepted values and
 * meaning, read from the zod schemas (`.describe()` texts). Feeds `entropic params`.
 * Fields whose schema carries no description get one from {@link FALLBACK_MEANINGS}.
 */
import { type ProtocolName, protocols } from "../registry.js";
import { type FieldDoc, fieldDocs } from "./introspect.js";
import { scenarioSchema } from "./schema.js";

/** Meanings for schema fields that have no `.describe()` text, by dotted path. */
export const FALLBACK_MEANINGS: Readonly<Record<string, string>> = {
  name: "run name in summaries and default output folders (default: the protocol name)",
  description: "free text about the scenario",
  seed: "seed of every generator: a run is a pure function of (scenario, seed)",
  rng: "generator family: xoshiro (entropic's own, independent streams) or python (CPython random + numpy RandomState, replays the seeds' Python)",
  observeEvery: "record observables every this many steps (the first and last are always recorded)",
  "topology.kind": "graph the nodes sit on; each kind takes the fields listed with it (file: a GraphML, GEXF or edge-list file)",
  sampling: "neighbors: poll peers in the topology; global: poll anyone",
  "adversary.type":
    "none; crash (never answers); stubborn (always the candidate fewest honest nodes saw first); random; equivocate (different answers to different askers); balance (Kniep et al.'s balancing attacker)",
  "adversary.share": "share of nodes that are adversarial (below 1)",
  maxRounds: "rounds before a run stops with outcome timeout",
  "network.latency.ticks": "constant one-way latency in ticks",
  "network.latency.min": "least one-way latency in ticks (uniform)",
  "network.latency.max": "largest one-way latency in ticks (uniform)",
  "network.latency.median": "median one-way latency in ticks (lognormal)",
  "network.latency.sigma": "spread σ of the lognormal latency",
  "network.partitions": "partitions: messages sent in [at, heal) between groups are dropped",
  "network.churn.session.kind": "distribution of a crashed node's down-time",
  "network.churn.session.mean": "mean down-time of a crashed node, in ticks",
};

/** A scenario's fields for one protocol, split as `entropic params` prints them. */
export interface ProtocolDocs {
  readonly protocol: ProtocolName;
  readonly description: string;
  /** `params.*`: the protocol's own parameters, settable as `--set NAME=VALUE` */
  readonly params: readonly FieldDoc[];
  /** name, seed, rng, observeEvery, … (every protocol) */
  readonly general: readonly FieldDoc[];
  /** the protocol's extra sections (topology, workload, network, … for consensus protocols) */
  readonly sections: readonly FieldDoc[];
}

const GENERAL = new Set(["name", "description", "seed", "rng", "observeEvery"]);

export function protocolDocs(protocol: ProtocolName): ProtocolDocs {
  const rows = fieldDocs(scenarioSchema(protocol), "", FALLBACK_MEANINGS).filter((row) => row.path !== "protocol");
  return {
    protocol,
    description: (protocols[protocol] as { description?: string }).description ?? "",
    params: rows.filter((row) => row.path.startsWith("params.")).map((row) => ({ ...row, path: row.path.slice("params.".length) })),
    general: rows.filter((row) => GENERAL.has(row.path)),
    sections: rows.filter((row) => !row.path.startsWith("params.") && !GENERAL.has(row.path)),
  };
}
