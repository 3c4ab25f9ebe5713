/**
 * What a `driver: node` scenario must satisfy beyond its schema, checked before anything
 * runs so a bad scenario fails with a {@link ScenarioError} naming the field: a protocol the
 * live node runs, xoshiro streams, engine tunables that exist, crashes of nodes that exist
 * and that do not overlap, partitions within the nodes, no churn.
 */
import { ScenarioError } from "../../core/errors.js";
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import { emtd } from "../../protocols/emtd/index.js";
import { snowball } from "../../protocols/snowball/index.js";
import { tmesh } from "../../protocols/tmesh/index.js";
import { type ConsensusSetting, nodeDriverSchema, type NodeDriverSpec } from "../../sim/consensus/setting.js";
import { type NetworkSpec, networkSchema, type ResolvedPartition, resolvePartition } from "../../sim/event/network.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { DEFAULT_TUNING, type EngineTuning } from "../node/engine.js";

/** The protocols the node driver runs (the live node's; `gossip-avg` has none). */
const NODE_PROTOCOLS: Readonly<Record<string, ConsensusProtocol<unknown>>> = {
  emtd: emtd as ConsensusProtocol<unknown>,
  tmesh: tmesh as ConsensusProtocol<unknown>,
  snowball: snowball as ConsensusProtocol<unknown>,
};

export interface NodeSetting {
  readonly setting: ConsensusSetting;
  readonly protocol: ConsensusProtocol<unknown>;
  readonly spec: NodeDriverSpec;
  readonly network: NetworkSpec;
  /** the scenario's engine tunables, and its partition mode */
  readonly tuning: Partial<EngineTuning>;
}

/** The scenario's node-driver setting, its defaults filled in. Throws {@link ScenarioError} for what the schema cannot check. */
export function nodeSetting(scenario: Scenario): NodeSetting {
  const setting = scenario.sections as unknown as ConsensusSetting;
  if (setting.driver !== "node") throw new ScenarioError([{ path: "driver", message: `runNodeScenario runs driver: node, not ${setting.driver}` }]);
  if (scenario.rng !== "xoshiro") throw new ScenarioError([{ path: "rng", message: "driver: node draws from xoshiro streams only (the python family replays the seeds' programs, which have no live node)" }]);
  const protocol = NODE_PROTOCOLS[scenario.protocol];
  if (protocol === undefined) throw new ScenarioError([{ path: "protocol", message: `driver: node runs ${Object.keys(NODE_PROTOCOLS).join(", ")}` }]);
  const spec: NodeDriverSpec = setting.node ?? nodeDriverSchema.parse({});
  const network = setting.network ?? networkSchema.parse({});
  const tuning: Partial<EngineTuning> = { ...checkTuning(spec.tuning), partitionMode: spec.partition };
  return { setting, protocol, spec, network, tuning };
}

/** Engine tunables from the scenario, every name checked. */
function checkTuning(raw: Readonly<Record<string, number>>): Partial<EngineTuning> {
  // partitionMode is a word, set by `node.partition`; validators may be 0 only by default.
  const known = Object.keys(DEFAULT_TUNING).filter((k) => k !== "partitionMode");
  for (const [name, value] of Object.entries(raw)) {
    if (!known.includes(name)) throw new ScenarioError([{ path: `node.tuning.${name}`, message: `unknown engine tunable; known: ${known.join(", ")}` }]);
    if (!(Number.isFinite(value) && value > 0)) throw new ScenarioError([{ path: `node.tuning.${name}`, message: `must be a positive number, got ${value}` }]);
  }
  return raw as Partial<EngineTuning>;
}

/**
 * The faults that need the topology's node count n: crashes of existing nodes, partition
 * groups within [0, n), and no churn (the node driver's crashes are explicit). Returns the
 * partitions resolved to node groups.
 */
export function resolveFaults(spec: NodeDriverSpec, network: NetworkSpec, n: number): ResolvedPartition[] {
  checkCrashes(spec, n);
  const partitions = network.partitions.map((p, i) => resolvePartition(p, n, `network.partitions.${i}`));
  if (network.churn !== undefined) throw new ScenarioError([{ path: "network.churn", message: "driver: node schedules crashes explicitly in node.crashes (each restarts from its ledger)" }]);
  return partitions;
}

/** Crashes name existing honest nodes (n of them), and a node is down at most once at a time. */
function checkCrashes(spec: NodeDriverSpec, n: number): void {
  const byNode = new Map<number, { at: number; restart: number; i: number }[]>();
  spec.crashes.forEach((c, i) => {
    if (c.node >= n) throw new ScenarioError([{ path: `node.crashes.${i}.node`, message: `node ${c.node} does not exist (${n} honest nodes)` }]);
    const list = byNode.get(c.node) ?? [];
    for (const o of list) {
      if (c.at < o.restart && o.at < c.restart) throw new ScenarioError([{ path: `node.crashes.${i}`, message: `overlaps crash ${o.i} of node ${c.node} (a node is down at most once at a time)` }]);
    }
    list.push({ at: c.at, restart: c.restart, i });
    byNode.set(c.node, list);
  });
}
