// The poll loop's load gauge (src/runtime/node/load-gauge.ts): the adaptive poll timeout
// (avalanchego's timeout manager: 2 × a decaying average of answer latencies, clamped),
// and admission control (client submissions refused while poll rounds are too slow),
// alone and inside a node on simulated time.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { LoadGauge } from "../../../src/runtime/node/load-gauge.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

describe("LoadGauge", () => {
  it("keeps the floor while answers are fast, and follows slow answers up to the ceiling", () => {
    const g = new LoadGauge(1000, 10_000, 1500);
    expect(g.timeoutMs()).toBe(1000);
    for (let t = 0; t < 50; t++) g.observeLatency(30, t * 10);
    expect(g.timeoutMs()).toBe(1000);
    // the machine saturates: answers take ~900 ms; within a few half-lives (10 s each) the
    // timeout makes room for them (2×)
    for (let t = 0; t < 400; t++) g.observeLatency(900, 1000 + t * 100);
    expect(g.timeoutMs()).toBeGreaterThan(1700);
    expect(g.timeoutMs()).toBeLessThanOrEqual(1800);
    for (let t = 0; t < 50; t++) g.observeLatency(60_000, 50_000 + t * 100);
    expect(g.timeoutMs()).toBe(10_000);
  });

  it("forgets old latencies with its half-life", () => {
    const g = new LoadGauge(100, 10_000, 0);
    g.observeLatency(4000, 0);
    expect(g.timeoutMs()).toBe(8000);
    // one fast answer 10 half-lives later outweighs the old one ~1000:1
    g.observeLatency(10, 100_000);
    expect(g.timeoutMs()).toBeLessThan(100 + 20);
  });

  it("is overloaded exactly while smoothed rounds exceed the limit, and never with limit 0", () => {
    const g = new LoadGauge(1000, 10_000, 1500);
    expect(g.overloaded()).toBeNull();
    g.observeRound(3000);
    expect(g.overloaded()).toMatch(/poll rounds take 3000 ms \(limit 1500 ms\)/);
    for (let i = 0; i < 40; i++) g.observeRound(100);
    expect(g.overloaded()).toBeNull();
    const never = new LoadGauge(1000, 10_000, 0);
    never.observeRound(1e9);
    expect(never.overloaded()).toBeNull();
  });

  it("property: the timeout stays within its bounds for any latencies and times", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 50 }),
        (min, extra, obs) => {
          const g = new LoadGauge(min, min + extra, 0);
          let now = 0;
          for (const [lat, dt] of obs) {
            now += dt;
            g.observeLatency(lat, now);
            const t = g.timeoutMs();
            if (!(t >= min && t <= min + extra)) return false;
          }
          return true;
        },
      ),
    );
  });

  it("refuses bounds that cannot hold", () => {
    expect(() => new LoadGauge(0, 10, 0)).toThrow(RangeError);
    expect(() => new LoadGauge(2000, 1000, 0)).toThrow(/poll timeout bounds/);
  });
});

describe("admission control in a node", () => {
  const running: TestNet[] = [];
  afterEach(async () => {
    for (const n of running.splice(0)) await stopTestNet(n);
  });
  const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(41));

  it("sheds new client work while rounds are slow, still answers resubmissions, and reports it", async () => {
    // Simulated hops take 1–3 ms, so any round outlasts a 1 ms limit: the node is "overloaded" from its first round.
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 200 }, 3, () => ({ pollIntervalMs: 2, overloadRoundMs: 1 }));
    running.push(net);
    const e = net.nodes[0]!.engine;
    const first = createTx(nodeSignatures, author, 1, utf8("first"));
    const r1 = await net.run(e.submitTx(first));
    expect(r1.ok).toBe(true);
    await net.until("a poll round", () => e.status().counters.pollRounds >= 2);
    const r2 = await net.run(e.submitTx(createTx(nodeSignatures, author, 2, utf8("second"))));
    expect(r2).toMatchObject({ ok: false, reason: "overloaded" });
    if (!r2.ok) expect(r2.detail).toMatch(/poll rounds take \d+ ms \(limit 1 ms\)/);
    // the transaction it holds is answered as before, not refused
    const again = await net.run(e.submitTx(first));
    expect(again).toMatchObject({ ok: true, isNew: false });
    const metric = (name: string) => e.metrics().find((m) => m.name === name)?.value;
    expect(metric("entropic_tx_overloaded_total")).toBe(1);
    expect(metric("entropic_poll_round_ms")).toBeGreaterThan(1);
    expect(metric("entropic_poll_timeout_ms")).toBe(1000);
  });

  it("takes every submission with the default limit on a network that keeps up", async () => {
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 200 }, 3, () => ({ pollIntervalMs: 2 }));
    running.push(net);
    const e = net.nodes[0]!.engine;
    await net.run(e.submitTx(createTx(nodeSignatures, author, 10, utf8("a"))));
    await net.until("a poll round", () => e.status().counters.pollRounds >= 5);
    for (let k = 11; k < 20; k++) expect((await net.run(e.submitTx(createTx(nodeSignatures, author, k, utf8("a"))))).ok).toBe(true);
    expect(e.metrics().find((m) => m.name === "entropic_tx_overloaded_total")?.value).toBe(0);
  });
});
