// Per-address request budgets of the HTTP API (issue 14 §4: keep the consensus path
// responsive under API abuse). The guard's token buckets on an injected clock, checked
// against a reference model with fast-check; then the server on real sockets: an address
// that exhausts its malformed or request budget is answered 429 only after the throttle
// delay (so a client that waits for answers is slowed to its concurrency per delay),
// without reaching the node, while other addresses are served as before.
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { AddressGuard, MAX_GUARD_ENTRIES, type GuardConfig } from "../../../src/runtime/api/guard.js";
import { txToJson } from "../../../src/runtime/api/json.js";
import type { ApiServerOptions } from "../../../src/runtime/api/options.js";
import { startApiServer, type ApiServer } from "../../../src/runtime/api/server.js";
import { FakeNode, signedTx } from "./api-fake-node.js";
import { parseExposition } from "./prometheus-parse.js";

describe("AddressGuard (token buckets, injected clock)", () => {
  const config: GuardConfig = { requests: { perSecond: 10, burst: 20 }, malformed: { perSecond: 2, burst: 5 } };

  it("refuses a fresh address nothing; over the malformed burst it is throttled until a token refills", () => {
    let t = 0;
    const g = new AddressGuard(config, () => t);
    expect(g.admit("a")).toBeUndefined();
    for (let i = 0; i < 5; i++) g.malformed("a");
    expect(g.throttled("a")).toBe("malformed");
    expect(g.admit("a")).toBe("malformed");
    expect(g.throttled("b")).toBeUndefined(); // addresses are independent
    expect(g.admit("b")).toBeUndefined();
    t += 499; // 2 tokens per second: one token after 500 ms
    expect(g.admit("a")).toBe("malformed");
    t += 1;
    expect(g.admit("a")).toBeUndefined();
  });

  it("over the request burst an address is throttled for rate", () => {
    let t = 0;
    const g = new AddressGuard(config, () => t);
    for (let i = 0; i < 20; i++) expect(g.admit("a")).toBeUndefined();
    expect(g.admit("a")).toBe("rate");
    t += 100; // one token at 10 per second
    expect(g.admit("a")).toBeUndefined();
    expect(g.admit("a")).toBe("rate");
  });

  it("matches a reference model of two token buckets for any sequence of events", () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant("admit" as const), who: fc.constantFrom("a", "b") }),
      fc.record({ kind: fc.constant("malformed" as const), who: fc.constantFrom("a", "b") }),
      fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 200 }) }),
    );
    fc.assert(
      // size "max": sequences long enough to exhaust the buckets (fast-check keeps arrays short by default)
      fc.property(fc.array(event, { maxLength: 200, size: "max" }), (events) => {
        let t = 0;
        const g = new AddressGuard(config, () => t);
        // reference: exact token counts per address, refilled as time passes
        const model = new Map<string, { r: number; m: number }>();
        const get = (who: string) => model.get(who) ?? { r: config.requests.burst, m: config.malformed.burst };
        let admitted = 0;
        for (const e of events) {
          if (e.kind === "wait") {
            t += e.ms;
            for (const [who, s] of model)
              model.set(who, {
                r: Math.min(config.requests.burst, s.r + (e.ms / 1000) * config.requests.perSecond),
                m: Math.min(config.malformed.burst, s.m + (e.ms / 1000) * config.malformed.perSecond),
              });
          } else if (e.kind === "malformed") {
            const s = get(e.who);
            model.set(e.who, { r: s.r, m: Math.max(0, s.m - 1) });
            g.malformed(e.who);
          } else {
            const s = get(e.who);
            const expected = s.m < 1 - 1e-9 ? "malformed" : s.r < 1 - 1e-9 ? "rate" : undefined;
            const got = g.admit(e.who);
            // floating-point refills may differ from the model by far less than a token
            if (Math.abs(s.m - 1) > 1e-6 && Math.abs(s.r - 1) > 1e-6) expect(got).toBe(expected);
            if (got === undefined) {
              admitted++;
              model.set(e.who, { r: s.r - 1, m: s.m });
            } else model.set(e.who, s);
          }
        }
        // never more admitted than the two bursts plus what refilled in the elapsed time
        expect(admitted).toBeLessThanOrEqual(2 * config.requests.burst + (2 * t * config.requests.perSecond) / 1000 + 1e-6);
      }),
      { numRuns: 300 },
    );
  });

  it("holds at most MAX_GUARD_ENTRIES addresses however many it sees", () => {
    let t = 0;
    const g = new AddressGuard(config, () => t);
    for (let i = 0; i < MAX_GUARD_ENTRIES + 5000; i++) g.malformed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(g.size).toBeLessThanOrEqual(MAX_GUARD_ENTRIES);
    t += 10_000; // every bucket refilled: a sweep forgets them all
    g.admit("fresh");
    expect(g.size).toBe(1);
  });

  it("refuses bounds that would silently disable it", () => {
    expect(() => new AddressGuard({ ...config, malformed: { perSecond: 0, burst: 5 } }, () => 0)).toThrow(/perSecond must be a positive number/);
    expect(() => new AddressGuard({ ...config, requests: { perSecond: 1, burst: Number.NaN } }, () => 0)).toThrow(/burst must be a number ≥ 1/);
  });
});

