// Strict Ed25519: no signature verifies without the private key. The constants of
// core/ed25519-strict.ts are derived here from curve arithmetic (BigInt, independent of
// the module), the published edge-case vectors of Chalkias, Garillot and Nikolaenko,
// "Taming the many EdDSAs" (SSR 2020; github.com/novifinancial/ed25519-speccheck,
// cases.txt) are each given the verdict libsodium gives, and fast-check searches for a
// forgery.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex } from "../../../src/core/bytes.js";
import {
  GROUP_ORDER_LE,
  SMALL_ORDER_Y,
  isAcceptablePublicKey,
  publicKeyRefusal,
  signatureRefusal,
  strictRefusal,
} from "../../../src/core/ed25519-strict.js";
import { createNodeSignatureScheme, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { txSigningBytes } from "../../../src/core/tx.js";
import { isOwnableIdentity } from "../../../src/runtime/transport/libp2p.js";
import { publicKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPublicKey } from "@libp2p/peer-id";

// ---- Edwards25519 in BigInt (reference arithmetic for the tests only) -------------------
const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;
function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b = mod(b);
  while (e > 0n) {
    if (e & 1n) r = mod(r * b);
    b = mod(b * b);
    e >>= 1n;
  }
  return r;
}
const inv = (a: bigint): bigint => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);
type Pt = readonly [bigint, bigint]; // affine (x, y)
const ID: Pt = [0n, 1n];
function add([x1, y1]: Pt, [x2, y2]: Pt): Pt {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))];
}
function mul(k: bigint, p: Pt): Pt {
  let r = ID;
  let q = p;
  while (k > 0n) {
    if (k & 1n) r = add(r, q);
    q = add(q, q);
    k >>= 1n;
  }
  return r;
}
const leToBig = (b: Uint8Array): bigint => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
function bigToLe(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
/** RFC 8032 §5.1.3 decoding (permissive: y is taken mod nothing, so callers pass y < p); null when no x exists. */
function decompress(y: bigint, sign: number): Pt | null {
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  if (mod(v * x * x) !== u) {
    if (mod(v * x * x) !== mod(-u)) return null;
    x = mod(x * SQRT_M1);
  }
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return [x, y];
}
const isId = (p: Pt): boolean => p[0] === 0n && p[1] === 1n;
function orderDividing8(p: Pt): number | null {
  for (const k of [1, 2, 4, 8]) if (isId(mul(BigInt(k), p))) return k;
  return null;
}

describe("strict Ed25519: the constants follow from the curve", () => {
  it("the order-8 subgroup's y-coordinates are exactly SMALL_ORDER_Y", () => {
    const ys = SMALL_ORDER_Y.map(leToBig);
    // 1 (identity), p−1 (order 2), 0 (order 4), ±y8 (order 8): 1 + 1 + 2 + 4 = 8 points, the whole torsion subgroup.
    expect(ys.slice(0, 3)).toEqual([0n, 1n, P - 1n]);
    expect(mod(ys[3]! + ys[4]!)).toBe(0n);
    const orders = new Map<bigint, number[]>();
    for (const y of ys) {
      const found: number[] = [];
      for (const sign of [0, 1]) {
        const pt = decompress(y, sign);
        if (pt !== null) found.push(orderDividing8(pt)!);
      }
      orders.set(y, found);
    }
    expect(orders.get(1n)).toEqual([1]); // x = 0: only the positive encoding exists
    expect(orders.get(P - 1n)).toEqual([2]);
    expect(orders.get(0n)).toEqual([4, 4]);
    expect(orders.get(ys[3]!)).toEqual([8, 8]);
    expect(orders.get(ys[4]!)).toEqual([8, 8]);
  });

  it("GROUP_ORDER_LE is L, the base point's order", () => {
    expect(leToBig(GROUP_ORDER_LE)).toBe(L);
    const base = decompress(mod(4n * inv(5n)), 0)!;
    expect(isId(mul(L, base))).toBe(true);
    expect(isId(base)).toBe(false);
  });
});

/** Every encoding of every small-order point, canonical or not (y and y + p where < 2^255, both signs). */
function smallOrderEncodings(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const yBytes of SMALL_ORDER_Y) {
    for (const y of [leToBig(yBytes), leToBig(yBytes) + P]) {
      if (y >= 2n ** 255n) continue;
      for (const sign of [0, 1]) {
        const e = bigToLe(y);
        e[31] = e[31]! | (sign << 7);
        out.push(e);
      }
    }
  }
  return out;
}

