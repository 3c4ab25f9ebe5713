import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidOf, encode } from "../../../src/core/codec.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { FinalizedCommitment, FinalizedMap, merkleLeaf, merkleRootOfLeaves } from "../../../src/runtime/node/merkle.js";
import { KeyFilePermissionError, loadOrCreateIdentity } from "../../../src/runtime/node/identity.js";
import { concatBytes, toHex } from "../../../src/core/bytes.js";

const cidFor = (n: number) => cidOf(encode({ n }), nodeHasher);

describe("finalized-map Merkle root", () => {
  it("is independent of insertion order and changes with any decision", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 20 }), fc.nat(), (keys, seed) => {
        const a = new FinalizedMap(nodeHasher);
        const b = new FinalizedMap(nodeHasher);
        keys.forEach((k, i) => a.set(k, cidFor(i)));
        const order = keys.map((k, i) => [k, i] as const).sort((x, y) => ((x[1] * 7919 + seed) % 101) - ((y[1] * 7919 + seed) % 101));
        for (const [k, i] of order) b.set(k, cidFor(i));
        expect(a.root()).toEqual(b.root());
        if (keys.length > 0) {
          const c = new FinalizedMap(nodeHasher);
          keys.forEach((k, i) => c.set(k, cidFor(i === 0 ? 999 : i)));
          expect(c.root()).not.toEqual(a.root());
        }
      }),
      { numRuns: 200 },
    );
  });

  it("matches the explicit tree (leaf/inner domain separation, odd node promoted)", () => {
    const m = new FinalizedMap(nodeHasher);
    m.set("b", cidFor(2));
    m.set("a", cidFor(1));
    m.set("c", cidFor(3));
    const [la, lb, lc] = [merkleLeaf(nodeHasher, "a", cidFor(1)), merkleLeaf(nodeHasher, "b", cidFor(2)), merkleLeaf(nodeHasher, "c", cidFor(3))];
    const ab = nodeHasher.sha256(concatBytes(new Uint8Array([1]), la, lb));
    expect(m.root()).toEqual(nodeHasher.sha256(concatBytes(new Uint8Array([1]), ab, lc)));
    expect(merkleRootOfLeaves(nodeHasher, [])).toEqual(nodeHasher.sha256(new Uint8Array(0)));
    expect(m.set("a", cidFor(5))).toBe(false); // final is final
    expect(m.get("a")!.toString()).toBe(cidFor(1).toString());
  });
});

describe("the announced ledger root (LtHash16 set commitment)", () => {
  it("SHAKE256 on node:crypto gives FIPS 202's output (the empty message's first 32 bytes)", () => {
    expect(toHex(nodeHasher.shake256(new Uint8Array(0), 32))).toBe("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
    expect(nodeHasher.shake256(new Uint8Array([1]), 2048).length).toBe(2048);
  });

  it("is sha256(0x02 ‖ count ‖ lanes), the lanes being SHAKE256(leaf) summed mod 2^16", () => {
    const c = new FinalizedCommitment(nodeHasher);
    c.add("a", cidFor(1));
    c.add("b", cidFor(2));
    const lanes = new Uint16Array(1024);
    for (const [k, n] of [["a", 1], ["b", 2]] as const) {
      const h = nodeHasher.shake256(merkleLeaf(nodeHasher, k, cidFor(n)), 2048);
      for (let i = 0; i < 1024; i++) lanes[i] = (lanes[i]! + (h[2 * i]! | (h[2 * i + 1]! << 8))) & 0xffff;
    }
    const le = new Uint8Array(2048);
    for (let i = 0; i < 1024; i++) [le[2 * i], le[2 * i + 1]] = [lanes[i]! & 0xff, lanes[i]! >> 8];
    const count = new Uint8Array(8);
    count[7] = 2;
    expect(c.root()).toEqual(nodeHasher.sha256(concatBytes(new Uint8Array([2]), count, le)));
  });

  it("is independent of the order decisions arrive in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(1000), { minLength: 0, maxLength: 15 }), fc.nat(), (ns, seed) => {
        const a = new FinalizedCommitment(nodeHasher);
        const b = new FinalizedCommitment(nodeHasher);
        ns.forEach((n) => a.add(`k${n}`, cidFor(n)));
        [...ns].sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101)).forEach((n) => b.add(`k${n}`, cidFor(n)));
        expect(toHex(b.root())).toBe(toHex(a.root()));
      }),
      { numRuns: 100 },
    );
  });
});

describe("node identity", () => {
  it("creates the key file with mode 0600 once, then reloads the same key", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-id-"));
    const first = loadOrCreateIdentity(dir, nodeSignatures);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, "node.key")).mode & 0o777).toBe(0o600);
    const again = loadOrCreateIdentity(dir, nodeSignatures);
    expect(again.created).toBe(false);
    expect(again.keys.publicKey).toEqual(first.keys.publicKey);
  });

  it("refuses a key file others can read", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-id-"));
    loadOrCreateIdentity(dir, nodeSignatures);
    chmodSync(join(dir, "node.key"), 0o644);
    expect(() => loadOrCreateIdentity(dir, nodeSignatures)).toThrow(KeyFilePermissionError);
    expect(() => loadOrCreateIdentity(dir, nodeSignatures)).toThrow(/chmod 600/);
  });
});