// ---------------------------------------------------------------------------------------
// The server on real sockets

let node: FakeNode;
let server: ApiServer | undefined;
const sockets: Socket[] = [];

async function start(options: ApiServerOptions): Promise<ApiServer> {
  node = new FakeNode();
  server = await startApiServer(node, options);
  return server;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

/** One request from the loopback address `from` (a fresh connection each time). */
function send(s: ApiServer, method: string, path: string, from = "127.0.0.1", body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: s.port,
        method,
        path,
        localAddress: from,
        agent: false,
        headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, ms: performance.now() - t0 }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function metric(s: ApiServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  // read from an address of its own: 127.0.0.1 may be throttled
  const reply = await send(s, "GET", "/v1/metrics", "127.0.0.9");
  const family = parseExposition(reply.body).get(name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const sample = family.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (sample === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return sample.value;
}

const malformedRequests: readonly [string, string, string | undefined][] = [
  ["POST", "/v1/tx", "{not json"],
  ["POST", "/v1/tx", JSON.stringify({ author: "AAAA", nonce: 1, payload: "x", signature: "zz" })],
  ["GET", "/v1/tx/not-a-cid", undefined],
  ["GET", "/v1/conflicts/%ff%fe", undefined],
  ["DELETE", "/v1/nothing", undefined],
  ["PUT", "/v1/status", undefined],
];

describe("HTTP API: per-address budgets", () => {
  it("after its malformed burst an address gets 429 after the delay, even for a valid request, and the node never sees it", async () => {
    const s = await start({ malformedLimit: { perSecond: 0.5, burst: 6 }, throttleDelayMs: 300 });
    for (const [method, path, body] of malformedRequests) expect((await send(s, method, path, "127.0.0.1", body)).status).toBeGreaterThanOrEqual(400);
    expect(await metric(s, "entropic_http_malformed_requests_total")).toBe(6);

    const valid = JSON.stringify(txToJson(signedTx(5, "after abuse")));
    const refused = await send(s, "POST", "/v1/tx", "127.0.0.1", valid);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "rate-limited" } });
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.ms).toBeGreaterThanOrEqual(280);
    expect(node.submitCalls).toBe(0);
    expect((await send(s, "GET", "/v1/health")).status).toBe(429);
    expect(await metric(s, "entropic_http_requests_rate_limited_total", { reason: "malformed" })).toBeGreaterThanOrEqual(2);

    // another address is served at once
    const other = await send(s, "POST", "/v1/tx", "127.0.0.2", valid);
    expect(other.status).toBe(202);
    expect(other.ms).toBeLessThan(280);
    expect(node.submitCalls).toBe(1);
  });

  it("a 404 for an unknown transaction is not malformed; a 404 for an unknown route is", async () => {
    const s = await start({ malformedLimit: { perSecond: 0.5, burst: 2 }, throttleDelayMs: 200 });
    const unknownCid = "bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    for (let i = 0; i < 5; i++) expect((await send(s, "GET", `/v1/tx/${unknownCid}`)).status).toBe(404);
    expect(await metric(s, "entropic_http_malformed_requests_total")).toBe(0);
    expect((await send(s, "GET", "/v1/nothing")).status).toBe(404);
    expect((await send(s, "GET", "/v1/nothing")).status).toBe(404);
    expect(await metric(s, "entropic_http_malformed_requests_total")).toBe(2);
    expect((await send(s, "GET", "/v1/health")).status).toBe(429);
  });

  it("a request on a new connection from a throttled address is answered 429 after the delay, and the connection closes", async () => {
    const s = await start({ malformedLimit: { perSecond: 0.5, burst: 1 }, throttleDelayMs: 300 });
    expect((await send(s, "POST", "/v1/tx", "127.0.0.1", "{")).status).toBe(400);
    const socket = connect({ port: s.port, host: "127.0.0.1" });
    sockets.push(socket);
    socket.on("error", () => {});
    let text = "";
    let closedAt: number | undefined;
    let firstAt: number | undefined;
    const t0 = performance.now();
    socket.on("data", (c: Buffer) => {
      firstAt ??= performance.now() - t0;
      text += c.toString("latin1");
    });
    socket.on("close", () => (closedAt = performance.now() - t0));
    const tx = JSON.stringify(txToJson(signedTx(6)));
    socket.write(`POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${tx.length}\r\n\r\n${tx}`);
    await new Promise((r) => setTimeout(r, 150));
    expect(text).toBe(""); // nothing yet: the answer waits for the delay
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(/^HTTP\/1\.1 429 /.test(text)).toBe(true);
    expect(text).toContain('"rate-limited"');
    expect(firstAt!).toBeGreaterThanOrEqual(280);
    expect(closedAt).toBeDefined();
    expect(node.submitCalls).toBe(0);
  });

  it("over its request budget an address gets 429 with reason rate, and is served again once tokens refill", async () => {
    const s = await start({ rateLimit: { perSecond: 5, burst: 4 }, throttleDelayMs: 100 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(s, "GET", "/v1/health")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(await metric(s, "entropic_http_requests_rate_limited_total", { reason: "rate" })).toBe(1);
    await new Promise((r) => setTimeout(r, 250)); // one token per 200 ms
    expect((await send(s, "GET", "/v1/health")).status).toBe(200);
  });

  it("holds a client that sends malformed requests as fast as it is answered to its concurrency per delay", async () => {
    const s = await start({ malformedLimit: { perSecond: 1, burst: 10 }, throttleDelayMs: 250 });
    let answered = 0;
    const until = performance.now() + 1_000;
    const worker = async (w: number): Promise<void> => {
      while (performance.now() < until) {
        const [method, path, body] = malformedRequests[(w + answered) % malformedRequests.length]!;
        await send(s, method, path, "127.0.0.1", body).catch(() => undefined);
        answered++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    // 10 (burst) + ~1 refilled + 8 workers × ≤ 5 throttled answers each (250 ms apart, 1 s + one delay)
    expect(answered).toBeLessThanOrEqual(60);
    // without the budget the same loop is answered hundreds of times a second
    expect(await metric(s, "entropic_http_malformed_requests_total")).toBeLessThanOrEqual(12);
  });

  it("refuses a zero throttle delay or budget rather than disabling it silently", async () => {
    await expect(startApiServer(new FakeNode(), { throttleDelayMs: 0 })).rejects.toThrow(/throttleDelayMs must be a positive number/);
    await expect(startApiServer(new FakeNode(), { malformedLimit: { perSecond: 0, burst: 10 } })).rejects.toThrow(/perSecond must be a positive number/);
  });
});
