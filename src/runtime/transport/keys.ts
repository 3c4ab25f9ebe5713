/**
 * A node's network identity is an Ed25519 key given by its 32-byte RFC 8032 seed, the
 * same form `core/crypto` uses for signing keys, so one key file can serve as both the
 * peer identity and the signing key. The key file holds the seed as 64 hex digits on
 * one line. Peer ids are the libp2p form (identity multihash of the protobuf public key,
 * base58btc: `12D3KooW…`).
 */
import "../polyfill.js";
import { randomBytes } from "node:crypto";
import { generateKeyPairFromSeed, publicKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPublicKey } from "@libp2p/peer-id";
import type { PrivateKey } from "@libp2p/interface";
import { fromHex, toHex } from "../../core/bytes.js";
import { PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH } from "../../core/crypto.js";
import { ParseError } from "../../core/errors.js";
import { nodeSignatures } from "../crypto-node.js";

/** Length of a key seed in bytes. */
export const KEY_SEED_LENGTH = SECRET_KEY_LENGTH;

function checkSeed(seed: Uint8Array): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== KEY_SEED_LENGTH) {
    throw new RangeError(`an Ed25519 key seed must be ${KEY_SEED_LENGTH} bytes`);
  }
  return seed;
}

/** A fresh random key seed (operating-system randomness). */
export function generateKeySeed(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_SEED_LENGTH));
}

/** The key-file text of a seed: 64 lowercase hex digits and a newline. */
export function encodeKeySeed(seed: Uint8Array): string {
  return `${toHex(checkSeed(seed))}\n`;
}

/**
 * The seed in key-file text (surrounding whitespace allowed). Throws {@link ParseError}
 * naming `source` when the text is not exactly 64 hex digits.
 */
export function decodeKeySeed(text: string, source = "key file"): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ParseError(source, `expected an Ed25519 key seed of ${KEY_SEED_LENGTH * 2} hex digits`);
  }
  return fromHex(hex);
}

/** The peer id of the node whose Ed25519 public key is `publicKey` (32 bytes). */
export function peerIdFromEd25519PublicKey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new RangeError(`an Ed25519 public key must be ${PUBLIC_KEY_LENGTH} bytes`);
  }
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString();
}

/** The peer id a node started with this seed will have. */
export function peerIdFromKeySeed(seed: Uint8Array): string {
  return peerIdFromEd25519PublicKey(nodeSignatures.generateKeyPair(checkSeed(seed)).publicKey);
}

/** The libp2p private key of a seed (for createLibp2p). */
export async function libp2pPrivateKey(seed: Uint8Array): Promise<PrivateKey> {
  return generateKeyPairFromSeed("Ed25519", checkSeed(seed));
}
