import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { DAG_CBOR_CODE, cidOf, decode, encode } from "../../../src/core/codec.js";
import { DecodeError, EncodeError, type DecodeFailure } from "../../../src/core/errors.js";
import { toHex, utf8 } from "../../../src/core/bytes.js";
import {
  MAX_PAYLOAD_BYTES,
  MAX_TX_BYTES,
  TX_DOMAIN,
  conflictKey,
  createTx,
  decodeTx,
  encodeTx,
  isConflictKey,
  parseConflictKey,
  txId,
  txSigningBytes,
  verifyTx,
  type Tx,
} from "../../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";

const sig = nodeSignatures;
const seed = new Uint8Array(32).map((_, i) => i + 1); // 01 02 … 20
const keys = sig.generateKeyPair(seed);
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

/** Encode a raw map as a tx would be, bypassing encodeTx's checks. */
function rawTx(fields: Record<string, unknown>): Uint8Array {
  return encode(fields);
}

function fields(tx: Tx): Record<string, unknown> {
  return { author: tx.author, nonce: tx.nonce, payload: tx.payload, signature: tx.signature };
}

describe("tx: pinned encoding and id", () => {
  const tx = createTx(sig, keys, 42, utf8("hello entropic"));

  it("has a stable public key, encoding and CID for a fixed seed", () => {
    expect(toHex(keys.publicKey)).toBe("79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");
    expect(toHex(encodeTx(tx))).toBe(
      "a4656e6f6e6365182a66617574686f72582079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664" +
        "677061796c6f61644e68656c6c6f20656e74726f706963697369676e617475726558406884a69c754323cdf55a550c50b979" +
        "341fccc2ce42b01cc591d5f4b6db3f7050ffbd83390a547662d9d4ae1bb42a62fb4847a74e4530b70f80e0179e1e43210b",
    );
    expect(txId(tx, nodeHasher).toString()).toBe("bafyreiebebcx4rvz74sz3rpg6beok2rg2dqebocgu5ierl4ewr2zdf65ve");
    expect(conflictKey(tx)).toBe("pg2vmlup4zkpsqdywejorkmlu6ib7bj242k35v7a4oiqxlieszsa:42");
  });

  it("the pinned CID is sha2-256 over the encoding, recomputed with multiformats' own sha256", async () => {
    const digest = await sha256.digest(encodeTx(tx));
    expect(CID.create(1, DAG_CBOR_CODE, digest).toString()).toBe("bafyreiebebcx4rvz74sz3rpg6beok2rg2dqebocgu5ierl4ewr2zdf65ve");
  });

  it("signs [domain, {author, nonce, payload}]", () => {
    expect(decode(txSigningBytes(tx))).toEqual([TX_DOMAIN, { author: tx.author, nonce: 42, payload: tx.payload }]);
    expect(sig.verify(tx.author, encode({ author: tx.author, nonce: 42, payload: tx.payload }), tx.signature)).toBe(false);
  });
});

