/**
 * `entropic/node`: the live node and its pieces — {@link createNode} on real ports
 * (libp2p, LevelDB, HTTP), {@link NodeEngine} on any {@link Transport}, {@link Ledger} and
 * {@link Clock}, the memory and libp2p transports, the memory and LevelDB ledgers, the
 * clocks, and {@link NodeClient} for a node's HTTP API. Simulation scripts import
 * `entropic/sim` instead, which loads none of the network and storage stack.
 */
export { createNode, liveProtocols, liveParams, type NodeConfig, type NodeInfo, type RunningNode, type LiveProtocolName } from "../runtime/node/start.js";
export { NodeEngine, type EngineOptions, type EngineTuning } from "../runtime/node/engine.js";
export { NodeClient, ApiError } from "../runtime/api/client.js";
export { TOPICS, LedgerConflictError, type Clock, type Ledger, type LedgerBatch, type MessageHandler, type RequestHandler, type TimerHandle, type Topic, type Transport, type Verdict } from "../runtime/ports.js";
export { MemoryNetwork, MemoryTransport, type MemoryTransportOptions } from "../runtime/transport/memory.js";
export { createLibp2pTransport, TransportError, type Libp2pTransport, type Libp2pTransportOptions, type TransportFailure } from "../runtime/transport/libp2p.js";
export { MemoryLedger } from "../runtime/ledger/memory.js";
export { LevelLedger, type LevelLedgerOptions } from "../runtime/ledger/level.js";
export { LedgerClosedError, LedgerKeyError, LedgerLockedError, LedgerOpenError } from "../runtime/ledger/errors.js";
export { ManualClock, systemClock } from "../runtime/clock.js";
export { nodeCrypto, createNodeSignatureScheme } from "../runtime/crypto-node.js";
export { createTx, decodeTx, encodeTx, txId, conflictKey, type Tx } from "../core/tx.js";
export { createVertex, decodeVertex, encodeVertex, type Vertex } from "../core/vertex.js";
export { EntropicError, DecodeError } from "../core/errors.js";
