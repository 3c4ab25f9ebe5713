/**
 * The compliance suite of the {@link Ledger} port: one set of tests every implementation
 * must pass (as libp2p's interface-compliance-tests). Call it from a test file with a
 * factory that hands out a fresh, empty, unopened ledger.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { LedgerConflictError, type Ledger, type LedgerBatch } from "../../src/runtime/ports.js";
import { LedgerClosedError, LedgerKeyError } from "../../src/runtime/ledger/errors.js";

/** A ledger under test and the storage behind it. */
export interface LedgerFixture {
  /** fresh, unopened, over empty storage */
  readonly ledger: Ledger;
  /** an unopened ledger over the same storage (call after closing `ledger`); may be `ledger` itself */
  reopen(): Ledger;
  /** release the storage (after the ledgers are closed) */
  dispose(): Promise<void>;
}

const bytes = (...xs: number[]): Uint8Array => new Uint8Array(xs);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The byte order of UTF-8 encodings, which is what "sorted" means for ledger keys. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Everything a ledger holds, read through its public interface. */
async function dump(ledger: Ledger, metaNames: Iterable<string>) {
  const meta: [string, number[]][] = [];
  for (const name of [...new Set(metaNames)].sort(utf8Order)) {
    const value = await ledger.getMeta(name);
    if (value) meta.push([name, [...value]]);
  }
  return {
    txs: (await collect(ledger.txs())).map(([k, v]) => [k, [...v]]),
    vertices: (await collect(ledger.vertices())).map(([k, v]) => [k, [...v]]),
    finalized: await collect(ledger.finalized()),
    meta,
  };
}

/** The reference semantics: a batch is checked whole, then applied in order. */
class ModelLedger {
  readonly txs = new Map<string, number[]>();
  readonly vertices = new Map<string, number[]>();
  readonly finals = new Map<string, string>();
  readonly meta = new Map<string, number[]>();

  /** Returns false (and changes nothing) when the batch would change a decision. */
  commit(batch: LedgerBatch): boolean {
    const seen = new Map(this.finals);
    for (const [key, cid] of batch.finalized ?? []) {
      const existing = seen.get(key);
      if (existing !== undefined && existing !== cid) return false;
      seen.set(key, cid);
    }
    for (const [k, v] of batch.txs ?? []) this.txs.set(k, [...v]);
    for (const [k, v] of batch.vertices ?? []) this.vertices.set(k, [...v]);
    for (const [k, v] of batch.finalized ?? []) this.finals.set(k, v);
    for (const [k, v] of batch.meta ?? []) {
      if (v === null) this.meta.delete(k);
      else this.meta.set(k, [...v]);
    }
    return true;
  }

  dump() {
    const sorted = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => utf8Order(a, b));
    return { txs: sorted(this.txs), vertices: sorted(this.vertices), finalized: sorted(this.finals), meta: sorted(this.meta) };
  }
}

