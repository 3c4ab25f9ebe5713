// `entropic devnet` of each live protocol as a user runs it: the built CLI (dist/cli/main.js)
// starting real node processes, `entropic load` with double spends against it, then checks
// on every node: alive, every conflict set finalized, identically, equal ledger roots, no
// background failure. T-MESH nodes used to die here (a duplicate decision refused by the
// vertex encoder inside a timer), while devnet said nothing and load exited 0.
// Also: devnet names a child that dies (kill -9) and exits 1; with --restart it brings it back.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/bytes.js";
import { createTx } from "../../src/core/tx.js";
import { NodeClient } from "../../src/runtime/api/client.js";
import { nodeSignatures } from "../../src/runtime/crypto-node.js";
import { type DevnetFile, startDevnet as startDevnetInProcess } from "../../src/cli/devnet/devnet.js";
import { repoRoot } from "../helpers/cli.js";
import { processAlive as alive } from "../helpers/process.js";

const bin = join(repoRoot, "dist/cli/main.js");
const run = promisify(execFile);

interface DevnetProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  out: string;
  /** exit status or signal, once it exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: DevnetProcess[] = [];
afterEach(async () => {
  for (const d of started.splice(0)) {
    if (d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill("SIGINT");
      const t = setTimeout(() => d.child.kill("SIGKILL"), 10_000);
      await d.exited;
      clearTimeout(t);
    }
  }
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number, d?: DevnetProcess): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}${d ? `\ndevnet output:\n${d.out}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `entropic devnet …` in the background; resolves once devnet.json is written and every API answers. */
async function startDevnet(args: readonly string[]): Promise<{ d: DevnetProcess; file: DevnetFile; clients: NodeClient[] }> {
  const dir = mkdtempSync(join(tmpdir(), "entropic-devnet-cli-"));
  const child = spawn(process.execPath, [bin, "devnet", "--dir", dir, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
  const d: DevnetProcess = {
    child,
    dir,
    out: "",
    exited: new Promise((res) => child.once("exit", (code, signal) => res({ code, signal }))),
  };
  child.stdout!.on("data", (b: Buffer) => (d.out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (d.out += b.toString()));
  started.push(d);
  const path = join(dir, "devnet.json");
  const file = await until("devnet.json", async () => (existsSync(path) && d.out.includes("try: npx entropic tx") ? (JSON.parse(readFileSync(path, "utf8")) as DevnetFile) : undefined), 60_000, d);
  const clients = file.nodes.map((n) => new NodeClient(n.api));
  const n = file.nodes.length;
  await until("full mesh", async () => (await Promise.all(clients.map((c) => c.status()))).every((s) => s.peers.length === n - 1), 30_000, d);
  return { d, file, clients };
}

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));
let nonce = Date.now();

/** `count` double spends, each twin to a different node; returns the conflict keys. */
async function doubleSpends(clients: NodeClient[], count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const n = nonce++;
      const [ra] = await Promise.all([
        clients[i % clients.length]!.submitTx(createTx(nodeSignatures, author, n, utf8(`alice ${n}`))),
        clients[(i + 1) % clients.length]!.submitTx(createTx(nodeSignatures, author, n, utf8(`bob ${n}`))),
      ]);
      return ra.conflict;
    }),
  );
}

describe("entropic devnet under load, every live protocol", () => {
  for (const protocol of ["snowball", "emtd", "tmesh"] as const) {
    it(`${protocol}: 3 nodes survive load with double spends and agree on every conflict set`, async () => {
      const { d, file, clients } = await startDevnet(["--nodes", "3", "--protocol", protocol]);
      const apis = file.nodes.flatMap((n) => ["--api", n.api]);
      // the load that killed T-MESH nodes (3 concurrent sets a second), now with 30% double spends,
      // and hand-made double spends beside it whose every node's decision is compared below
      const [load, keys] = await Promise.all([
        run(process.execPath, [bin, "load", ...apis, "--rate", "6", "--duration", "6", "--conflicts", "0.3", "--drain", "30", "--key", join(d.dir, "client.key"), "--json"], {
          cwd: repoRoot,
          timeout: 60_000,
        }).catch((err: { code?: number; stdout?: string; stderr?: string }) => {
          throw new Error(`load exited ${err.code}: ${err.stderr}\n${err.stdout}\ndevnet output:\n${d.out}`);
        }),
        doubleSpends(clients, 8),
      ]);
      const report = JSON.parse(load.stdout) as { errors: number; submitted: number; doubleSpends: number; finalized: number; unfinalized: number };
      expect(report).toMatchObject({ errors: 0, unfinalized: 0 });
      expect(report.doubleSpends).toBeGreaterThan(0);
      expect(report.finalized).toBe(36);

      // every hand-made conflict set is final on every node, on the same transaction
      const finals = () => Promise.all(clients.map((c) => Promise.all(keys.map(async (k) => (await c.getConflict(k)).final))));
      const views = await until("every node finalizes every double spend", async () => ((await finals()).flat().every((f) => f !== null) ? finals() : undefined), 30_000, d);
      for (const v of views) expect(v).toEqual(views[0]);
      // every set submitted is final everywhere, with one root: the finalized maps are equal
      const total = 36 + keys.length;
      const statuses = await until(
        "equal roots over every set",
        async () => {
          const s = await Promise.all(clients.map((c) => c.status()));
          return s.every((x) => x.finalizedCount === total && x.pendingCount === 0) && new Set(s.map((x) => x.ledgerRoot)).size === 1 ? s : undefined;
        },
        30_000,
        d,
      );
      for (const s of statuses) {
        expect(s.counters.sheafConflicts).toBe(0);
        expect(s.failures).toMatchObject({ total: 0, lastError: null });
      }
      // every node process is alive, and the devnet said nothing about exits
      for (const n of file.nodes) expect(alive(n.pid), `node ${n.index} (pid ${n.pid})`).toBe(true);
      expect(d.child.exitCode).toBeNull();
      expect(d.out).not.toMatch(/exited/);
      d.child.kill("SIGINT");
      expect(await d.exited).toEqual({ code: 0, signal: null });
      for (const n of file.nodes) await until(`node ${n.index} stopped with the devnet`, async () => !alive(n.pid), 10_000);
    }, 120_000);
  }
});

