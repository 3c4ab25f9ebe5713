/**
 * A raw libp2p peer, built directly on libp2p and gossipsub rather than on our Transport,
 * attacks a Transport with garbage: undecodable pub/sub messages on every topic, raw
 * bytes on the gossipsub protocol, and malformed, truncated, oversized, silent, stalled,
 * mistyped and undecodable frames on the request protocol (its multiplexed framing:
 * kind, request id, varint length, body; see src/runtime/transport/rpc-frame.ts). The
 * victim must keep working with an honest peer and must score the attacker below zero.
 */
import "../../src/runtime/polyfill.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import * as lp from "it-length-prefixed";
import { createLibp2p } from "libp2p";
import { TOPICS } from "../../src/runtime/ports.js";
import { createLibp2pTransport, type Libp2pTransport } from "../../src/runtime/transport/libp2p.js";
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_PROTOCOL } from "../../src/runtime/transport/limits.js";
import { encodeRpcFrame, RpcFrameDecoder } from "../../src/runtime/transport/rpc-frame.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** An unsigned LEB128 varint, the length prefix of it-length-prefixed. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return out;
}

/** The header of a request frame: kind 0, a 4-byte id, then the varint length. */
function requestHeader(id: number, length: number): number[] {
  return [0, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, ...varint(length)];
}

/** The application format of the victim: JSON objects `{ "n": <number> }`. */
function decode(data: Uint8Array): { n: number } | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
    if (typeof value === "object" && value !== null && typeof (value as { n?: unknown }).n === "number") return value as { n: number };
  } catch {
    // undecodable
  }
  return undefined;
}

/** A Transport that accepts well-formed messages, rejects the rest, and answers n + 1. */
async function honest(): Promise<{ transport: Libp2pTransport; got: number[] }> {
  const transport = await createLibp2pTransport({ requestTimeoutMs: 1_000, gossip: { heartbeatIntervalMs: 100 } });
  const got: number[] = [];
  transport.onMessage((_topic, _from, data) => {
    const value = decode(data);
    if (value === undefined) return "reject";
    got.push(value.n);
    return "accept";
  });
  transport.onRequest(async (_from, data) => {
    const value = decode(data);
    if (value === undefined) throw new Error("undecodable request");
    return text(JSON.stringify({ n: value.n + 1 }));
  });
  await transport.start();
  return { transport, got };
}

async function rawAttacker() {
  const node = await createLibp2p({
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, floodPublish: true, heartbeatInterval: 100 }),
    },
  });
  for (const topic of Object.values(TOPICS)) node.services.pubsub.subscribe(topic);
  return node;
}

