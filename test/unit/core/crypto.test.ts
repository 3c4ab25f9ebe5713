import { describe, expect, it } from "vitest";
import { deriveKeySeed, keySeedFromRng } from "../../../src/core/crypto.js";
import { createRng } from "../../../src/core/prng.js";
import { toHex } from "../../../src/core/bytes.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";

describe("key seeds for simulations", () => {
  it("deriveKeySeed is a stable function of (label, index)", () => {
    const a = deriveKeySeed(nodeHasher, "devnet", 0);
    expect(a).toHaveLength(32);
    expect(toHex(a)).toBe(toHex(nodeHasher.sha256(new TextEncoder().encode("entropic/key-seed/v1\0devnet\x000"))));
    expect(deriveKeySeed(nodeHasher, "devnet", 0)).toEqual(a);
    expect(deriveKeySeed(nodeHasher, "devnet", 1)).not.toEqual(a);
    expect(deriveKeySeed(nodeHasher, "devnet2", 0)).not.toEqual(a);
    // the separator keeps ("a", 10) and ("a1", 0) apart
    expect(deriveKeySeed(nodeHasher, "a", 10)).not.toEqual(deriveKeySeed(nodeHasher, "a1", 0));
    expect(() => deriveKeySeed(nodeHasher, "x", -1)).toThrow(RangeError);
    expect(() => deriveKeySeed(nodeHasher, "x", 0.5)).toThrow(RangeError);
  });

  it("keySeedFromRng draws 32 bytes from a seeded stream", () => {
    const a = keySeedFromRng(createRng(7, "keys"));
    expect(a).toHaveLength(32);
    expect(keySeedFromRng(createRng(7, "keys"))).toEqual(a);
    expect(keySeedFromRng(createRng(8, "keys"))).not.toEqual(a);
    const r = createRng(7, "keys");
    const w = r.nextU32();
    expect([a[0], a[1], a[2], a[3]]).toEqual([w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]);
  });

  it("seeded keys are the same on every run", () => {
    const kp1 = nodeSignatures.generateKeyPair(deriveKeySeed(nodeHasher, "sim", 3));
    const kp2 = nodeSignatures.generateKeyPair(deriveKeySeed(nodeHasher, "sim", 3));
    expect(kp1.publicKey).toEqual(kp2.publicKey);
  });
});