describe("entropic devnet watches its children", () => {
  it("kill -9 of a node: devnet names it, its signal and its last log lines, stops the others and exits 1", async () => {
    const { d, file } = await startDevnet(["--nodes", "3", "--protocol", "snowball"]);
    const victim = file.nodes[1]!;
    process.kill(victim.pid, "SIGKILL");
    const exit = await until("devnet exits", async () => (d.child.exitCode !== null ? { code: d.child.exitCode } : undefined), 20_000, d);
    expect(exit.code).toBe(1);
    expect(d.out).toContain(`devnet: node 1 (pid ${victim.pid}) exited with signal SIGKILL; last lines of ${join(victim.data, "node.log")}:`);
    expect(d.out).toMatch(/ {2}\| {3}api {2}http:\/\/127\.0\.0\.1:\d+/); // a line of the node's own log
    expect(d.out).toMatch(/^entropic: devnet: node 1 \(pid \d+\) exited with signal SIGKILL; a devnet of 3 nodes cannot be kept up without --restart$/m);
    for (const n of file.nodes) await until(`node ${n.index} stopped`, async () => !alive(n.pid), 10_000);
  }, 90_000);

  it("--restart: a killed node comes back with the same arguments, devnet.json gets its new pid", async () => {
    const { d, file, clients } = await startDevnet(["--nodes", "3", "--protocol", "snowball", "--restart"]);
    const victim = file.nodes[2]!;
    const keysBefore = await doubleSpends(clients, 3);
    await until("decided", async () => (await Promise.all(keysBefore.map((k) => clients[2]!.getConflict(k)))).every((c) => c.final !== null), 30_000, d);
    process.kill(victim.pid, "SIGKILL");
    await until("devnet reports the exit and the restart", async () => /node 2 is back: pid \d+/.test(d.out), 30_000, d);
    expect(d.out).toContain(`devnet: node 2 (pid ${victim.pid}) exited with signal SIGKILL`);
    const after = JSON.parse(readFileSync(join(d.dir, "devnet.json"), "utf8")) as DevnetFile;
    const back = after.nodes[2]!;
    expect(back.pid).not.toBe(victim.pid);
    expect(alive(back.pid)).toBe(true);
    expect(back.args).toEqual(victim.args);
    expect(back.api).toBe(victim.api);
    // it rejoins: decisions taken before are still there, new double spends are decided by all three
    const c2 = new NodeClient(back.api);
    for (const k of keysBefore) expect((await c2.getConflict(k)).final).not.toBeNull();
    const keysAfter = await doubleSpends([clients[0]!, clients[1]!, c2], 3);
    await until(
      "every node decides after the restart",
      async () => (await Promise.all([clients[0]!, clients[1]!, c2].flatMap((c) => keysAfter.map((k) => c.getConflict(k))))).every((c) => c.final !== null),
      30_000,
      d,
    );
    expect(d.child.exitCode).toBeNull();
    d.child.kill("SIGINT");
    expect(await d.exited).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("a node that cannot come back: supervise gives up after the restarts in a row, saying why", async () => {
    const net = await startDevnetInProcess({ nodes: 2, protocol: "snowball", dir: mkdtempSync(join(tmpdir(), "entropic-devnet-")) });
    const exits: string[] = [];
    const attempts: string[] = [];
    const outcome = net.supervise({
      restart: true,
      backoffMs: 50,
      maxRestarts: 2,
      onExit: (e) => exits.push(`${e.index} ${e.signal}`),
      onRestart: (r) => attempts.push(r.error ?? (r.node ? "back" : `in ${r.delayMs}`)),
    });
    // node 1 dies and its API port is taken: every restart fails
    const victim = net.file.nodes[1]!;
    const blocker = createServer();
    try {
      process.kill(victim.pid, "SIGKILL");
      await until("node 1 gone", async () => !alive(victim.pid), 10_000);
      await new Promise<void>((r) => blocker.listen(Number(new URL(victim.api).port), "127.0.0.1", r));
      const why = await outcome;
      expect(exits).toEqual(["1 SIGKILL"]);
      expect(attempts.filter((a) => a.startsWith("in "))).toEqual(["in 50", "in 100"]);
      expect(why).toMatch(/^node 1 failed to restart \(node process \d+ exited \(2\) before it was ready: entropic: .*in use.*\), and did not stay up after 2 restarts in a row; see .*node-1\/node\.log$/);
      expect(alive(net.file.nodes[0]!.pid)).toBe(true); // the caller decides what to do with the rest
    } finally {
      blocker.close();
      await net.stop();
    }
  }, 90_000);
});
