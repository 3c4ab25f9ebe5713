import { describe, expect, it } from "vitest";
import { TOPICS } from "../../../src/runtime/ports.js";
import { countingTransport, MESSAGE_KINDS, MessageCounts } from "../../../src/runtime/node/message-counts.js";
import { MemoryNetwork } from "../../../src/runtime/transport/memory.js";

async function pair() {
  const network = new MemoryNetwork();
  const a = network.createTransport("a");
  const b = network.createTransport("b");
  await Promise.all([a.start(), b.start()]);
  await a.dial("/memory/b/p2p/b");
  return { a, b, stop: () => Promise.all([a.stop(), b.stop()]) };
}

describe("message counts (the transport decorator)", () => {
  it("counts requests, responses and gossip on both sides, with their bytes, and passes everything through", async () => {
    const { a, b, stop } = await pair();
    const ca = new MessageCounts();
    const cb = new MessageCounts();
    const ta = countingTransport(a, ca);
    const tb = countingTransport(b, cb);
    const gotByB: string[] = [];
    tb.onMessage((topic, from, data) => {
      gotByB.push(`${topic}:${from}:${data.length}`);
      return "accept";
    });
    tb.onRequest(async (_from, data) => new Uint8Array(data.length * 2));
    ta.onMessage(() => "accept");
    expect(ta.peerId).toBe("a");
    expect(ta.peers()).toEqual(a.peers());

    const answer = await ta.request("b", new Uint8Array(5));
    expect(answer.length).toBe(10);
    expect(ca.get("out", "request")).toEqual({ messages: 1, bytes: 5 });
    expect(ca.get("in", "response")).toEqual({ messages: 1, bytes: 10 });
    expect(cb.get("in", "request")).toEqual({ messages: 1, bytes: 5 });
    expect(cb.get("out", "response")).toEqual({ messages: 1, bytes: 10 });

    await ta.publish(TOPICS.vertex, new Uint8Array(7));
    await ta.publish(TOPICS.tx, new Uint8Array(3));
    for (let i = 0; i < 200 && gotByB.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(gotByB.sort()).toEqual([`${TOPICS.tx}:a:3`, `${TOPICS.vertex}:a:7`].sort());
    expect(ca.get("out", "vertex")).toEqual({ messages: 1, bytes: 7 });
    expect(ca.get("out", "tx")).toEqual({ messages: 1, bytes: 3 });
    expect(cb.get("in", "vertex")).toEqual({ messages: 1, bytes: 7 });
    expect(cb.get("in", "tx")).toEqual({ messages: 1, bytes: 3 });
    expect(ca.total()).toBe(4);
    expect(cb.total()).toBe(4);
    await stop();
  });

  it("counts a failed request as sent, with no response", async () => {
    const { a, b, stop } = await pair();
    const ca = new MessageCounts();
    const ta = countingTransport(a, ca);
    countingTransport(b, new MessageCounts()).onRequest(async () => {
      throw new Error("no");
    });
    await expect(ta.request("b", new Uint8Array(4), { timeoutMs: 200 })).rejects.toThrow();
    expect(ca.get("out", "request").messages).toBe(1);
    expect(ca.get("in", "response").messages).toBe(0);
    await stop();
  });

  it("starts every (direction, kind) at zero", () => {
    const c = new MessageCounts();
    for (const d of ["in", "out"] as const) for (const k of MESSAGE_KINDS) expect(c.get(d, k)).toEqual({ messages: 0, bytes: 0 });
  });
});