describe("strict Ed25519: refusals", () => {
  it("refuses every encoding of every small-order public key and R", () => {
    const encodings = smallOrderEncodings();
    expect(encodings.length).toBeGreaterThanOrEqual(14);
    for (const e of encodings) {
      expect(publicKeyRefusal(e), toHex(e)).toMatch(/^public-key-(small-order|non-canonical)$/);
      const sig = new Uint8Array(64);
      sig.set(e, 0);
      expect(signatureRefusal(sig), toHex(e)).toMatch(/^r-(small-order|non-canonical)$/);
    }
  });

  it("refuses y ≥ p and negative zero, accepts an ordinary key", () => {
    const yEqualsP = fromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    expect(publicKeyRefusal(yEqualsP)).toBe("public-key-non-canonical");
    const yMax = fromHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    expect(publicKeyRefusal(yMax)).toBe("public-key-non-canonical");
    const negativeOne = fromHex("0100000000000000000000000000000000000000000000000000000000000080");
    expect(publicKeyRefusal(negativeOne)).toBe("public-key-non-canonical");
    const { publicKey } = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));
    expect(publicKeyRefusal(publicKey)).toBeNull();
    expect(isAcceptablePublicKey(publicKey)).toBe(true);
    expect(publicKeyRefusal(new Uint8Array(31))).toBe("public-key-length");
  });

  it("refuses S = L and above, accepts S = L − 1 as an encoding", () => {
    const { publicKey, secretKey } = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(3));
    const sig = nodeSignatures.sign(secretKey, new Uint8Array([1, 2, 3]));
    expect(strictRefusal(publicKey, sig)).toBeNull();
    const withS = (s: bigint): Uint8Array => {
      const out = new Uint8Array(sig);
      out.set(bigToLe(s), 32);
      return out;
    };
    expect(signatureRefusal(withS(L))).toBe("s-not-reduced");
    expect(signatureRefusal(withS(L + leToBig(sig.subarray(32))))).toBe("s-not-reduced");
    expect(signatureRefusal(withS(2n ** 256n - 1n))).toBe("s-not-reduced");
    expect(signatureRefusal(withS(L - 1n))).toBeNull();
    // S + L is the classic malleated signature: OpenSSL already refuses it, and so do we, earlier.
    expect(nodeSignatures.verify(publicKey, new Uint8Array([1, 2, 3]), withS(leToBig(sig.subarray(32)) + L))).toBe(false);
  });
});

