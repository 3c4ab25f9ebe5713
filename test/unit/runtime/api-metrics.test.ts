// `/v1/metrics` follows Prometheus naming (base units, `_total` counters), carries the
// finality-latency histogram and signature-verification counters, and passes
// `promtool check metrics` on a real engine's exposition (skipped with a notice where
// Debian's `prometheus` package is not installed; CI installs it).
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createRng } from "../../../src/core/prng.js";
import { createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { MemoryNetwork } from "../../../src/runtime/transport/memory.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { NodeEngine } from "../../../src/runtime/node/engine.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { Transport } from "../../../src/runtime/ports.js";
import { startApiServer, type ApiServer } from "../../../src/runtime/api/server.js";
import { txToJson } from "../../../src/runtime/api/json.js";
import { renderPrometheus } from "../../../src/runtime/api/prometheus.js";
import {
  countingSignatures,
  FINALITY_LATENCY_BUCKETS_SECONDS,
  finalityLatencyHistogram,
  Histogram,
  SignatureCounts,
  toBaseUnits,
} from "../../../src/runtime/api/metrics.js";
import { FakeNode, signedTx } from "./api-fake-node.js";
import { parseExposition } from "./prometheus-parse.js";

const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const havePromtool = promtool.error === undefined && promtool.status === 0;
if (!havePromtool) console.warn("api-metrics: promtool not found (Debian package `prometheus`); skipping the promtool checks");

/** `promtool check metrics` on `text`: its exit status and what it printed. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

const servers: ApiServer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const c of cleanups.splice(0)) await c();
});

describe("metrics: histogram, units, signature counts", () => {
  it("keeps cumulative buckets, sum and count, and renders them as one histogram family", () => {
    const h = new Histogram("x_seconds", "help", [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 3, 30, Number.NaN, -1]) h.observe(v);
    const snap = h.snapshot();
    expect(snap.buckets).toEqual([
      { le: 0.1, count: 2 },
      { le: 1, count: 3 },
      { le: 10, count: 4 },
    ]);
    expect(snap.count).toBe(5);
    expect(snap.sum).toBeCloseTo(33.65, 10);
    const text = renderPrometheus([snap]);
    expect(text).toBe(
      [
        "# HELP x_seconds help",
        "# TYPE x_seconds histogram",
        'x_seconds_bucket{le="0.1"} 2',
        'x_seconds_bucket{le="1"} 3',
        'x_seconds_bucket{le="10"} 4',
        'x_seconds_bucket{le="+Inf"} 5',
        "x_seconds_sum 33.65",
        "x_seconds_count 5",
        "",
      ].join("\n"),
    );
    const family = parseExposition(text).get("x_seconds")!;
    expect(family.type).toBe("histogram");
    expect(family.samples.map((s) => s.suffix)).toEqual(["_bucket", "_bucket", "_bucket", "_bucket", "_sum", "_count"]);
    expect(() => new Histogram("bad", "h", [1, 1])).toThrow(RangeError);
  });

  it("renames millisecond metrics to seconds and gives counters `_total`", () => {
    const out = toBaseUnits([
      { name: "entropic_poll_ms_total", help: "count of pollMs", type: "counter", value: 2500 },
      { name: "entropic_lag_ms", help: "lag", type: "gauge", value: 40 },
      { name: "entropic_rounds", help: "rounds", type: "counter", value: 3 },
      { name: "entropic_peers", help: "peers", type: "gauge", value: 4 },
    ]);
    expect(out.map((s) => [s.name, s.value])).toEqual([
      ["entropic_poll_seconds_total", 2.5],
      ["entropic_lag_seconds", 0.04],
      ["entropic_rounds_total", 3],
      ["entropic_peers", 4],
    ]);
  });

  it("counts verifications as ok, refused (by the refusal hook) or bad", () => {
    const counts = new SignatureCounts();
    const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(5));
    const zeroKey = new Uint8Array(32);
    const scheme = countingSignatures(nodeSignatures, counts, (pk, sig) => pk.every((b) => b === 0) || sig.length !== 64);
    const msg = utf8("m");
    const sig = scheme.sign(keys.secretKey, msg);
    expect(scheme.verify(keys.publicKey, msg, sig)).toBe(true);
    expect(scheme.verify(keys.publicKey, utf8("other"), sig)).toBe(false);
    expect(scheme.verify(zeroKey, msg, new Uint8Array(64))).toBe(false);
    expect(scheme.verify(keys.publicKey, msg, sig.subarray(0, 10))).toBe(false);
    expect({ ok: counts.ok, refused: counts.refused, bad: counts.bad }).toEqual({ ok: 1, refused: 2, bad: 1 });
    // The default check is the strict encoding rules: the all-zero (small-order) key is refused.
    const strict = new SignatureCounts();
    const byDefault = countingSignatures(nodeSignatures, strict);
    expect(byDefault.verify(zeroKey, msg, new Uint8Array(64))).toBe(false);
    expect(byDefault.verify(keys.publicKey, utf8("other"), sig)).toBe(false);
    expect({ ok: strict.ok, refused: strict.refused, bad: strict.bad }).toEqual({ ok: 0, refused: 1, bad: 1 });
  });

  it("the server observes finalized events into the histogram and exposes the scheme's verification counts", async () => {
    const node = new FakeNode();
    const server = await startApiServer(node);
    // nodeSignatures counts every verification in this process: compare before and after.
    const before = { ...nodeSignatures.verifications };
    servers.push(server);
    for (const latencyMs of [30, 700, 20_000]) node.emit({ type: "finalized", conflict: "k", cid: "c", latencyMs, at: 1 });
    const good = txToJson(signedTx(1, "good"));
    const post = (body: unknown) =>
      fetch(`${server.url}/v1/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(good)).status).toBe(202);
    const bad = { ...good, payload: Buffer.from("tampered").toString("base64") };
    expect((await post(bad)).status).toBe(400);
    const families = parseExposition(await (await fetch(`${server.url}/v1/metrics`)).text());
    const hist = families.get("entropic_finality_latency_seconds")!;
    expect(hist.type).toBe("histogram");
    const bucket = (le: string) => hist.samples.find((s) => s.suffix === "_bucket" && s.labels.le === le)!.value;
    expect(bucket("0.025")).toBe(0);
    expect(bucket("0.05")).toBe(1);
    expect(bucket("1")).toBe(2);
    expect(bucket("10")).toBe(2);
    expect(bucket("30")).toBe(3);
    expect(bucket("+Inf")).toBe(3);
    expect(hist.samples.find((s) => s.suffix === "_sum")!.value).toBeCloseTo(20.73, 10);
    expect(hist.samples.filter((s) => s.suffix === "_bucket")).toHaveLength(FINALITY_LATENCY_BUCKETS_SECONDS.length + 1);
    const sigs = families.get("entropic_signature_verifications_total")!;
    expect(sigs.type).toBe("counter");
    const after = Object.fromEntries(sigs.samples.map((s) => [s.labels.result, s.value]));
    expect({ ok: after.ok! - before.ok, refused: after.refused! - before.refused, bad: after.bad! - before.bad }).toEqual({ ok: 1, refused: 0, bad: 1 });
    // (one verification per submitted transaction, the node's: the server makes none of its own)
    // The fake node's own samples pass through.
    expect(families.get("entropic_messages_total")!.samples).toHaveLength(2);
  });

  it("the forged zero-key transaction is refused by the node's one check (counted as refused), not twice", async () => {
    const server = await startApiServer(new FakeNode());
    servers.push(server);
    const before = { ...nodeSignatures.verifications };
    const zero = { author: "00".repeat(32), nonce: 1, payload: "", signature: "00".repeat(64) };
    const r = await fetch(`${server.url}/v1/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(zero) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("bad-signature");
    const v = nodeSignatures.verifications;
    expect({ ok: v.ok - before.ok, refused: v.refused - before.refused, bad: v.bad - before.bad }).toEqual({ ok: 0, refused: 1, bad: 0 });
  });

  it("a fresh finality histogram renders zero buckets", () => {
    const text = renderPrometheus([finalityLatencyHistogram().snapshot()]);
    expect(text).toContain('entropic_finality_latency_seconds_bucket{le="+Inf"} 0\n');
    expect(text).toContain("entropic_finality_latency_seconds_count 0\n");
  });
});

describe("metrics: promtool check metrics", () => {
  // CI installs promtool (.ci/install-promtool.sh): there, a missing one is a failure, not a skip.
  it.runIf(process.env.CI === "true" && !havePromtool)("has promtool under CI", () => {
    expect.fail("promtool is missing under CI=true: .ci/install-promtool.sh should have installed Debian's prometheus package");
  });

  it.skipIf(!havePromtool)("flags the old abbreviated unit (so the check below can fail)", () => {
    const r = promtoolCheck("# HELP entropic_poll_ms_total x\n# TYPE entropic_poll_ms_total counter\nentropic_poll_ms_total 1\n");
    expect(r.output).toMatch(/abbreviated units|base unit/);
  });

  it.skipIf(!havePromtool)(
    "passes on a real engine's exposition after finalizing transactions",
    async () => {
      const net = new MemoryNetwork();
      const counts = new SignatureCounts();
      const crypto = { ...nodeCrypto, signatures: countingSignatures(nodeCrypto.signatures, counts) };
      const engines: NodeEngine[] = [];
      const transports: Transport[] = [];
      const ledgers: MemoryLedger[] = [];
      cleanups.push(async () => {
        for (const e of engines) await e.stop();
        for (const t of transports) await t.stop();
        for (const l of ledgers) await l.close();
      });
      for (let i = 0; i < 4; i++) {
        const seed = new Uint8Array(32).fill(i + 1);
        const transport = net.createTransport(peerIdFromKeySeed(seed));
        const ledger = new MemoryLedger();
        await ledger.open();
        await transport.start();
        transports.push(transport);
        ledgers.push(ledger);
        engines.push(
          await NodeEngine.open({
            protocol: snowball,
            params: snowball.params.parse({ k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 8 }),
            transport,
            ledger,
            clock: systemClock,
            crypto,
            keys: nodeSignatures.generateKeyPair(seed),
            rng: createRng(i, "api-metrics"),
            tuning: { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 },
          }),
        );
      }
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) await transports[i]!.dial(transports[j]!.addresses()[0]!);
      const server = await startApiServer(engines[0]!, { signatureCounts: counts });
      servers.push(server);
      for (const e of engines) e.start();

      const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(77));
      const cids: string[] = [];
      for (let n = 0; n < 5; n++) {
        const tx = createTx(nodeSignatures, author, n, utf8(`metrics ${n}`));
        const r = await fetch(`${server.url}/v1/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(txToJson(tx)) });
        expect(r.status).toBe(202);
        cids.push(((await r.json()) as { cid: string }).cid);
      }
      const t0 = performance.now();
      while (!cids.every((cid) => engines[0]!.getTx(cid)?.status === "finalized")) {
        if (performance.now() - t0 > 20_000) throw new Error("transactions not finalized in 20 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      const text = await (await fetch(`${server.url}/v1/metrics`)).text();
      const check = promtoolCheck(text);
      expect(check.output).toBe("");
      expect(check.status).toBe(0);
      const families = parseExposition(text);
      expect([...families.keys()].filter((n) => /_ms(_|$)/.test(n))).toEqual([]);
      expect(families.get("entropic_poll_seconds_total")?.type).toBe("counter");
      const hist = families.get("entropic_finality_latency_seconds")!;
      expect(hist.samples.find((s) => s.suffix === "_count")!.value).toBe(5);
      const sigs = Object.fromEntries(families.get("entropic_signature_verifications_total")!.samples.map((s) => [s.labels.result, s.value]));
      // The API checked 5 submissions; the engines verified those again and every poll answer.
      expect(sigs.ok).toBeGreaterThan(5);
      expect(sigs.bad).toBe(0);
      // Every message through the node's transport, by direction and kind: polls went out and came back.
      const msgs = families.get("entropic_messages_total")!;
      expect(msgs.type).toBe("counter");
      const msg = (direction: string, kind: string) => msgs.samples.find((x) => x.labels.direction === direction && x.labels.kind === kind)!.value;
      expect(msg("out", "request")).toBeGreaterThan(0);
      expect(msg("in", "response")).toBeGreaterThan(0);
      expect(msg("in", "response")).toBeLessThanOrEqual(msg("out", "request"));
      const bytes = families.get("entropic_message_bytes_total")!;
      expect(bytes.samples.find((x) => x.labels.direction === "out" && x.labels.kind === "request")!.value).toBeGreaterThan(msg("out", "request"));
    },
    60_000,
  );
});
