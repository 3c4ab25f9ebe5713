/**
 * The HTTP API of real live nodes (libp2p, LevelDB) at its default bounds, as issue 14 §4
 * and §5 measured it: a slowloris client gets 408 after the 10 s headers timeout instead
 * of holding its socket; of 200 event clients that never read, 128 get a stream and the
 * rest a 503; the metrics of a node that finalized transactions pass `promtool check
 * metrics` and count its signature verifications; `/v1/openapi.json` is docs/openapi.json.
 */
import "../../src/runtime/polyfill.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes.js";
import { createTx } from "../../src/core/tx.js";
import { NodeClient } from "../../src/runtime/api/client.js";
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_EVENT_STREAMS } from "../../src/runtime/api/options.js";
import { nodeSignatures } from "../../src/runtime/crypto-node.js";
import { createNode, type RunningNode } from "../../src/runtime/node/start.js";

const havePromtool = spawnSync("promtool", ["--version"]).status === 0;
if (!havePromtool) console.warn("api-live: promtool not found (Debian package `prometheus`); skipping its check");

const nodes: RunningNode[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    nodes.push(
      await createNode({
        dataDir: mkdtempSync(join(tmpdir(), "entropic-api-live-")),
        protocol: "snowball",
        params: { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 8 },
        bootstrap: nodes.map((n) => n.multiaddrs[0]!),
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const n of nodes) await n.stop();
});

function port(node: RunningNode): number {
  return Number(new URL(node.api).port);
}

describe("the HTTP API of a live node, at its default bounds", () => {
  it(
    "answers a slowloris client with 408 once the headers timeout passes",
    async () => {
      const socket = connect(port(nodes[0]!), "127.0.0.1");
      sockets.push(socket);
      socket.on("error", () => {});
      let received = "";
      socket.on("data", (d: Buffer) => (received += d.toString("latin1")));
      const t0 = performance.now();
      const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now() - t0)));
      const request = `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ${"z".repeat(400)}\r\n\r\n`;
      let i = 0;
      const drip = setInterval(() => {
        if (i < request.length && !socket.destroyed) socket.write(request[i++]!);
      }, 25);
      const ms = await closed;
      clearInterval(drip);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeGreaterThanOrEqual(DEFAULT_HEADERS_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(DEFAULT_HEADERS_TIMEOUT_MS + 3_000);
      const metrics = await new NodeClient(nodes[0]!.api).metricsText();
      expect(metrics).toMatch(/^entropic_http_request_timeouts_total [1-9]/m);
    },
    30_000,
  );

  it("of 200 event clients that never read, 128 get a stream and 72 a 503", async () => {
    const clients = Array.from({ length: 200 }, () => {
      const s = connect(port(nodes[1]!), "127.0.0.1");
      sockets.push(s);
      s.on("error", () => {});
      let head = "";
      s.on("data", (d: Buffer) => {
        if (head.length < 16) head += d.toString("latin1");
        // Read the status line only, then stop reading, as the clients did.
        if (head.length >= 12) s.pause();
      });
      s.write("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
      return () => head;
    });
    const t0 = performance.now();
    while (clients.some((h) => h().length < 12) && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    const statuses = clients.map((h) => h().slice(9, 12));
    expect(statuses.filter((s) => s === "200")).toHaveLength(DEFAULT_MAX_EVENT_STREAMS);
    expect(statuses.filter((s) => s === "503")).toHaveLength(200 - DEFAULT_MAX_EVENT_STREAMS);
    const metrics = await new NodeClient(nodes[1]!.api).metricsText();
    expect(metrics).toContain(`entropic_event_streams ${DEFAULT_MAX_EVENT_STREAMS}\n`);
    expect(metrics).toContain(`entropic_event_streams_refused_total ${200 - DEFAULT_MAX_EVENT_STREAMS}\n`);
  }, 30_000);

  it("serves docs/openapi.json at /v1/openapi.json", async () => {
    const served = await (await fetch(`${nodes[2]!.api}/v1/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync(join(import.meta.dirname, "../../docs/openapi.json"), "utf8")));
  });

  it(
    "exposes metrics that pass promtool after finalizing, with the node's signature verifications counted",
    async () => {
      const client = new NodeClient(nodes[2]!.api);
      const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(9));
      const cids: string[] = [];
      for (let n = 0; n < 3; n++) cids.push((await client.submitTx(createTx(nodeSignatures, author, 100 + n, utf8(`live ${n}`)))).cid);
      const t0 = performance.now();
      for (;;) {
        const views = await Promise.all(cids.map((c) => client.getTx(c)));
        if (views.every((v) => v.status === "finalized")) break;
        if (performance.now() - t0 > 30_000) throw new Error("not finalized in 30 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      const text = await client.metricsText();
      expect(text).toMatch(/^entropic_finality_latency_seconds_count [3-9]/m);
      const ok = Number(/^entropic_signature_verifications_total\{result="ok"\} (\d+)/m.exec(text)?.[1]);
      expect(ok).toBeGreaterThan(3); // the API's checks plus the engines' (transactions, poll answers, vertices)
      expect(text).not.toMatch(/_ms(_total)? /);
      if (havePromtool) {
        const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
        expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
        expect(r.status).toBe(0);
      }
    },
    60_000,
  );
});
