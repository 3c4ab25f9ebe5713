import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import {
  MAX_STATEMENT_BYTES,
  STATEMENT_DOMAIN,
  decodeStatement,
  encodeStatement,
  isEquivocation,
  sameCandidate,
  signStatement,
  statementSigningBytes,
  verifyStatement,
  type Statement,
} from "../../../src/core/conflict.js";
import { cidOf, decode, encode } from "../../../src/core/codec.js";
import { DecodeError, EncodeError, type DecodeFailure } from "../../../src/core/errors.js";
import { utf8 } from "../../../src/core/bytes.js";
import { conflictKey, createTx, txId, txSigningBytes } from "../../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";

const sig = nodeSignatures;
const alice = sig.generateKeyPair(new Uint8Array(32).fill(1));
const carol = sig.generateKeyPair(new Uint8Array(32).fill(3));
const mallory = sig.generateKeyPair(new Uint8Array(32).fill(0x66));

const spendA = createTx(sig, alice, 7, utf8("pay bob"));
const spendB = createTx(sig, alice, 7, utf8("pay carol"));
const instance = conflictKey(spendA);
const cidA = txId(spendA, nodeHasher);
const cidB = txId(spendB, nodeHasher);

function failure(f: () => unknown): DecodeFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.reason;
    throw e;
  }
  throw new Error("expected a DecodeError, got a value");
}

function fields(s: Statement): Record<string, unknown> {
  return { candidate: s.candidate, epoch: s.epoch, instance: s.instance, signature: s.signature, signer: s.signer };
}

