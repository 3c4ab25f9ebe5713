// Helpers for live-node tests on in-memory ports: a network of engines that can be
// crashed (transport cut, loops stopped, outbox lost) and restarted from their ledgers.
import { createRng } from "../../../src/core/prng.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { MemoryNetwork, type MemoryTransport } from "../../../src/runtime/transport/memory.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { type EngineTuning, NodeEngine } from "../../../src/runtime/node/engine.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";

export interface TestNode {
  engine: NodeEngine;
  readonly transport: MemoryTransport;
  readonly ledger: MemoryLedger;
  readonly seed: Uint8Array;
  session: number;
}

export interface TestNet {
  readonly hub: MemoryNetwork;
  readonly nodes: TestNode[];
  readonly protocol: ConsensusProtocol<unknown>;
  readonly params: unknown;
}

export async function openEngine(net: TestNet, node: Pick<TestNode, "transport" | "ledger" | "seed">, index: number, session: number, tuning: Partial<EngineTuning>): Promise<NodeEngine> {
  return NodeEngine.open({
    protocol: net.protocol,
    params: net.params,
    transport: node.transport,
    ledger: node.ledger,
    clock: systemClock,
    crypto: nodeCrypto,
    keys: nodeSignatures.generateKeyPair(node.seed),
    rng: createRng(index * 1000 + session, "node-net"),
    tuning,
  });
}

export async function startTestNet(protocol: ConsensusProtocol<unknown>, rawParams: Record<string, unknown>, n: number, tuning: (i: number) => Partial<EngineTuning>): Promise<TestNet> {
  const net: TestNet = { hub: new MemoryNetwork(), nodes: [], protocol, params: protocol.params.parse(rawParams) };
  for (let i = 0; i < n; i++) {
    const seed = new Uint8Array(32).fill(i + 1);
    const transport = net.hub.createTransport(peerIdFromKeySeed(seed));
    const ledger = new MemoryLedger();
    await ledger.open();
    await transport.start();
    const engine = await openEngine(net, { transport, ledger, seed }, i, 0, tuning(i));
    net.nodes.push({ engine, transport, ledger, seed, session: 0 });
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) await net.nodes[i]!.transport.dial(net.nodes[j]!.transport.addresses()[0]!);
  for (const x of net.nodes) x.engine.start();
  return net;
}

/**
 * kill -9, as far as memory ports allow: the transport is cut first (so nothing queued
 * leaves), then the loops stop. What was persisted stays in the ledger; the rest is lost.
 */
export async function crash(node: TestNode): Promise<void> {
  await node.transport.stop();
  await node.engine.stop();
}

/** Restart a crashed node from its ledger and reconnect it to the others. */
export async function restart(net: TestNet, index: number, tuning: Partial<EngineTuning>): Promise<void> {
  const node = net.nodes[index]!;
  node.session++;
  node.engine = await openEngine(net, node, index, node.session, tuning);
  await node.transport.start();
  for (const other of net.nodes) if (other !== node) await node.transport.dial(other.transport.addresses()[0]!);
  node.engine.start();
}

export async function stopTestNet(net: TestNet): Promise<void> {
  for (const x of net.nodes) await x.engine.stop();
  for (const x of net.nodes) await x.transport.stop();
  for (const x of net.nodes) await x.ledger.close();
}

export async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
