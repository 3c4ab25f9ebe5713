import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConflictRegistry, DEFAULT_MAX_CANDIDATES } from "../../../src/core/conflict.js";
import { cidOf, encode, type BlockCid } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";
import { utf8 } from "../../../src/core/bytes.js";
import { conflictKey, createTx, encodeTx, txId, type Tx } from "../../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";

const sig = nodeSignatures;
const alice = sig.generateKeyPair(new Uint8Array(32).fill(1));
const bob = sig.generateKeyPair(new Uint8Array(32).fill(2));

function tx(keys = alice, nonce = 0, payload = "a"): Tx {
  return createTx(sig, keys, nonce, utf8(payload));
}

describe("ConflictRegistry", () => {
  it("numbers sets and candidates in first-seen order", () => {
    const reg = new ConflictRegistry(nodeHasher);
    const a0 = tx(alice, 0, "x");
    const a0b = tx(alice, 0, "y");
    const b0 = tx(bob, 0, "x");
    const a0c = tx(alice, 0, "z");

    const r1 = reg.add(a0);
    expect(r1).toMatchObject({ ok: true, candidateIndex: 0, isNew: true, isNewSet: true });
    const r2 = reg.add(a0b);
    expect(r2).toMatchObject({ ok: true, candidateIndex: 1, isNew: true, isNewSet: false });
    const r3 = reg.add(b0);
    expect(r3).toMatchObject({ ok: true, candidateIndex: 0, isNew: true, isNewSet: true });
    const r4 = reg.add(a0c);
    expect(r4).toMatchObject({ ok: true, candidateIndex: 2, isNew: true });

    expect(r1.set.index).toBe(0);
    expect(r3.set.index).toBe(1);
    expect(r1.set).toBe(r2.set);
    expect(r1.set.key).toBe(conflictKey(a0));
    expect(r1.set.author).toEqual(alice.publicKey);
    expect(r1.set.nonce).toBe(0);
    expect(r1.set.candidates.map((c) => c.toString())).toEqual([a0, a0b, a0c].map((t) => txId(t, nodeHasher).toString()));
    expect(reg.size).toBe(2);
    expect(reg.at(1)).toBe(r3.set);
    expect(reg.at(2)).toBeUndefined();
    expect(reg.get(conflictKey(b0))).toBe(r3.set);
    expect(reg.get(conflictKey({ author: bob.publicKey, nonce: 1 }))).toBeUndefined();
    expect([...reg].map((s) => s.index)).toEqual([0, 1]);
    expect(reg.candidateIndex(conflictKey(a0), txId(a0c, nodeHasher))).toBe(2);
    expect(reg.candidateIndex(conflictKey(a0), txId(b0, nodeHasher))).toBe(-1);
    expect(reg.candidateIndex("nope", txId(b0, nodeHasher))).toBe(-1);
  });

  it("recognises a transaction seen again, also by a fresh CID object", () => {
    const reg = new ConflictRegistry(nodeHasher);
    const t = tx(alice, 3, "p");
    reg.add(t);
    reg.add(tx(alice, 3, "q"));
    const again = reg.add(t, cidOf(encodeTx(t), nodeHasher));
    expect(again).toMatchObject({ ok: true, candidateIndex: 0, isNew: false, isNewSet: false });
    expect(again.set.candidates).toHaveLength(2);
    expect(again.set.indexOf(txId(t, nodeHasher))).toBe(0);
  });

  it("bounds candidates per set and says why", () => {
    expect(new ConflictRegistry(nodeHasher).maxCandidates).toBe(DEFAULT_MAX_CANDIDATES);
    const reg = new ConflictRegistry(nodeHasher, { maxCandidates: 2 });
    expect(reg.add(tx(alice, 0, "1")).ok).toBe(true);
    expect(reg.add(tx(alice, 0, "2")).ok).toBe(true);
    const r = reg.add(tx(alice, 0, "3"));
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error("unreachable");
    expect(r.reason).toBe("too-many-candidates");
    expect(r.detail).toMatch(/limit 2/);
    expect(r.set.candidates).toHaveLength(2);
    // a known candidate is still found, and other sets are unaffected
    expect(reg.add(tx(alice, 0, "2"))).toMatchObject({ ok: true, candidateIndex: 1, isNew: false });
    expect(reg.add(tx(alice, 1, "3")).ok).toBe(true);
    expect(() => new ConflictRegistry(nodeHasher, { maxCandidates: 0 })).toThrow(RangeError);
  });

  it("addCandidate validates the conflict key", () => {
    const reg = new ConflictRegistry(nodeHasher);
    const cid = cidOf(encode(1), nodeHasher);
    expect(() => reg.addCandidate("not-a-key", cid)).toThrow(DecodeError);
    expect(reg.size).toBe(0);
    const key = conflictKey({ author: bob.publicKey, nonce: 12 });
    expect(reg.addCandidate(key, cid)).toMatchObject({ ok: true, candidateIndex: 0, isNew: true, isNewSet: true });
    expect(reg.get(key)!.nonce).toBe(12);
  });

  it("matches a first-seen-order model on random add sequences", () => {
    const keys = [alice.publicKey, bob.publicKey];
    const cids: BlockCid[] = Array.from({ length: 6 }, (_, i) => cidOf(encode(i), nodeHasher));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1), fc.nat(2), fc.nat(5)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (ops, max) => {
          const reg = new ConflictRegistry(nodeHasher, { maxCandidates: max });
          const model = new Map<string, number[]>();
          const setOrder: string[] = [];
          for (const [a, n, c] of ops) {
            const key = conflictKey({ author: keys[a]!, nonce: n });
            if (!model.has(key)) {
              model.set(key, []);
              setOrder.push(key);
            }
            const list = model.get(key)!;
            const r = reg.addCandidate(key, cids[c]!);
            const known = list.indexOf(c);
            if (known >= 0) {
              expect(r).toMatchObject({ ok: true, candidateIndex: known, isNew: false });
            } else if (list.length >= max) {
              expect(r.ok).toBe(false);
            } else {
              list.push(c);
              expect(r).toMatchObject({ ok: true, candidateIndex: list.length - 1, isNew: true });
            }
          }
          expect([...reg].map((s) => s.key)).toEqual(setOrder);
          for (const s of reg) {
            expect(s.candidates.map((x) => x.toString())).toEqual(model.get(s.key)!.map((c) => cids[c]!.toString()));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