describe("tx: create, encode, decode", () => {
  it("round-trips, and the id of the received bytes equals txId", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.uint8Array({ maxLength: 600 }), (nonce, payload) => {
        const tx = createTx(sig, keys, nonce, payload);
        expect(verifyTx(sig, tx)).toBe(true);
        const bytes = encodeTx(tx);
        const back = decodeTx(bytes, sig);
        expect(back).toEqual(tx);
        expect(cidOf(bytes, nodeHasher).equals(txId(back, nodeHasher))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("copies its inputs", () => {
    const payload = utf8("abc");
    const tx = createTx(sig, keys, 1, payload);
    payload[0] = 0;
    expect(tx.payload).toEqual(utf8("abc"));
    expect(verifyTx(sig, tx)).toBe(true);
  });

  it("a decoded tx owns its bytes, also when decoded from a Buffer", () => {
    const tx = createTx(sig, keys, 2, utf8("owned"));
    const wire = Buffer.from(encodeTx(tx));
    const back = decodeTx(wire, sig);
    wire.fill(0);
    expect(back).toEqual(tx);
    expect(back.payload.constructor).toBe(Uint8Array);
  });

  it("accepts the largest payload and the largest nonce", () => {
    const tx = createTx(sig, keys, Number.MAX_SAFE_INTEGER, new Uint8Array(MAX_PAYLOAD_BYTES).fill(7));
    const bytes = encodeTx(tx);
    expect(bytes.length).toBeLessThanOrEqual(MAX_TX_BYTES);
    expect(decodeTx(bytes, sig)).toEqual(tx);
  });

  it("createTx refuses out-of-range fields with EncodeError", () => {
    for (const nonce of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      expect(() => createTx(sig, keys, nonce, new Uint8Array(0))).toThrow(EncodeError);
    }
    expect(() => createTx(sig, keys, 0, new Uint8Array(MAX_PAYLOAD_BYTES + 1))).toThrow(EncodeError);
    expect(() => createTx(sig, { publicKey: new Uint8Array(31), secretKey: keys.secretKey }, 0, new Uint8Array(0))).toThrow(EncodeError);
    expect(() => createTx(sig, keys, 0, "text" as unknown as Uint8Array)).toThrow(EncodeError);
  });

  it("encodeTx refuses a malformed signature", () => {
    const tx = createTx(sig, keys, 0, new Uint8Array(0));
    expect(() => encodeTx({ ...tx, signature: tx.signature.subarray(0, 63) })).toThrow(EncodeError);
  });

  it("decodeTx skips the signature check only when asked", () => {
    const tx = createTx(sig, keys, 3, utf8("x"));
    const forged = rawTx({ ...fields(tx), payload: utf8("y") });
    expect(failure(() => decodeTx(forged, sig))).toBe("bad-signature");
    expect(decodeTx(forged, sig, { verify: false }).payload).toEqual(utf8("y"));
  });
});

describe("tx: rejection", () => {
  const tx = createTx(sig, keys, 9, utf8("payload"));
  const good = fields(tx);

  it("refuses oversized input before decoding", () => {
    const huge = new Uint8Array(MAX_TX_BYTES + 1).fill(0xff);
    expect(failure(() => decodeTx(huge, sig))).toBe("too-large");
  });

  it("refuses unknown and missing fields", () => {
    expect(failure(() => decodeTx(rawTx({ ...good, extra: 1 }), sig))).toBe("invalid");
    expect(failure(() => decodeTx(rawTx({ ...good, Author: tx.author }), sig))).toBe("invalid");
    for (const k of Object.keys(good)) {
      const { [k]: _drop, ...rest } = good;
      expect(failure(() => decodeTx(rawTx(rest), sig))).toBe("invalid");
    }
  });

  it("refuses a __proto__ field", () => {
    // cborg defines "__proto__" as an own property; it must count as unknown, not vanish.
    const withProto = encode(new Map<string, unknown>([...Object.entries(good), ["__proto__", 1]]));
    expect(failure(() => decodeTx(withProto, sig))).toBe("invalid");
  });

  it("refuses wrong types and lengths", () => {
    const cases: Record<string, unknown>[] = [
      { ...good, author: tx.author.subarray(0, 31) },
      { ...good, author: "author" },
      { ...good, nonce: "9" },
      { ...good, nonce: -1 },
      { ...good, nonce: 1.5 },
      { ...good, nonce: 2n ** 53n },
      { ...good, nonce: null },
      { ...good, payload: "payload" },
      { ...good, payload: [1, 2] },
      { ...good, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) },
      { ...good, signature: tx.signature.subarray(0, 63) },
      { ...good, signature: new Uint8Array([...tx.signature, 0]) },
    ];
    for (const c of cases) expect(failure(() => decodeTx(rawTx(c), sig))).toBe("invalid");
    expect(failure(() => decodeTx(encode([tx.author, 9, tx.payload, tx.signature]), sig))).toBe("invalid");
    expect(failure(() => decodeTx(encode(7), sig))).toBe("invalid");
    expect(failure(() => decodeTx(encode(null), sig))).toBe("invalid");
    expect(failure(() => decodeTx(encode(tx.author), sig))).toBe("invalid");
  });

  it("refuses nested structure beyond a flat map", () => {
    expect(failure(() => decodeTx(rawTx({ ...good, payload: [[[1]]] }), sig))).toBe("too-deep");
  });

  it("refuses a signature by someone other than the author", () => {
    const bySomeoneElse = { ...good, signature: sig.sign(other.secretKey, txSigningBytes(tx)) };
    expect(failure(() => decodeTx(rawTx(bySomeoneElse), sig))).toBe("bad-signature");
    expect(verifyTx(sig, { ...tx, signature: bySomeoneElse.signature })).toBe(false);
  });

  it("fuzz: arbitrary bytes throw DecodeError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(failure(() => decodeTx(bytes, sig))).not.toBe("bad-signature");
      }),
      { numRuns: 3000 },
    );
  });

  it("fuzz: every mutated valid encoding throws DecodeError (structure or signature)", () => {
    const bytes = encodeTx(tx);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(3), (i, x, kind) => {
        let bad: Uint8Array;
        if (kind === 0) {
          bad = bytes.slice();
          bad[i]! ^= x; // always a change
        } else if (kind === 1) {
          bad = bytes.slice(0, i);
        } else if (kind === 2) {
          bad = new Uint8Array([...bytes.subarray(0, i), x, ...bytes.subarray(i)]);
        } else {
          bad = new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
        }
        failure(() => decodeTx(bad, sig));
      }),
      { numRuns: 2000 },
    );
  });

  it("a flip inside any field value is a bad signature (never accepted)", () => {
    const bytes = encodeTx(tx);
    const reasons = new Set<DecodeFailure>();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x01;
      reasons.add(failure(() => decodeTx(bad, sig)));
    }
    expect(reasons.has("bad-signature")).toBe(true);
    expect(reasons.has("invalid") || reasons.has("non-canonical") || reasons.has("malformed")).toBe(true);
  });
});

