// Issue 14 §2: a live node's memory is bounded by what is pending plus caches of stated
// size; finalized history lives in the ledger and is still served from there. Counts of
// retained entries, not RSS, so the test cannot flake on the garbage collector.
import { afterEach, describe, expect, it } from "vitest";
import { createTx, type Tx } from "../../../src/core/tx.js";
import { cidOf } from "../../../src/core/codec.js";
import { encodeTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { startApiServer } from "../../../src/runtime/api/server.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { SEGMENT } from "../../../src/runtime/node/table.js";
import { BATCH_MEMBERS } from "../../../src/runtime/node/standing-batches.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

const SETS = 20_000;
const RECENT = 256;
const DECISIONS = 1024;
const TUNING = { pollIntervalMs: 1, sealIntervalMs: 20, headsIntervalMs: 100, gossipFlushMs: 5, recentFinalized: RECENT, recentDecisions: DECISIONS };

let net: TestNet | undefined;
afterEach(async () => {
  if (net) await stopTestNet(net);
  net = undefined;
});

describe("bounded memory of a live node", () => {
  it(`after ${SETS} finalized sets, what the engine retains is bounded, and old transactions and sets are served from the ledger`, async () => {
    net = await startTestNet(snowball as ConsensusProtocol<unknown>, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 2 }, 3, () => TUNING);
    const authors = Array.from({ length: 4 }, (_, a) => nodeSignatures.generateKeyPair(new Uint8Array(32).fill(10 + a)));
    const first: Tx[] = [];
    const loser = createTx(nodeSignatures, authors[0]!, 0, utf8("double spend of the first"));
    const peaks: Record<string, number> = {};
    for (let k = 0; k < SETS; k += 500) {
      const batch = [];
      for (let j = k; j < k + 500; j++) batch.push(createTx(nodeSignatures, authors[j % 4]!, Math.floor(j / 4), utf8(`p${j}`)));
      if (k === 0) first.push(...batch.slice(0, 3));
      const target = net.nodes[(k / 500) % 3]!.engine;
      await net.run(Promise.all(batch.map((tx) => target.submitTx(tx))));
      if (k === 0) await net.run(net.nodes[1]!.engine.submitTx(loser));
      await net.until(`sets up to ${k + 500} finalized`, () => net!.nodes.every((x) => x.engine.status().finalizedCount === k + 500));
      for (const x of net.nodes) for (const [name, v] of Object.entries(x.engine.retained())) peaks[name] = Math.max(peaks[name] ?? 0, v);
    }
    await net.until("vertices sealed", () => net!.nodes.every((x) => x.engine.retained().pendingDecisions === 0));
    // Bounded: by the recent-finalized LRU plus one 500-set batch in flight, or by a stated cache size.
    const live = RECENT + 500;
    expect(peaks.sets).toBeLessThanOrEqual(live);
    expect(peaks.registry).toBeLessThanOrEqual(live);
    expect(peaks.byInstanceId).toBeLessThanOrEqual(live);
    expect(peaks.txs).toBeLessThanOrEqual(live + 1);
    expect(peaks.recentFinalized).toBeLessThanOrEqual(RECENT);
    expect(peaks.decisions).toBeLessThanOrEqual(DECISIONS);
    expect(peaks.segments).toBeLessThanOrEqual(Math.ceil(live / SEGMENT) + 2);
    expect(peaks.dagVertices).toBeLessThanOrEqual(1024);
    expect(peaks.dagCids).toBeLessThanOrEqual(16_384);
    expect(peaks.latencies).toBeLessThanOrEqual(4096);
    // standing polls: the asker's batches cover what it still polls; the responder's records are an LRU
    expect(peaks.standingBatches).toBeLessThanOrEqual(Math.ceil(live / BATCH_MEMBERS) * 2 + 2);
    // the responder's records are an Lru of MAX_STANDING (bounded by construction); here: used at all
    expect(peaks.standingAnswers).toBeGreaterThan(0);
    for (const x of net.nodes) {
      const r = x.engine.retained();
      expect(r.undecided).toBe(0);
      // peers' answers are kept for undecided sets only (dropped at finalization): nothing is undecided
      expect(r.answerMemory).toBe(0);
      expect(x.engine.status().finalizedCount).toBe(SETS);
    }
    // Every node still agrees, over the whole history.
    expect(new Set(net.nodes.map((x) => x.engine.status().ledgerRoot)).size).toBe(1);

    // The first sets left memory long ago and are read from the ledger.
    const node = net.nodes[2]!.engine;
    const ours = cidOf(encodeTx(first[0]!), nodeHasher).toString();
    expect(node.getTx(ours)).toBeUndefined();
    const mine = await node.readTx(ours);
    const key = mine!.conflict;
    expect(node.getConflict(key)).toBeUndefined();
    const set = await node.readConflict(key);
    expect(set?.candidates.map((c) => c.status).sort()).toEqual(["finalized", "rejected"]);
    const cid = set!.final!; // first[0] or its double spend, whichever won
    expect(mine!.status).toBe(cid === ours ? "finalized" : "rejected");
    expect(await node.readTx(cid)).toMatchObject({ cid, status: "finalized", conflict: key });
    // The same through the HTTP API, and resubmitting an old transaction is not news.
    const api = await startApiServer(node, { port: 0 });
    try {
      const res = await fetch(`${api.url}/v1/tx/${cid}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe("finalized");
      const res2 = await fetch(`${api.url}/v1/conflicts/${encodeURIComponent(key)}`);
      expect(res2.status).toBe(200);
      expect(((await res2.json()) as { final: string }).final).toBe(cid);
    } finally {
      await api.close();
    }
    expect(await node.submitTx(first[1]!)).toMatchObject({ ok: true, isNew: false, status: "finalized" });
    expect(await node.submitTx(createTx(nodeSignatures, authors[1]!, 0, utf8("too late")))).toMatchObject({ ok: false, reason: "already-final" });
  }, 240_000);
});
