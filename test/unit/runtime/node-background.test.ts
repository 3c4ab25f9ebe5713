// Background work of the live node (sealing, heads, polls, gossip, fetches): nothing may
// reject unhandled. A failure is caught, counted in /v1/metrics and /v1/status, and the
// node keeps running. Also the decision queue: one set finalized by two paths at once (a
// poll round and an answer to a peer) must not reach the vertex encoder twice, which threw
// "decisions must be strictly ascending by conflict key" inside a timer and killed T-MESH nodes.
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../../src/core/bytes.js";
import { cidOf } from "../../../src/core/codec.js";
import { createRng } from "../../../src/core/prng.js";
import { createTx } from "../../../src/core/tx.js";
import { decodeVertex } from "../../../src/core/vertex.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { tmesh } from "../../../src/protocols/tmesh/index.js";
import { renderPrometheus } from "../../../src/runtime/api/prometheus.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { nodeCrypto, nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { NodeEngine, sealableDecisions } from "../../../src/runtime/node/engine.js";
import { guardProcess } from "../../../src/runtime/node/start.js";
import type { LedgerBatch, Transport } from "../../../src/runtime/ports.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { MemoryNetwork } from "../../../src/runtime/transport/memory.js";

/**
 * A memory ledger that takes `delayMs` per commit (as a disk's fsync does) and whose
 * commits of vertices fail while `failVertices` is set (a full disk, say).
 */
class FlakyLedger extends MemoryLedger {
  failVertices = false;
  vertexFailures = 0;
  delayMs = 0;
  override async commit(batch: LedgerBatch): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failVertices && (batch.vertices?.length ?? 0) > 0) {
      this.vertexFailures++;
      throw new Error("injected ledger failure: no space left on device");
    }
    return super.commit(batch);
  }
}

interface Net {
  engines: NodeEngine[];
  transports: Transport[];
  ledgers: FlakyLedger[];
  warnings: string[][];
}

const running: Net[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

afterEach(async () => {
  for (const net of running.splice(0)) {
    for (const e of net.engines) await e.stop();
    for (const t of net.transports) await t.stop();
    for (const l of net.ledgers) await l.close();
  }
});

async function startNet(protocol: ConsensusProtocol<unknown>, rawParams: Record<string, unknown>, n: number, commitDelayMs = 0): Promise<Net> {
  const hub = new MemoryNetwork();
  const params = protocol.params.parse(rawParams);
  const net: Net = { engines: [], transports: [], ledgers: [], warnings: [] };
  for (let i = 0; i < n; i++) {
    const seed = new Uint8Array(32).fill(i + 11);
    const transport = hub.createTransport(peerIdFromKeySeed(seed));
    const ledger = new FlakyLedger();
    ledger.delayMs = commitDelayMs;
    await ledger.open();
    await transport.start();
    const warnings: string[] = [];
    net.engines.push(
      await NodeEngine.open({
        protocol,
        params,
        transport,
        ledger,
        clock: systemClock,
        crypto: nodeCrypto,
        keys: nodeSignatures.generateKeyPair(seed),
        rng: createRng(i, "background-test"),
        tuning: { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 },
        warn: (line) => warnings.push(line),
      }),
    );
    net.transports.push(transport);
    net.ledgers.push(ledger);
    net.warnings.push(warnings);
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) await net.transports[i]!.dial(net.transports[j]!.addresses()[0]!);
  for (const e of net.engines) e.start();
  running.push(net);
  return net;
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(42));

/** Conflict keys sealed in `ledger`'s vertices by `engine`'s author, with repeats. */
async function ownSealedKeys(ledger: MemoryLedger, authorHex: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [, bytes] of ledger.vertices()) {
    const v = decodeVertex(bytes, nodeSignatures, { verify: false });
    if (Buffer.from(v.author).toString("hex") === authorHex) keys.push(...v.decisions.map(([k]) => k));
  }
  return keys;
}

describe("sealableDecisions", () => {
  it("sorts by conflict key, drops repeats, reports a second different CID for one key", () => {
    const [a, b, c] = ["a", "b", "c"].map((s) => cidOf(utf8(s), nodeHasher)) as [ReturnType<typeof cidOf>, ReturnType<typeof cidOf>, ReturnType<typeof cidOf>];
    const out = sealableDecisions([
      ["k3", a],
      ["k1", b],
      ["k3", a],
      ["k2", c],
      ["k1", c],
    ]);
    expect(out.decisions.map(([k, v]) => [k, v.toString()])).toEqual([
      ["k1", b.toString()],
      ["k2", c.toString()],
      ["k3", a.toString()],
    ]);
    expect(out.conflicting.map(([k]) => k)).toEqual(["k1"]);
  });
});

