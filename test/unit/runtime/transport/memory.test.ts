import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryNetwork, memoryAddress, parseMemoryAddress, type MemoryTransport } from "../../../../src/runtime/transport/memory.js";
import { TOPICS, type Topic } from "../../../../src/runtime/ports.js";
import { TransportError } from "../../../../src/runtime/transport/errors.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe("memory addresses", () => {
  it("parse back to the id they were made from", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/), (id) => {
        expect(parseMemoryAddress(memoryAddress(id))).toBe(id);
      }),
    );
  });

  it("anything else parses to undefined without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const id = parseMemoryAddress(s);
        if (id !== undefined) expect(memoryAddress(id)).toBe(s);
      }),
    );
    expect(parseMemoryAddress("/memory/a/p2p/b")).toBeUndefined();
    expect(parseMemoryAddress("/ip4/127.0.0.1/tcp/1/p2p/a")).toBeUndefined();
  });
});

describe("MemoryNetwork", () => {
  const started: MemoryTransport[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.stop()));
  });

  async function nodes(network: MemoryNetwork, ...ids: string[]): Promise<MemoryTransport[]> {
    const ts = ids.map((id) => network.createTransport(id));
    for (const t of ts) await t.start();
    started.push(...ts);
    return ts;
  }

  it("names transports uniquely and refuses a taken or malformed id", () => {
    const network = new MemoryNetwork();
    expect(network.createTransport().peerId).toBe("mem-0");
    network.createTransport("mem-1");
    expect(network.createTransport().peerId).toBe("mem-2");
    expect(() => network.createTransport("mem-1")).toThrow(RangeError);
    expect(() => network.createTransport("a/b")).toThrow(RangeError);
  });

  it("delivers on a later turn, never inside publish", async () => {
    const [a, b] = await nodes(new MemoryNetwork(), "a", "b");
    await a!.dial(memoryAddress("b"));
    let delivered = false;
    b!.onMessage(() => {
      delivered = true;
      return "accept";
    });
    await a!.publish(TOPICS.tx, text("x"));
    expect(delivered).toBe(false);
    await settle();
    expect(delivered).toBe(true);
  });

  it("floods a triangle and delivers each message once per node; the handler gets its own copy", async () => {
    const [a, b, c] = await nodes(new MemoryNetwork(), "a", "b", "c");
    await a!.dial(memoryAddress("b"));
    await b!.dial(memoryAddress("c"));
    await c!.dial(memoryAddress("a"));
    const seen = new Map<string, string[]>();
    for (const t of [a!, b!, c!]) {
      seen.set(t.peerId, []);
      t.onMessage((_topic: Topic, _from, data) => {
        seen.get(t.peerId)!.push(new TextDecoder().decode(data));
        data.fill(0); // must not corrupt anyone else's copy
        return "accept";
      });
    }
    const payload = text("hello");
    await a!.publish(TOPICS.vertex, payload);
    await a!.publish(TOPICS.vertex, payload); // a second publish is a second message
    await settle();
    expect(seen.get("a")).toEqual([]);
    expect(seen.get("b")).toEqual(["hello", "hello"]);
    expect(seen.get("c")).toEqual(["hello", "hello"]);
    expect(b!.counters().messagesAccepted).toBe(2);
  });

  it("counts a throwing or lying message handler as ignore, without penalising the sender", async () => {
    const [a, b] = await nodes(new MemoryNetwork(), "a", "b");
    await a!.dial(memoryAddress("b"));
    let n = 0;
    b!.onMessage(() => {
      if (n++ === 0) throw new Error("bug");
      return "maybe" as never;
    });
    await a!.publish(TOPICS.tx, text("1"));
    await a!.publish(TOPICS.tx, text("2"));
    await settle();
    expect(b!.counters()).toMatchObject({ messageHandlerErrors: 2, messagesIgnored: 2, messagesRejected: 0 });
    expect(b!.score("a")).toBe(0);
  });

  it("scores rejections quadratically, plus the application score", async () => {
    const [a, b] = await nodes(new MemoryNetwork(), "a", "b");
    await a!.dial(memoryAddress("b"));
    b!.onMessage(() => "reject");
    for (const m of ["1", "2", "3"]) await a!.publish(TOPICS.heads, text(m));
    await settle();
    expect(b!.score("a")).toBe(-90);
    b!.setAppScore("a", 5);
    expect(b!.score("a")).toBe(-85);
  });

  it("checks publish arguments", async () => {
    const network = new MemoryNetwork({ maxMessageBytes: 4 });
    const a = network.createTransport("a");
    await a.start();
    started.push(a);
    await expect(a.publish("nope" as Topic, text("x"))).rejects.toThrow(TypeError);
    await expect(a.publish(TOPICS.tx, text("12345"))).rejects.toThrow(RangeError);
    await expect(a.publish(TOPICS.tx, text("1234"))).resolves.toBe(false);
  });

  it("counts oversize and failing requests at the responder", async () => {
    const network = new MemoryNetwork({ maxRequestBytes: 8 });
    const [a, b] = await nodes(network, "a", "b");
    await a!.dial(memoryAddress("b"));
    await expect(a!.request("b", new Uint8Array(9))).rejects.toMatchObject({ reason: "refused" });
    await expect(a!.request("b", new Uint8Array(1))).rejects.toBeInstanceOf(TransportError); // no handler
    b!.onRequest(async () => "text" as never);
    await expect(a!.request("b", new Uint8Array(1))).rejects.toBeInstanceOf(TransportError);
    expect(b!.counters()).toMatchObject({ requestsOversize: 1, requestHandlerErrors: 2, requestsServed: 0 });
  });

  it("rejects pending requests when the asker stops", async () => {
    const [a, b] = await nodes(new MemoryNetwork(), "a", "b");
    await a!.dial(memoryAddress("b"));
    b!.onRequest(() => new Promise(() => {}));
    const pending = a!.request("b", text("x"));
    await settle();
    await a!.stop();
    await expect(pending).rejects.toMatchObject({ reason: "stopped" });
  });

  it("refuses a dial to a peer that is not running or denies us", async () => {
    const network = new MemoryNetwork();
    const [a, b] = await nodes(network, "a", "b");
    network.createTransport("idle");
    await expect(a!.dial(memoryAddress("idle"))).rejects.toMatchObject({ reason: "unreachable" });
    b!.deny(["a"]);
    await expect(a!.dial(memoryAddress("b"))).rejects.toMatchObject({ reason: "refused" });
    await expect(b!.dial(memoryAddress("a"))).rejects.toMatchObject({ reason: "denied" });
  });
});
