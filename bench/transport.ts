/**
 * Transport throughput on localhost: gossip messages/s from a to b (100-byte and 10 KB
 * bodies; StrictSign, the default, and StrictNoSign for comparison) and request/response
 * round trips/s (one at a time and 32 in flight; all requests to a peer share one
 * multiplexed stream), for the libp2p transport over TCP and, for scale, the in-memory one. Publishing has no backpressure, so the publisher keeps at
 * most `WINDOW` messages in flight (published, not yet delivered), as a node must pace.
 * Writes bench/results/transport.json.
 *
 *   node --import tsx bench/transport.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { TOPICS, type Transport } from "../src/runtime/ports.js";
import { createLibp2pTransport, type GossipOptions } from "../src/runtime/transport/libp2p.js";
import { MemoryNetwork } from "../src/runtime/transport/memory.js";

const root = resolve(import.meta.dirname, "..");
const SECONDS = 3;
const WINDOW = 64;

interface Pair {
  a: Transport;
  b: Transport;
  stop(): Promise<void>;
}

async function libp2pPair(gossip: GossipOptions = {}): Promise<Pair> {
  const [a, b] = await Promise.all([createLibp2pTransport({ gossip }), createLibp2pTransport({ gossip })]);
  await Promise.all([a.start(), b.start()]);
  await a.dial(b.addresses()[0]!);
  return { a, b, stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
}

async function memoryPair(): Promise<Pair> {
  const network = new MemoryNetwork();
  const a = network.createTransport("a");
  const b = network.createTransport("b");
  await Promise.all([a.start(), b.start()]);
  await a.dial("/memory/b/p2p/b");
  return { a, b, stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
}

/** Messages per second delivered a → b with bodies of `size` bytes. */
async function gossipRate({ a, b }: Pair, size: number): Promise<number> {
  let received = 0;
  let wake: (() => void) | undefined;
  b.onMessage(() => {
    received++;
    wake?.();
    return "accept";
  });
  // bodies differ (a counter up front): StrictNoSign ids are content hashes
  let counter = 0;
  const body = (): Uint8Array => {
    const bytes = new Uint8Array(size).fill(7);
    new DataView(bytes.buffer).setUint32(0, counter++);
    return bytes;
  };
  // wait until b is subscribed as far as a knows
  while (!(await a.publish(TOPICS.tx, body()))) await new Promise((r) => setTimeout(r, 50));
  while (received === 0) await new Promise((r) => setTimeout(r, 10));
  const run = async (ms: number): Promise<number> => {
    const start = received;
    let sent = 0;
    const started = performance.now();
    while (performance.now() - started < ms) {
      if (sent - (received - start) < WINDOW) {
        await a.publish(TOPICS.tx, body());
        sent++;
      } else {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
        wake = undefined;
      }
    }
    return ((received - start) / (performance.now() - started)) * 1000;
  };
  await run(500); // warm-up
  const rate = await run(SECONDS * 1000);
  // let the tail arrive before the next measurement reuses the pair
  await new Promise((r) => setTimeout(r, 300));
  return rate;
}

/** Round trips per second a → b with `concurrency` requests in flight. */
async function requestRate({ a, b }: Pair, concurrency: number): Promise<number> {
  b.onRequest(async (_from, data) => data);
  const body = new Uint8Array(100).fill(1);
  const run = async (ms: number): Promise<number> => {
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - started < ms) {
          await a.request(b.peerId, body);
          done++;
        }
      }),
    );
    return (done / (performance.now() - started)) * 1000;
  };
  await run(300);
  return run(SECONDS * 1000);
}

const rows: { transport: string; measure: string; perSecond: number }[] = [];
function report(transport: string, measure: string, perSecond: number): void {
  rows.push({ transport, measure, perSecond: Math.round(perSecond) });
  console.log(`${transport.padEnd(22)} ${measure.padEnd(28)} ${Math.round(perSecond).toLocaleString("en")}/s`);
}

for (const [name, make] of [
  ["libp2p StrictSign", () => libp2pPair()],
  ["libp2p StrictNoSign", () => libp2pPair({ signaturePolicy: "StrictNoSign" })],
  ["memory", () => memoryPair()],
] as const) {
  for (const size of [100, 10_000]) {
    const pair = await make();
    report(name, `gossip a→b ${size} B`, await gossipRate(pair, size));
    await pair.stop();
  }
  if (name === "libp2p StrictNoSign") continue; // requests do not depend on the gossip policy
  const pair = await make();
  report(name, "request round trips, 1 in flight", await requestRate(pair, 1));
  report(name, "request round trips, 32 in flight", await requestRate(pair, 32));
  await pair.stop();
}

mkdirSync(resolve(root, "bench/results"), { recursive: true });
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };
writeFileSync(resolve(root, "bench/results/transport.json"), `${JSON.stringify({ machine, seconds: SECONDS, window: WINDOW, rows }, null, 2)}\n`);
console.log("wrote bench/results/transport.json");
