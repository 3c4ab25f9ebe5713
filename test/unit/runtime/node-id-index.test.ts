// The node's index from wire instance ids to instance numbers (id-index.ts): an
// open-addressing table over typed arrays, checked against a Map model under random
// inserts, replacements, deletions, growth and shrinking (fast-check), and end to end on
// live nodes polling about two sets whose ids share their first 32 bits.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { conflictKey, createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { IdIndex } from "../../../src/runtime/node/id-index.js";
import { instanceId } from "../../../src/runtime/node/wire.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

/** An 8-byte id from a small space (so probe runs collide and deletions shift them), at an offset. */
const idArb = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => {
  const id = new Uint8Array(8);
  id[0] = a;
  id[5] = b;
  return id;
});

type Op = { readonly kind: "set"; readonly id: Uint8Array; readonly value: number } | { readonly kind: "delete" | "get"; readonly id: Uint8Array };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), id: idArb, value: fc.nat({ max: 0x7fffffff }) }),
  fc.record({ kind: fc.constant("delete" as const), id: idArb }),
  fc.record({ kind: fc.constant("get" as const), id: idArb }),
);

describe("IdIndex", () => {
  it("property: every lookup gives the Map model's answer after any sequence of sets and deletes", () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(opArb, { maxLength: 300 }), fc.nat({ max: 5 }), (salt, ops, pad) => {
        const index = new IdIndex(salt);
        const model = new Map<string, number>();
        const at = (id: Uint8Array): Uint8Array => {
          const b = new Uint8Array(pad + 8).fill(0xee); // ids read at an offset, as in a query
          b.set(id, pad);
          return b;
        };
        for (const op of ops) {
          const key = op.id.join(",");
          if (op.kind === "set") {
            index.set(at(op.id), pad, op.value);
            model.set(key, op.value);
          } else if (op.kind === "delete") {
            if (index.delete(at(op.id), pad) !== model.delete(key)) return false;
          } else if (index.get(at(op.id), pad) !== (model.get(key) ?? -1)) return false;
          if (index.size !== model.size) return false;
        }
        // every id of the space, held or not
        for (let a = 0; a <= 40; a++) for (let b = 0; b <= 3; b++) {
          const id = new Uint8Array(8);
          id[0] = a;
          id[5] = b;
          if (index.get(id) !== (model.get(id.join(",")) ?? -1)) return false;
        }
        return true;
      }),
    );
  });

  it("grows past its initial size and shrinks back as ids leave, answering exactly throughout", () => {
    const index = new IdIndex(12345);
    const id = (n: number): Uint8Array => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, n * 2654435761, true); // spread, as sha256 prefixes are
      new DataView(b.buffer).setUint32(4, n, true);
      return b;
    };
    const n = 20_000;
    for (let i = 0; i < n; i++) index.set(id(i), 0, i);
    expect(index.size).toBe(n);
    expect(index.capacity).toBeGreaterThanOrEqual(2 * n);
    for (let i = 0; i < n; i++) expect(index.get(id(i))).toBe(i);
    expect(index.get(id(n))).toBe(-1);
    for (let i = 0; i < n - 10; i++) expect(index.delete(id(i))).toBe(true);
    expect(index.delete(id(0))).toBe(false);
    expect(index.size).toBe(10);
    expect(index.capacity).toBe(1024); // back to its smallest: memory follows the sets held
    for (let i = n - 10; i < n; i++) expect(index.get(id(i))).toBe(i);
    expect(index.get(id(5))).toBe(-1);
  });

  it("refuses an instance number that is not a non-negative 31-bit integer", () => {
    const index = new IdIndex(0);
    expect(() => index.set(new Uint8Array(8), 0, -1)).toThrow(/non-negative 31-bit/);
    expect(() => index.set(new Uint8Array(8), 0, 1.5)).toThrow(/non-negative 31-bit/);
    expect(index.size).toBe(0);
  });
});

describe("instance ids sharing their first word, on live nodes", () => {
  const running: TestNet[] = [];
  afterEach(async () => {
    for (const n of running.splice(0)) await stopTestNet(n);
  });

  it("two sets whose ids share their first 32 bits are both answered for and decided", async () => {
    const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(77));
    // Birthday search over nonces: ~2^16 hashes find a 32-bit collision.
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let nonce = 0; pair === undefined && nonce < 1_000_000; nonce++) {
      const id = instanceId(nodeHasher, conflictKey({ author: author.publicKey, nonce }));
      const word = new DataView(id.buffer, id.byteOffset, 8).getUint32(0, true);
      const other = seen.get(word);
      if (other !== undefined) pair = [other, nonce];
      else seen.set(word, nonce);
    }
    expect(pair).toBeDefined();
    const [n1, n2] = pair!;
    const net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 10 }, 3, () => ({ pollIntervalMs: 2 }));
    running.push(net);
    const engines = net.nodes.map((n) => n.engine);
    const a = await net.run(engines[0]!.submitTx(createTx(nodeSignatures, author, n1, utf8("one"))));
    const b = await net.run(engines[0]!.submitTx(createTx(nodeSignatures, author, n2, utf8("two"))));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    await net.until("both sets final on every node", () => engines.every((e) => e.getConflict(a.conflict)?.final === a.cid && e.getConflict(b.conflict)?.final === b.cid), 30_000);
  });
});
