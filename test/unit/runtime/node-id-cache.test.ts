// The responder's fast path from wire instance ids to instance numbers (id-cache.ts): keyed
// on 30 bits, confirmed on all 64, so a collision costs a slow lookup and never a wrong
// answer — checked on the cache alone (fast-check) and on live nodes polling about two
// sets whose ids collide in those 30 bits.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { conflictKey, createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { IdCache, sameId } from "../../../src/runtime/node/id-cache.js";
import { instanceId } from "../../../src/runtime/node/wire.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

/** What the responder does: the cached number if its set's id matches in full, else the exact index. */
function resolve(cache: IdCache, ids: readonly Uint8Array[], exact: Map<string, number>, q: Uint8Array): number {
  const hit = cache.get(q, 0);
  if (hit >= 0 && sameId(ids[hit]!, q, 0)) return hit;
  const i = exact.get(q.join(",")) ?? -1;
  if (i >= 0) cache.set(q, 0, i);
  return i;
}

describe("IdCache", () => {
  it("property: resolving through the cache always gives the exact index's answer", () => {
    // ids drawn from a few 30-bit prefixes, so collisions are common
    const id = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.integer({ min: 0, max: 3 })).map(([p, rest, top]) => {
      const b = new Uint8Array(8);
      b.set([p, 7, 7, 0x15 | (top << 6)]);
      b.set(rest, 3);
      b[3] = 0x15 | (top << 6);
      return b;
    });
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 30, selector: (b) => b.join(",") }), fc.array(fc.nat(), { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ids, picks, capacity) => {
        const exact = new Map(ids.map((b, i) => [b.join(","), i] as const));
        const cache = new IdCache(capacity);
        for (const p of picks) {
          const want = p % (ids.length + 1);
          const q = want < ids.length ? ids[want]! : new Uint8Array(8).fill(255); // an id nobody holds
          const got = resolve(cache, ids, exact, q);
          if (got !== (want < ids.length ? want : -1)) return false;
          if (cache.size > capacity) return false;
        }
        return true;
      }),
    );
  });
});

describe("colliding instance ids on live nodes", () => {
  const running: TestNet[] = [];
  afterEach(async () => {
    for (const n of running.splice(0)) await stopTestNet(n);
  });

  it("two sets whose ids share their first 30 bits are both answered for and decided", async () => {
    const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(77));
    // Birthday search over nonces: ~2^15 hashes find a 30-bit collision.
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let nonce = 0; pair === undefined && nonce < 400_000; nonce++) {
      const id = instanceId(nodeHasher, conflictKey({ author: author.publicKey, nonce }));
      const short = id[0]! | (id[1]! << 8) | (id[2]! << 16) | ((id[3]! & 0x3f) << 24);
      const other = seen.get(short);
      if (other !== undefined) pair = [other, nonce];
      else seen.set(short, nonce);
    }
    expect(pair).toBeDefined();
    const [n1, n2] = pair!;
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 10 }, 3, () => ({ pollIntervalMs: 2 }));
    running.push(net);
    const engines = net.nodes.map((n) => n.engine);
    const a = await net.run(engines[0]!.submitTx(createTx(nodeSignatures, author, n1, utf8("one"))));
    const b = await net.run(engines[0]!.submitTx(createTx(nodeSignatures, author, n2, utf8("two"))));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    await net.until("both sets final on every node", () => engines.every((e) => e.getConflict(a.conflict)?.final === a.cid && e.getConflict(b.conflict)?.final === b.cid), 30_000);
  });
});
