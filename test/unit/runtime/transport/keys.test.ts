import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import {
  decodeKeySeed,
  encodeKeySeed,
  generateKeySeed,
  KEY_SEED_LENGTH,
  libp2pPrivateKey,
  peerIdFromEd25519PublicKey,
  peerIdFromKeySeed,
} from "../../../../src/runtime/transport/keys.js";
import { ParseError } from "../../../../src/core/errors.js";
import { nodeSignatures } from "../../../../src/runtime/crypto-node.js";

describe("key seeds", () => {
  it("round-trip through the key-file text", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const text = encodeKeySeed(seed);
        expect(text).toMatch(/^[0-9a-f]{64}\n$/);
        expect(decodeKeySeed(text)).toEqual(seed);
        expect(decodeKeySeed(`  ${text.trim().toUpperCase()}\r\n`)).toEqual(seed);
      }),
    );
  });

  it("decoding arbitrary text yields a 32-byte seed or a ParseError naming the source", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          expect(decodeKeySeed(text, "node.key")).toHaveLength(KEY_SEED_LENGTH);
        } catch (err) {
          expect(err).toBeInstanceOf(ParseError);
          expect((err as Error).message).toContain("node.key");
        }
      }),
    );
    expect(() => decodeKeySeed("ab".repeat(31))).toThrow(ParseError);
    expect(() => decodeKeySeed("zz".repeat(32))).toThrow(ParseError);
  });

  it("refuses seeds of the wrong length", () => {
    expect(() => encodeKeySeed(new Uint8Array(31))).toThrow(RangeError);
    expect(() => peerIdFromKeySeed(new Uint8Array(33))).toThrow(RangeError);
    expect(() => peerIdFromEd25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
  });

  it("generates distinct random seeds", () => {
    const a = generateKeySeed();
    expect(a).toHaveLength(KEY_SEED_LENGTH);
    expect(generateKeySeed()).not.toEqual(a);
  });

  it("peerIdFromKeySeed is the id libp2p derives from the same seed, and matches the signing public key", async () => {
    for (const fill of [0, 1, 7, 255]) {
      const seed = new Uint8Array(32).fill(fill);
      const expected = peerIdFromPrivateKey(await libp2pPrivateKey(seed)).toString();
      expect(peerIdFromKeySeed(seed)).toBe(expected);
      expect(expected).toMatch(/^12D3KooW/);
      expect(peerIdFromEd25519PublicKey(nodeSignatures.generateKeyPair(seed).publicKey)).toBe(expected);
    }
  });
});
