/**
 * Cryptography as ports. The pure layer (core, protocols, sim) signs, verifies and hashes
 * only through these interfaces; the implementation is injected. `runtime/crypto-node.ts`
 * provides the fast one on `node:crypto` (Ed25519 ~36k sign/s, ~13k verify/s here, about
 * 15x @noble), which the pure layer may not import (DESIGN.md §6).
 */
import type { Rng } from "./prng.js";
import { concatBytes, utf8 } from "./bytes.js";

/** Ed25519 sizes (RFC 8032). */
export const PUBLIC_KEY_LENGTH = 32;
export const SECRET_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const SHA256_LENGTH = 32;

/**
 * An Ed25519 key pair. `secretKey` is the RFC 8032 32-byte private key (the seed the
 * signing scalar and prefix are hashed from), not the 64-byte "expanded" form.
 */
export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Ed25519 signatures (RFC 8032, pure Ed25519: no prehash, no context). */
export interface SignatureScheme {
  /** A key pair; deterministic when a 32-byte seed is given, random otherwise. */
  generateKeyPair(seed32?: Uint8Array): KeyPair;
  /** The 64-byte signature of `message`; throws RangeError when the secret key is not 32 bytes. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * True when `signature` is valid for `message` under `publicKey`. Never throws: keys or
   * signatures of the wrong length, or not decodable as curve points, verify as false.
   * Every implementation must apply `core/ed25519-strict.ts` first (small-order or
   * non-canonical keys and R, S ≥ L: false), so that no signature verifies without the
   * private key; `test/unit/core/ed25519-strict.test.ts` holds each implementation to it.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Synchronous hashing: sha2-256, and the SHAKE256 extendable-output function (FIPS 202). */
export interface Hasher {
  sha256(bytes: Uint8Array): Uint8Array;
  /** `outputLength` bytes of SHAKE256 over `bytes` (an XOF: one call for any output length). */
  shake256(bytes: Uint8Array, outputLength: number): Uint8Array;
}

/** Everything the pure layer needs from cryptography, injected as one value. */
export interface CryptoSuite {
  readonly signatures: SignatureScheme;
  readonly hasher: Hasher;
}

/**
 * A 32-byte key seed derived from a label and an index, for simulations and devnets that
 * need the same keys on every run: sha256("entropic/key-seed/v1" 0x00 label 0x00 index).
 */
export function deriveKeySeed(hasher: Hasher, label: string, index: number): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`key index must be a uint53, got ${index}`);
  const zero = new Uint8Array(1);
  return hasher.sha256(concatBytes(utf8("entropic/key-seed/v1"), zero, utf8(label), zero, utf8(String(index))));
}

/** A 32-byte key seed drawn from a seeded generator (8 draws of 32 bits, little-endian). */
export function keySeedFromRng(rng: Pick<Rng, "nextU32">): Uint8Array {
  const out = new Uint8Array(SECRET_KEY_LENGTH);
  for (let i = 0; i < SECRET_KEY_LENGTH; i += 4) {
    const w = rng.nextU32();
    out[i] = w & 0xff;
    out[i + 1] = (w >>> 8) & 0xff;
    out[i + 2] = (w >>> 16) & 0xff;
    out[i + 3] = w >>> 24;
  }
  return out;
}
