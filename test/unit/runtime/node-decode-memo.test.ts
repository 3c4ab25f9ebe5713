// decode-memo.ts: one decode per vertex, heads announcement, transaction and commitment expansion for all of a simulated run's cores, with exactly the result each core's own decode gives.
import { describe, expect, it } from "vitest";
import { cidOf, type BlockCid } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";
import { conflictKey, createTx, decodeTx, encodeTx, txId } from "../../../src/core/tx.js";
import { createVertex, decodeVertex, encodeVertex } from "../../../src/core/vertex.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { DecodeMemo, headsText } from "../../../src/runtime/node/decode-memo.js";
import { FinalizedCommitment } from "../../../src/runtime/node/merkle.js";
import { decodeTxBatch, encodeHeads, encodeTxBatch, instanceId } from "../../../src/runtime/node/wire.js";
import { runNodeScenario } from "../../../src/runtime/simnet/run.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";

const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(3));

function vertexBytes(note: string): { bytes: Uint8Array; cid: string } {
  const tx = createTx(nodeSignatures, keys, 1, new TextEncoder().encode(note));
  const cid: BlockCid = txId(tx, nodeHasher);
  const v = createVertex(nodeSignatures, keys, { height: 0, parents: [], decisions: [[conflictKey(tx), cid]] });
  const bytes = encodeVertex(v);
  return { bytes, cid: cidOf(bytes, nodeHasher).toString() };
}