// Small key alphabets so random batches collide: overwrites, re-finalizations, conflicts.
const arbKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "c", "ab", "b/", "") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) },
);
const arbBytes = fc.uint8Array({ maxLength: 8 });
const arbBatch: fc.Arbitrary<LedgerBatch> = fc.record(
  {
    txs: fc.array(fc.tuple(arbKey, arbBytes), { maxLength: 3 }),
    vertices: fc.array(fc.tuple(arbKey, arbBytes), { maxLength: 3 }),
    finalized: fc.array(fc.tuple(arbKey, fc.constantFrom("cidA", "cidB", "cidC")), { maxLength: 3 }),
    meta: fc.array(fc.tuple(arbKey, fc.option(arbBytes, { nil: null })), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/**
 * Register the Ledger compliance tests under `describe(name)`. `factory` is called once
 * per test (and once per property-test run) for fresh storage.
 */
export function ledgerComplianceSuite(name: string, factory: () => LedgerFixture | Promise<LedgerFixture>): void {
  describe(`Ledger compliance: ${name}`, () => {
    let fixture: LedgerFixture;
    let ledger: Ledger;
    const opened: Ledger[] = [];

    /** The storage under a new ledger object (closing the current one first). */
    async function reopen(): Promise<Ledger> {
      await ledger.close();
      ledger = fixture.reopen();
      opened.push(ledger);
      await ledger.open();
      return ledger;
    }

    beforeEach(async () => {
      fixture = await factory();
      ledger = fixture.ledger;
      opened.push(ledger);
      await ledger.open();
    });

    afterEach(async () => {
      for (const l of opened.splice(0)) await l.close();
      await fixture.dispose();
    });

    it("reads back what a commit wrote, and undefined for what it did not", async () => {
      await ledger.commit({
        txs: [["tx1", bytes(1, 2, 3)]],
        vertices: [["v1", bytes(4)]],
        finalized: [["author:0", "tx1"]],
        meta: [["head", bytes(9, 9)]],
      });
      expect(await ledger.getTx("tx1")).toEqual(bytes(1, 2, 3));
      expect(await ledger.getVertex("v1")).toEqual(bytes(4));
      expect(await ledger.getFinal("author:0")).toBe("tx1");
      expect(await ledger.getMeta("head")).toEqual(bytes(9, 9));
      expect(await ledger.getTx("v1")).toBeUndefined();
      expect(await ledger.getVertex("tx1")).toBeUndefined();
      expect(await ledger.getFinal("author:1")).toBeUndefined();
      expect(await ledger.getMeta("tail")).toBeUndefined();
    });

    it("keeps the kinds apart: the same key under each kind holds its own value", async () => {
      await ledger.commit({
        txs: [["k", bytes(1)]],
        vertices: [["k", bytes(2)]],
        finalized: [["k", "cid-k"]],
        meta: [["k", bytes(3)]],
      });
      expect(await ledger.getTx("k")).toEqual(bytes(1));
      expect(await ledger.getVertex("k")).toEqual(bytes(2));
      expect(await ledger.getFinal("k")).toBe("cid-k");
      expect(await ledger.getMeta("k")).toEqual(bytes(3));
      expect(await collect(ledger.txs())).toEqual([["k", bytes(1)]]);
      expect(await collect(ledger.vertices())).toEqual([["k", bytes(2)]]);
    });

    it("round-trips empty values, empty keys and long binary values", async () => {
      const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff);
      await ledger.commit({ txs: [["", bytes()], ["big", big]], meta: [["", bytes()]] });
      expect(await ledger.getTx("")).toEqual(bytes());
      expect(await ledger.getTx("big")).toEqual(big);
      expect(await ledger.getMeta("")).toEqual(bytes());
    });

    it("returns plain Uint8Array copies: mutating them does not change the ledger", async () => {
      await ledger.commit({ txs: [["t", bytes(1, 2)]], vertices: [["v", bytes(3)]], meta: [["m", bytes(4)]] });
      for (const read of [() => ledger.getTx("t"), () => ledger.getVertex("v"), () => ledger.getMeta("m")]) {
        const first = (await read())!;
        expect(Object.getPrototypeOf(first)).toBe(Uint8Array.prototype);
        const before = [...first];
        first.fill(0xee);
        expect([...(await read())!]).toEqual(before);
      }
      const [[, iterated]] = await collect(ledger.txs());
      expect(Object.getPrototypeOf(iterated)).toBe(Uint8Array.prototype);
      iterated.fill(0xee);
      expect(await ledger.getTx("t")).toEqual(bytes(1, 2));
    });

    it("copies what it is given: mutating the caller's arrays, even before commit resolves, changes nothing", async () => {
      const tx = bytes(1, 2, 3);
      const vertex = bytes(4, 5);
      const meta = bytes(6);
      const pending = ledger.commit({ txs: [["t", tx]], vertices: [["v", vertex]], meta: [["m", meta]] });
      tx.fill(0);
      vertex.fill(0);
      meta.fill(0);
      await pending;
      expect(await ledger.getTx("t")).toEqual(bytes(1, 2, 3));
      expect(await ledger.getVertex("v")).toEqual(bytes(4, 5));
      expect(await ledger.getMeta("m")).toEqual(bytes(6));
    });

    it("stores only the viewed bytes of a subarray", async () => {
      const backing = bytes(0, 1, 2, 3, 4, 5);
      await ledger.commit({ txs: [["t", backing.subarray(2, 4)]] });
      expect(await ledger.getTx("t")).toEqual(bytes(2, 3));
    });

    it("a later write of the same key replaces the value; within a batch the last entry wins", async () => {
      await ledger.commit({ txs: [["t", bytes(1)]] });
      await ledger.commit({ txs: [["t", bytes(2)], ["t", bytes(3)]] });
      expect(await ledger.getTx("t")).toEqual(bytes(3));
    });

    it("refuses to change a decision: LedgerConflictError, and nothing of that batch lands", async () => {
      await ledger.commit({ finalized: [["k", "cidA"]], meta: [["head", bytes(1)]] });
      const attempt = ledger.commit({
        txs: [["t2", bytes(2)]],
        vertices: [["v2", bytes(2)]],
        finalized: [
          ["k2", "cidX"],
          ["k", "cidB"],
        ],
        meta: [
          ["head", bytes(2)],
          ["other", bytes(2)],
        ],
      });
      await expect(attempt).rejects.toBeInstanceOf(LedgerConflictError);
      const error = (await attempt.catch((e: unknown) => e)) as LedgerConflictError;
      expect(error).toMatchObject({ conflictKey: "k", existing: "cidA", attempted: "cidB" });
      expect(await ledger.getFinal("k")).toBe("cidA");
      expect(await ledger.getFinal("k2")).toBeUndefined();
      expect(await ledger.getTx("t2")).toBeUndefined();
      expect(await ledger.getVertex("v2")).toBeUndefined();
      expect(await ledger.getMeta("head")).toEqual(bytes(1));
      expect(await ledger.getMeta("other")).toBeUndefined();
      // The ledger keeps working after a refused batch.
      await ledger.commit({ finalized: [["k2", "cidX"]] });
      expect(await ledger.getFinal("k2")).toBe("cidX");
    });

    it("reverted: swaps a decision atomically, only from the stored one (the available mode's reconciliation)", async () => {
      await ledger.commit({ finalized: [["k", "cidB"]] });
      // not the stored decision: refused, nothing of the batch lands
      const wrong = ledger.commit({ txs: [["t", bytes(1)]], reverted: [["k", "cidX", "cidA"]] });
      await expect(wrong).rejects.toMatchObject({ name: "LedgerConflictError", conflictKey: "k", existing: "cidB", attempted: "cidA" });
      expect(await ledger.getTx("t")).toBeUndefined();
      // a key never final cannot be reverted
      await expect(ledger.commit({ reverted: [["nope", "cidB", "cidA"]] })).rejects.toMatchObject({ name: "LedgerConflictError", existing: "nothing" });
      // finalized and reverted for one key in one batch: refused
      await expect(ledger.commit({ finalized: [["k", "cidB"]], reverted: [["k", "cidB", "cidA"]] })).rejects.toBeInstanceOf(LedgerConflictError);
      await ledger.commit({ txs: [["t", bytes(1)]], reverted: [["k", "cidB", "cidA"]] });
      expect(await ledger.getFinal("k")).toBe("cidA");
      expect(await ledger.getTx("t")).toEqual(bytes(1));
      const all: string[] = [];
      for await (const [key, cid] of ledger.finalized()) all.push(`${key}=${cid}`);
      expect(all).toEqual(["k=cidA"]);
      // and the new decision is final like any other
      await expect(ledger.commit({ finalized: [["k", "cidB"]] })).rejects.toBeInstanceOf(LedgerConflictError);
    });

    it("refuses a batch that finalizes one key on two CIDs, though the key was not final", async () => {
      const attempt = ledger.commit({
        txs: [["t", bytes(1)]],
        finalized: [
          ["k", "cidA"],
          ["k", "cidB"],
        ],
      });
      await expect(attempt).rejects.toMatchObject({ name: "LedgerConflictError", conflictKey: "k", existing: "cidA", attempted: "cidB" });
      expect(await ledger.getFinal("k")).toBeUndefined();
      expect(await ledger.getTx("t")).toBeUndefined();
    });

    it("finalizing the same CID again is a no-op that lets the rest of the batch land", async () => {
      await ledger.commit({ finalized: [["k", "cidA"]] });
      await ledger.commit({ finalized: [["k", "cidA"], ["k", "cidA"]], txs: [["cidA", bytes(7)]] });
      expect(await ledger.getFinal("k")).toBe("cidA");
      expect(await ledger.getTx("cidA")).toEqual(bytes(7));
      expect(await collect(ledger.finalized())).toEqual([["k", "cidA"]]);
    });

    it("deletes meta with null, in batch order, and deleting what is absent is fine", async () => {
      await ledger.commit({ meta: [["a", bytes(1)], ["b", bytes(2)]] });
      await ledger.commit({ meta: [["a", null], ["never", null]] });
      expect(await ledger.getMeta("a")).toBeUndefined();
      expect(await ledger.getMeta("b")).toEqual(bytes(2));
      await ledger.commit({ meta: [["b", null], ["b", bytes(3)], ["c", bytes(4)], ["c", null]] });
      expect(await ledger.getMeta("b")).toEqual(bytes(3));
      expect(await ledger.getMeta("c")).toBeUndefined();
    });

    it("accepts an empty batch", async () => {
      await ledger.commit({});
      await ledger.commit({ txs: [], vertices: [], finalized: [], meta: [] });
      expect(await collect(ledger.txs())).toEqual([]);
    });

    it("iterates each kind in UTF-8 byte order of its keys, whatever the insertion order", async () => {
      const keys = ["b", "a", "ab", "", "Z", "a/b", "a0", "é", "\uE000", "\u{1F600}", "\uFFFF", "bafy2", "bafy10"];
      const sorted = [...keys].sort(utf8Order);
      await ledger.commit({
        txs: keys.map((k, i) => [k, bytes(i)]),
        vertices: [...keys].reverse().map((k) => [k, bytes(1)]),
        finalized: keys.map((k) => [k, `cid-${k}`]),
      });
      expect((await collect(ledger.txs())).map(([k]) => k)).toEqual(sorted);
      expect((await collect(ledger.vertices())).map(([k]) => k)).toEqual(sorted);
      expect(await collect(ledger.finalized())).toEqual(sorted.map((k) => [k, `cid-${k}`]));
      expect((await collect(ledger.txs())).map(([k, v]) => [k, v[0]])).toEqual(sorted.map((k) => [k, keys.indexOf(k)]));
    });

    it("an iteration can stop early, and the ledger stays usable", async () => {
      await ledger.commit({ txs: [["a", bytes(1)], ["b", bytes(2)], ["c", bytes(3)]] });
      for await (const [k] of ledger.txs()) {
        expect(k).toBe("a");
        break;
      }
      await ledger.commit({ txs: [["d", bytes(4)]] });
      expect((await collect(ledger.txs())).map(([k]) => k)).toEqual(["a", "b", "c", "d"]);
    });

    it("applies commits in call order even when the caller does not wait between them", async () => {
      const results = await Promise.allSettled([
        ledger.commit({ meta: [["n", bytes(1)]], finalized: [["k", "cidA"]] }),
        ledger.commit({ meta: [["n", bytes(2)]], finalized: [["k", "cidB"]] }),
        ledger.commit({ meta: [["n", bytes(3)]] }),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(await ledger.getFinal("k")).toBe("cidA");
      expect(await ledger.getMeta("n")).toEqual(bytes(3));
    });

    it("refuses keys that are not well-formed Unicode, writing nothing", async () => {
      const lone = "bafy\uD800";
      await expect(ledger.commit({ txs: [["ok", bytes(1)], [lone, bytes(2)]] })).rejects.toBeInstanceOf(LedgerKeyError);
      await expect(ledger.commit({ finalized: [["k", lone]] })).rejects.toBeInstanceOf(LedgerKeyError);
      await expect(ledger.getTx(lone)).rejects.toBeInstanceOf(LedgerKeyError);
      expect(await ledger.getTx("ok")).toBeUndefined();
      expect(await ledger.getFinal("k")).toBeUndefined();
    });

    it("set records: read back, a later write replaces, kept apart from meta, atomic with a refused batch, kept across reopen", async () => {
      expect(await ledger.getSet("s1")).toBeUndefined();
      await ledger.commit({ sets: [["s1", bytes(1)], ["s2", bytes(2)]], meta: [["s1", bytes(9)]] });
      expect(await ledger.getSet("s1")).toEqual(bytes(1));
      expect(await ledger.getMeta("s1")).toEqual(bytes(9));
      await ledger.commit({ sets: [["s1", bytes(3)], ["s1", bytes(4)]] });
      expect(await ledger.getSet("s1")).toEqual(bytes(4));
      const copy = (await ledger.getSet("s2"))!;
      copy[0] = 77;
      expect(await ledger.getSet("s2")).toEqual(bytes(2));
      await ledger.commit({ finalized: [["k", "cidA"]] });
      await expect(ledger.commit({ finalized: [["k", "cidB"]], sets: [["s3", bytes(5)]] })).rejects.toBeInstanceOf(LedgerConflictError);
      expect(await ledger.getSet("s3")).toBeUndefined();
      const again = await reopen();
      expect(await again.getSet("s1")).toEqual(bytes(4));
      expect(await again.getSet("s2")).toEqual(bytes(2));
      await again.close();
      await expect(again.getSet("s1")).rejects.toBeInstanceOf(LedgerClosedError);
    });

    it("keeps everything across close and reopen", async () => {
      await ledger.commit({
        txs: [["t1", bytes(1)], ["t2", bytes(2)]],
        vertices: [["v1", bytes(3)]],
        finalized: [["k1", "t1"]],
        meta: [["head", bytes(4)], ["gone", bytes(5)]],
      });
      await ledger.commit({ meta: [["gone", null]] });
      const before = await dump(ledger, ["head", "gone"]);
      const again = await reopen();
      expect(await dump(again, ["head", "gone"])).toEqual(before);
      expect(await again.getMeta("gone")).toBeUndefined();
      // Final is still final after a restart.
      await expect(again.commit({ finalized: [["k1", "t2"]] })).rejects.toBeInstanceOf(LedgerConflictError);
    });

    it("close waits for commits already queued; their promises resolve and the data is kept", async () => {
      const pending = [1, 2, 3].map((i) => ledger.commit({ txs: [[`t${i}`, bytes(i)]] }));
      await ledger.close();
      await Promise.all(pending);
      const again = await reopen();
      expect((await collect(again.txs())).map(([k]) => k)).toEqual(["t1", "t2", "t3"]);
    });

    it("open right after close, without waiting for the close, reopens with the data", async () => {
      // Enough queued writes that the close is still draining when open() starts.
      const pending = Array.from({ length: 50 }, (_, i) => ledger.commit({ txs: [[`t${i}`, new Uint8Array(4096).fill(i)]] }));
      const closing = ledger.close();
      await ledger.open();
      await Promise.all([...pending, closing]);
      expect(await ledger.getTx("t49")).toEqual(new Uint8Array(4096).fill(49));
      expect(await collect(ledger.txs())).toHaveLength(50);
    });

    it("throws LedgerClosedError before open and after close; open and close are idempotent", async () => {
      await ledger.open();
      await ledger.close();
      await ledger.close();
      await expect(ledger.commit({ txs: [["t", bytes(1)]] })).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(ledger.getTx("t")).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(ledger.getVertex("t")).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(ledger.getFinal("t")).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(ledger.getMeta("t")).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(collect(ledger.txs())).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(collect(ledger.vertices())).rejects.toBeInstanceOf(LedgerClosedError);
      await expect(collect(ledger.finalized())).rejects.toBeInstanceOf(LedgerClosedError);
      const fresh = fixture.reopen();
      opened.push(fresh);
      await expect(fresh.getTx("t")).rejects.toBeInstanceOf(LedgerClosedError);
      await fresh.open();
      expect(await fresh.getTx("t")).toBeUndefined();
    });

    it("property: any sequence of batches leaves the state a model Map predicts, also after reopen", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(arbBatch, { minLength: 1, maxLength: 12 }), async (batches) => {
          const f = await factory();
          let l = f.ledger;
          await l.open();
          try {
            const model = new ModelLedger();
            const metaNames = new Set<string>();
            for (const batch of batches) {
              for (const [name] of batch.meta ?? []) metaNames.add(name);
              const accepted = model.commit(batch);
              const outcome = await l.commit(batch).then(
                () => "ok",
                (e: unknown) => e,
              );
              if (accepted) expect(outcome).toBe("ok");
              else expect(outcome).toBeInstanceOf(LedgerConflictError);
            }
            const expected = model.dump();
            expect(await dump(l, metaNames)).toEqual(expected);
            await l.close();
            l = f.reopen();
            await l.open();
            expect(await dump(l, metaNames)).toEqual(expected);
          } finally {
            await l.close();
            await f.dispose();
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}
