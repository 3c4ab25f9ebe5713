// `entropic load` across a node restart: the restarted node's event stream is reconnected
// (with backoff), and a conflict set counts as finalized on the first `finalized` event from
// any node. Before, load waited for the node it had submitted to, whose stream was gone:
// during restarts it reported a fraction of what the nodes finalized.
import { afterEach, describe, expect, it } from "vitest";
import type { Tx } from "../../../src/core/tx.js";
import { type ApiServer, startApiServer } from "../../../src/runtime/api/server.js";
import { runLoad } from "../../../src/runtime/load/generator.js";
import { FakeNode, keys } from "./api-fake-node.js";

const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
});

async function serve(node: FakeNode, port = 0): Promise<ApiServer> {
  const s = await startApiServer(node, { port });
  servers.push(s);
  return s;
}

describe("runLoad across a node restart", () => {
  it("reconnects the restarted node's stream and takes every decision from whichever node reports it", async () => {
    // Two nodes; node 1 announces every decision 30 ms after a submission to either node,
    // node 0 never does (its decisions happened while nobody listened, say).
    const [a, b] = [new FakeNode(), new FakeNode()];
    for (const n of [a, b]) {
      const submit = n.submitTx.bind(n);
      n.submitTx = async (tx: Tx) => {
        const r = await submit(tx);
        if (r.ok && r.isNew) setTimeout(() => b.emit({ type: "finalized", conflict: r.conflict, cid: r.cid, latencyMs: 30, at: Date.now() }), 30);
        return r;
      };
    }
    const first = await serve(a);
    await serve(b);
    const port = first.port;
    const apis = [first.url, servers[1]!.url];
    // node 0 goes away 600 ms into the load and is back on its port 400 ms later
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 600));
      await first.close();
      servers.splice(servers.indexOf(first), 1);
      await new Promise((r) => setTimeout(r, 400));
      await serve(a, port);
      // load's stream to node 0 comes back (backoff is at most 2 s)
      const t0 = Date.now();
      while (a.listenerCount === 0 && Date.now() - t0 < 2500) await new Promise((r) => setTimeout(r, 10));
      return a.listenerCount;
    })();
    const report = await runLoad({ apis, rate: 40, durationS: 2, conflictShare: 0, keys, drainS: 3 });
    expect(await restart).toBe(1);
    expect(report.errors).toBeGreaterThan(0); // submissions to node 0 while it was down
    expect(report.firstError).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/tx: (ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)/);
    expect(report.streamReconnects).toBeGreaterThanOrEqual(1);
    expect(report.submitted).toBe(80 - report.errors);
    expect(report.finalized).toBe(report.submitted); // including those submitted to node 0
    expect(report.unfinalized).toBe(0);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
  });
});

describe("runLoad per-set records (entropic load --latencies)", () => {
  it("keeps one record per conflict set with its submit time, first finality and latency, and marks double spends", async () => {
    // One node that finalizes every new set 40 ms after its submission, except every fifth.
    const node = new FakeNode();
    const submit = node.submitTx.bind(node);
    let n = 0;
    node.submitTx = async (tx: Tx) => {
      const r = await submit(tx);
      if (r.ok && r.isNew && n++ % 5 !== 4) setTimeout(() => node.emit({ type: "finalized", conflict: r.conflict, cid: r.cid, latencyMs: 40, at: Date.now() }), 40);
      return r;
    };
    const s = await serve(node);
    const report = await runLoad({ apis: [s.url], rate: 50, durationS: 0.6, conflictShare: 0.5, keys, drainS: 0.5, recordSets: true });
    const sets = report.sets!;
    expect(sets.length).toBe(30);
    expect(new Set(sets.map((r) => r.conflict)).size).toBe(30);
    expect(sets.filter((r) => r.doubleSpend).length).toBe(report.doubleSpends);
    const decided = sets.filter((r) => r.finalizedMs !== null);
    expect(decided.length).toBe(report.finalized);
    expect(decided.length).toBeLessThan(sets.length); // the undecided ones are recorded too, with nulls
    for (const r of decided) {
      expect(r.latencyMs).toBeCloseTo(r.finalizedMs! - r.submittedMs, 9);
      expect(r.latencyMs!).toBeGreaterThanOrEqual(30);
    }
    for (const r of sets.filter((x) => x.finalizedMs === null)) expect(r.latencyMs).toBeNull();
    // submission order, times relative to the start of the load
    for (let i = 1; i < sets.length; i++) expect(sets[i]!.submittedMs).toBeGreaterThanOrEqual(sets[i - 1]!.submittedMs);
    expect((await runLoad({ apis: [s.url], rate: 10, durationS: 0.2, conflictShare: 0, keys, drainS: 0.2 })).sets).toBeUndefined();
  });
});