describe("DecodeMemo", () => {
  it("gives what decodeVertex gives, decoding each vertex once", () => {
    const memo = new DecodeMemo();
    const a = vertexBytes("a");
    const first = memo.vertex(a.cid, a.bytes, nodeSignatures);
    expect(first).toEqual(decodeVertex(a.bytes, nodeSignatures));
    expect(memo.vertex(a.cid, a.bytes.slice(), nodeSignatures)).toBe(first);
    expect(memo.stats).toMatchObject({ decoded: 1, reused: 1 });
  });

  it("keeps no refusal: a bad vertex is refused every time, with decodeVertex's error", () => {
    const memo = new DecodeMemo();
    const a = vertexBytes("b");
    const bad = a.bytes.slice();
    bad[bad.length - 1]! ^= 1; // the signature's last byte
    const cid = cidOf(bad, nodeHasher).toString();
    for (let k = 0; k < 2; k++) expect(() => memo.vertex(cid, bad, nodeSignatures)).toThrow(DecodeError);
    expect(memo.stats).toMatchObject({ decoded: 0, reused: 0 });
  });

  it("is bounded by its capacity", () => {
    const memo = new DecodeMemo(2);
    for (const note of ["c", "d", "e"]) {
      const v = vertexBytes(note);
      memo.vertex(v.cid, v.bytes, nodeSignatures);
    }
    const c = vertexBytes("c");
    memo.vertex(c.cid, c.bytes, nodeSignatures); // pushed out by e: decoded again
    expect(memo.stats).toMatchObject({ decoded: 4, reused: 0 });
  });

  it("heads and CIDs: keyed by the byte array itself, each decoded once, a copy decoded again; refusals not kept", () => {
    const memo = new DecodeMemo();
    const a = vertexBytes("h");
    const named = memo.cid(a.bytes, nodeHasher);
    expect(named.text).toBe(a.cid);
    expect(named.cid.toString()).toBe(a.cid);
    expect(memo.cid(a.bytes, nodeHasher)).toBe(named);
    expect(memo.cid(a.bytes.slice(), nodeHasher)).toEqual(named); // a copy: hashed again, the same answer
    expect(memo.stats).toMatchObject({ cidsHashed: 2, cidsReused: 1 });

    const bytes = encodeHeads({ heads: [cidOf(a.bytes, nodeHasher)], count: 1, root: new Uint8Array(32), seq: 4 });
    const h = memo.heads(bytes);
    expect(h).toEqual(headsText(bytes));
    expect(h.heads).toEqual([a.cid]);
    expect(memo.heads(bytes)).toBe(h);
    expect(memo.stats).toMatchObject({ headsDecoded: 1, headsReused: 1 });
    const bad = bytes.slice(0, bytes.length - 1);
    for (let k = 0; k < 2; k++) expect(() => memo.heads(bad)).toThrow(DecodeError);
    expect(memo.stats).toMatchObject({ headsDecoded: 1, headsReused: 1 });
  });

  it("a vertex's decisions as flat columns: wire.ts instanceId of each key and each CID digest, end to end, computed once per vertex", () => {
    const memo = new DecodeMemo();
    const a = vertexBytes("ids");
    const v = memo.vertex(a.cid, a.bytes, nodeSignatures);
    const keys = memo.decisionKeys(v, nodeHasher);
    expect(keys.ids).toEqual(instanceId(nodeHasher, v.decisions[0]![0]));
    expect(keys.digests).toEqual(v.decisions[0]![1].multihash.digest);
    expect(keys.digests).toHaveLength(32);
    expect(memo.decisionKeys(v, nodeHasher)).toBe(keys);
    expect(memo.stats).toMatchObject({ idsHashed: 1, idsReused: 0 });
  });

  it("instance ids: wire.ts instanceId of the key, hashed once per key for every core, one array shared", () => {
    const memo = new DecodeMemo();
    const keyA = conflictKey(createTx(nodeSignatures, keys, 7, new TextEncoder().encode("a")));
    const keyB = conflictKey(createTx(nodeSignatures, keys, 8, new TextEncoder().encode("b")));
    const a = memo.instanceId(keyA, nodeHasher);
    expect(a).toEqual(instanceId(nodeHasher, keyA));
    expect(memo.instanceId(keyA, nodeHasher)).toBe(a);
    expect(memo.instanceId(keyB, nodeHasher)).toEqual(instanceId(nodeHasher, keyB));
    expect(memo.instanceId(keyB, nodeHasher)).not.toEqual(a);
    expect(memo.stats).toMatchObject({ idsHashed: 2, idsReused: 2 });
  });

  it("transaction batches and transactions: keyed by the array, decoded once, what decodeTxBatch and decodeTx give; refusals not kept", () => {
    const memo = new DecodeMemo();
    const txs = ["t1", "t2"].map((note, k) => encodeTx(createTx(nodeSignatures, keys, k, new TextEncoder().encode(note))));
    const batch = encodeTxBatch(txs);
    const list = memo.txBatch(batch);
    expect(list).toEqual(decodeTxBatch(batch));
    expect(memo.txBatch(batch)).toBe(list); // the same arrays for every receiver: so the transactions' memo hits too
    const first = memo.tx(list[0]!, nodeSignatures);
    expect(first).toEqual(decodeTx(txs[0]!, nodeSignatures));
    expect(memo.tx(list[0]!, nodeSignatures)).toBe(first);
    expect(memo.tx(list[1]!, nodeSignatures)).toEqual(decodeTx(txs[1]!, nodeSignatures));
    expect(memo.stats).toMatchObject({ batchesDecoded: 1, batchesReused: 1, txsDecoded: 2, txsReused: 1 });
    const forged = txs[0]!.slice();
    forged[forged.length - 1]! ^= 1; // the signature's last byte
    for (let k = 0; k < 2; k++) expect(() => memo.tx(forged, nodeSignatures)).toThrow(DecodeError);
    for (let k = 0; k < 2; k++) expect(() => memo.txBatch(batch.subarray(0, batch.length - 1))).toThrow(DecodeError);
    expect(memo.stats).toMatchObject({ batchesDecoded: 1, txsDecoded: 2 });
  });

  it("commitment lanes: the same roots with a shared memo as without, each (key, CID) expanded once", () => {
    const memo = new DecodeMemo();
    const decisions = ["l1", "l2", "l3"].map((note) => {
      const tx = createTx(nodeSignatures, keys, 7, new TextEncoder().encode(note));
      return [conflictKey(tx), txId(tx, nodeHasher)] as const;
    });
    const own = new FinalizedCommitment(nodeHasher);
    const a = new FinalizedCommitment(nodeHasher, memo);
    const b = new FinalizedCommitment(nodeHasher, memo);
    for (const [key, cid] of decisions) {
      own.add(key, cid);
      a.add(key, cid);
    }
    for (const [key, cid] of [...decisions].reverse()) b.add(key, cid);
    expect(a.root()).toEqual(own.root());
    expect(b.root()).toEqual(own.root());
    a.remove(decisions[1]![0], decisions[1]![1]);
    own.remove(decisions[1]![0], decisions[1]![1]);
    expect(a.root()).toEqual(own.root());
    expect(a.root()).not.toEqual(b.root());
    expect(memo.stats).toMatchObject({ lanesExpanded: 3, lanesReused: 4 });
  });

  it("a driver: node run is the same run with and without the shared memo", async () => {
    const scenario = validateScenario({
      protocol: "snowball",
      driver: "node",
      seed: 3,
      params: { k: 5, alphaPreference: 4, alphaConfidence: 4 },
      topology: { kind: "complete", n: 8 },
      network: { latency: { kind: "uniform", min: 1, max: 20 }, loss: 0.02, partitions: [{ at: 300, heal: 900, split: 0.5 }] },
      node: { txs: 40, rate: 200, doubleSpends: 0.2, drain: 30_000 },
    });
    const shared = await runNodeScenario(scenario);
    const own = await runNodeScenario(scenario, { shareDecodes: false });
    expect(JSON.stringify(shared.summary)).toBe(JSON.stringify(own.summary));
    expect(shared.summary.decided.min).toBeGreaterThan(0);
  }, 120_000);
});
