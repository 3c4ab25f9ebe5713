// Slow and hostile clients on real sockets (issue 14 §4): headers or bodies that never
// complete get 408 within the configured bound, one address cannot hold more than its
// share of connections, event clients that do not read are dropped, and the number of
// event streams is capped. Timeouts are set small so the tests run fast.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import { request as httpRequest } from "node:http";
import type { ApiServerOptions } from "../../../src/runtime/api/options.js";
import { startApiServer, type ApiServer } from "../../../src/runtime/api/server.js";
import { FakeNode, waitFor } from "./api-fake-node.js";
import { parseExposition } from "./prometheus-parse.js";

let node: FakeNode;
let server: ApiServer | undefined;
const sockets: Socket[] = [];
const logLines: string[] = [];

async function start(options: ApiServerOptions): Promise<ApiServer> {
  node = new FakeNode();
  server = await startApiServer(node, { logger: (line) => logLines.push(line), ...options });
  return server;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
  logLines.length = 0;
});

/** A raw TCP client: everything it receives, and when it closed (ms after `t0`). */
function rawClient(port: number): { socket: Socket; received: () => string; closedAt: () => number | undefined; t0: number } {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  socket.on("error", () => {});
  let text = "";
  let closed: number | undefined;
  const t0 = performance.now();
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  socket.on("close", () => (closed = performance.now() - t0));
  return { socket, received: () => text, closedAt: () => closed, t0 };
}

function statusOf(raw: string): number {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(raw);
  return m === null ? 0 : Number(m[1]);
}

function jsonBodyOf(raw: string): { error: { code: string; message: string } } {
  return JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as { error: { code: string; message: string } };
}

