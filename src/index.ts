/**
 * entropic's library API (`import { simulate, createNode } from "entropic"`).
 *
 * - Simulation: {@link simulate} runs a validated scenario ({@link validateScenario}) to
 *   its end, deterministically; {@link protocols} lists what scenarios can name.
 * - Live nodes: {@link createNode} starts one on real ports; {@link NodeEngine} runs on any
 *   {@link Transport}, {@link Ledger} and {@link Clock}; {@link NodeClient} talks to its HTTP API.
 * - The model: signed transactions, conflict sets and DAG vertices.
 */
export { simulate, type RunOutput, type RunSummary, type SimulateOptions } from "./sim/cycle/driver.js";
export { validateScenario, type Scenario } from "./sim/scenario/schema.js";
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
