import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidOf, encode } from "../../../src/core/codec.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { FinalizedMap, merkleLeaf, merkleRootOfLeaves } from "../../../src/runtime/node/merkle.js";
import { KeyFilePermissionError, loadOrCreateIdentity } from "../../../src/runtime/node/identity.js";
import { concatBytes } from "../../../src/core/bytes.js";

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
