// Background work of the live node (sealing, heads, polls, gossip, fetches): nothing may
// reject unhandled. A failure is caught, counted in /v1/metrics and /v1/status, and the
// node keeps running. Also the decision queue: one set finalized by two paths at once (a
// poll round and an answer to a peer) must not reach the vertex encoder twice, which threw
// "decisions must be strictly ascending by conflict key" inside a timer and killed T-MESH nodes.
//
// Every test runs on SIMULATED time (issue 11; node-net.ts): the engines share one
// ManualClock, links deliver 1–3 simulated ms later, and the ledgers' commit delays are
// timers on that clock, so the interleavings are the same on any machine at any load.
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../../src/core/bytes.js";
import { cidOf } from "../../../src/core/codec.js";
import { createTx } from "../../../src/core/tx.js";
import { decodeVertex } from "../../../src/core/vertex.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { tmesh } from "../../../src/protocols/tmesh/index.js";
import { renderPrometheus } from "../../../src/runtime/api/prometheus.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { sealableDecisions } from "../../../src/runtime/node/engine.js";
import { guardProcess } from "../../../src/runtime/node/start.js";
import type { LedgerBatch } from "../../../src/runtime/ports.js";
import type { SimTime } from "../../../src/runtime/simnet/time.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

/**
 * A memory ledger whose commits take `delayMs` SIMULATED ms (as a disk's fsync does; a
 * timer on the network's clock, so commits of one node overlap as concurrent writes do)
 * and whose commits of vertices fail while `failVertices` is set (a full disk, say).
 */
class FlakyLedger extends MemoryLedger {
  failVertices = false;
  vertexFailures = 0;

  constructor(
    private readonly time: SimTime,
    private readonly delayMs = 0,
  ) {
    super();
  }

  override async commit(batch: LedgerBatch): Promise<void> {
    if (this.delayMs > 0) await new Promise<void>((r) => this.time.clock.after(this.delayMs, r));
    if (this.failVertices && (batch.vertices?.length ?? 0) > 0) {
      this.vertexFailures++;
      throw new Error("injected ledger failure: no space left on device");
    }
    return super.commit(batch);
  }
}

interface Net extends TestNet {
  readonly ledgers: FlakyLedger[];
  readonly warnings: string[][];
}

const FAST = { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 };

let running: Net | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

afterEach(async () => {
  if (running) await stopTestNet(running);
  running = undefined;
});

async function startNet(protocol: ConsensusProtocol<unknown>, rawParams: Record<string, unknown>, n: number, commitDelayMs = 0): Promise<Net> {
  const ledgers: FlakyLedger[] = [];
  const warnings: string[][] = Array.from({ length: n }, () => []);
  const net = await startTestNet(protocol, rawParams, n, () => FAST, {
    ledger: (i, time) => (ledgers[i] = new FlakyLedger(time, commitDelayMs)),
    warn: (i) => (line) => warnings[i]!.push(line),
  });
  running = Object.assign(net, { ledgers, warnings });
  return running;
}

