import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { createNodeSignatureScheme, digestOf, latin1Bytes, nodeCrypto, nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { fromHex, toHex, utf8 } from "../../../src/core/bytes.js";

// RFC 8032 §7.1, tests 1–3 (Ed25519).
const RFC8032 = [
  {
    name: "TEST 1 (empty message)",
    secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2 (one byte)",
    secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3 (two bytes)",
    secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature:
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

// Order of the Ed25519 base point, little-endian (the top half of a signature is S < L).
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function leToBigInt(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

function bigIntToLe(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

describe("Ed25519 on node:crypto: RFC 8032 §7.1", () => {
  for (const v of RFC8032) {
    it(v.name, () => {
      const seed = fromHex(v.secretKey);
      const kp = nodeSignatures.generateKeyPair(seed);
      expect(toHex(kp.publicKey)).toBe(v.publicKey);
      expect(toHex(kp.secretKey)).toBe(v.secretKey);
      const msg = fromHex(v.message);
      const sig = nodeSignatures.sign(seed, msg);
      expect(toHex(sig)).toBe(v.signature);
      expect(nodeSignatures.verify(fromHex(v.publicKey), msg, fromHex(v.signature))).toBe(true);
    });

    it(`${v.name}: every single flipped bit in the signature fails`, () => {
      const pk = fromHex(v.publicKey);
      const msg = fromHex(v.message);
      const sig = fromHex(v.signature);
      for (let bit = 0; bit < 512; bit++) {
        const bad = sig.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(nodeSignatures.verify(pk, msg, bad)).toBe(false);
      }
    });

    it(`${v.name}: a flipped bit in the message or the key fails`, () => {
      const pk = fromHex(v.publicKey);
      const sig = fromHex(v.signature);
      const msg = fromHex(v.message);
      const longer = new Uint8Array([...msg, 0]);
      expect(nodeSignatures.verify(pk, longer, sig)).toBe(false);
      if (msg.length > 0) {
        const bad = msg.slice();
        bad[0]! ^= 0x01;
        expect(nodeSignatures.verify(pk, bad, sig)).toBe(false);
      }
      const badKey = pk.slice();
      badKey[5]! ^= 0x10;
      expect(nodeSignatures.verify(badKey, msg, sig)).toBe(false);
    });
  }

  it("rejects the malleated signature (R, S + L)", () => {
    const v = RFC8032[1]!;
    const sig = fromHex(v.signature);
    const s = leToBigInt(sig.subarray(32));
    expect(s < L).toBe(true);
    const malleated = new Uint8Array(64);
    malleated.set(sig.subarray(0, 32));
    malleated.set(bigIntToLe(s + L, 32), 32);
    expect(nodeSignatures.verify(fromHex(v.publicKey), fromHex(v.message), malleated)).toBe(false);
  });
});

describe("nodeSignatures", () => {
  it("derives keys deterministically from a seed and randomly without one", () => {
    const seed = new Uint8Array(32).fill(9);
    const a = nodeSignatures.generateKeyPair(seed);
    const b = nodeSignatures.generateKeyPair(seed.slice());
    expect(a.publicKey).toEqual(b.publicKey);
    const r1 = nodeSignatures.generateKeyPair();
    const r2 = nodeSignatures.generateKeyPair();
    expect(r1.secretKey).toHaveLength(32);
    expect(r1.publicKey).toHaveLength(32);
    expect(r1.publicKey).not.toEqual(r2.publicKey);
  });

  it("copies the seed: changing it later does not change the key pair", () => {
    const seed = new Uint8Array(32).fill(3);
    const kp = nodeSignatures.generateKeyPair(seed);
    seed.fill(4);
    expect(kp.secretKey).toEqual(new Uint8Array(32).fill(3));
  });

  it("returns plain Uint8Arrays, not Buffers", () => {
    const kp = nodeSignatures.generateKeyPair(new Uint8Array(32));
    expect(kp.publicKey.constructor).toBe(Uint8Array);
    expect(nodeSignatures.sign(kp.secretKey, utf8("x")).constructor).toBe(Uint8Array);
    expect(nodeHasher.sha256(utf8("x")).constructor).toBe(Uint8Array);
  });

  it("refuses secret keys and seeds that are not 32 bytes", () => {
    expect(() => nodeSignatures.sign(new Uint8Array(31), utf8("m"))).toThrow(RangeError);
    expect(() => nodeSignatures.sign(new Uint8Array(64), utf8("m"))).toThrow(RangeError);
    expect(() => nodeSignatures.generateKeyPair(new Uint8Array(16))).toThrow(RangeError);
  });

  it("verify never throws: wrong lengths and arbitrary keys are just false", () => {
    const kp = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(1));
    const msg = utf8("message");
    const sig = nodeSignatures.sign(kp.secretKey, msg);
    expect(nodeSignatures.verify(kp.publicKey.subarray(0, 31), msg, sig)).toBe(false);
    expect(nodeSignatures.verify(kp.publicKey, msg, sig.subarray(0, 63))).toBe(false);
    expect(nodeSignatures.verify(kp.publicKey, msg, new Uint8Array([...sig, 0]))).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.uint8Array({ minLength: 0, maxLength: 70 }), (pk, s) => {
        expect(nodeSignatures.verify(pk, msg, s)).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (pk, s) => {
        expect(nodeSignatures.verify(pk, msg, s)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("signs and verifies arbitrary messages, and only under the right key", () => {
    const a = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(1));
    const b = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(2));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (msg) => {
        const sig = nodeSignatures.sign(a.secretKey, msg);
        expect(nodeSignatures.verify(a.publicKey, msg, sig)).toBe(true);
        expect(nodeSignatures.verify(b.publicKey, msg, sig)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("works through views into larger buffers", () => {
    const kp = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(5));
    const big = new Uint8Array(200);
    big.set(kp.publicKey, 10);
    const msg = utf8("view");
    const sig = nodeSignatures.sign(kp.secretKey, msg);
    big.set(sig, 100);
    expect(nodeSignatures.verify(big.subarray(10, 42), msg, big.subarray(100, 164))).toBe(true);
  });

  it("keeps its key caches bounded", () => {
    const scheme = createNodeSignatureScheme({ cacheSize: 4 });
    for (let i = 0; i < 20; i++) {
      const kp = scheme.generateKeyPair(new Uint8Array(32).fill(i));
      const sig = scheme.sign(kp.secretKey, utf8(`m${i}`));
      expect(scheme.verify(kp.publicKey, utf8(`m${i}`), sig)).toBe(true);
    }
    const sizes = scheme.cacheSizes();
    expect(sizes.privateKeys).toBeLessThanOrEqual(4);
    expect(sizes.publicKeys).toBeLessThanOrEqual(4);
    const uncached = createNodeSignatureScheme({ cacheSize: 0 });
    const kp = uncached.generateKeyPair(new Uint8Array(32).fill(1));
    expect(uncached.verify(kp.publicKey, utf8("m"), uncached.sign(kp.secretKey, utf8("m")))).toBe(true);
    expect(uncached.cacheSizes()).toEqual({ privateKeys: 0, publicKeys: 0 });
  });
});

describe("nodeHasher", () => {
  it("computes sha2-256 (FIPS 180-2 vectors)", () => {
    expect(toHex(nodeHasher.sha256(utf8("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(nodeHasher.sha256(new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("property: its digests (read back from binary strings) are node:crypto's digest bytes, every byte value included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 100 }), (bytes, n) => {
        expect(toHex(nodeHasher.sha256(bytes))).toBe(createHash("sha256").update(bytes).digest("hex"));
        expect(toHex(nodeHasher.shake256(bytes, n))).toBe(createHash("shake256", { outputLength: n }).update(bytes).digest("hex"));
        expect(toHex(digestOf("sha512", bytes))).toBe(createHash("sha512").update(bytes).digest("hex"));
      }),
    );
    expect(toHex(latin1Bytes("\u0000\u007f\u0080\u00ff"))).toBe("007f80ff");
  });

  it("is the hasher of nodeCrypto", () => {
    expect(nodeCrypto.hasher).toBe(nodeHasher);
    expect(nodeCrypto.signatures).toBe(nodeSignatures);
  });
});
