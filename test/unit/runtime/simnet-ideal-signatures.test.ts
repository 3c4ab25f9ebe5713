// ideal-signatures.ts: the simulator's signature scheme signs and verifies, refuses what a
// forger could make, and tells apart keys that share the registry's 4-byte key word.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIdealSignatures } from "../../../src/runtime/simnet/ideal-signatures.js";

const seed = (n: number): Uint8Array => {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, n, true);
  return s;
};
const msg = new TextEncoder().encode("an answer");

describe("ideal signatures", () => {
  it("verify accepts the signer's signature and refuses another key's, a changed message or an unknown key", () => {
    const scheme = createIdealSignatures();
    const a = scheme.generateKeyPair(seed(1));
    const b = scheme.generateKeyPair(seed(2));
    const sig = scheme.sign(a.secretKey, msg);
    expect(scheme.verify(a.publicKey, msg, sig)).toBe(true);
    expect(scheme.verify(b.publicKey, msg, sig)).toBe(false);
    expect(scheme.verify(a.publicKey, new TextEncoder().encode("another"), sig)).toBe(false);
    const stranger = a.publicKey.slice();
    stranger[31] ^= 1;
    expect(scheme.verify(stranger, msg, sig)).toBe(false);
    expect(scheme.verifications).toEqual({ ok: 1, bad: 3 });
  });

  it("a signature is sha512(secret ‖ message), for messages of any size (the reused input buffer grows)", () => {
    const scheme = createIdealSignatures();
    const a = scheme.generateKeyPair(seed(3));
    for (const size of [0, 100, 4064, 4065, 20_000, 50]) {
      const m = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
      const sig = scheme.sign(a.secretKey, m);
      expect(Buffer.from(sig).toString("hex")).toBe(createHash("sha512").update(a.secretKey).update(m).digest("hex"));
      expect(scheme.verify(a.publicKey, m, sig)).toBe(true);
    }
  });

  it("two keys whose first four bytes are equal are still told apart", () => {
    const scheme = createIdealSignatures();
    const byWord = new Map<number, number>();
    let pair: [number, number] | undefined;
    // ~2^16 keys find two sharing a 32-bit prefix (birthday)
    for (let n = 0; pair === undefined && n < 1_000_000; n++) {
      const k = scheme.generateKeyPair(seed(n));
      const word = new DataView(k.publicKey.buffer, k.publicKey.byteOffset).getUint32(0, true);
      const other = byWord.get(word);
      if (other !== undefined) pair = [other, n];
      else byWord.set(word, n);
    }
    expect(pair).toBeDefined();
    const [x, y] = pair!.map((n) => scheme.generateKeyPair(seed(n))); // the same keys again: registered once
    expect(Buffer.from(x!.publicKey.subarray(0, 4))).toEqual(Buffer.from(y!.publicKey.subarray(0, 4)));
    expect(scheme.verify(x!.publicKey, msg, scheme.sign(x!.secretKey, msg))).toBe(true);
    expect(scheme.verify(y!.publicKey, msg, scheme.sign(y!.secretKey, msg))).toBe(true);
    expect(scheme.verify(y!.publicKey, msg, scheme.sign(x!.secretKey, msg))).toBe(false);
  });
});
