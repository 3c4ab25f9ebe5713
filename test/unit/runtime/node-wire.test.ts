// The live node's wire: round trips, strict refusal of anything else, and fuzzing that
// shows no input makes a decoder throw anything but a DecodeError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidOf, encode } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";
import { createTx, encodeTx } from "../../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import {
  answerSigningBytes,
  checkEvidence,
  decodeEvidence,
  encodeEvidence,
  decodeHeads,
  decodeRequest,
  decodeResponse,
  decodeTxBatch,
  encodeHeads,
  encodeRequest,
  encodeResponse,
  encodeTxBatch,
  instanceId,
  signAnswer,
  verifyAnswer,
} from "../../../src/runtime/node/wire.js";

const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(5));
const tx = createTx(nodeSignatures, keys, 1, new Uint8Array([1, 2, 3]));
const txBytes = encodeTx(tx);
const cid = cidOf(txBytes, nodeHasher);

function onlyDecodeErrors(decode: (b: Uint8Array) => unknown): (b: Uint8Array) => void {
  return (b) => {
    try {
      decode(b);
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
    }
  };
}

describe("node wire", () => {
  it("round-trips every message kind", () => {
    expect(decodeTxBatch(encodeTxBatch([txBytes, txBytes]))).toEqual([txBytes, txBytes]);
    const heads = { heads: [cid], root: new Uint8Array(32).fill(9), count: 3, seq: 7 };
    expect(decodeHeads(encodeHeads(heads))).toEqual(heads);
    const ids = new Uint8Array(16).fill(1);
    const q = { kind: "query" as const, instances: ids };
    expect(decodeRequest(encodeRequest(q))).toEqual(q);
    const qx = { kind: "query" as const, instances: ids, candidates: [new Uint8Array(8), new Uint8Array(16)], vectors: new Float64Array([1, 2, 3, 4]) };
    expect(decodeRequest(encodeRequest(qx))).toEqual(qx);
    const f = { kind: "fetch" as const, txs: [cid], vertices: [], sets: new Uint8Array(8) };
    expect(decodeRequest(encodeRequest(f))).toEqual(f);
    const a = signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(8), preferences: new Uint8Array(16).fill(3) });
    const back = decodeResponse(encodeResponse(a), 2);
    expect(back).toEqual(a);
    expect(back.kind === "answer" && verifyAnswer(nodeSignatures, ids, back)).toBe(true);
    expect(decodeResponse(encodeResponse({ kind: "blocks", txs: [txBytes], vertices: [] }), 0)).toEqual({ kind: "blocks", txs: [txBytes], vertices: [] });
  });

  it("binds an answer to the instances it answers", () => {
    const ids = new Uint8Array(8).fill(1);
    const a = signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(4), preferences: new Uint8Array(8).fill(3) });
    expect(verifyAnswer(nodeSignatures, new Uint8Array(8).fill(2), a)).toBe(false);
    expect(verifyAnswer(nodeSignatures, ids, { ...a, preferences: new Uint8Array(8).fill(4) })).toBe(false);
  });

  it("signs an answer's fields unambiguously: moving bytes between fields, or dropping an empty one, changes what is signed", () => {
    const field = fc.option(fc.uint8Array({ maxLength: 12 }), { nil: undefined });
    const answer = fc.record({ instances: fc.uint8Array({ maxLength: 12 }), epochs: fc.uint8Array({ maxLength: 12 }), signer: fc.uint8Array({ maxLength: 4 }), preferences: field, skipped: field, locked: field });
    const bytes = (a: { instances: Uint8Array; epochs: Uint8Array; signer: Uint8Array; preferences?: Uint8Array; skipped?: Uint8Array; locked?: Uint8Array }) => {
      const { instances, ...rest } = a;
      return Buffer.from(answerSigningBytes(instances, rest)).toString("hex");
    };
    const norm = (a: object) => JSON.stringify(a, (_, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    fc.assert(
      fc.property(answer, answer, (a, b) => {
        if (norm(a) !== norm(b)) expect(bytes(a)).not.toBe(bytes(b));
        else expect(bytes(a)).toBe(bytes(b));
      }),
      { numRuns: 3000 },
    );
    // the cases a concatenation without lengths and presence bytes would confuse
    const e = new Uint8Array(0);
    expect(bytes({ instances: Uint8Array.of(1), epochs: e, signer: e })).not.toBe(bytes({ instances: e, epochs: Uint8Array.of(1), signer: e }));
    expect(bytes({ instances: e, epochs: e, signer: e, locked: e })).not.toBe(bytes({ instances: e, epochs: e, signer: e }));
    expect(bytes({ instances: e, epochs: e, signer: e, locked: e })).not.toBe(bytes({ instances: e, epochs: e, signer: e, skipped: e }));
  });

  it("refuses wrong shapes with a named reason", () => {
    expect(() => decodeRequest(encode({ t: "query", i: new Uint8Array(7) }))).toThrow(/whole number of 8-byte ids/);
    expect(() => decodeRequest(encode({ t: "query", i: new Uint8Array(8), x: 1 }))).toThrow(DecodeError);
    expect(() => decodeRequest(encode({ t: "nope" }))).toThrow(/t must be/);
    expect(() => decodeRequest(encode({ t: "query", i: new Uint8Array(8 * 5000) }))).toThrow(/more than 4096/);
    expect(() => decodeResponse(encode({ t: "answer", e: new Uint8Array(4), s: new Uint8Array(32), sig: new Uint8Array(64) }), 2)).toThrow(DecodeError);
    expect(() => decodeHeads(encode({ count: -1, heads: [], root: new Uint8Array(32), seq: 0 }))).toThrow(DecodeError);
    expect(() => decodeTxBatch(encode([1, 2]))).toThrow(DecodeError);
  });

  it("an equivocation proof round-trips and holds only for two different signed preferences at one epoch", () => {
    const ids = new Uint8Array(16).fill(1);
    const epochs = new Uint8Array(8);
    const sign = (fill: number, e = epochs) => signAnswer(nodeSignatures, keys, ids, { epochs: e, preferences: new Uint8Array(16).fill(fill) });
    const proof = { a: { instances: ids, answer: sign(3) }, b: { instances: ids, answer: sign(4) } };
    const back = decodeEvidence(encodeEvidence(proof));
    expect(back).toEqual(proof);
    expect(checkEvidence(nodeSignatures, back)).toEqual(keys.publicKey);
    // same preference, different epochs, an empty preference, another signer: no proof
    expect(checkEvidence(nodeSignatures, { a: proof.a, b: { instances: ids, answer: sign(3) } })).toBeNull();
    expect(checkEvidence(nodeSignatures, { a: proof.a, b: { instances: ids, answer: sign(4, new Uint8Array(8).fill(1)) } })).toBeNull();
    expect(checkEvidence(nodeSignatures, { a: proof.a, b: { instances: ids, answer: sign(0) } })).toBeNull();
    const other = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(6));
    const foreign = signAnswer(nodeSignatures, other, ids, { epochs, preferences: new Uint8Array(16).fill(4) });
    expect(checkEvidence(nodeSignatures, { a: proof.a, b: { instances: ids, answer: foreign } })).toBeNull();
    // a forged signature
    expect(checkEvidence(nodeSignatures, { a: proof.a, b: { instances: ids, answer: { ...proof.b.answer, preferences: new Uint8Array(16).fill(5) } } })).toBeNull();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), onlyDecodeErrors(decodeEvidence)), { numRuns: 1000 });
  });

  it("instance ids are stable 8-byte digests of the conflict key", () => {
    expect(instanceId(nodeHasher, "abc")).toEqual(instanceId(nodeHasher, "abc"));
    expect(instanceId(nodeHasher, "abc")).toHaveLength(8);
    expect(instanceId(nodeHasher, "abc")).not.toEqual(instanceId(nodeHasher, "abd"));
  });

  it("random bytes never throw anything but DecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
        onlyDecodeErrors(decodeRequest)(b);
        onlyDecodeErrors((x) => decodeResponse(x, 2))(b);
        onlyDecodeErrors(decodeHeads)(b);
        onlyDecodeErrors(decodeTxBatch)(b);
      }),
      { numRuns: 2000 },
    );
  });

  it("mutated valid messages decode to a valid message or a DecodeError", () => {
    const ids = new Uint8Array(16).fill(1);
    const samples = [
      encodeRequest({ kind: "query", instances: ids }),
      encodeRequest({ kind: "fetch", txs: [cid], vertices: [cid], sets: new Uint8Array(8) }),
      encodeResponse(signAnswer(nodeSignatures, keys, ids, { epochs: new Uint8Array(8), preferences: new Uint8Array(16) })),
      encodeHeads({ heads: [cid], root: new Uint8Array(32), count: 1, seq: 1 }),
      encodeTxBatch([txBytes]),
    ];
    fc.assert(
      fc.property(fc.nat(samples.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (which, edits) => {
        const b = new Uint8Array(samples[which]!);
        for (const [at, v] of edits) b[at % b.length] = v;
        onlyDecodeErrors(decodeRequest)(b);
        onlyDecodeErrors((x) => decodeResponse(x, 2))(b);
        onlyDecodeErrors(decodeHeads)(b);
        onlyDecodeErrors(decodeTxBatch)(b);
      }),
      { numRuns: 3000 },
    );
  });
});
