// vertex-memo.ts: one decode per vertex for all of a simulated run's cores, with exactly the result each core's own decode gives.
import { describe, expect, it } from "vitest";
import { cidOf, type BlockCid } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";
import { conflictKey, createTx, txId } from "../../../src/core/tx.js";
import { createVertex, decodeVertex, encodeVertex } from "../../../src/core/vertex.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { VertexMemo } from "../../../src/runtime/node/vertex-memo.js";
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

describe("VertexMemo", () => {
  it("gives what decodeVertex gives, decoding each vertex once", () => {
    const memo = new VertexMemo();
    const a = vertexBytes("a");
    const first = memo.decode(a.cid, a.bytes, nodeSignatures);
    expect(first).toEqual(decodeVertex(a.bytes, nodeSignatures));
    expect(memo.decode(a.cid, a.bytes.slice(), nodeSignatures)).toBe(first);
    expect(memo.stats).toEqual({ decoded: 1, reused: 1 });
  });

  it("keeps no refusal: a bad vertex is refused every time, with decodeVertex's error", () => {
    const memo = new VertexMemo();
    const a = vertexBytes("b");
    const bad = a.bytes.slice();
    bad[bad.length - 1]! ^= 1; // the signature's last byte
    const cid = cidOf(bad, nodeHasher).toString();
    for (let k = 0; k < 2; k++) expect(() => memo.decode(cid, bad, nodeSignatures)).toThrow(DecodeError);
    expect(memo.stats).toEqual({ decoded: 0, reused: 0 });
  });

  it("is bounded by its capacity", () => {
    const memo = new VertexMemo(2);
    for (const note of ["c", "d", "e"]) {
      const v = vertexBytes(note);
      memo.decode(v.cid, v.bytes, nodeSignatures);
    }
    const c = vertexBytes("c");
    memo.decode(c.cid, c.bytes, nodeSignatures); // pushed out by e: decoded again
    expect(memo.stats).toEqual({ decoded: 4, reused: 0 });
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
    const own = await runNodeScenario(scenario, { shareVertexDecodes: false });
    expect(JSON.stringify(shared.summary)).toBe(JSON.stringify(own.summary));
    expect(shared.summary.decided.min).toBeGreaterThan(0);
  }, 120_000);
});
