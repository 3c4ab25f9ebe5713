/**
 * The `node:crypto` implementation of the crypto ports of `core/crypto.ts`: Ed25519 via
 * OpenSSL and sha2-256 via `crypto.hash`. Runtime and CLI inject it into the pure layer.
 *
 * Keys stay raw 32-byte arrays at the interface; OpenSSL needs KeyObjects, which cost
 * about as much to build as a signature, so the objects are cached per key (bounded,
 * oldest evicted first). Raw keys become DER by a fixed prefix: PKCS#8 for the private
 * seed, SPKI for the public key (RFC 8410).
 */
import * as nodeCryptoModule from "node:crypto";
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import {
  SECRET_KEY_LENGTH,
  type CryptoSuite,
  type Hasher,
  type KeyPair,
  type SignatureScheme,
} from "../core/crypto.js";
import { strictRefusal } from "../core/ed25519-strict.js";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Default number of cached key objects per kind (private, public). */
export const DEFAULT_KEY_CACHE_SIZE = 32_768;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asPlain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** A bounded map from raw key bytes to KeyObject; evicts in insertion order. */
class KeyCache {
  private readonly map = new Map<string, KeyObject>();
  constructor(private readonly capacity: number) {}

  get(id: string): KeyObject | undefined {
    return this.map.get(id);
  }

  set(id: string, key: KeyObject): void {
    if (this.capacity <= 0) return;
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(id, key);
  }

  get size(): number {
    return this.map.size;
  }
}

/** Verification outcomes since the scheme was made, for metrics. */
export interface VerificationCounts {
  /** signatures that verified */
  ok: number;
  /** refused before verification: small-order or non-canonical key or R, S ≥ L, wrong lengths */
  refused: number;
  /** verified and found invalid (or not decodable as a curve point) */
  bad: number;
}

export interface NodeSignatureScheme extends SignatureScheme {
  /** Number of cached private and public key objects (for tests and diagnostics). */
  cacheSizes(): { privateKeys: number; publicKeys: number };
  /** Verification outcomes so far (a live view; copy it to keep a snapshot). */
  readonly verifications: Readonly<VerificationCounts>;
}

/** Ed25519 on node:crypto. `cacheSize` bounds each of the two key-object caches. */
export function createNodeSignatureScheme(options: { cacheSize?: number } = {}): NodeSignatureScheme {
  const capacity = options.cacheSize ?? DEFAULT_KEY_CACHE_SIZE;
  const privateKeys = new KeyCache(capacity);
  const publicKeys = new KeyCache(capacity);
  const verifications: VerificationCounts = { ok: 0, refused: 0, bad: 0 };

  function privateKeyObject(secretKey: Uint8Array): KeyObject {
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== SECRET_KEY_LENGTH) {
      throw new RangeError(`Ed25519 secret key must be ${SECRET_KEY_LENGTH} bytes`);
    }
    const raw = asBuffer(secretKey);
    const id = raw.toString("latin1");
    let key = privateKeys.get(id);
    if (key === undefined) {
      key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]), format: "der", type: "pkcs8" });
      privateKeys.set(id, key);
    }
    return key;
  }

  /** The public KeyObject, or null when the bytes are not an acceptable Ed25519 public key. */
  function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
    const raw = asBuffer(publicKey);
    const id = raw.toString("latin1");
    let key = publicKeys.get(id);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" });
      } catch {
        return null;
      }
      publicKeys.set(id, key);
    }
    return key;
  }

  return {
    generateKeyPair(seed32?: Uint8Array): KeyPair {
      const secretKey = seed32 === undefined ? asPlain(randomBytes(SECRET_KEY_LENGTH)) : new Uint8Array(seed32);
      const priv = privateKeyObject(secretKey);
      const spki = createPublicKey(priv).export({ format: "der", type: "spki" });
      const publicKey = new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
      return { publicKey, secretKey };
    },

    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      return asPlain(sign(null, message, privateKeyObject(secretKey)));
    },

    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      // The strict encoding checks come first: OpenSSL alone accepts signatures under
      // small-order keys, which nobody owns (core/ed25519-strict.ts).
      if (!(message instanceof Uint8Array) || strictRefusal(publicKey, signature) !== null) {
        verifications.refused++;
        return false;
      }
      const key = publicKeyObject(publicKey);
      let valid = false;
      if (key !== null) {
        try {
          valid = verify(null, message, key, signature);
        } catch {
          valid = false;
        }
      }
      if (valid) verifications.ok++;
      else verifications.bad++;
      return valid;
    },

    cacheSizes() {
      return { privateKeys: privateKeys.size, publicKeys: publicKeys.size };
    },

    verifications,
  };
}

// One-shot `crypto.hash` (Node >= 20.12) skips the Hash object; older Node 20 falls back to createHash.
const oneShot = (nodeCryptoModule as { hash?: typeof nodeCryptoModule.hash }).hash;

/**
 * The bytes of a digest node:crypto returned as a "binary" (latin1) string (one character per
 * byte). Digests are asked for as strings, not Buffers: a Buffer's memory is outside V8's
 * heap, and allocating it was most of a small digest's cost (sha2-256 of 100 bytes:
 * 1.4 µs as a Buffer, 0.3 µs as a string copied into a Uint8Array, which for 64 bytes or
 * less lives on V8's heap; bench/typed-alloc.ts measures why).
 */
export function latin1Bytes(digest: string): Uint8Array {
  const out = new Uint8Array(digest.length);
  for (let i = 0; i < out.length; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** One-shot digest of `bytes` (Node >= 20.12), or through a Hash object. */
export function digestOf(algorithm: string, bytes: Uint8Array): Uint8Array {
  return latin1Bytes(typeof oneShot === "function" ? oneShot(algorithm, bytes, "binary") : createHash(algorithm).update(bytes).digest("binary"));
}

/** sha2-256 and SHAKE256 on node:crypto. */
export const nodeHasher: Hasher = {
  sha256: (bytes: Uint8Array): Uint8Array => digestOf("sha256", bytes),
  shake256: (bytes: Uint8Array, outputLength: number): Uint8Array => latin1Bytes(createHash("shake256", { outputLength }).update(bytes).digest("binary")),
};

/** The process-wide default: Ed25519 and sha2-256 on node:crypto. */
export const nodeSignatures: NodeSignatureScheme = createNodeSignatureScheme();
export const nodeCrypto: CryptoSuite = { signatures: nodeSignatures, hasher: nodeHasher };