// "Taming the many EdDSAs", cases.txt: the twelve vectors, with libsodium's verdict (the
// paper's Table 5): only #3, a valid signature under a mixed-order key made with its
// private scalar, is accepted; every other one is refused.
const SPECCHECK: { msg: string; pk: string; sig: string; accept: boolean; what: string }[] = [
  { what: "0: S = 0, small-order A and R", accept: false, msg: "8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6", pk: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", sig: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000" },
  { what: "1: small-order A, mixed-order R", accept: false, msg: "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79", pk: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", sig: "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04" },
  { what: "2: small-order R, mixed-order A", accept: false, msg: "aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab", pk: "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", sig: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e" },
  { what: "3: mixed-order A and R, valid cofactored and cofactorless", accept: true, msg: "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79", pk: "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", sig: "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009" },
  { what: "4: valid only cofactored", accept: false, msg: "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c", pk: "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", sig: "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09" },
  { what: "5: valid only cofactored (pre-reduced scalar)", accept: false, msg: "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c", pk: "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", sig: "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405" },
  { what: "6: S > L", accept: false, msg: "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40", pk: "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623", sig: "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514" },
  { what: "7: S ≫ L", accept: false, msg: "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40", pk: "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623", sig: "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22" },
  { what: "8: non-canonical R", accept: false, msg: "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", pk: "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", sig: "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f" },
  { what: "9: non-canonical R", accept: false, msg: "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", pk: "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", sig: "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908" },
  { what: "10: non-canonical A", accept: false, msg: "e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b", pk: "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", sig: "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04" },
  { what: "11: non-canonical A", accept: false, msg: "39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f", pk: "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", sig: "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04" },
  // An earlier revision of the same set encodes R as y = p (non-canonical zero).
  { what: "R with y = p", accept: false, msg: "fdaebc429f4a735932a160da1301080c13280eea8bc280d1b392c6b9e6ba3a5a", pk: "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", sig: "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f454d370c8d9fc323a41450f8d513eafeb5b0697390c1e505a0d4ddc71f566607" },
];

describe("strict Ed25519: the 'Taming the many EdDSAs' vectors", () => {
  for (const v of SPECCHECK) {
    it(`${v.what}: ${v.accept ? "accepted" : "refused"}`, () => {
      expect(nodeSignatures.verify(fromHex(v.pk), fromHex(v.msg), fromHex(v.sig))).toBe(v.accept);
    });
  }

  it("vectors 0–2 and 8–11 are refused by the encoding checks, before OpenSSL sees them", () => {
    for (const i of [0, 1, 2, 8, 9, 10, 11, 12]) {
      const v = SPECCHECK[i]!;
      expect(strictRefusal(fromHex(v.pk), fromHex(v.sig)), v.what).not.toBeNull();
    }
  });
});

describe("strict Ed25519: no signature verifies without the private key", () => {
  it("the forgery the review found (all-zero key and signature) never verifies, for any transaction", () => {
    // Before the fix ~1 message in 4 verified (nonce 1 with an empty payload, nonce 3 with "forged").
    const zero32 = new Uint8Array(32);
    const zero64 = new Uint8Array(64);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.uint8Array({ maxLength: 64 }), (nonce, payload) => {
        const bytes = txSigningBytes({ author: zero32, nonce, payload });
        return !nodeSignatures.verify(zero32, bytes, zero64);
      }),
      { numRuns: 500 },
    );
  });

  it("no small-order key verifies any signature whose R is small-order or whose S is anything", () => {
    const encodings = smallOrderEncodings();
    fc.assert(
      fc.property(
        fc.constantFrom(...encodings),
        fc.constantFrom(...encodings),
        // S = 0 makes sB the identity, which R + kA hits for about one (A, R, message) in eight
        fc.oneof(fc.constant(new Uint8Array(32)), fc.uint8Array({ minLength: 32, maxLength: 32 })),
        fc.uint8Array({ maxLength: 48 }),
        (a, r, s, message) => {
          const sig = new Uint8Array(64);
          sig.set(r, 0);
          sig.set(s, 32);
          return !nodeSignatures.verify(a, message, sig);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a signature verifies under its signer only, for that message only, unaltered", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(64 * 8 - 1),
        (seedA, seedB, message, bit) => {
          fc.pre(toHex(seedA) !== toHex(seedB));
          const a = nodeSignatures.generateKeyPair(seedA);
          const b = nodeSignatures.generateKeyPair(seedB);
          const sig = nodeSignatures.sign(a.secretKey, message);
          if (!nodeSignatures.verify(a.publicKey, message, sig)) return false; // positive control
          if (nodeSignatures.verify(b.publicKey, message, sig)) return false;
          const flipped = new Uint8Array(sig);
          flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
          if (nodeSignatures.verify(a.publicKey, message, flipped)) return false;
          const other = new Uint8Array([...message, 0]);
          return !nodeSignatures.verify(a.publicKey, other, sig);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("random bytes never verify", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ maxLength: 32 }),
        (pk, sig, message) => !nodeSignatures.verify(pk, message, sig),
      ),
      { numRuns: 300 },
    );
  });

  it("counts verifications: ok, refused before verifying, bad", () => {
    const scheme = createNodeSignatureScheme({ cacheSize: 4 });
    const { publicKey, secretKey } = scheme.generateKeyPair(new Uint8Array(32).fill(9));
    const msg = new Uint8Array([5]);
    const sig = scheme.sign(secretKey, msg);
    scheme.verify(publicKey, msg, sig);
    scheme.verify(new Uint8Array(32), msg, new Uint8Array(64));
    scheme.verify(publicKey, new Uint8Array([6]), sig);
    expect({ ...scheme.verifications }).toEqual({ ok: 1, refused: 1, bad: 1 });
  });
});

describe("strict Ed25519: node identities", () => {
  it("a libp2p peer whose identity key is small-order or non-canonical is not ownable", () => {
    const own = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(1)).publicKey;
    expect(isOwnableIdentity(peerIdFromPublicKey(publicKeyFromRaw(own)))).toBe(true);
    for (const weak of [new Uint8Array(32), fromHex(SPECCHECK[0]!.pk), fromHex(SPECCHECK[10]!.pk)]) {
      expect(isOwnableIdentity(peerIdFromPublicKey(publicKeyFromRaw(weak))), toHex(weak)).toBe(false);
    }
  });
});
