// Real node processes on 127.0.0.1: a devnet decides double spends identically, survives
// kill -9 without losing a finalized decision, and stays safe across a partition.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes.js";
import { createTx, type Tx } from "../../src/core/tx.js";
import { NodeClient } from "../../src/runtime/api/client.js";
import { nodeSignatures } from "../../src/runtime/crypto-node.js";
import { type Devnet, startDevnet } from "../../src/cli/devnet/devnet.js";

const devnets: Devnet[] = [];
afterEach(async () => {
  for (const d of devnets.splice(0)) await d.stop();
});

async function devnet(
  nodes: number,
  extra: { denyFiles?: boolean; protocol?: "snowball" | "tmesh"; partitionMode?: "safe" | "available" } = {},
): Promise<{ net: Devnet; clients: NodeClient[] }> {
  const dir = mkdtempSync(join(tmpdir(), "entropic-devnet-"));
  const { protocol = "snowball", ...rest } = extra;
  const net = await startDevnet({ nodes, protocol, dir, params: protocol === "snowball" ? { beta: 10 } : {}, ...rest });
  devnets.push(net);
  const clients = net.file.nodes.map((n) => new NodeClient(n.api));
  await until("full mesh", async () => (await Promise.all(clients.map((c) => c.status()))).every((s) => s.peers.length === nodes - 1), 20_000);
  return { net, clients };
}

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(42));
let nonce = 1;

function pair(): [Tx, Tx] {
  const n = nonce++;
  return [createTx(nodeSignatures, author, n, utf8(`alice ${n}`)), createTx(nodeSignatures, author, n, utf8(`bob ${n}`))];
}

/** Submit `plain` single txs and `doubles` double spends spread over the nodes; returns the conflict keys. */
async function submit(clients: NodeClient[], plain: number, doubles: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < plain; i++) keys.push((await clients[i % clients.length]!.submitTx(pair()[0])).conflict);
  for (let i = 0; i < doubles; i++) {
    const [a, b] = pair();
    const [ra] = await Promise.all([clients[i % clients.length]!.submitTx(a), clients[(i + 1) % clients.length]!.submitTx(b)]);
    keys.push(ra.conflict);
  }
  return keys;
}

async function finals(client: NodeClient, keys: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(keys.map(async (k) => (await client.getConflict(k).catch(() => null))?.final ?? null));
}

async function allFinal(clients: NodeClient[], keys: readonly string[]): Promise<boolean> {
  for (const c of clients) if ((await finals(c, keys)).some((f) => f === null)) return false;
  return true;
}

async function expectSameFinals(clients: NodeClient[], keys: readonly string[]): Promise<void> {
  const views = await Promise.all(clients.map((c) => finals(c, keys)));
  for (const v of views) expect(v).toEqual(views[0]);
}

