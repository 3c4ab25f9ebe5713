// Helpers for live-node tests on in-memory ports and SIMULATED time (issue 11: logic tests
// run on the simulator, not on wall-clock deadlines): a network of engines that share one
// ManualClock (src/runtime/simnet/time.ts) and a link model delivering every hop 1–3
// simulated ms later, which can be crashed (its clock killed, transport cut, outbox lost)
// and restarted from their ledgers. A test waits with `net.until(...)`, which runs
// simulated time, never the wall clock: the same test gives the same interleaving on any
// machine, at any load.
import { createRng } from "../../../src/core/prng.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { MemoryNetwork, type MemoryTransport } from "../../../src/runtime/transport/memory.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { type EngineTuning, NodeEngine } from "../../../src/runtime/node/engine.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { SimLinks } from "../../../src/runtime/simnet/links.js";
import { NodeClock, SimTime } from "../../../src/runtime/simnet/time.js";

export interface TestNode {
  engine: NodeEngine;
  clock: NodeClock;
  readonly transport: MemoryTransport;
  readonly ledger: MemoryLedger;
  readonly seed: Uint8Array;
  /** where the engine reports caught background failures (its `warn`), if the test listens */
  readonly warn?: (line: string) => void;
  session: number;
}

/** Per-node options of {@link startTestNet}, for tests that need more than the defaults. */
export interface TestNetOptions {
  /** node `i`'s ledger (default: a fresh MemoryLedger); `startTestNet` opens it */
  ledger?: (i: number, time: SimTime) => MemoryLedger;
  /** where node `i` reports caught background failures (the engine's `warn`) */
  warn?: (i: number) => ((line: string) => void) | undefined;
}

export interface TestNet {
  readonly hub: MemoryNetwork;
  readonly time: SimTime;
  readonly nodes: TestNode[];
  readonly protocol: ConsensusProtocol<unknown>;
  readonly params: unknown;
  /** Await `promise` while simulated time runs (a submission, a stop: they may wait on timers). */
  run<T>(promise: Promise<T>, what?: string): Promise<T>;
  /** Run simulated time until `cond()` holds; throws after `simMs` simulated ms. */
  until(what: string, cond: () => boolean, simMs?: number): Promise<void>;
  /** Let `ms` simulated ms pass. */
  sleep(ms: number): Promise<void>;
}

export async function openEngine(net: TestNet, node: Pick<TestNode, "transport" | "ledger" | "seed" | "clock" | "warn">, index: number, session: number, tuning: Partial<EngineTuning>): Promise<NodeEngine> {
  return net.run(
    NodeEngine.open({
      protocol: net.protocol,
      params: net.params,
      transport: node.transport,
      ledger: node.ledger,
      clock: node.clock,
      crypto: nodeCrypto,
      keys: nodeSignatures.generateKeyPair(node.seed),
      rng: createRng(index * 1000 + session, "node-net"),
      tuning,
      ...(node.warn !== undefined ? { warn: node.warn } : {}),
    }),
    "opening a node",
  );
}

export async function startTestNet(protocol: ConsensusProtocol<unknown>, rawParams: Record<string, unknown>, n: number, tuning: (i: number) => Partial<EngineTuning>, options: TestNetOptions = {}): Promise<TestNet> {
  const time = new SimTime();
  const links = new SimLinks({
    time,
    rng: createRng(n, "node-net/links"),
    latency: { kind: "uniform", min: 1, max: 3 },
    loss: 0,
    duplication: 0,
    partitions: [],
    indexOf: new Map(),
    mesh: new Map(),
  });
  const net: TestNet = {
    hub: new MemoryNetwork({}, links),
    time,
    nodes: [],
    protocol,
    params: protocol.params.parse(rawParams),
    run: (promise, what = "an operation") => time.settle(promise, 600_000, what),
    until: async (what, cond, simMs = 120_000) => {
      await time.runUntil(time.now() + simMs, cond);
      if (!cond()) throw new Error(`${what}: not within ${simMs} simulated ms`);
    },
    sleep: (ms) => time.runUntil(time.now() + ms),
  };
  for (let i = 0; i < n; i++) {
    const seed = new Uint8Array(32).fill(i + 1);
    const transport = net.hub.createTransport(peerIdFromKeySeed(seed));
    const ledger = options.ledger?.(i, time) ?? new MemoryLedger();
    await ledger.open();
    await net.run(transport.start());
    const clock = new NodeClock(time);
    const warn = options.warn?.(i);
    const node = { transport, ledger, seed, clock, ...(warn !== undefined ? { warn } : {}) };
    const engine = await openEngine(net, node, i, 0, tuning(i));
    net.nodes.push({ ...node, engine, session: 0 });
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) await net.run(net.nodes[i]!.transport.dial(net.nodes[j]!.transport.addresses()[0]!), "a dial");
  for (const x of net.nodes) x.engine.start();
  return net;
}

/**
 * kill -9: the process's clock dies (no timer of it fires again) and its transport is cut
 * (nothing queued leaves). What was persisted stays in the ledger; the rest is lost.
 */
export async function crash(net: TestNet, node: TestNode): Promise<void> {
  node.clock.kill();
  await net.run(node.transport.stop(), "cutting the transport");
}

/** Restart a crashed node from its ledger (a new process: a new clock) and reconnect it. */
export async function restart(net: TestNet, index: number, tuning: Partial<EngineTuning>): Promise<void> {
  const node = net.nodes[index]!;
  node.session++;
  node.clock = new NodeClock(net.time);
  node.engine = await openEngine(net, node, index, node.session, tuning);
  await net.run(node.transport.start());
  for (const other of net.nodes) if (other !== node) await net.run(node.transport.dial(other.transport.addresses()[0]!), "a dial");
  node.engine.start();
}

export async function stopTestNet(net: TestNet): Promise<void> {
  for (const x of net.nodes) await net.run(x.engine.stop().catch(() => {}), "stopping a node");
  for (const x of net.nodes) await net.run(x.transport.stop(), "stopping a transport");
  for (const x of net.nodes) await x.ledger.close();
}

/** Wall-clock wait, for tests that do not run on a TestNet (their own ports). */
export async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
