/**
 * The libp2p transport's multiplexed request channel, beyond what the compliance suite
 * can reach through the Transport port: the asker's own response limit, a reset of the
 * request stream itself (not the connection), the in-flight bound, and the responder's
 * time limit answering before the asker's.
 */
import "../../../../src/runtime/polyfill.js";
import { afterEach, describe, expect, it } from "vitest";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import type { Libp2p } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { createLibp2pTransport, TransportError, type Libp2pTransport, type Libp2pTransportOptions } from "../../../../src/runtime/transport/libp2p.js";
import { DEFAULT_REQUEST_PROTOCOL, MAX_REQUESTS_IN_FLIGHT } from "../../../../src/runtime/transport/limits.js";
import { encodeRpcFrame, RpcFrameDecoder } from "../../../../src/runtime/transport/rpc-frame.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const error = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

const started: Libp2pTransport[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
});

async function pair(askerOptions: Libp2pTransportOptions = {}, responderOptions: Libp2pTransportOptions = {}): Promise<[Libp2pTransport, Libp2pTransport]> {
  const [a, b] = await Promise.all([createLibp2pTransport(askerOptions), createLibp2pTransport(responderOptions)]);
  started.push(a, b);
  await Promise.all([a.start(), b.start()]);
  await a.dial(b.addresses()[0]!);
  return [a, b];
}

/** The request streams of a transport's libp2p node (white box: the node is private). */
function requestStreams(t: Libp2pTransport) {
  const node = (t as unknown as { node: Libp2p }).node;
  return node.getConnections().flatMap((c) => c.streams.filter((s) => s.protocol === DEFAULT_REQUEST_PROTOCOL));
}

