/**
 * A live node under attack by a raw libp2p peer speaking the node's own formats badly:
 * garbage and forged transactions, vertices and heads on the gossip topics, garbage and
 * well-formed-but-hostile queries on the request protocol. The node drops all of it,
 * stores nothing of it, scores the attacker below zero, and keeps deciding with its
 * honest peers.
 */
import "../../src/runtime/polyfill.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { afterAll, describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes.js";
import { cidOf, encode } from "../../src/core/codec.js";
import { createTx, encodeTx } from "../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../src/runtime/crypto-node.js";
import { encodeRequest, encodeTxBatch } from "../../src/runtime/node/wire.js";
import { createNode, type RunningNode } from "../../src/runtime/node/start.js";
import { TOPICS } from "../../src/runtime/ports.js";
import { DEFAULT_REQUEST_PROTOCOL } from "../../src/runtime/transport/limits.js";
import { encodeRpcFrame } from "../../src/runtime/transport/rpc-frame.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

async function rawAttacker() {
  return createLibp2p({
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, floodPublish: true, heartbeatInterval: 100, globalSignaturePolicy: "StrictNoSign" }),
    },
  });
}

const nodes: RunningNode[] = [];
let attacker: Awaited<ReturnType<typeof rawAttacker>> | undefined;
afterAll(async () => {
  await attacker?.stop();
  for (const n of nodes) await n.stop();
});

describe("a live node attacked by a raw libp2p peer", () => {
  it("drops malformed and forged messages, scores the attacker down, keeps deciding", async () => {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await createNode({
          dataDir: mkdtempSync(join(tmpdir(), "entropic-victim-")),
          protocol: "snowball",
          params: { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 8 },
          bootstrap: nodes.map((n) => n.multiaddrs[0]!),
        }),
      );
    }
    const [victim, a, b] = nodes as [RunningNode, RunningNode, RunningNode];
    await eventually("mesh", () => victim.transport.peers().length === 2);
    attacker = await rawAttacker();
    for (const t of Object.values(TOPICS)) attacker.services.pubsub.subscribe(t);
    await attacker.dial(multiaddr(victim.multiaddrs[0]!));
    await eventually("attacker sees the victim's topics", () => attacker!.services.pubsub.getSubscribers(TOPICS.tx).length > 0);
    const attackerId = attacker.peerId.toString();

    // gossip: garbage on every topic, a batch with a forged transaction, a shape-valid but unsigned vertex
    const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(3));
    const good = createTx(nodeSignatures, keys, 5, utf8("real"));
    const forged = encodeTx({ ...good, payload: utf8("forged") });
    for (const t of Object.values(TOPICS)) await attacker.services.pubsub.publish(t, randomBytes(40));
    await attacker.services.pubsub.publish(TOPICS.tx, encodeTxBatch([forged]));
    await attacker.services.pubsub.publish(TOPICS.vertex, encode({ author: new Uint8Array(32), decisions: [], height: 0, parents: [], signature: new Uint8Array(64) }));
    // request protocol: garbage, then a well-formed query it may answer
    const send = async (bytes: Uint8Array): Promise<number> => {
      const s = await attacker!.dialProtocol(peerIdFromString(victim.peerId), DEFAULT_REQUEST_PROTOCOL);
      try {
        s.send(encodeRpcFrame("request", 1, bytes));
        await s.close();
        let n = 0;
        for await (const chunk of s) n += chunk.byteLength;
        return n;
      } catch {
        return -1;
      }
    };
    expect(await send(randomBytes(100))).toBeGreaterThanOrEqual(-1); // an error answer or a reset, never a crash
    expect(await send(encodeRequest({ kind: "query", instances: new Uint8Array(16) }))).toBeGreaterThan(0);

    await eventually("invalid input counted", () => {
      const c = victim.engine.status().counters;
      return c.txInvalid >= 1 && c.verticesInvalid >= 1 && c.requestsInvalid >= 1;
    });
    await eventually("attacker's score below zero", () => victim.transport.score(attackerId) < 0);
    // nothing of the forgery was stored or became a candidate
    expect(victim.engine.status().pendingCount).toBe(0);
    expect(victim.engine.getTx(cidOf(forged, nodeHasher).toString())).toBeUndefined();

    // and the node keeps working: a double spend still resolves identically on all three
    const [ra] = await Promise.all([victim.engine.submitTx(good), a.engine.submitTx(createTx(nodeSignatures, keys, 5, utf8("twin")))]);
    expect(ra.ok).toBe(true);
    const key = ra.ok ? ra.conflict : "";
    await eventually("decided everywhere", () => nodes.every((n) => n.engine.getConflict(key)?.final));
    expect(new Set(nodes.map((n) => n.engine.getConflict(key)!.final)).size).toBe(1);
    expect(victim.transport.score(b.peerId)).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