/** The hex public key node `i` signs its vertices with. */
const authorHex = (net: Net, i: number) => Buffer.from(nodeSignatures.generateKeyPair(net.nodes[i]!.seed).publicKey).toString("hex");

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
    // Commits take 5 simulated ms: a poll round and an answer to a peer both see a set final
    // while its decision is being written (the window of the double finalization).
    const net = await startNet(tmesh as ConsensusProtocol<unknown>, {}, 3, 5);
    const engines = net.nodes.map((x) => x.engine);
    const keys = new Set<string>();
    const results = await net.run(
      Promise.all(Array.from({ length: 60 }, (_, k) => engines[k % 3]!.submitTx(createTx(nodeSignatures, author, 5000 + k, utf8(`concurrent ${k}`))))),
      "60 submissions",
    );
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (r.ok) keys.add(r.conflict);
    }
    expect(keys.size).toBe(60);
    await net.until("every node finalizes every set", () => engines.every((e) => e.status().finalizedCount === keys.size));
    await net.until("every node seals every decision", () => engines.every((e) => e.status().counters.finalized === keys.size && e.status().counters.verticesSealed > 0));
    await net.sleep(100); // a last seal tick
    for (const [i, e] of engines.entries()) {
      const sealed = await ownSealedKeys(net.ledgers[i]!, authorHex(net, i));
      expect(sealed.length).toBe(new Set(sealed).size); // no key sealed twice
      expect(new Set(sealed)).toEqual(keys);
      expect(e.status().failures).toMatchObject({ total: 0, lastError: null });
    }
    expect(new Set(engines.map((e) => e.status().ledgerRoot)).size).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it("a seal whose ledger write fails is caught, counted in status and metrics, and retried; the node keeps deciding", async () => {
    unhandled.length = 0;
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 2);
    const a = net.nodes[0]!.engine;
    const flaky = net.ledgers[0]!;
    flaky.failVertices = true;
    const first = await net.run(a.submitTx(createTx(nodeSignatures, author, 1, utf8("one"))));
    expect(first.ok).toBe(true);
    await net.until("node 0 finalizes", () => a.status().finalizedCount === 1);
    await net.until("a failed seal is counted", () => (a.status().failures?.byTask.seal ?? 0) >= 2);
    const status = a.status();
    expect(status.counters.verticesSealed).toBe(0);
    expect(flaky.vertexFailures).toBeGreaterThanOrEqual(2);
    expect(status.failures!.lastError).toMatch(/^(seal|gossip-in): Error: injected ledger failure/);
    expect(status.failures!.total).toBeGreaterThanOrEqual(status.failures!.byTask.seal!);
    const text = renderPrometheus(a.metrics());
    const line = text.split("\n").find((l) => l.startsWith('entropic_background_failures_total{task="seal"}'));
    expect(Number(line?.split(" ")[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^entropic_background_failures_total\{task="heads"\} 0$/m);
    expect(net.warnings[0]!.some((w) => /background task seal failed .*injected ledger failure/s.test(w))).toBe(true);
    // the node is alive and keeps deciding while its vertices cannot be stored
    const second = await net.run(a.submitTx(createTx(nodeSignatures, author, 2, utf8("two"))));
    expect(second.ok).toBe(true);
    await net.until("node 0 finalizes a second set", () => a.status().finalizedCount === 2);
    // the disk recovers: the decisions that could not be sealed are sealed now, once each
    flaky.failVertices = false;
    await net.until("node 0 seals", () => a.status().counters.verticesSealed > 0);
    await net.sleep(100);
    const sealed = await ownSealedKeys(flaky, authorHex(net, 0));
    expect(sealed.sort()).toEqual([first.ok ? first.conflict : "", second.ok ? second.conflict : ""].sort());
    expect(unhandled).toEqual([]);
  });

  it("recordFailure (the hook of the node command's unhandledRejection handler) counts under task unhandled", async () => {
    unhandled.length = 0;
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 2);
    const a = net.nodes[0]!.engine;
    a.recordFailure("unhandled", new Error("reached the process handler"));
    expect(a.status().failures).toMatchObject({ total: 1, byTask: { unhandled: 1 }, lastError: "unhandled: Error: reached the process handler" });
    expect(renderPrometheus(a.metrics())).toMatch(/^entropic_background_failures_total\{task="unhandled"\} 1$/m);
  });

  // Emits on the real `process` (guardProcess installs a real process-level handler), but
  // synchronously: it needs no real timer, so it runs on the simulated net like the rest.
  it("guardProcess: an unhandled rejection is written, then counted as task unhandled once the engine is attached", async () => {
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 1);
    const engine = net.nodes[0]!.engine;
    const lines: string[] = [];
    const guard = guardProcess((line) => lines.push(line));
    try {
      process.emit("unhandledRejection", new Error("before the engine is up"), Promise.resolve());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^unhandled promise rejection .*before the engine is up/s);
      guard.attach(engine);
      process.emit("unhandledRejection", new Error("while running"), Promise.resolve());
      expect(engine.status().failures).toMatchObject({ total: 2, byTask: { unhandled: 2 }, lastError: "unhandled: Error: while running" });
      expect(net.warnings[0]!.at(-1)).toMatch(/background task unhandled failed .*while running/s);
    } finally {
      guard.dispose();
    }
    process.emit("unhandledRejection", new Error("after dispose"), Promise.resolve());
    expect(engine.status().failures!.total).toBe(2);
  });
});