describe("statements", () => {
  it("sign, verify, encode and decode with a CID or an index as candidate", () => {
    for (const candidate of [cidA, 0, 3, Number.MAX_SAFE_INTEGER]) {
      const s = signStatement(sig, carol, { instance, epoch: 12, candidate });
      expect(verifyStatement(sig, s)).toBe(true);
      const bytes = encodeStatement(s);
      expect(bytes.length).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
      const back = decodeStatement(bytes, sig);
      expect(back.instance).toBe(instance);
      expect(back.epoch).toBe(12);
      expect(sameCandidate(back.candidate, candidate)).toBe(true);
      expect(encodeStatement(back)).toEqual(bytes);
    }
  });

  it("signs [domain, body] and no other kind of object verifies as a statement", () => {
    const s = signStatement(sig, alice, { instance, epoch: 0, candidate: cidA });
    expect((decode(statementSigningBytes(s)) as unknown[])[0]).toBe(STATEMENT_DOMAIN);
    // alice's tx signature is not a statement signature
    expect(verifyStatement(sig, { ...s, signature: spendA.signature })).toBe(false);
    expect(sig.verify(alice.publicKey, txSigningBytes(spendA), s.signature)).toBe(false);
  });

  it("any changed field breaks the signature", () => {
    const s = signStatement(sig, carol, { instance, epoch: 5, candidate: cidA });
    expect(verifyStatement(sig, { ...s, epoch: 6 })).toBe(false);
    expect(verifyStatement(sig, { ...s, candidate: cidB })).toBe(false);
    expect(verifyStatement(sig, { ...s, instance: conflictKey({ author: alice.publicKey, nonce: 8 }) })).toBe(false);
    expect(verifyStatement(sig, { ...s, signer: mallory.publicKey })).toBe(false);
    expect(verifyStatement(sig, { ...s, instance: "junk" })).toBe(false);
  });

  it("refuses bodies that are not well formed", () => {
    expect(() => signStatement(sig, carol, { instance: "x", epoch: 0, candidate: 0 })).toThrow(EncodeError);
    expect(() => signStatement(sig, carol, { instance, epoch: -1, candidate: 0 })).toThrow(EncodeError);
    expect(() => signStatement(sig, carol, { instance, epoch: 0, candidate: -1 })).toThrow(EncodeError);
    expect(() => signStatement(sig, carol, { instance, epoch: 0, candidate: 1.5 })).toThrow(EncodeError);
  });

  it("decode rejects unknown fields, wrong types and bad signatures", () => {
    const s = signStatement(sig, carol, { instance, epoch: 1, candidate: cidA });
    const good = fields(s);
    expect(failure(() => decodeStatement(encode({ ...good, extra: 0 }), sig))).toBe("invalid");
    const { epoch: _e, ...noEpoch } = good;
    expect(failure(() => decodeStatement(encode(noEpoch), sig))).toBe("invalid");
    for (const bad of [
      { ...good, epoch: "1" },
      { ...good, epoch: 2n ** 60n },
      { ...good, candidate: "cid" },
      { ...good, candidate: -2 },
      { ...good, candidate: cidA.toString() },
      { ...good, candidate: CID.create(1, 0x55, createDigest(0x12, nodeHasher.sha256(utf8("raw")))) }, // raw codec, not dag-cbor
      { ...good, instance: "not a key" },
      { ...good, instance: 7 },
      { ...good, signer: s.signer.subarray(1) },
      { ...good, signature: s.signature.subarray(1) },
    ]) {
      expect(failure(() => decodeStatement(encode(bad), sig))).toBe("invalid");
    }
    expect(failure(() => decodeStatement(encode({ ...good, epoch: 2 }), sig))).toBe("bad-signature");
    expect(decodeStatement(encode({ ...good, epoch: 2 }), sig, { verify: false }).epoch).toBe(2);
    expect(failure(() => decodeStatement(new Uint8Array(MAX_STATEMENT_BYTES + 1), sig))).toBe("too-large");
  });

  it("fuzz: arbitrary bytes and mutations throw DecodeError only", () => {
    const bytes = encodeStatement(signStatement(sig, carol, { instance, epoch: 3, candidate: cidB }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        failure(() => decodeStatement(b, sig));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const bad = bytes.slice();
        bad[i]! ^= x;
        failure(() => decodeStatement(bad, sig));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isEquivocation", () => {
  const a = signStatement(sig, mallory, { instance, epoch: 4, candidate: cidA });
  const b = signStatement(sig, mallory, { instance, epoch: 4, candidate: cidB });

  it("is true for two valid conflicting answers by one signer in one (instance, epoch)", () => {
    expect(isEquivocation(sig, a, b)).toBe(true);
    expect(isEquivocation(sig, b, a)).toBe(true);
    const i0 = signStatement(sig, mallory, { instance, epoch: 9, candidate: 0 });
    const i1 = signStatement(sig, mallory, { instance, epoch: 9, candidate: 1 });
    expect(isEquivocation(sig, i0, i1)).toBe(true);
  });

  it("survives the wire: decoded statements still prove it", () => {
    const da = decodeStatement(encodeStatement(a), sig);
    const db = decodeStatement(encodeStatement(b), sig);
    expect(isEquivocation(sig, da, db)).toBe(true);
  });

  it("is false when anything makes the pair innocent or unproven", () => {
    // same answer twice
    expect(isEquivocation(sig, a, a)).toBe(false);
    expect(isEquivocation(sig, a, signStatement(sig, mallory, { instance, epoch: 4, candidate: cidA }))).toBe(false);
    // different epoch: changing one's mind between rounds is allowed
    expect(isEquivocation(sig, a, signStatement(sig, mallory, { instance, epoch: 5, candidate: cidB }))).toBe(false);
    // different instance
    const other = conflictKey({ author: alice.publicKey, nonce: 8 });
    expect(isEquivocation(sig, a, signStatement(sig, mallory, { instance: other, epoch: 4, candidate: cidB }))).toBe(false);
    // different signers
    expect(isEquivocation(sig, a, signStatement(sig, carol, { instance, epoch: 4, candidate: cidB }))).toBe(false);
    // a forged second statement (signature invalid) proves nothing against mallory
    expect(isEquivocation(sig, a, { ...b, signature: a.signature })).toBe(false);
    expect(isEquivocation(sig, { ...a, signature: new Uint8Array(64) }, b)).toBe(false);
    // a candidate index and a CID cannot be compared
    expect(isEquivocation(sig, a, signStatement(sig, mallory, { instance, epoch: 4, candidate: 1 }))).toBe(false);
  });

  it("sameCandidate compares like with like only", () => {
    expect(sameCandidate(cidA, cidOf(encode(1), nodeHasher))).toBe(false);
    expect(sameCandidate(cidA, txId(spendA, nodeHasher))).toBe(true);
    expect(sameCandidate(1, 1)).toBe(true);
    expect(sameCandidate(1, 2)).toBe(false);
    expect(sameCandidate(1, cidA)).toBeUndefined();
    expect(sameCandidate(cidA, 0)).toBeUndefined();
  });
});