async function metric(s: ApiServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const families = parseExposition(await (await fetch(`${s.url}/v1/metrics`)).text());
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const sample = family.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (sample === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return sample.value;
}

describe("HTTP API: slow clients get 408", () => {
  it("answers a client sending its headers byte by byte with 408 within the headers timeout", async () => {
    const s = await start({ headersTimeoutMs: 400 });
    const c = rawClient(s.port);
    const request = `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(200)}\r\n\r\n`;
    let i = 0;
    // One byte every 20 ms: the whole request would take > 5 s.
    const drip = setInterval(() => {
      if (i < request.length && !c.socket.destroyed) c.socket.write(request[i++]!);
    }, 20);
    try {
      await waitFor(() => c.closedAt() !== undefined, "the server to close the slow connection", 5_000);
    } finally {
      clearInterval(drip);
    }
    expect(i).toBeLessThan(request.length); // it never finished its headers
    expect(statusOf(c.received())).toBe(408);
    expect(jsonBodyOf(c.received()).error.code).toBe("timeout");
    // Node checks the bound on a timer of a quarter of it: 408 at 400–500 ms (slack for a loaded machine).
    expect(c.closedAt()!).toBeGreaterThanOrEqual(350);
    expect(c.closedAt()!).toBeLessThan(4_000);
    expect(await metric(s, "entropic_http_request_timeouts_total")).toBe(1);
  });

  it("answers a connection that sends nothing with 408 and closes it", async () => {
    const s = await start({ headersTimeoutMs: 300 });
    const c = rawClient(s.port);
    await waitFor(() => c.closedAt() !== undefined, "the server to close the idle connection", 5_000);
    expect(statusOf(c.received())).toBe(408);
    expect(c.closedAt()!).toBeLessThan(4_000);
  });

  it("answers a body that never completes with 408 within the body timeout, the node untouched", async () => {
    const s = await start({ headersTimeoutMs: 5_000, bodyTimeoutMs: 300 });
    const c = rawClient(s.port);
    c.socket.write("POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"author\":");
    await waitFor(() => c.closedAt() !== undefined, "the server to close the stalled upload", 5_000);
    expect(statusOf(c.received())).toBe(408);
    expect(jsonBodyOf(c.received()).error.code).toBe("timeout");
    expect(c.received()).toContain("Connection: close");
    expect(c.closedAt()!).toBeGreaterThanOrEqual(250);
    expect(c.closedAt()!).toBeLessThan(4_000);
    expect(node.submitCalls).toBe(0);
    expect(await metric(s, "entropic_http_request_timeouts_total")).toBe(1);
  });

  it("does not time out a request that completes in time on a kept-alive connection", async () => {
    const s = await start({ headersTimeoutMs: 300, bodyTimeoutMs: 300 });
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${s.url}/v1/health`);
      expect(r.status).toBe(200);
      await r.text();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await metric(s, "entropic_http_request_timeouts_total")).toBe(0);
  });
});

describe("HTTP API: per-address connection cap", () => {
  it("refuses one connection more than the cap with 503, and accepts again once one closes", async () => {
    const s = await start({ maxConnectionsPerIp: 3, headersTimeoutMs: 5_000 });
    const held = [rawClient(s.port), rawClient(s.port), rawClient(s.port)];
    for (const h of held) await new Promise<void>((resolve) => (h.socket.connecting ? h.socket.once("connect", () => resolve()) : resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const extra = rawClient(s.port);
    extra.socket.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => extra.closedAt() !== undefined, "the extra connection to be closed", 3_000);
    expect(statusOf(extra.received())).toBe(503);
    expect(jsonBodyOf(extra.received()).error.code).toBe("too-many-connections");
    expect(node.submitCalls).toBe(0);
    // The held connections still work.
    held[0]!.socket.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => held[0]!.received().includes('{"ok":true}'), "a held connection to answer");
    held[1]!.socket.destroy();
    held[2]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    held[0]!.socket.write("GET /v1/metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => held[0]!.received().includes("entropic_http_connections_refused_total 1"), "the refusal counted");
  });
});

describe("HTTP API: event-stream limits", () => {
  /** Opens a raw event stream that never reads. */
  async function neverReading(s: ApiServer): Promise<ReturnType<typeof rawClient>> {
    const c = rawClient(s.port);
    c.socket.write("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    c.socket.pause();
    return c;
  }

  const big = { type: "observables" as const, at: 0, values: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`value${i}`, i])) };
  const eventBytes = `event: observables\ndata: ${JSON.stringify(big)}\n\n`.length;

  it("disconnects a never-reading client once its queue exceeds the byte bound, and counts it", async () => {
    const s = await start({ maxEventBufferBytes: 256 * 1024, eventStallMs: 60_000 });
    const c = await neverReading(s);
    await waitFor(() => s.eventStreamCount() === 1, "the stream");
    let sent = 0;
    for (let round = 0; round < 4_000 && s.eventStreamCount() > 0; round++) {
      for (let i = 0; i < 20; i++) node.emit(big);
      sent += 20 * eventBytes;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(s.eventStreamCount()).toBe(0);
    c.socket.resume(); // read what was queued, then the end of the stream
    await waitFor(() => c.closedAt() !== undefined, "the socket to close", 10_000);
    // Before the bound bites, the kernel's socket buffers absorb what they can (a few MiB on
    // loopback); beyond them the server held at most the bound plus one event.
    expect(sent).toBeGreaterThan(256 * 1024);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(await metric(s, "entropic_event_streams_dropped_total", { reason: "buffer" })).toBe(1);
    expect(logLines.some((l) => l.includes("too slow"))).toBe(true);
  });

  it("disconnects a client whose socket stays backed up longer than the stall bound", async () => {
    const s = await start({ maxEventBufferBytes: 64 * 1024 * 1024, eventStallMs: 200 });
    const c = await neverReading(s);
    await waitFor(() => s.eventStreamCount() === 1, "the stream");
    // Fill the kernel's buffers until the socket refuses more (far below the byte bound).
    const t0 = performance.now();
    while (s.eventStreamCount() > 0 && performance.now() - t0 < 20_000) {
      for (let i = 0; i < 20; i++) node.emit(big);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(s.eventStreamCount()).toBe(0);
    c.socket.resume(); // read what was queued, then the end of the stream
    await waitFor(() => c.closedAt() !== undefined, "the socket to close", 10_000);
    expect(await metric(s, "entropic_event_streams_dropped_total", { reason: "stall" })).toBe(1);
    expect(await metric(s, "entropic_event_streams_dropped_total", { reason: "buffer" })).toBe(0);
  });

  it("keeps a client that reads, under the same bounds and load", async () => {
    const s = await start({ maxEventBufferBytes: 256 * 1024, eventStallMs: 2_000 });
    let received = 0;
    const req = httpRequest(`${s.url}/v1/events`, (res) => res.on("data", (chunk: Buffer) => (received += chunk.length)));
    req.on("error", () => {});
    req.end();
    await waitFor(() => s.eventStreamCount() === 1, "the stream");
    const total = 2_000;
    for (let round = 0; round < total / 20; round++) {
      for (let i = 0; i < 20; i++) node.emit(big);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor(() => received >= total * eventBytes, "every event to arrive", 10_000);
    expect(s.eventStreamCount()).toBe(1);
    req.destroy();
  });

  it("answers 503 too-many-streams beyond the stream cap, and serves again once one closes", async () => {
    const s = await start({ maxEventStreams: 2 });
    const a = await neverReading(s);
    await neverReading(s);
    await waitFor(() => s.eventStreamCount() === 2, "two streams");
    const r = await fetch(`${s.url}/v1/events`);
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("5");
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too-many-streams");
    expect(body.error.message).toContain("at most 2");
    a.socket.destroy();
    await waitFor(() => s.eventStreamCount() === 1, "one stream left");
    const again = await fetch(`${s.url}/v1/events`);
    expect(again.status).toBe(200);
    await again.body?.cancel();
    expect(await metric(s, "entropic_event_streams_refused_total")).toBe(1);
  });

  it("refuses a bound that is not a positive number instead of ignoring it", async () => {
    await expect(startApiServer(new FakeNode(), { maxEventStreams: 0 })).rejects.toThrow(/maxEventStreams must be a positive number/);
    await expect(startApiServer(new FakeNode(), { headersTimeoutMs: Number.NaN })).rejects.toThrow(/headersTimeoutMs/);
  });
});
