/**
 * `entropic/sim`: the simulators, scenarios and protocols, without the live node. Importing
 * it loads no libp2p, no LevelDB (classic-level) and no node:net/fs module, so a
 * simulation script starts fast and runs anywhere Node runs (test/unit/architecture/
 * subpath-exports.test.ts checks what it loads). The one node built-in it brings is
 * node:crypto, for {@link nodeCrypto}: event-driver runs that sign need it injected.
 *
 * ```ts
 * import { simulate, validateScenario, nodeCrypto } from "entropic/sim";
 * const { summary } = simulate(validateScenario({ protocol: "snowball", topology: { kind: "complete", n: 100 } }), { crypto: nodeCrypto });
 * ```
 */
// Running a scenario
export {
  simulate,
  startRun,
  isRecordedStep,
  type RunOutput,
  type RunSummary,
  type SimulateOptions,
  type StartRunOptions,
  type StepRecord,
} from "../sim/cycle/driver.js";
export { runFiles, stepsToCsv, stepsToJsonl, toJson } from "../sim/output.js";
export { rngFactory, rngFamilies, type RngFamily } from "../sim/rng-family.js";
export { messageTraceLine, type MessageRecord } from "../sim/event/trace.js";

// Scenarios
export { validateScenario, type Scenario } from "../sim/scenario/schema.js";
export { loadScenario, parseScenarioText, applyOverrides, type Override } from "../sim/scenario/load.js";
export { withScenarioFiles, scenarioFileRefs, SCENARIO_FILES_KEY, type ScenarioFileRef } from "../sim/scenario/files.js";
export { scenarioJsonSchema } from "../sim/scenario/json-schema.js";
export { protocolDocs, type ProtocolDocs } from "../sim/scenario/docs.js";
export type { FieldDoc } from "../sim/scenario/introspect.js";

// Sweeps and statistics
export { expandGrid, sweepRuns, shardRuns, digestRun, aggregatePoint, type SweepAxis, type GridPoint, type RunRef, type RunDigest, type PointAggregate } from "../sim/sweep.js";
export { quantile, quantiles, meanSd, wilsonInterval, clopperPearson, newcombeDifference, spread, type ShareInterval, type MeanSd, type Spread } from "../sim/stats.js";
export { parseTrace, traceToJson, type Trace, type TraceOptions } from "../sim/trace/index.js";

// Protocols
export { protocols, protocolNames, type ProtocolName, type AnyProtocol } from "../sim/registry.js";
export type { ProtocolDefinition, ProtocolRun, RunResult, Observables } from "../protocols/protocol.js";
export type { ConsensusProtocol, ConsensusState, Layout, PollContext, SamplingMode } from "../protocols/consensus.js";
export { snowball, type SnowballParams } from "../protocols/snowball/index.js";
export { emtd, type EmtdParams } from "../protocols/emtd/index.js";
export { tmesh, type TmeshParams } from "../protocols/tmesh/index.js";
export { gossipAvg, type GossipAvgParams } from "../protocols/gossip-avg/index.js";
export { emtdSeed, type EmtdSeedParams } from "../protocols/emtd-seed/index.js";
export { tmeshSeed, type TmeshSeedParams } from "../protocols/tmesh-seed/index.js";

// Topologies, randomness, the model
export { buildTopology, type Csr } from "../topology/index.js";
export { createRng, type Rng } from "../core/prng.js";
export type { CryptoSuite, Hasher, KeyPair, SignatureScheme } from "../core/crypto.js";
export { createTx, decodeTx, encodeTx, txId, conflictKey, type Tx } from "../core/tx.js";
export { createVertex, decodeVertex, encodeVertex, type Vertex } from "../core/vertex.js";
export { EntropicError, DecodeError, ScenarioError } from "../core/errors.js";

// Signatures for runs that sign (node:crypto only; no network, no storage)
export { nodeCrypto, createNodeSignatureScheme } from "../runtime/crypto-node.js";
