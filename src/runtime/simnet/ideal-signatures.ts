/**
 * Ideal signatures for the node simulator: a signature scheme with the one property the
 * protocols rely on — nobody can sign without the secret key — at a hash's cost instead
 * of Ed25519's (~1 µs against ~80 µs to verify), so a run of a hundred nodes is not
 * dominated by curve arithmetic. It is the random-oracle model of a signature: the
 * signature is sha512(secret ‖ message), and verification looks the secret up in the
 * run's own key registry, which Byzantine actors can read only for their own keys.
 *
 * Real Ed25519 (`crypto: ed25519` in the scenario) runs the very scheme the live node
 * uses, strict checks included; the ideal scheme is the default only because it is ~50×
 * cheaper, and a run's result does not depend on which one signs (a test checks that).
 */
import { equalBytes } from "../../core/bytes.js";
import { type CryptoSuite, type KeyPair, PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH, SIGNATURE_LENGTH, type SignatureScheme } from "../../core/crypto.js";
import { digestOf, nodeHasher } from "../crypto-node.js";

/** Where sha512's input is put together: reused (hashing is synchronous), grown when a message needs more. */
let scratch = new Uint8Array(4096);

/** sha512(a ‖ b), one-shot over a reused buffer (a Hash object and a Buffer per signature were most of its cost). */
function sha512(a: Uint8Array, b: Uint8Array): Uint8Array {
  const n = a.length + b.length;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, 2 * scratch.length));
  scratch.set(a, 0);
  scratch.set(b, a.length);
  return digestOf("sha512", scratch.subarray(0, n));
}

/** The first four bytes of a public key, as a number: the registry's key (confirmed on all 32). */
function keyWord(publicKey: Uint8Array): number {
  return publicKey[0]! | (publicKey[1]! << 8) | (publicKey[2]! << 16) | (publicKey[3]! << 24);
}

const PK_DOMAIN = new TextEncoder().encode("entropic/ideal-signature/pk");

/** A fresh scheme with its own key registry (one per simulated run). */
export function createIdealSignatures(): SignatureScheme & { readonly verifications: { ok: number; bad: number } } {
  // Every answer a simulated node receives is verified here: the registry is keyed by a
  // number (confirmed on the whole key) rather than by the key's hex, built per verification.
  const registry = new Map<number, { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }[]>();
  const secretOf = (publicKey: Uint8Array): Uint8Array | undefined => {
    for (const k of registry.get(keyWord(publicKey)) ?? []) if (equalBytes(k.publicKey, publicKey)) return k.secretKey;
    return undefined;
  };
  const verifications = { ok: 0, bad: 0 };
  return {
    generateKeyPair(seed32?: Uint8Array): KeyPair {
      if (seed32 === undefined) throw new RangeError("ideal signatures need a key seed (the simulator has no randomness of its own)");
      if (seed32.length !== SECRET_KEY_LENGTH) throw new RangeError(`a key seed is ${SECRET_KEY_LENGTH} bytes`);
      const secretKey = new Uint8Array(seed32);
      const publicKey = sha512(PK_DOMAIN, secretKey).subarray(0, PUBLIC_KEY_LENGTH);
      // A public key whose top bit pattern libp2p would refuse does not exist: any 32 bytes
      // are a valid peer-id key there (no curve check), so the mapping is total.
      const word = keyWord(publicKey);
      const same = registry.get(word) ?? [];
      if (!same.some((k) => equalBytes(k.publicKey, publicKey))) same.push({ publicKey: new Uint8Array(publicKey), secretKey });
      registry.set(word, same);
      return { publicKey: new Uint8Array(publicKey), secretKey };
    },
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      if (!(secretKey instanceof Uint8Array) || secretKey.length !== SECRET_KEY_LENGTH) throw new RangeError(`secret key must be ${SECRET_KEY_LENGTH} bytes`);
      return sha512(secretKey, message);
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      const secret = publicKey instanceof Uint8Array && publicKey.length === PUBLIC_KEY_LENGTH ? secretOf(publicKey) : undefined;
      let ok = secret !== undefined && signature instanceof Uint8Array && signature.length === SIGNATURE_LENGTH && message instanceof Uint8Array;
      if (ok) {
        const expected = sha512(secret!, message);
        for (let i = 0; i < SIGNATURE_LENGTH; i++) if (expected[i] !== signature[i]) ok = false;
      }
      if (ok) verifications.ok++;
      else verifications.bad++;
      return ok;
    },
    verifications,
  };
}

export function idealCrypto(): CryptoSuite & { readonly signatures: ReturnType<typeof createIdealSignatures> } {
  return { signatures: createIdealSignatures(), hasher: nodeHasher };
}
