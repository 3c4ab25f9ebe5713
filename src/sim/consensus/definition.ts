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
    checkScenario: (params: P, sections: Readonly<Record<string, unknown>>) =>
      protocol.checkSampling?.(params, (sections as unknown as ConsensusSetting).sampling) ?? [],
    create: (params, env) =>
      (env.sections as unknown as ConsensusSetting).driver === "event" ? new ConsensusEventRun(protocol, params, env) : new ConsensusCycleRun(protocol, params, env),
  };
}
