/**
 * A consensus protocol as a scenario-runnable protocol definition. The scenario's
 * `driver` section picks the run class: the cycle driver (default) or the event driver.
 * Both share set-up, checkers, observables and summary fields (world.ts).
 */
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import type { ProtocolDefinition } from "../../protocols/protocol.js";
import { ConsensusEventRun } from "../event/run.js";
import { ConsensusCycleRun } from "./cycle.js";
import { type ConsensusSetting, consensusSections } from "./setting.js";
import { CONSENSUS_OBSERVABLES, CONSENSUS_OUTCOMES } from "./world.js";
import { UsageError } from "../../core/errors.js";

/** Protocols without a live node (the node driver refuses them). */
const NO_LIVE_NODE = new Set(["gossip-avg"]);

/**
 * What `driver: node` cannot honour, refused rather than ignored: the cycle and event
 * drivers' adversary and workload model (the node driver has its own `node` section), and
 * in-flight corruption (garbage comes from Byzantine processes instead).
 */
function checkNodeDriver(name: string, s: ConsensusSetting, params: unknown): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (s.driver !== "node") {
    if (s.node !== undefined) issues.push({ path: "node", message: "the node section is for driver: node (set driver: node, or remove it)" });
    return issues;
  }
  if (NO_LIVE_NODE.has(name)) issues.push({ path: "driver", message: `${name} has no live node; driver: node runs emtd, tmesh or snowball` });
  if (s.adversary.type !== "none") issues.push({ path: "adversary.type", message: "driver: node takes Byzantine processes from node.byzantine (equivocate, garbage, replay) and crashes from node.crashes; set adversary.type: none" });
  const w = s.workload;
  if (w.instances !== 1 || w.candidates !== 2 || w.bias !== 0.5 || w.seen !== 1) {
    issues.push({ path: "workload", message: "driver: node submits real transactions (node.txs, node.doubleSpends, node.rate); remove the workload section" });
  }
  if (s.network !== undefined) {
    if (s.network.corruption > 0) issues.push({ path: "network.corruption", message: "driver: node does not damage bytes in flight; use node.byzantine.garbage" });
    if (s.network.signatures !== undefined) issues.push({ path: "network.signatures", message: "driver: node always signs (choose the scheme with node.crypto)" });
    if (s.network.timeout !== undefined) issues.push({ path: "network.timeout", message: "driver: node times polls with the engine's own pollTimeoutMs (node.tuning)" });
    if (s.network.statementMemory !== 16) issues.push({ path: "network.statementMemory", message: "driver: node keeps the engine's own answer memory" });
    if (s.network.pollInterval !== 10) issues.push({ path: "network.pollInterval", message: "driver: node polls at the engine's pollIntervalMs (node.tuning)" });
  }
  const n = "n" in s.topology ? s.topology.n : undefined; // a file topology's size is checked when it is loaded
  (s.node?.crashes ?? []).forEach((c, i) => {
    if (n !== undefined && c.node >= n) issues.push({ path: `node.crashes.${i}.node`, message: `node ${c.node} does not exist (${n} honest nodes)` });
  });
  // A node polls the other processes; Snowball needs alphaConfidence agreeing answers in one
  // poll to finalize. With fewer peers than that no set is ever decided: a setting error
  // (say so), not a liveness failure to discover after the whole run.
  const alpha = (params as { alphaConfidence?: unknown } | null)?.alphaConfidence;
  if (n !== undefined && typeof alpha === "number") {
    const b = s.node?.byzantine;
    const peers = n - 1 + (b === undefined ? 0 : b.equivocate + b.garbage + b.replay);
    if (alpha > peers) issues.push({ path: "params.alphaConfidence", message: `${alpha} agreeing answers are needed to finalize, but a node has only ${peers} peers (${n} honest nodes${peers > n - 1 ? " and the Byzantine ones" : ""}): lower k, alphaPreference and alphaConfidence, or add nodes` });
  }
  return issues;
}

/** Wrap a consensus protocol as a scenario-runnable protocol definition. */
export function consensusDefinition<P>(protocol: ConsensusProtocol<P>): ProtocolDefinition<P> & { checkScenario: (params: P, sections: Readonly<Record<string, unknown>>) => { path: string; message: string }[] } {
  return {
    name: protocol.name,
    description: protocol.description,
    params: protocol.params,
    outcomes: CONSENSUS_OUTCOMES,
    observables: [...CONSENSUS_OBSERVABLES, ...protocol.observables],
    sections: consensusSections,
    // Cross-field checks the scenario validator runs after parsing (sampling × params).
    checkScenario: (params: P, sections: Readonly<Record<string, unknown>>) => [
      ...(protocol.checkSampling?.(params, (sections as unknown as ConsensusSetting).sampling) ?? []),
      ...checkNodeDriver(protocol.name, sections as unknown as ConsensusSetting, params),
    ],
    create: (params, env) => {
      const driver = (env.sections as unknown as ConsensusSetting).driver;
      if (driver === "node") {
        throw new UsageError("driver: node runs the live node engine and needs the runtime: run it with `entropic sim`, or runNodeScenario from entropic/node");
      }
      return driver === "event" ? new ConsensusEventRun(protocol, params, env) : new ConsensusCycleRun(protocol, params, env);
    },
  };
}
