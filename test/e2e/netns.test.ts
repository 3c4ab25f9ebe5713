// Nodes across hosts, without containers: four real node processes, each in its own Linux
// network namespace with its own addresses (test/helpers/netns.ts), so nothing can lean on
// 127.0.0.1. The API binds the namespace's management address (--api-host), libp2p listens
// on 0.0.0.0 and announces the data address (--announce), peer ids come from --key-seed.
// The devnet resolves a double spend (the `tx double-spend` CLI, from outside), then a real
// partition (the link between the two sides down) and heal, checked as in devnet.test.ts.
// Needs root and iproute2; skips with a one-line notice otherwise.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes.js";
import { createTx, type Tx } from "../../src/core/tx.js";
import { NodeClient } from "../../src/runtime/api/client.js";
import { nodeSignatures } from "../../src/runtime/crypto-node.js";
import { keySeedFromLabel } from "../../src/runtime/node/key-label.js";
import { peerIdFromKeySeed } from "../../src/runtime/transport/keys.js";
import { CLI_PATH } from "../../src/cli/devnet/devnet.js";
import { EXIT_WITH_PARENT } from "../../src/cli/node/command.js";
import { entropic } from "../helpers/cli.js";
import { createNetnsLab, type NetnsLab, netnsUnavailable } from "../helpers/netns.js";

const N = 4;
const SIDES = [
  [0, 1],
  [2, 3],
] as const;
// Every node uses the same ports, as on separate hosts.
const P2P_PORT = 4001;
const API_PORT = 8080;

const why = netnsUnavailable() ?? (existsSync(CLI_PATH) ? null : "dist/ is not built");
if (why !== null) process.stdout.write(`netns.test.ts skipped: ${why}\n`);

let lab: NetnsLab | undefined;
let dir = "";
let clients: NodeClient[] = [];
/** measured durations, printed once at the end (the figures deploy/README.md quotes) */
const timings: string[] = [];
const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const peerIds = Array.from({ length: N }, (_, i) => peerIdFromKeySeed(keySeedFromLabel(`netns-${i}`)));

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));
let nonce = 1;
function pair(): [Tx, Tx] {
  const n = nonce++;
  return [createTx(nodeSignatures, author, n, utf8(`alice ${n}`)), createTx(nodeSignatures, author, n, utf8(`bob ${n}`))];
}

async function finals(client: NodeClient, keys: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(keys.map(async (k) => (await client.getConflict(k).catch(() => null))?.final ?? null));
}

async function peerCounts(): Promise<number[]> {
  return (await Promise.all(clients.map((c) => c.status()))).map((s) => s.peers.length);
}

