/**
 * Strict Ed25519 encoding checks, applied before any signature is verified.
 *
 * RFC 8032 verification, as OpenSSL (and so node:crypto) implements it, accepts
 * signatures under small-order public keys: with the all-zero key (a point of order 4)
 * and an all-zero signature, about one message in four "verifies". Such a key belongs to
 * nobody, so a transaction, answer or vertex "signed" by it is a forgery. libsodium
 * refuses these inputs; we take the same rule set (not ZIP-215's, which is permissive on
 * purpose so that verifiers agree on consensus-critical edge cases):
 *
 * - the public key A and the commitment R must be canonical encodings: y < p, and no
 *   "negative zero" (sign bit set where x = 0, i.e. y = 1 or y = p − 1);
 * - neither A nor R may be a point of small order (order dividing 8);
 * - the scalar S must be reduced: S < L.
 *
 * The checks are byte comparisons (no curve arithmetic), so they cost a few hundred
 * nanoseconds beside a ~75 µs verification. Points that are not on the curve at all are
 * left to the verifier, which rejects them. A key with a torsion component that is not
 * small ("mixed order") is accepted, as by libsodium and every verifier in Chalkias et
 * al., "Taming the many EdDSAs" (2020): signing under it still needs the private scalar.
 *
 * Pure: no I/O; `test/unit/core/ed25519-strict.test.ts` derives the constants below from
 * curve arithmetic and runs the published edge-case vectors.
 */
import { fromHex } from "./bytes.js";

/** Why an encoding is refused, or null when it passes the strict checks. */
export type StrictRefusal =
  | "public-key-length"
  | "public-key-non-canonical"
  | "public-key-small-order"
  | "signature-length"
  | "r-non-canonical"
  | "r-small-order"
  | "s-not-reduced";

/**
 * The y-coordinates (little-endian, sign bit clear) of the eight points of order dividing
 * 8: 1 (the identity), p − 1 (order 2), 0 (the two points of order 4) and ±y₈ (the four
 * points of order 8). With the canonical check first, comparing y with the sign bit
 * masked catches every small-order point.
 */
export const SMALL_ORDER_Y: readonly Uint8Array[] = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
].map(fromHex);

/** L = 2^252 + 27742317777372353535851937790883648493, the order of the base point, little-endian. */
export const GROUP_ORDER_LE: Uint8Array = fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

/** p = 2^255 − 19, little-endian. */
const FIELD_PRIME_LE: Uint8Array = fromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

/** Compare two 32-byte little-endian integers, the bytes at `offset` of `a` against `b`; `mask31` applies to byte 31 of `a`. */
function compareLe(a: Uint8Array, offset: number, b: Uint8Array, mask31: number): number {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 ? a[offset + i]! & mask31 : a[offset + i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** y (sign bit masked) equals one of the small-order y-coordinates. */
function hasSmallOrderY(bytes: Uint8Array, offset: number): boolean {
  for (const y of SMALL_ORDER_Y) if (compareLe(bytes, offset, y, 0x7f) === 0) return true;
  return false;
}

/** A canonical point encoding: y < p, and the sign bit clear where x must be 0 (y = 1 or y = p − 1). */
function isCanonicalPoint(bytes: Uint8Array, offset: number): boolean {
  if (compareLe(bytes, offset, FIELD_PRIME_LE, 0x7f) >= 0) return false;
  if ((bytes[offset + 31]! & 0x80) === 0) return true;
  const one = SMALL_ORDER_Y[1]!;
  const minusOne = SMALL_ORDER_Y[2]!;
  return compareLe(bytes, offset, one, 0x7f) !== 0 && compareLe(bytes, offset, minusOne, 0x7f) !== 0;
}

/** Why `publicKey` is refused as an Ed25519 public key, or null when it is acceptable. */
export function publicKeyRefusal(publicKey: Uint8Array): StrictRefusal | null {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return "public-key-length";
  if (!isCanonicalPoint(publicKey, 0)) return "public-key-non-canonical";
  if (hasSmallOrderY(publicKey, 0)) return "public-key-small-order";
  return null;
}

/** Why `signature` (R ‖ S) is refused, or null when its encoding is acceptable. */
export function signatureRefusal(signature: Uint8Array): StrictRefusal | null {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return "signature-length";
  if (!isCanonicalPoint(signature, 0)) return "r-non-canonical";
  if (hasSmallOrderY(signature, 0)) return "r-small-order";
  if (compareLe(signature, 32, GROUP_ORDER_LE, 0xff) >= 0) return "s-not-reduced";
  return null;
}

/** Why this (public key, signature) pair is refused before verification, or null. */
export function strictRefusal(publicKey: Uint8Array, signature: Uint8Array): StrictRefusal | null {
  return publicKeyRefusal(publicKey) ?? signatureRefusal(signature);
}

/** Whether `publicKey` is an acceptable Ed25519 identity: canonical and not of small order. */
export function isAcceptablePublicKey(publicKey: Uint8Array): boolean {
  return publicKeyRefusal(publicKey) === null;
}