describe("libp2p request channel", () => {
  it("carries every request to a peer on one stream", async () => {
    const [a, b] = await pair();
    b.onRequest(async (_from, data) => data);
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => a.request(b.peerId, text(`${round}.${i}`))));
    }
    expect(requestStreams(a)).toHaveLength(1);
    expect(requestStreams(b)).toHaveLength(1);
    // both ends batch their Yamux window updates (yamux-window.ts found the shape it expects)
    for (const stream of [...requestStreams(a), ...requestStreams(b)]) expect(Object.hasOwn(stream, "sendWindowUpdate")).toBe(true);
    expect(b.counters().requestsServed).toBe(60);
  });

  it("moves megabyte bodies both ways, many at once, on one stream (window updates keep flowing)", async () => {
    const [a, b] = await pair();
    b.onRequest(async (_from, data) => data.map((x) => x ^ 0xff));
    const bodies = Array.from({ length: 12 }, (_, i) => new Uint8Array(1024 * 1024).fill(i));
    const answers = await Promise.all(bodies.map((body) => a.request(b.peerId, body, { timeoutMs: 15_000 })));
    answers.forEach((answer, i) => {
      expect(answer.length).toBe(1024 * 1024);
      expect(answer.every((x) => x === (i ^ 0xff))).toBe(true);
    });
    expect(requestStreams(a)).toHaveLength(1);
  });

  it("fails only the request whose response is over the asker's own limit", async () => {
    const [a, b] = await pair({ maxResponseBytes: 1_000 });
    b.onRequest(async (_from, data) => (str(data) === "big" ? new Uint8Array(5_000) : data));
    const big = rejection(a.request(b.peerId, text("big")));
    const small = Promise.all(Array.from({ length: 5 }, (_, i) => a.request(b.peerId, text(`s${i}`)).then(str)));
    expect((await big).reason).toBe("too-large");
    await expect(small).resolves.toEqual(["s0", "s1", "s2", "s3", "s4"]);
    await expect(a.request(b.peerId, text("next")).then(str)).resolves.toBe("next");
    expect(requestStreams(a)).toHaveLength(1); // the stream survived the skipped body
  });

  it("a reset of the request stream fails its pending requests, and the next request opens a new stream", async () => {
    const [a, b] = await pair();
    let arrived = 0;
    b.onRequest(async (_from, data) => {
      arrived++;
      if (str(data).startsWith("held")) await sleep(4_000);
      return data;
    });
    const held = Array.from({ length: 4 }, (_, i) => rejection(a.request(b.peerId, text(`held${i}`), { timeoutMs: 10_000 })));
    await eventually("the requests reach the responder", () => arrived === 4);
    const [stream] = requestStreams(b);
    stream!.abort(new Error("test reset"));
    const startedAt = Date.now();
    for (const error of await Promise.all(held)) expect(error.reason).toBe("refused");
    expect(Date.now() - startedAt).toBeLessThan(2_500); // not the handler's 4 s
    await expect(a.request(b.peerId, text("fresh")).then(str)).resolves.toBe("fresh");
  });

  it("keeps at most MAX_REQUESTS_IN_FLIGHT requests with the handler, and answers all of a larger burst", async () => {
    const [a, b] = await pair();
    let concurrent = 0;
    let peak = 0;
    b.onRequest(async (_from, data) => {
      peak = Math.max(peak, ++concurrent);
      await sleep(20);
      concurrent--;
      return data;
    });
    const n = MAX_REQUESTS_IN_FLIGHT * 3;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => a.request(b.peerId, text(String(i))).then(str)));
    expect(answers).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    expect(peak).toBe(MAX_REQUESTS_IN_FLIGHT);
  });

  it("a raw peer flooding requests on one stream gets them all answered, never more than the bound at once", async () => {
    const [, b] = await pair();
    let concurrent = 0;
    let peak = 0;
    b.onRequest(async (_from, data) => {
      peak = Math.max(peak, ++concurrent);
      await sleep(10);
      concurrent--;
      return data;
    });
    const raw = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] });
    try {
      await raw.dial(multiaddr(b.addresses()[0]!));
      const stream = await raw.dialProtocol(peerIdFromString(b.peerId), DEFAULT_REQUEST_PROTOCOL);
      const n = MAX_REQUESTS_IN_FLIGHT * 4;
      for (let id = 1; id <= n; id++) stream.send(encodeRpcFrame("request", id, text(`q${id}`)));
      const decoder = new RpcFrameDecoder({ response: 1_000, error: 1_000 });
      const answers = new Map<number, string>();
      for await (const chunk of stream) {
        for (const frame of decoder.push(chunk)) if (frame.type === "frame") answers.set(frame.id, `${frame.kind}:${str(frame.body)}`);
        if (answers.size === n) break;
      }
      expect(answers.size).toBe(n);
      for (let id = 1; id <= n; id++) expect(answers.get(id)).toBe(`response:q${id}`);
      expect(peak).toBe(MAX_REQUESTS_IN_FLIGHT);
    } finally {
      await raw.stop();
    }
  });

  it("the responder's time limit answers with an error before a patient asker's own", async () => {
    const [a, b] = await pair({}, { requestTimeoutMs: 300 });
    b.onRequest(async (_from, data) => {
      if (str(data) === "slow") await sleep(4_000);
      return data;
    });
    const startedAt = Date.now();
    expect((await rejection(a.request(b.peerId, text("slow"), { timeoutMs: 5_000 }))).reason).toBe("refused");
    expect(Date.now() - startedAt).toBeLessThan(2_500); // neither the handler's 4 s nor the asker's 5 s
    expect(b.counters().requestsTimedOut).toBe(1);
    await expect(a.request(b.peerId, text("quick")).then(str)).resolves.toBe("quick");
  });

  it("stop() fails requests in flight with reason stopped", async () => {
    const [a, b] = await pair();
    let arrived = false;
    b.onRequest(async (_from, data) => {
      arrived = true;
      await sleep(2_000);
      return data;
    });
    const pending = rejection(a.request(b.peerId, text("x")));
    await eventually("the request reaches the responder", () => arrived);
    await a.stop();
    expect((await pending).reason).toBe("stopped");
  });
});
