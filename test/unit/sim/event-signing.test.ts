import { describe, expect, it } from "vitest";
import { isEquivocation } from "../../../src/core/conflict.js";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { nodeCrypto } from "../../../src/runtime/crypto-node.js";
import { StatementBook } from "../../../src/sim/event/signing.js";

describe("statement book", () => {
  it("derives one key pair per node from the seed, the same on every run", () => {
    const a = new StatementBook(nodeCrypto, 7, 10, 2);
    const b = new StatementBook(nodeCrypto, 7, 10, 2);
    const c = new StatementBook(nodeCrypto, 8, 10, 2);
    expect(a.publicKey(3)).toEqual(b.publicKey(3));
    expect(a.publicKey(3)).not.toEqual(a.publicKey(4));
    expect(a.publicKey(3)).not.toEqual(c.publicKey(3));
    expect(a.instanceKey(1)).toBe(b.instanceKey(1));
    expect(a.instanceKey(0)).not.toBe(a.instanceKey(1));
  });

  it("signs statements that check once, memoised, and names signer, instance, epoch, candidate", () => {
    const book = new StatementBook(nodeCrypto, 1, 4, 1);
    const signed = book.sign(2, 0, 5, 1);
    expect(book.signed).toBe(1);
    const st = book.check(signed)!;
    expect(st).not.toBeNull();
    expect(st.signer).toEqual(book.publicKey(2));
    expect(st.instance).toBe(book.instanceKey(0));
    expect(st.epoch).toBe(5);
    expect(st.candidate).toBe(1);
    book.check(signed);
    expect(book.verified).toBe(1); // the verdict is a pure function of the bytes
  });

  it("damaged copies fail to decode or to verify, both ways occur, the original stays valid", () => {
    const book = new StatementBook(nodeCrypto, 1, 4, 1);
    const signed = book.sign(0, 0, 1, 0);
    const rng = new Xoshiro128(3);
    let truncated = 0;
    for (let i = 0; i < 40; i++) {
      const bad = book.damage(signed, rng);
      expect(book.check(bad)).toBeNull();
      if (bad.bytes.length < signed.bytes.length) truncated++;
    }
    expect(truncated).toBeGreaterThan(5);
    expect(truncated).toBeLessThan(35);
    expect(book.check(signed)).not.toBeNull();
  });

  it("two statements for one epoch with different candidates prove equivocation", () => {
    const book = new StatementBook(nodeCrypto, 1, 4, 1);
    const a = book.check(book.sign(1, 0, 0, 0))!;
    const b = book.check(book.sign(1, 0, 0, 1))!;
    const c = book.check(book.sign(1, 0, 1, 1))!;
    expect(isEquivocation(nodeCrypto.signatures, a, b)).toBe(true);
    expect(isEquivocation(nodeCrypto.signatures, b, c)).toBe(false);
  });
});