describe("live node background work", () => {
  it("tmesh: 3 nodes, 60 concurrent submissions: every set finalized once, sealed once per node, no failure", async () => {
    unhandled.length = 0;
    const net = await startNet(tmesh as ConsensusProtocol<unknown>, {}, 3, 5);
    const keys = new Set<string>();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, k) => net.engines[k % 3]!.submitTx(createTx(nodeSignatures, author, 5000 + k, utf8(`concurrent ${k}`)))),
    );
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (r.ok) keys.add(r.conflict);
    }
    await until("every node finalizes every set", () => net.engines.every((e) => e.status().finalizedCount === keys.size));
    await until("every node seals every decision", () => net.engines.every((e) => e.status().counters.finalized === keys.size && e.status().counters.verticesSealed > 0));
    await new Promise((r) => setTimeout(r, 100)); // a last seal tick
    for (const [i, e] of net.engines.entries()) {
      const sealed = await ownSealedKeys(net.ledgers[i]!, Buffer.from(nodeSignatures.generateKeyPair(new Uint8Array(32).fill(i + 11)).publicKey).toString("hex"));
      expect(sealed.length).toBe(new Set(sealed).size); // no key sealed twice
      expect(new Set(sealed)).toEqual(keys);
      expect(e.status().failures).toMatchObject({ total: 0, lastError: null });
    }
    expect(new Set(net.engines.map((e) => e.status().ledgerRoot)).size).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it("a seal whose ledger write fails is caught, counted in status and metrics, and retried; the node keeps deciding", async () => {
    unhandled.length = 0;
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 2);
    const [a] = net.engines;
    const flaky = net.ledgers[0]!;
    flaky.failVertices = true;
    const first = await a!.submitTx(createTx(nodeSignatures, author, 1, utf8("one")));
    expect(first.ok).toBe(true);
    await until("node 0 finalizes", () => a!.status().finalizedCount === 1);
    await until("a failed seal is counted", () => (a!.status().failures?.byTask.seal ?? 0) >= 2);
    const status = a!.status();
    expect(status.counters.verticesSealed).toBe(0);
    expect(status.failures!.lastError).toMatch(/^(seal|gossip-in): Error: injected ledger failure/);
    expect(status.failures!.total).toBeGreaterThanOrEqual(status.failures!.byTask.seal!);
    const text = renderPrometheus(a!.metrics());
    const line = text.split("\n").find((l) => l.startsWith('entropic_background_failures_total{task="seal"}'));
    expect(Number(line?.split(" ")[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^entropic_background_failures_total\{task="heads"\} 0$/m);
    expect(net.warnings[0]!.some((w) => /background task seal failed .*injected ledger failure/s.test(w))).toBe(true);
    // the node is alive and keeps deciding while its vertices cannot be stored
    const second = await a!.submitTx(createTx(nodeSignatures, author, 2, utf8("two")));
    expect(second.ok).toBe(true);
    await until("node 0 finalizes a second set", () => a!.status().finalizedCount === 2);
    // the disk recovers: the decisions that could not be sealed are sealed now, once each
    flaky.failVertices = false;
    await until("node 0 seals", () => a!.status().counters.verticesSealed > 0);
    await new Promise((r) => setTimeout(r, 100));
    const sealed = await ownSealedKeys(flaky, Buffer.from(nodeSignatures.generateKeyPair(new Uint8Array(32).fill(11)).publicKey).toString("hex"));
    expect(sealed.sort()).toEqual([first.ok ? first.conflict : "", second.ok ? second.conflict : ""].sort());
    expect(unhandled).toEqual([]);
  });

  it("recordFailure (the hook of the node command's unhandledRejection handler) counts under task unhandled", async () => {
    unhandled.length = 0;
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 2);
    const a = net.engines[0]!;
    a.recordFailure("unhandled", new Error("reached the process handler"));
    expect(a.status().failures).toMatchObject({ total: 1, byTask: { unhandled: 1 }, lastError: "unhandled: Error: reached the process handler" });
    expect(renderPrometheus(a.metrics())).toMatch(/^entropic_background_failures_total\{task="unhandled"\} 1$/m);
  });

  it("guardProcess: an unhandled rejection is written, then counted as task unhandled once the engine is attached", async () => {
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 1);
    const lines: string[] = [];
    const guard = guardProcess((line) => lines.push(line));
    try {
      process.emit("unhandledRejection", new Error("before the engine is up"), Promise.resolve());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^unhandled promise rejection .*before the engine is up/s);
      guard.attach(net.engines[0]!);
      process.emit("unhandledRejection", new Error("while running"), Promise.resolve());
      expect(net.engines[0]!.status().failures).toMatchObject({ total: 2, byTask: { unhandled: 2 }, lastError: "unhandled: Error: while running" });
      expect(net.warnings[0]!.at(-1)).toMatch(/background task unhandled failed .*while running/s);
    } finally {
      guard.dispose();
    }
    process.emit("unhandledRejection", new Error("after dispose"), Promise.resolve());
    expect(net.engines[0]!.status().failures!.total).toBe(2);
  });
});
