/**
 * The compliance suite of the {@link Transport} port: one set of tests every
 * implementation must pass (as libp2p's interface-compliance-tests). Call it from a test
 * file with a factory of networks; each test gets a fresh network and cleans it up.
 *
 * Real networks need time (connections, subscription exchange, gossip mesh), so the
 * tests wait for conditions with a deadline instead of sleeping a fixed time; "never
 * happens" is checked after a later message that must happen has arrived.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOPICS, type Topic, type Transport, type Verdict } from "../../src/runtime/ports.js";
import { TransportError } from "../../src/runtime/transport/errors.js";
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from "../../src/runtime/transport/limits.js";

/** A network of transports under test. */
export interface TransportNetwork {
  /** A new transport on this network, not started. */
  create(): Promise<Transport>;
  /** Stop every transport created, release everything. */
  cleanup(): Promise<void>;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` returns true (polling), or fails after `timeoutMs`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

interface Received {
  topic: Topic;
  from: string;
  text: string;
}

/** Installs a message handler on `t` that records messages and answers `verdict(text)`. */
function record(t: Transport, verdict: (text: string) => Verdict = () => "accept"): Received[] {
  const got: Received[] = [];
  t.onMessage((topic, from, data) => {
    got.push({ topic, from, text: str(data) });
    return verdict(str(data));
  });
  return got;
}

/**
 * Publishes fresh messages from `from` on every topic until each recorder has one of each
 * (gossip meshes form per topic, some heartbeats after the links come up).
 */
async function warmUp(from: Transport, recorders: Received[][], tag = "warm"): Promise<void> {
  const prefix = `${tag}-${from.peerId}-`;
  const ready = (): boolean =>
    recorders.every((got) => Object.values(TOPICS).every((topic) => got.some((m) => m.topic === topic && m.text.startsWith(prefix))));
  const deadline = Date.now() + 10_000;
  for (let i = 0; !ready(); i++) {
    if (Date.now() > deadline) throw new Error("gossip never reached every node on every topic");
    for (const topic of Object.values(TOPICS)) await from.publish(topic, text(`${prefix}${i}`));
    const wait = Date.now() + 250;
    while (Date.now() < wait && !ready()) await sleep(10);
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** Runs the Transport compliance tests against the networks `makeNetwork` creates. */
export function transportComplianceSuite(name: string, makeNetwork: () => Promise<TransportNetwork>): void {
  describe(`Transport compliance: ${name}`, () => {
    let network: TransportNetwork;

    beforeEach(async () => {
      network = await makeNetwork();
    });

    afterEach(async () => {
      await network.cleanup();
    });

    async function nodes(n: number): Promise<Transport[]> {
      const out: Transport[] = [];
      for (let i = 0; i < n; i++) out.push(await network.create());
      await Promise.all(out.map((t) => t.start()));
      return out;
    }

    async function connect(a: Transport, b: Transport): Promise<void> {
      await a.dial(b.addresses()[0]!);
      await eventually(`${a.peerId} and ${b.peerId} see each other`, () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId));
    }

    /** a - b - c - ... */
    async function line(n: number): Promise<Transport[]> {
      const ts = await nodes(n);
      for (let i = 0; i + 1 < n; i++) await connect(ts[i]!, ts[i + 1]!);
      return ts;
    }

    it("starts with addresses that name its peer id and no peers", async () => {
      const [a, b] = await nodes(2);
      expect(a!.peerId).not.toBe(b!.peerId);
      const addresses = a!.addresses();
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(address.endsWith(`/p2p/${a!.peerId}`)).toBe(true);
      expect(a!.peers()).toEqual([]);
    });

    it("dial connects both sides, and peers() lists sorted ids", async () => {
      const [hub, x, y, z] = await nodes(4);
      for (const leaf of [x!, y!, z!]) await connect(leaf, hub!);
      expect(hub!.peers()).toEqual([x!.peerId, y!.peerId, z!.peerId].sort());
      expect(x!.peers()).toEqual([hub!.peerId]);
    });

    it("dial rejects a malformed address and its own address with TransportError", async () => {
      const [a] = await nodes(1);
      expect(await rejection(a!.dial("definitely not an address"))).toBeInstanceOf(TransportError);
      expect(await rejection(a!.dial(a!.addresses()[0]!))).toBeInstanceOf(TransportError);
    });

    it("publish without peers returns false and does not throw", async () => {
      const [a] = await nodes(1);
      await expect(a!.publish(TOPICS.tx, text("alone"))).resolves.toBe(false);
    });

    it("gossip reaches every node of a line once, on every topic, each hop naming its sender", async () => {
      const ts = await line(4);
      const got = ts.map((t) => record(t));
      await warmUp(ts[0]!, got.slice(1));
      await warmUp(ts[3]!, got.slice(0, 3));
      const sent: [Topic, string][] = Object.values(TOPICS).map((topic, i) => [topic, `m${i}`]);
      for (const [topic, message] of sent) await expect(ts[0]!.publish(topic, text(message))).resolves.toBe(true);
      await eventually("every message at the far end", () => sent.every(([, m]) => got[3]!.some((r) => r.text === m)));
      await sleep(200);
      for (let i = 1; i < 4; i++) {
        for (const [topic, message] of sent) {
          const copies = got[i]!.filter((r) => r.text === message);
          expect(copies, `node ${i} receives ${message} once`).toHaveLength(1);
          expect(copies[0]!.topic).toBe(topic);
          expect(copies[0]!.from).toBe(ts[i - 1]!.peerId);
        }
      }
      expect(got[0]!.some((r) => r.text.startsWith("m"))).toBe(false);
    });

    it("a message the handler ignores is not forwarded", async () => {
      const [a, b, c] = await line(3);
      const atB = record(b!, (m) => (m.startsWith("ign") ? "ignore" : "accept"));
      const atC = record(c!);
      await warmUp(a!, [atB, atC]);
      await a!.publish(TOPICS.tx, text("ign-1"));
      await a!.publish(TOPICS.tx, text("ok-1"));
      await eventually("ok-1 at c", () => atC.some((r) => r.text === "ok-1"));
      await sleep(200);
      expect(atB.some((r) => r.text === "ign-1")).toBe(true);
      expect(atC.some((r) => r.text === "ign-1")).toBe(false);
    });

    it("a rejected message is not forwarded and drives its sender's score below zero", async () => {
      const [a, b, c] = await line(3);
      const atB = record(b!, (m) => (m.startsWith("bad") ? "reject" : "accept"));
      const atC = record(c!);
      await warmUp(a!, [atB, atC]);
      expect(b!.score(a!.peerId)).toBeGreaterThanOrEqual(0);
      await a!.publish(TOPICS.vertex, text("bad-1"));
      await a!.publish(TOPICS.vertex, text("ok-2"));
      await eventually("the sender's score falls below zero", () => b!.score(a!.peerId) < 0);
      await eventually("ok-2 at c", () => atC.some((r) => r.text === "ok-2"));
      await sleep(200);
      expect(atC.some((r) => r.text === "bad-1")).toBe(false);
      expect(b!.score(c!.peerId)).toBeGreaterThanOrEqual(0);
    });

    it("setAppScore feeds score(); unknown peers score 0", async () => {
      const [a, b] = await line(2);
      expect(a!.score("no-such-peer")).toBe(0);
      a!.setAppScore(b!.peerId, -50);
      await eventually("the application score shows", () => a!.score(b!.peerId) <= -40);
      a!.setAppScore(b!.peerId, 0);
      await eventually("the application score clears", () => a!.score(b!.peerId) > -40);
      expect(() => a!.setAppScore(b!.peerId, Number.NaN)).toThrow(RangeError);
    });

    it("request/response round trips, concurrently, with the asker as `from`", async () => {
      const [a, b] = await line(2);
      const askers: string[] = [];
      b!.onRequest(async (from, data) => {
        askers.push(from);
        return text(`echo:${str(data)}`);
      });
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => a!.request(b!.peerId, text(`q${i}`))));
      expect(answers.map(str)).toEqual(Array.from({ length: 10 }, (_, i) => `echo:q${i}`));
      expect(new Set(askers)).toEqual(new Set([a!.peerId]));
      await expect(a!.request(b!.peerId, new Uint8Array(0)).then(str)).resolves.toBe("echo:");
    });

    it("100 parallel requests to one peer all succeed, each with its own answer", async () => {
      const [a, b] = await line(2);
      let concurrent = 0;
      let peak = 0;
      b!.onRequest(async (_from, data) => {
        peak = Math.max(peak, ++concurrent);
        await sleep(5 + (data[0]! % 7)); // answers come back out of order
        concurrent--;
        return text(`r${str(data)}`);
      });
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => a!.request(b!.peerId, text(String(i)))));
      expect(answers.map(str)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
      expect(peak).toBeGreaterThan(1);
    });

    it("a response over the size limit fails only its own request", async () => {
      const [a, b] = await line(2);
      b!.onRequest(async (_from, data) => {
        await sleep(20);
        return str(data) === "huge" ? new Uint8Array(DEFAULT_MAX_RESPONSE_BYTES + 1) : data;
      });
      const huge = rejection(a!.request(b!.peerId, text("huge")));
      const others = Array.from({ length: 10 }, (_, i) => a!.request(b!.peerId, text(`small${i}`)).then(str));
      expect(await huge).toBeInstanceOf(TransportError);
      await expect(Promise.all(others)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => `small${i}`));
      await expect(a!.request(b!.peerId, text("after")).then(str)).resolves.toBe("after");
    });

    it("a link cut mid-flight fails the pending requests at once, and a request after reconnecting succeeds", async () => {
      const [a, b] = await line(2);
      let arrived = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      b!.onRequest(async (_from, data) => {
        if (str(data).startsWith("held")) {
          arrived++;
          await gate;
        }
        return data;
      });
      const started = Date.now();
      const held = Array.from({ length: 5 }, (_, i) => rejection(a!.request(b!.peerId, text(`held${i}`), { timeoutMs: 8_000 })));
      await eventually("the requests reach the responder", () => arrived === 5);
      b!.deny([a!.peerId]);
      release();
      for (const error of await Promise.all(held)) {
        expect(error).toBeInstanceOf(TransportError);
        expect((error as TransportError).reason).not.toBe("timeout");
      }
      expect(Date.now() - started).toBeLessThan(5_000);
      await eventually("the link is down on both sides", () => !a!.peers().includes(b!.peerId) && !b!.peers().includes(a!.peerId));
      b!.deny([]);
      await connect(a!, b!);
      await expect(a!.request(b!.peerId, text("again")).then(str)).resolves.toBe("again");
    });

    it("a request to an unknown or unconnected peer rejects", async () => {
      const [a] = await line(2);
      const [stranger] = await nodes(1);
      expect(await rejection(a!.request(stranger!.peerId, text("hi"), { timeoutMs: 3_000 }))).toBeInstanceOf(TransportError);
      expect(await rejection(a!.request("not-a-peer", text("hi"), { timeoutMs: 3_000 }))).toBeInstanceOf(TransportError);
    });

    it("a request that takes too long rejects with reason timeout, and the link still works", async () => {
      const [a, b] = await line(2);
      let delayMs = 1_500;
      b!.onRequest(async (_from, data) => {
        await sleep(delayMs);
        return data;
      });
      const started = Date.now();
      const error = await rejection(a!.request(b!.peerId, text("slow"), { timeoutMs: 300 }));
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).reason).toBe("timeout");
      expect(Date.now() - started).toBeLessThan(1_200);
      delayMs = 0;
      await expect(a!.request(b!.peerId, text("fast")).then(str)).resolves.toBe("fast");
    });

    it("refuses a request over the size limit without calling the handler, and keeps serving", async () => {
      const [a, b] = await line(2);
      const sizes: number[] = [];
      b!.onRequest(async (_from, data) => {
        sizes.push(data.byteLength);
        return text("ok");
      });
      expect(await rejection(a!.request(b!.peerId, new Uint8Array(DEFAULT_MAX_REQUEST_BYTES + 1)))).toBeInstanceOf(TransportError);
      await expect(a!.request(b!.peerId, new Uint8Array(DEFAULT_MAX_REQUEST_BYTES)).then(str)).resolves.toBe("ok");
      expect(sizes).toEqual([DEFAULT_MAX_REQUEST_BYTES]);
    });

    it("a throwing request handler makes the asker reject, and the responder keeps serving", async () => {
      const [a, b] = await line(2);
      b!.onRequest(async (_from, data) => {
        if (str(data) === "boom") throw new Error("handler failure");
        return data;
      });
      expect(await rejection(a!.request(b!.peerId, text("boom")))).toBeInstanceOf(TransportError);
      await expect(a!.request(b!.peerId, text("fine")).then(str)).resolves.toBe("fine");
    });

    it("deny cuts traffic both ways; deny([]) and a new dial heal it", async () => {
      const [a, b] = await line(2);
      const atA = record(a!);
      const atB = record(b!);
      a!.onRequest(async () => text("from a"));
      b!.onRequest(async () => text("from b"));
      await warmUp(b!, [atA]);

      a!.deny([b!.peerId]);
      await eventually("the link is down on both sides", () => !a!.peers().includes(b!.peerId) && !b!.peers().includes(a!.peerId));
      expect(await rejection(a!.request(b!.peerId, text("x"), { timeoutMs: 2_000 }))).toBeInstanceOf(TransportError);
      expect(await rejection(b!.request(a!.peerId, text("x"), { timeoutMs: 2_000 }))).toBeInstanceOf(TransportError);
      expect(await rejection(a!.dial(b!.addresses()[0]!))).toBeInstanceOf(TransportError);
      await b!.dial(a!.addresses()[0]!).catch(() => undefined); // refused, at once or right after the handshake
      await b!.publish(TOPICS.tx, text("while-denied"));
      await a!.publish(TOPICS.tx, text("while-denied-a"));
      await sleep(300);
      expect(a!.peers()).not.toContain(b!.peerId);
      expect(atA.some((r) => r.text === "while-denied")).toBe(false);
      expect(atB.some((r) => r.text === "while-denied-a")).toBe(false);

      a!.deny([]);
      await connect(b!, a!);
      await expect(a!.request(b!.peerId, text("x")).then(str)).resolves.toBe("from b");
      await expect(b!.request(a!.peerId, text("x")).then(str)).resolves.toBe("from a");
      await warmUp(b!, [atA], "healed");
    });

    it("stop() is quick and idempotent; a stopped node publishes nothing and serves nothing", async () => {
      const [a, b] = await line(2);
      const started = Date.now();
      await Promise.all([a!.stop(), a!.stop()]);
      await a!.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      await eventually("the peer notices", () => !b!.peers().includes(a!.peerId));
      await expect(a!.publish(TOPICS.tx, text("after stop"))).resolves.toBe(false);
      expect(await rejection(a!.request(b!.peerId, text("x")))).toBeInstanceOf(TransportError);
      expect(await rejection(b!.request(a!.peerId, text("x"), { timeoutMs: 2_000 }))).toBeInstanceOf(TransportError);
    });
  });
}
