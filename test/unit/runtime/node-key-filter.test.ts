// key-filter.ts: the Bloom filter that spares admission a ledger read per transaction.
// Never a false "no"; few false "maybe"s; memory within its budget however many keys.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyFilter, MAX_FILTER_BITS } from "../../../src/runtime/node/key-filter.js";

describe("KeyFilter", () => {
  it("never says no to a key it was given", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 80 }), { maxLength: 3000 }), (keys) => {
        const f = new KeyFilter();
        for (const k of keys) f.add(k);
        for (const k of keys) expect(f.mayHave(k)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("says maybe to about 1% of keys it never saw, across layer growth (50,000 conflict-key-like keys)", () => {
    const f = new KeyFilter();
    const n = 50_000;
    for (let i = 0; i < n; i++) f.add(`${"ab".repeat(32)}/${i}`);
    let maybe = 0;
    for (let i = n; i < 2 * n; i++) if (f.mayHave(`${"ab".repeat(32)}/${i}`)) maybe++;
    // each layer is sized for ~1% at capacity; a lookup checks every layer
    expect(maybe / n).toBeLessThan(0.05);
    expect(f.bits).toBeLessThanOrEqual(MAX_FILTER_BITS);
  });

  it("stays within its bit budget however many keys it takes (then false positives rise, never false negatives)", () => {
    const budget = 1 << 17;
    const f = new KeyFilter(budget);
    for (let i = 0; i < 40_000; i++) f.add(`k${i}`);
    expect(f.bits).toBeLessThanOrEqual(budget);
    for (let i = 0; i < 40_000; i += 97) expect(f.mayHave(`k${i}`)).toBe(true);
  });
});

describe("the filter in a node: rebuilt from the ledger at restart", () => {
  it("a late twin of a set decided before a crash is refused as already final, with the set long gone from memory", async () => {
    const { startTestNet, stopTestNet, crash, restart } = await import("./node-net.js");
    const { snowball } = await import("../../../src/protocols/snowball/index.js");
    const { createTx } = await import("../../../src/core/tx.js");
    const { utf8 } = await import("../../../src/core/bytes.js");
    const { nodeSignatures } = await import("../../../src/runtime/crypto-node.js");
    const tuning = { recentFinalized: 1, recentDecisions: 1 };
    const net = await startTestNet(snowball as never, { k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 3 }, 2, () => tuning);
    try {
      const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(3));
      const txs = [0, 1, 2].map((n) => createTx(nodeSignatures, author, n, utf8(`t${n}`)));
      for (const tx of txs) expect((await net.run(net.nodes[0]!.engine.submitTx(tx))).ok).toBe(true);
      await net.until("all decided", () => net.nodes.every((x) => x.engine.status().finalizedCount === 3));
      await crash(net, net.nodes[0]!);
      await restart(net, 0, tuning);
      const late = createTx(nodeSignatures, author, 0, utf8("a twin, too late"));
      expect(await net.run(net.nodes[0]!.engine.submitTx(late))).toMatchObject({ ok: false, reason: "already-final" });
      // and a set never decided is admitted (the filter says no: no ledger read needed)
      expect((await net.run(net.nodes[0]!.engine.submitTx(createTx(nodeSignatures, author, 9, utf8("new"))))).ok).toBe(true);
    } finally {
      await stopTestNet(net);
    }
  });
});