describe.skipIf(why !== null)("devnet across network namespaces", () => {
  beforeAll(async () => {
    lab = createNetnsLab(SIDES);
    dir = mkdtempSync(join(tmpdir(), "entropic-netns-"));
    const l = lab;
    const bootstrap = peerIds.flatMap((id, j) => ["--bootstrap", `/ip4/${l.dataAddress(j)}/tcp/${P2P_PORT}/p2p/${id}`]);
    const params = ["k=3", "alphaPreference=2", "alphaConfidence=2", "beta=10"].flatMap((p) => ["--param", p]);
    const children = Array.from({ length: N }, (_, i) => {
      const args = [
        "node",
        "--data", join(dir, `node-${i}`),
        "--key-seed", `netns-${i}`,
        "--listen", `/ip4/0.0.0.0/tcp/${P2P_PORT}`,
        "--announce", `/ip4/${l.dataAddress(i)}/tcp/${P2P_PORT}`,
        "--api-host", l.apiAddress(i),
        "--api", String(API_PORT),
        "--protocol", "snowball",
        ...params,
        // one list for every node: a node skips its own address
        ...bootstrap,
      ];
      return l.spawn(i, [process.execPath, CLI_PATH, ...args], join(dir, `node-${i}.log`), { ...process.env, [EXIT_WITH_PARENT]: "1" });
    });
    clients = Array.from({ length: N }, (_, i) => new NodeClient(`http://${l.apiAddress(i)}:${API_PORT}`));
    const logTail = () => children.map((c, i) => `node ${i} (exit ${c.exitCode ?? c.signalCode ?? "-"}): ${existsSync(join(dir, `node-${i}.log`)) ? readFileSync(join(dir, `node-${i}.log`), "utf8").slice(-400) : ""}`).join("\n");
    try {
      await until("every node's API", async () => (await Promise.all(clients.map((c) => c.status()))).length === N, 60_000);
      await until("full mesh over the data network", async () => (await peerCounts()).every((p) => p === N - 1), 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${logTail()}`);
    }
    // what `tx double-spend --devnet` reads to check every node
    const nodes = Array.from({ length: N }, (_, i) => ({
      index: i,
      api: `http://${l.apiAddress(i)}:${API_PORT}`,
      multiaddr: `/ip4/${l.dataAddress(i)}/tcp/${P2P_PORT}/p2p/${peerIds[i]}`,
      peerId: peerIds[i],
      pid: children[i]!.pid,
      data: join(dir, `node-${i}`),
      args: [],
    }));
    writeFileSync(join(dir, "devnet.json"), `${JSON.stringify({ protocol: "snowball", params: {}, nodes }, null, 2)}\n`);
  }, 120_000);

  afterAll(async () => {
    if (timings.length > 0) process.stdout.write(`netns.test.ts: ${timings.join("; ")}\n`);
    await lab?.destroy();
  }, 30_000);

  it("each node binds its API to its namespace address and announces only its data address", async () => {
    const l = lab!;
    for (let i = 0; i < N; i++) {
      const info = JSON.parse(readFileSync(join(dir, `node-${i}`, "node.json"), "utf8")) as { peerId: string; api: string; multiaddrs: string[] };
      expect(info.peerId).toBe(peerIds[i]); // --key-seed: the peer id every other node was told
      expect(info.api).toBe(`http://${l.apiAddress(i)}:${API_PORT}`);
      // listening on 0.0.0.0 would otherwise advertise 127.0.0.1 and the management address too
      expect(info.multiaddrs).toEqual([`/ip4/${l.dataAddress(i)}/tcp/${P2P_PORT}/p2p/${peerIds[i]}`]);
      const status = await clients[i]!.status();
      expect([...status.peers].sort()).toEqual(peerIds.filter((_, j) => j !== i).sort());
    }
  });

  it("resolves a double spend sent to nodes on different hosts, identically on all four", () => {
    const l = lab!;
    const r = entropic(
      ["tx", "double-spend", "--devnet", dir, "--api", `http://${l.apiAddress(0)}:${API_PORT}`, "--api", `http://${l.apiAddress(2)}:${API_PORT}`, "--key", join(dir, "client.key"), "--wait", "40", "--json"],
      { timeoutMs: 60_000 },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { finals: Record<string, string | null>; checked: number; agreed: boolean; a: string; b: string; ms?: number };
    expect(out.checked).toBe(N);
    expect(out.agreed).toBe(true);
    const decided = new Set(Object.values(out.finals));
    expect(decided.size).toBe(1);
    expect([out.a, out.b]).toContain([...decided][0]);
    timings.push(`double spend decided on all ${N} in ${out.ms ?? "?"} ms`);
  }, 70_000);

  it("partition with the link between the sides down, then heal: no conflicting decision, then convergence", async () => {
    const l = lab!;
    const tCut = Date.now();
    l.cut();
    // No application help: the links are down, connections die by libp2p's own liveness checks.
    await until("each side sees only its own half", async () => (await peerCounts()).every((p) => p === 1), 60_000);
    timings.push(`link down noticed by every node after ${since(tCut)}`);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [a, b] = pair();
      // twins land on opposite sides
      const [ra] = await Promise.all([clients[SIDES[0][0]]!.submitTx(a), clients[SIDES[1][0]]!.submitTx(b)]);
      keys.push(ra.conflict);
    }
    await new Promise((r) => setTimeout(r, 3000));
    // α = 2 of K = 3 sampled from all four known peers: a half can never finalize alone
    for (const c of clients) for (const f of await finals(c, keys)) expect(f).toBeNull();
    const tHeal = Date.now();
    l.heal();
    await until("reconnected", async () => (await peerCounts()).every((p) => p === N - 1), 45_000);
    timings.push(`full mesh again ${since(tHeal)} after the heal`);
    await until("every node finalizes after the heal", async () => {
      for (const c of clients) if ((await finals(c, keys)).some((f) => f === null)) return false;
      return true;
    }, 60_000);
    timings.push(`the ${keys.length} split double spends final everywhere ${since(tHeal)} after the heal`);
    const views = await Promise.all(clients.map((c) => finals(c, keys)));
    for (const v of views) expect(v).toEqual(views[0]);
    await until("equal ledger roots", async () => new Set((await Promise.all(clients.map((c) => c.status()))).map((s) => s.ledgerRoot)).size === 1, 20_000);
    for (const c of clients) expect((await c.status()).counters.sheafConflicts).toBe(0);
  }, 240_000);
});