describe("devnet of real node processes", () => {
  it("4 nodes: every transaction finalizes everywhere, double spends resolve identically, roots equal", async () => {
    const { clients } = await devnet(4);
    const keys = await submit(clients, 20, 10);
    await until("every node finalizes every conflict set", () => allFinal(clients, keys), 30_000);
    await expectSameFinals(clients, keys);
    await until("equal ledger roots", async () => new Set((await Promise.all(clients.map((c) => c.status()))).map((s) => s.ledgerRoot)).size === 1, 10_000);
    const status = await clients[0]!.status();
    expect(status.finalizedCount).toBe(keys.length);
    expect(status.counters.sheafConflicts).toBe(0);
    // the losing twin of a double spend is reported as rejected
    const view = await clients[0]!.getConflict(keys[keys.length - 1]!);
    expect(view.candidates.map((c) => c.status).sort()).toEqual(["finalized", "rejected"]);
  }, 90_000);

  it("kill -9 under load, then restart: nothing finalized is lost and the node catches up", async () => {
    const { net, clients } = await devnet(4);
    const before = await submit(clients, 10, 5);
    await until("first batch final on node 3", async () => (await finals(clients[3]!, before)).every((f) => f !== null), 30_000);
    const seenOn3 = await finals(clients[3]!, before);
    // keep load going while node 3 dies
    const during = submit(clients.slice(0, 3), 10, 5);
    net.children[3]!.kill("SIGKILL");
    const keysDuring = await during;
    await new Promise((r) => setTimeout(r, 500));
    const restarted = await net.restart(3);
    const c3 = new NodeClient(restarted.api);
    const all = [...before, ...keysDuring];
    // nothing it had finalized is lost...
    expect(await finals(c3, before)).toEqual(seenOn3);
    // ...and it catches up on what it missed, agreeing with the others
    const everyone = [...clients.slice(0, 3), c3];
    await until("restarted node catches up", () => allFinal(everyone, all), 45_000);
    await expectSameFinals(everyone, all);
    await until("equal ledger roots", async () => new Set((await Promise.all(everyone.map((c) => c.status()))).map((s) => s.ledgerRoot)).size === 1, 15_000);
  }, 120_000);

  /** Split 4 nodes into halves {0,1} | {2,3} with deny files; returns a function that heals. */
  async function halve(net: Devnet, clients: NodeClient[]): Promise<() => Promise<void>> {
    const ids = net.file.nodes.map((n) => n.peerId);
    const halves = [
      [0, 1],
      [2, 3],
    ];
    for (const [h, half] of halves.entries()) {
      const other = halves[1 - h]!.map((i) => ids[i]!);
      for (const i of half) writeFileSync(join(net.file.nodes[i]!.data, "deny.json"), JSON.stringify(other));
    }
    await until("partitioned", async () => (await Promise.all(clients.map((c) => c.status()))).every((s) => s.peers.length === 1), 15_000);
    return async () => {
      for (const n of net.file.nodes) writeFileSync(join(n.data, "deny.json"), "[]");
      await until("reconnected", async () => (await Promise.all(clients.map((c) => c.status()))).every((s) => s.peers.length === 3), 20_000);
    };
  }

  it("partition into halves, then heal: no conflicting finalizations, then reconvergence", async () => {
    const { net, clients } = await devnet(4, { denyFiles: true });
    const heal = await halve(net, clients);
    // double spends whose twins land on opposite sides
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [a, b] = pair();
      const [ra] = await Promise.all([clients[0]!.submitTx(a), clients[2]!.submitTx(b)]);
      keys.push(ra.conflict);
    }
    await new Promise((r) => setTimeout(r, 3000));
    // safe mode (a quorum of locked answers; α > K/2 of the whole devnet too): a half cannot finalize alone
    for (const c of clients) for (const f of await finals(c, keys)) expect(f).toBeNull();
    await heal();
    await until("every node finalizes after the heal", () => allFinal(clients, keys), 45_000);
    await expectSameFinals(clients, keys);
  }, 120_000);

  it("T-MESH, safe mode (docs/partitions.md): a half decides nothing, not even a transaction no one contests; all decide after the heal", async () => {
    const { net, clients } = await devnet(4, { denyFiles: true, protocol: "tmesh", partitionMode: "safe" });
    const heal = await halve(net, clients);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await clients[i % 4]!.submitTx(pair()[0])).conflict);
    await new Promise((r) => setTimeout(r, 4000));
    for (const c of clients) for (const f of await finals(c, keys)) expect(f).toBeNull();
    await heal();
    await until("every node finalizes after the heal", () => allFinal(clients, keys), 45_000);
    await expectSameFinals(clients, keys);
  }, 120_000);

  it("T-MESH, available mode: each half decides its own twin; at the heal the losers take theirs back and report it", async () => {
    const { net, clients } = await devnet(4, { denyFiles: true, protocol: "tmesh", partitionMode: "available" });
    const heal = await halve(net, clients);
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [a, b] = pair();
      const [ra] = await Promise.all([clients[0]!.submitTx(a), clients[2]!.submitTx(b)]);
      keys.push(ra.conflict);
    }
    await until("each half decides while split", () => allFinal(clients, keys), 30_000);
    const split = await Promise.all(clients.map((c) => finals(c, keys)));
    expect(split[0]).toEqual(split[1]);
    expect(split[2]).toEqual(split[3]);
    expect(split[0]).not.toEqual(split[2]); // the halves decided different twins
    await heal();
    await until("equal ledger roots", async () => new Set((await Promise.all(clients.map((c) => c.status()))).map((s) => s.ledgerRoot)).size === 1, 45_000);
    await expectSameFinals(clients, keys);
    // every changed decision is reported, by the node that changed it, with what it replaced
    const after = await finals(clients[0]!, keys);
    let reversals = 0;
    for (const [n, c] of clients.entries()) {
      let mine = 0;
      for (const [j, key] of keys.entries()) {
        const view = await c.getConflict(key);
        if (split[n]![j] === after[j]) expect(view.reverted).toEqual([]);
        else {
          expect(view.reverted.map((r) => [r.from, r.to])).toEqual([[split[n]![j], after[j]]]);
          mine++;
        }
      }
      expect((await c.metricsText()).match(/^entropic_decisions_reverted_total (\d+)$/m)?.[1]).toBe(String(mine));
      reversals += mine;
    }
    expect(reversals).toBeGreaterThan(0);
  }, 120_000);
});