describe("a Transport under attack by a raw libp2p peer", () => {
  let victim: Awaited<ReturnType<typeof honest>>;
  let friend: Awaited<ReturnType<typeof honest>>;
  let attacker: Awaited<ReturnType<typeof rawAttacker>>;

  beforeAll(async () => {
    [victim, friend, attacker] = await Promise.all([honest(), honest(), rawAttacker()]);
    await friend.transport.dial(victim.transport.addresses()[0]!);
    await attacker.dial(multiaddr(victim.transport.addresses()[0]!));
  });

  afterAll(async () => {
    await Promise.all([victim?.transport.stop(), friend?.transport.stop(), attacker?.stop()]);
  });

  /**
   * One request stream from the attacker: writes `bytes`, half-closes unless `hold`, and
   * reads until the victim ends the stream: the kinds of the frames it answered with, then
   * `ended` (closed cleanly) or `reset`.
   */
  async function rawRequest(bytes: Uint8Array | undefined, hold = false): Promise<string> {
    const stream = await attacker.dialProtocol(peerIdFromString(victim.transport.peerId), DEFAULT_REQUEST_PROTOCOL);
    const decoder = new RpcFrameDecoder({ response: 1 << 20, error: 1 << 20 });
    const kinds: string[] = [];
    try {
      if (bytes !== undefined) {
        if (!stream.send(bytes)) await stream.onDrain().catch(() => undefined);
      }
      if (!hold) await stream.close();
      for await (const chunk of stream) for (const frame of decoder.push(chunk)) kinds.push(frame.kind);
      return [...kinds, "ended"].join(" ");
    } catch {
      return [...kinds, "reset"].join(" ");
    }
  }

  it("survives the attack, keeps serving the honest peer, and scores the attacker below zero", async () => {
    const v = victim.transport;
    const attackerId = attacker.peerId.toString();
    await eventually("the attacker sees the victim's subscriptions", () => attacker.services.pubsub.getSubscribers(TOPICS.tx).length > 0);

    // pub/sub garbage, signed correctly by the attacker (so only the application can object)
    for (let i = 0; i < 3; i++) {
      for (const topic of Object.values(TOPICS)) await attacker.services.pubsub.publish(topic, randomBytes(1 + i * 50));
    }
    await eventually("the attacker's score falls below zero", () => v.score(attackerId) < 0);

    // a message over the size limit: gossipsub refuses the frame before decoding it and
    // drops the attacker from pub/sub; the raw meshsub stream below brings it back, and
    // its negative score must come back with it (see retainScoresAcrossReconnects)
    await attacker.services.pubsub.publish(TOPICS.tx, new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 128 * 1024));
    // raw bytes on the gossipsub protocol itself
    const meshsub = await attacker.dialProtocol(peerIdFromString(v.peerId), "/meshsub/1.1.0");
    meshsub.send(lp.encode.single(randomBytes(200)));
    meshsub.send(randomBytes(64));
    await meshsub.close().catch(() => undefined);

    // the request protocol: every flavour of bad frame
    // (in two batches: a connection may hold 8 request streams at once)
    const malformed = await Promise.all([
      rawRequest(new Uint8Array([...requestHeader(1, 0).slice(0, 5), ...new Array<number>(10).fill(0xff)])), // endless varint
      rawRequest(new Uint8Array([...requestHeader(2, 10), ...new Array<number>(5).fill(1)])), // truncated body
      rawRequest(new Uint8Array(0)), // nothing at all
      rawRequest(new Uint8Array([7, 0, 0, 0, 3, 1, 42])), // an unknown frame kind
      rawRequest(new Uint8Array([...encodeRpcFrame("request", 9, text('{"n":1}')).subarray(), ...encodeRpcFrame("request", 9, text('{"n":2}')).subarray()])), // one id twice in flight
    ]);
    expect(malformed).toEqual(["reset", "reset", "reset", "reset", "reset"]);
    const refused = await Promise.all([
      rawRequest(encodeRpcFrame("request", 4, randomBytes(100)).subarray()), // undecodable: the handler throws
      rawRequest(new Uint8Array([...requestHeader(5, 100 * 1024 * 1024), ...randomBytes(60_000)])), // declares 100 MiB
      rawRequest(undefined, true), // silent: never sends, never closes
      rawRequest(new Uint8Array(requestHeader(6, 50)), true), // stalled: a header, then nothing
    ]);
    expect(refused).toEqual(["error ended", "error reset", "reset", "reset"]);

    expect(v.score(attackerId)).toBeLessThan(0);
    const counters = v.counters();
    expect(counters.messagesRejected).toBeGreaterThanOrEqual(3);
    expect(counters.requestsMalformed).toBe(5);
    expect(counters.requestsOversize).toBe(1);
    expect(counters.requestHandlerErrors).toBe(1);
    expect(counters.requestsTimedOut).toBe(2);
    expect(counters.requestsServed).toBe(0); // the answer to the first id 9 never went out

    // the victim still works with the honest peer, both ways
    const f = friend.transport;
    await expect(f.request(v.peerId, text('{"n":1}'))).resolves.toEqual(text('{"n":2}'));
    await expect(v.request(f.peerId, text('{"n":41}'))).resolves.toEqual(text('{"n":42}'));
    let n = 100;
    await eventually("gossip from the honest peer reaches the victim", async () => {
      await f.publish(TOPICS.tx, text(JSON.stringify({ n: n++ })));
      await sleep(50);
      return victim.got.some((x) => x >= 100);
    });
    await eventually("gossip from the victim reaches the honest peer", async () => {
      await v.publish(TOPICS.vertex, text(JSON.stringify({ n: n++ })));
      await sleep(50);
      return friend.got.some((x) => x >= 100);
    });
    expect(v.score(f.peerId)).toBeGreaterThanOrEqual(0);
    // nothing the attacker sent was forwarded to the honest peer
    expect(friend.transport.counters().messagesRejected).toBe(0);
  });
});
