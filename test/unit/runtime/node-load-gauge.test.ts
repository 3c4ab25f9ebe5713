// The poll loop's load gauge (src/runtime/node/load-gauge.ts): the adaptive poll timeout
// (avalanchego's timeout manager and RFC 6298: the larger of 2 × a decaying average of
// answer latencies and that average + 4 deviations, clamped),
// and admission control by Little's law (a client's new set refused while the backlog
// exceeds the recent finalization rate × maxQueueDelayMs), alone and inside a node on
// simulated time.
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
    const g = new LoadGauge(1000, 10_000, 10_000, 256);
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
    const g = new LoadGauge(100, 10_000, 0, 0);
    g.observeLatency(4000, 0);
    expect(g.timeoutMs()).toBe(8000);
    // one fast answer 20 half-lives later outweighs the old one ~10⁶:1, in the mean and the spread
    g.observeLatency(10, 200_000);
    expect(g.timeoutMs()).toBeLessThan(100 + 20);
  });

  it("makes room for spread latencies (RFC 6298: mean + 4 deviations), not only for slow ones", () => {
    const g = new LoadGauge(50, 10_000, 0, 0);
    // answers alternating 20 and 180 ms: mean 100, standard deviation 80 → 100 + 4·80 = 420 ms
    for (let t = 0; t < 2000; t++) g.observeLatency(t % 2 === 0 ? 20 : 180, t);
    expect(g.timeoutMs()).toBeGreaterThan(400);
    expect(g.timeoutMs()).toBeLessThan(440);
    // steady 100 ms answers: the spread decays, twice the mean remains
    const h = new LoadGauge(50, 10_000, 0, 0);
    for (let t = 0; t < 2000; t++) h.observeLatency(100, t);
    expect(h.timeoutMs()).toBeGreaterThanOrEqual(200);
    expect(h.timeoutMs()).toBeLessThanOrEqual(201); // ceil of a float a hair above 200
  });

  it("admits the floor always, then the recent rate × the delay target (Little's law)", () => {
    const g = new LoadGauge(1000, 10_000, 10_000, 256);
    expect(g.overloaded(255, 0)).toBeNull();
    expect(g.overloaded(256, 0)).toMatch(/256 undecided conflict sets, and this node finalizes 0\.0\/s lately: more would wait over 10 s/);
    // finalizing 50 sets/s for a minute: the rate reads ~50/s and ~500 sets are admissible
    for (let t = 1; t <= 600; t++) g.observeFinalized(5 * t, t * 100);
    expect(g.finalizedPerSecond(60_000)).toBeGreaterThan(48);
    expect(g.finalizedPerSecond(60_000)).toBeLessThan(52);
    expect(g.overloaded(450, 60_000)).toBeNull();
    expect(g.overloaded(550, 60_000)).not.toBeNull();
    // nothing finalized for 5 half-lives: the rate decays, back to the floor
    expect(g.admissible(110_000)).toBe(256);
    const never = new LoadGauge(1000, 10_000, 0, 0);
    expect(never.overloaded(1e9, 0)).toBeNull();
  });

  it("property: admission is monotone in the backlog and never below the floor", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5000 })), { maxLength: 40 }), fc.nat(5000), (floor, steps, pending) => {
        const g = new LoadGauge(1000, 10_000, 10_000, floor);
        let total = 0;
        let now = 0;
        for (const [d, dt] of steps) {
          total += d;
          now += dt;
          g.observeFinalized(total, now);
        }
        if (pending < floor && g.overloaded(pending, now) !== null) return false;
        // refused at some backlog ⇒ refused at every larger one
        return g.overloaded(pending, now) === null || g.overloaded(pending + 1, now) !== null;
      }),
    );
  });

  it("property: the timeout stays within its bounds for any latencies and times", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 50 }),
        (min, extra, obs) => {
          const g = new LoadGauge(min, min + extra, 0, 0);
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
    expect(() => new LoadGauge(0, 10, 0, 0)).toThrow(RangeError);
    expect(() => new LoadGauge(2000, 1000, 0, 0)).toThrow(/poll timeout bounds/);
  });
});

