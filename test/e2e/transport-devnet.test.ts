/**
 * A 16-node libp2p devnet on 127.0.0.1 (a ring with chords, every node dialling two
 * others, as a devnet does) forms gossip meshes: every node's message reaches every
 * other node, exactly once each.
 */
import { afterAll, describe, expect, it } from "vitest";
import { TOPICS } from "../../src/runtime/ports.js";
import { createLibp2pTransport, type Libp2pTransport } from "../../src/runtime/transport/libp2p.js";

const N = 16;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("a 16-node libp2p devnet", () => {
  const nodes: Libp2pTransport[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((t) => t.stop()));
  });

  it("delivers every node's messages to every other node once", async () => {
    for (let i = 0; i < N; i++) nodes.push(await createLibp2pTransport({ gossip: { heartbeatIntervalMs: 200 } }));
    const received = nodes.map(() => new Map<string, number>());
    nodes.forEach((t, i) =>
      t.onMessage((_topic, _from, data) => {
        const key = new TextDecoder().decode(data);
        received[i]!.set(key, (received[i]!.get(key) ?? 0) + 1);
        return "accept";
      }),
    );
    await Promise.all(nodes.map((t) => t.start()));
    // everyone dials its ring successor and the node 5 ahead, all at once
    await Promise.all(nodes.flatMap((t, i) => [1, 5].map((k) => t.dial(nodes[(i + k) % N]!.addresses()[0]!))));
    const linked = Date.now() + 5_000;
    while (nodes.some((t) => t.peers().length < 4) && Date.now() < linked) await sleep(20);
    for (const t of nodes) expect(t.peers().length).toBe(4);

    // warm-up: node 0 publishes until everyone has heard it (meshes form on heartbeats)
    const deadline = Date.now() + 15_000;
    for (let i = 0; received.some((r, j) => j !== 0 && ![...r.keys()].some((k) => k.startsWith("warm"))); i++) {
      if (Date.now() > deadline) throw new Error("the devnet never formed a mesh");
      await nodes[0]!.publish(TOPICS.heads, new TextEncoder().encode(`warm-${i}`));
      await sleep(200);
    }

    await Promise.all(nodes.map((t, i) => t.publish(TOPICS.tx, new TextEncoder().encode(`from-${i}`))));
    const all = (): boolean => received.every((r, j) => nodes.every((_, i) => i === j || r.has(`from-${i}`)));
    const until = Date.now() + 10_000;
    while (!all() && Date.now() < until) await sleep(20);
    await sleep(300);
    for (let j = 0; j < N; j++) {
      for (let i = 0; i < N; i++) if (i !== j) expect(received[j]!.get(`from-${i}`), `node ${j} hears node ${i} once`).toBe(1);
      expect(received[j]!.has(`from-${j}`)).toBe(false);
    }
  });
});