describe("conflict keys", () => {
  it("is base32(author):nonce and parses back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.maxSafeNat(), (author, nonce) => {
        const key = conflictKey({ author, nonce });
        expect(key).toMatch(/^[a-z2-7]{52}:[0-9]+$/);
        const back = parseConflictKey(key);
        expect(back.author).toEqual(author);
        expect(back.nonce).toBe(nonce);
      }),
      { numRuns: 300 },
    );
  });

  it("isConflictKey accepts exactly what parseConflictKey parses (keys, keys mutated one character at a time, noise)", () => {
    const accepts = (k: string): boolean => {
      try {
        parseConflictKey(k);
        return true;
      } catch {
        return false;
      }
    };
    const alphabet = "abcdefghijklmnopqrstuvwxyz234567:0189AZ -";
    const key = fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.oneof(fc.maxSafeNat(), fc.nat(20)), fc.constantFrom("9007199254740991", "9007199254740992", "99999999999999999", "9999999999999999")).map(([author, nonce, big]) => [conflictKey({ author, nonce }), `${conflictKey({ author, nonce: 0 }).slice(0, 53)}${big}`] as const);
    const mutated = fc.tuple(key, fc.nat(70), fc.integer({ min: 0, max: alphabet.length - 1 }), fc.constantFrom("replace", "insert", "delete")).map(([[k], at, ch, how]) => {
      const i = at % (k.length + 1);
      const c = alphabet[ch]!;
      return how === "replace" ? k.slice(0, i) + c + k.slice(i + 1) : how === "insert" ? k.slice(0, i) + c + k.slice(i) : k.slice(0, i) + k.slice(i + 1);
    });
    fc.assert(
      fc.property(fc.oneof(key.map(([k]) => k), key.map(([, k]) => k), mutated, fc.string({ maxLength: 80 })), (k) => {
        expect(isConflictKey(k)).toBe(accepts(k));
      }),
      { numRuns: 3000 },
    );
  });

  it("is shared by conflicting transactions and differs otherwise", () => {
    const a = createTx(sig, keys, 5, utf8("pay alice"));
    const b = createTx(sig, keys, 5, utf8("pay bob"));
    const c = createTx(sig, keys, 6, utf8("pay alice"));
    const d = createTx(sig, other, 5, utf8("pay alice"));
    expect(conflictKey(a)).toBe(conflictKey(b));
    expect(txId(a, nodeHasher).equals(txId(b, nodeHasher))).toBe(false);
    expect(conflictKey(a)).not.toBe(conflictKey(c));
    expect(conflictKey(a)).not.toBe(conflictKey(d));
  });

  it("refuses non-canonical or malformed keys", () => {
    const key = conflictKey({ author: keys.publicKey, nonce: 7 });
    const [b32] = key.split(":");
    const bad = [
      `${b32}:07`,
      `${b32}:-1`,
      `${b32}:9007199254740992`,
      `${b32!.toUpperCase()}:7`,
      `${b32!.slice(0, 51)}:7`,
      `${b32}7`,
      `${b32}:7 `,
      `${b32!.slice(0, 51)}b:7`, // last character carries 4 spare bits that must be zero
      "",
    ];
    for (const k of bad) expect(failure(() => parseConflictKey(k))).toBe("invalid");
    for (const k of bad) expect(isConflictKey(k)).toBe(false);
    expect(isConflictKey(key)).toBe(true);
    expect(() => conflictKey({ author: new Uint8Array(31), nonce: 0 })).toThrow(EncodeError);
    expect(() => conflictKey({ author: keys.publicKey, nonce: -1 })).toThrow(EncodeError);
  });
});