describe("admission control in a node", () => {
  const running: TestNet[] = [];
  afterEach(async () => {
    for (const n of running.splice(0)) await stopTestNet(n);
  });
  const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(41));

  it("sheds a client's new sets beyond the admissible backlog, still answers resubmissions, and reports it", async () => {
    // beta 200: nothing finalizes during the test, so the floor (3) is the whole allowance
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 200 }, 3, () => ({ pollIntervalMs: 2, minAdmitted: 3 }));
    running.push(net);
    const e = net.nodes[0]!.engine;
    const txs = [1, 2, 3, 4].map((n) => createTx(nodeSignatures, author, n, utf8(`tx ${n}`)));
    for (const tx of txs.slice(0, 3)) expect((await net.run(e.submitTx(tx))).ok).toBe(true);
    const r4 = await net.run(e.submitTx(txs[3]!));
    expect(r4).toMatchObject({ ok: false, reason: "overloaded" });
    if (!r4.ok) expect(r4.detail).toMatch(/^3 undecided conflict sets, and this node finalizes 0\.0\/s lately/);
    // a transaction it holds is answered as before, not refused; so is a twin of a held set
    expect(await net.run(e.submitTx(txs[0]!))).toMatchObject({ ok: true, isNew: false });
    expect((await net.run(e.submitTx(createTx(nodeSignatures, author, 1, utf8("twin of tx 1")))))).toMatchObject({ ok: true, isNew: true });
    const metric = (name: string) => e.metrics().find((m) => m.name === name)?.value;
    expect(metric("entropic_tx_overloaded_total")).toBe(1);
    expect(metric("entropic_admissible_pending_sets")).toBe(3);
    expect(metric("entropic_poll_timeout_ms")).toBe(250); // the floor: no answer was slow yet
  });

  it("a failure while scheduling the next poll round is counted, never unhandled, and new work re-arms the loop", async () => {
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 5 }, 3, () => ({ pollIntervalMs: 2 }));
    running.push(net);
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on("unhandledRejection", onUnhandled);
    try {
      const e = net.nodes[0]!.engine;
      // Reach into the engine's state (private): the next `hasWork()` after a round throws once.
      const state = (e as unknown as { s: { hasWork(): boolean } }).s;
      const real = state.hasWork.bind(state);
      let armed = true;
      state.hasWork = () => {
        if (armed) {
          armed = false;
          throw new Error("injected: scheduling failed");
        }
        return real();
      };
      const first = await net.run(e.submitTx(createTx(nodeSignatures, author, 30, utf8("a"))));
      expect(first.ok).toBe(true);
      await net.until("the injected failure is counted", () => e.failures().byTask.poll >= 1, 10_000);
      expect(e.failures().lastError).toMatch(/injected: scheduling failed/);
      const second = await net.run(e.submitTx(createTx(nodeSignatures, author, 31, utf8("b"))));
      if (!first.ok || !second.ok) throw new Error("submissions refused");
      await net.until("both sets final here", () => e.getConflict(first.conflict)?.final !== undefined && e.getConflict(second.conflict)?.final !== undefined, 30_000);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("takes every submission with the default limit on a network that keeps up", async () => {
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 200 }, 3, () => ({ pollIntervalMs: 2 }));
    running.push(net);
    const e = net.nodes[0]!.engine;
    await net.run(e.submitTx(createTx(nodeSignatures, author, 10, utf8("a"))));
    await net.until("a poll round", () => e.status().counters.pollRounds >= 5);
    for (let k = 11; k < 20; k++) expect((await net.run(e.submitTx(createTx(nodeSignatures, author, k, utf8("a"))))).ok).toBe(true);
    expect(e.metrics().find((m) => m.name === "entropic_tx_overloaded_total")?.value).toBe(0);
    expect(e.metrics().find((m) => m.name === "entropic_poll_round_ms")?.value).toBeGreaterThan(0);
  });
});
