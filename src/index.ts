/**
 * entropic's library API (`import { simulate, createNode } from "entropic"`).
 *
 * - Simulation: {@link simulate} runs a validated scenario ({@link validateScenario}, or
 *   {@link loadScenario} for YAML/JSON text with `--set`-style overrides) to its end,
 *   deterministically; {@link protocols} lists what scenarios can name and
 *   {@link protocolDocs} every field each accepts. examples/library.ts runs all of it.
 * - Live nodes: {@link createNode} starts one on real ports; {@link NodeEngine} runs on any
 *   {@link Transport}, {@link Ledger} and {@link Clock}; {@link NodeClient} talks to its HTTP API.
 * - The model: signed transactions, conflict sets and DAG vertices.
 *
 * Two subpaths load only one half: `entropic/sim` (src/entry/sim.ts: simulators,
 * scenarios, protocols; no libp2p, LevelDB or node:net/fs) and `entropic/node`
 * (src/entry/node.ts: the live node and its transports, ledgers and clocks).
 */
export { simulate, type RunOutput, type RunSummary, type SimulateOptions } from "./sim/cycle/driver.js";
export { validateScenario, type Scenario } from "./sim/scenario/schema.js";
export { loadScenario, parseScenarioText, applyOverrides, type Override } from "./sim/scenario/load.js";
export { withScenarioFiles, scenarioFileRefs, SCENARIO_FILES_KEY } from "./sim/scenario/files.js";
export { scenarioJsonSchema } from "./sim/scenario/json-schema.js";
export { messageTraceLine, type MessageRecord } from "./sim/event/trace.js";
export { protocolDocs, type ProtocolDocs } from "./sim/scenario/docs.js";
export type { FieldDoc } from "./sim/scenario/introspect.js";
export { protocols, protocolNames, type ProtocolName } from "./sim/registry.js";
export type { ConsensusProtocol, ConsensusState, Layout, PollContext } from "./protocols/consensus.js";
export { createNode, liveProtocols, type NodeConfig, type RunningNode, type LiveProtocolName } from "./runtime/node/start.js";
export { NodeEngine, type EngineOptions, type EngineTuning } from "./runtime/node/engine.js";
export { NodeClient, ApiError } from "./runtime/api/client.js";
export type { Clock, Ledger, LedgerBatch, Transport } from "./runtime/ports.js";
export { createTx, decodeTx, encodeTx, txId, conflictKey, type Tx } from "./core/tx.js";
export { createVertex, decodeVertex, encodeVertex, type Vertex } from "./core/vertex.js";
export { nodeCrypto } from "./runtime/crypto-node.js";
export { EntropicError, DecodeError, ScenarioError } from "./core/errors.js";
