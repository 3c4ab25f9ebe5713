import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { DAG_CBOR_CODE, cidOf, decode, encode, type BlockCid } from "../../../src/core/codec.js";
import { DecodeError, EncodeError, type DecodeFailure } from "../../../src/core/errors.js";
import { compareBytes, utf8 } from "../../../src/core/bytes.js";
import { conflictKey, createTx, txId } from "../../../src/core/tx.js";
import {
  MAX_DECISIONS,
  MAX_PARENTS,
  MAX_VERTEX_BYTES,
  VERTEX_DOMAIN,
  createVertex,
  decodeVertex,
  encodeVertex,
  verifyVertex,
  vertexId,
  vertexSigningBytes,
  type Decision,
  type Vertex,
} from "../../../src/core/vertex.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";

const sig = nodeSignatures;
const keys = sig.generateKeyPair(new Uint8Array(32).map((_, i) => i + 1));
const other = sig.generateKeyPair(new Uint8Array(32).fill(0xee));

function failure(f: () => unknown): DecodeFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.reason;
    throw e;
  }
  throw new Error("expected a DecodeError, got a value");
}

function fields(v: Vertex): Record<string, unknown> {
  return { author: v.author, decisions: v.decisions, height: v.height, parents: v.parents, signature: v.signature };
}

const cids: BlockCid[] = Array.from({ length: 8 }, (_, i) => cidOf(encode({ i }), nodeHasher));
const decisions: Decision[] = Array.from({ length: 5 }, (_, i) => {
  const t = createTx(sig, other, i, utf8(`tx ${i}`));
  return [conflictKey(t), txId(t, nodeHasher)] as const;
});

describe("vertex: pinned ids", () => {
  it("a fixed genesis and child have stable CIDs, recomputed with multiformats' sha256", async () => {
    const tx = createTx(sig, keys, 42, utf8("hello entropic"));
    const genesis = createVertex(sig, keys, { height: 0, parents: [], decisions: [] });
    const child = createVertex(sig, keys, {
      height: 1,
      parents: [vertexId(genesis, nodeHasher)],
      decisions: [[conflictKey(tx), txId(tx, nodeHasher)]],
    });
    expect(vertexId(genesis, nodeHasher).toString()).toBe("bafyreiewahtaqts2vev2kywiqxaumkp6awhnpcnihiwzmwmf3u2hgxcqqq");
    expect(vertexId(child, nodeHasher).toString()).toBe("bafyreifikphbmg3k5c6jlcusyeymx6bhq6hy4kzsv2sbhurq5ss3virlqa");
    const digest = await sha256.digest(encodeVertex(child));
    expect(CID.create(1, DAG_CBOR_CODE, digest).toString()).toBe("bafyreifikphbmg3k5c6jlcusyeymx6bhq6hy4kzsv2sbhurq5ss3virlqa");
  });
});

describe("vertex: create, encode, decode", () => {
  it("round-trips, sorting parents and decisions into canonical order", () => {
    fc.assert(
      fc.property(
        fc.subarray(cids, { minLength: 1 }),
        fc.subarray(decisions),
        fc.integer({ min: 1, max: 1_000_000 }),
        (parents, ds, height) => {
          const shuffledParents = [...parents].reverse();
          const shuffledDecisions = [...ds].reverse();
          const v = createVertex(sig, keys, { height, parents: shuffledParents, decisions: shuffledDecisions });
          for (let i = 1; i < v.parents.length; i++) expect(compareBytes(v.parents[i - 1]!.bytes, v.parents[i]!.bytes)).toBeLessThan(0);
          for (let i = 1; i < v.decisions.length; i++) expect(v.decisions[i - 1]![0] < v.decisions[i]![0]).toBe(true);
          expect(verifyVertex(sig, v)).toBe(true);
          const bytes = encodeVertex(v);
          const back = decodeVertex(bytes, sig);
          expect(encodeVertex(back)).toEqual(bytes);
          expect(back.height).toBe(height);
          expect(back.parents.map(String)).toEqual(v.parents.map(String));
          expect(back.decisions.map((d) => [d[0], String(d[1])])).toEqual(v.decisions.map((d) => [d[0], String(d[1])]));
          expect(cidOf(bytes, nodeHasher).equals(vertexId(back, nodeHasher))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("signs [domain, body]", () => {
    const v = createVertex(sig, keys, { height: 0, parents: [], decisions: [] });
    expect((decode(vertexSigningBytes(v)) as unknown[])[0]).toBe(VERTEX_DOMAIN);
  });

  it("createVertex refuses duplicates, height/parent mismatch and limits", () => {
    const make = (f: { height: number; parents: BlockCid[]; decisions: Decision[] }) => () => createVertex(sig, keys, f);
    expect(make({ height: 1, parents: [cids[0]!, cids[0]!], decisions: [] })).toThrow(EncodeError);
    expect(make({ height: 1, parents: [cids[0]!], decisions: [decisions[0]!, [decisions[0]![0], cids[1]!]] })).toThrow(EncodeError);
    expect(make({ height: 0, parents: [cids[0]!], decisions: [] })).toThrow(EncodeError);
    expect(make({ height: 1, parents: [], decisions: [] })).toThrow(EncodeError);
    expect(make({ height: -1, parents: [], decisions: [] })).toThrow(EncodeError);
    expect(make({ height: 1, parents: Array.from({ length: MAX_PARENTS + 1 }, (_, i) => cidOf(encode(i), nodeHasher)), decisions: [] })).toThrow(
      EncodeError,
    );
    expect(make({ height: 0, parents: [], decisions: [["bad key", cids[0]!]] })).toThrow(EncodeError);
  });

  it("accepts the largest legal vertex within the size limit", () => {
    const many: Decision[] = Array.from({ length: MAX_DECISIONS }, (_, i) => [
      conflictKey({ author: other.publicKey, nonce: Number.MAX_SAFE_INTEGER - i }),
      cids[i % cids.length]!,
    ]);
    const parents = Array.from({ length: MAX_PARENTS }, (_, i) => cidOf(encode(i), nodeHasher));
    const v = createVertex(sig, keys, { height: Number.MAX_SAFE_INTEGER, parents, decisions: many });
    const bytes = encodeVertex(v);
    expect(bytes.length).toBeLessThan(MAX_VERTEX_BYTES);
    expect(decodeVertex(bytes, sig).decisions).toHaveLength(MAX_DECISIONS);
  });
});

describe("vertex: rejection", () => {
  const v = createVertex(sig, keys, { height: 3, parents: cids.slice(0, 3), decisions: decisions.slice(0, 3) });
  const good = fields(v);

  it("refuses oversized input before decoding", () => {
    expect(failure(() => decodeVertex(new Uint8Array(MAX_VERTEX_BYTES + 1).fill(0xff), sig))).toBe("too-large");
  });

  it("refuses unknown or missing fields and wrong types", () => {
    expect(failure(() => decodeVertex(encode({ ...good, txs: [] }), sig))).toBe("invalid");
    const { height: _h, ...noHeight } = good;
    expect(failure(() => decodeVertex(encode(noHeight), sig))).toBe("invalid");
    for (const bad of [
      { ...good, height: "3" },
      { ...good, height: 0 }, // parents present
      { ...good, parents: "x" },
      { ...good, parents: [cids[0]!.toString()] },
      { ...good, decisions: [[decisions[0]![0]]] },
      { ...good, decisions: [[decisions[0]![0], decisions[0]![1], 1]] },
      { ...good, decisions: [[1, decisions[0]![1]]] },
      { ...good, decisions: [["not a key", decisions[0]![1]]] },
      { ...good, decisions: [{ key: decisions[0]![0] }] },
      { ...good, author: v.author.subarray(1) },
      { ...good, signature: 0 },
    ]) {
      expect(failure(() => decodeVertex(encode(bad), sig))).toBe("invalid");
    }
  });

  it("refuses non-canonical list order and duplicates even when signed", () => {
    const unsortedParents = { ...good, parents: [...v.parents].reverse() };
    expect(failure(() => decodeVertex(encode(unsortedParents), sig))).toBe("invalid");
    const dupParents = { ...good, parents: [v.parents[0], v.parents[0]] };
    expect(failure(() => decodeVertex(encode(dupParents), sig))).toBe("invalid");
    const unsortedDecisions = { ...good, decisions: [...v.decisions].reverse() };
    expect(failure(() => decodeVertex(encode(unsortedDecisions), sig))).toBe("invalid");
    // re-signed by the author: still refused, the order is part of validity
    const body = { author: v.author, height: v.height, parents: unsortedParents.parents as BlockCid[], decisions: v.decisions };
    const resigned = { ...body, signature: sig.sign(keys.secretKey, vertexSigningBytes(body)) };
    expect(failure(() => decodeVertex(encode(resigned), sig))).toBe("invalid");
    expect(verifyVertex(sig, resigned)).toBe(false);
    expect(() => encodeVertex(resigned)).toThrow(EncodeError);
  });

  it("refuses a signature by someone else, unless verification is off", () => {
    const forged = { ...good, signature: sig.sign(other.secretKey, vertexSigningBytes(v)) };
    expect(failure(() => decodeVertex(encode(forged), sig))).toBe("bad-signature");
    expect(decodeVertex(encode(forged), sig, { verify: false }).height).toBe(3);
  });

  it("fuzz: arbitrary bytes throw DecodeError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (b) => {
        failure(() => decodeVertex(b, sig));
      }),
      { numRuns: 2000 },
    );
  });

  it("fuzz: mutated valid encodings throw DecodeError (structure or signature)", () => {
    const bytes = encodeVertex(v);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(2), (i, x, kind) => {
        let bad: Uint8Array;
        if (kind === 0) {
          bad = bytes.slice();
          bad[i]! ^= x;
        } else if (kind === 1) {
          bad = bytes.slice(0, i);
        } else {
          bad = new Uint8Array([...bytes.subarray(0, i), x, ...bytes.subarray(i)]);
        }
        failure(() => decodeVertex(bad, sig));
      }),
      { numRuns: 2000 },
    );
  });
});
