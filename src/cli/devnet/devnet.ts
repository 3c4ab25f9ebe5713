/**
 * A local devnet: N `entropic node` processes on 127.0.0.1, fully meshed, each with its own
 * folder, key, libp2p port and API port. Used by `entropic devnet`, the end-to-end tests and
 * `npm run bench:devnet`.
 */
import type { PartitionMode } from "../../runtime/node/options.js";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, renameSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeSignatures } from "../../runtime/crypto-node.js";
import { loadOrCreateIdentity } from "../../runtime/node/identity.js";
import type { LiveProtocolName, NodeInfo } from "../../runtime/node/start.js";
import { peerIdFromKeySeed } from "../../runtime/transport/keys.js";
import { EXIT_WITH_PARENT } from "../node/command.js";

/** One node of `devnet.json`. */
export interface DevnetNode {
  readonly index: number;
  readonly api: string;
  readonly multiaddr: string;
  readonly peerId: string;
  readonly pid: number;
  readonly data: string;
  /** the `entropic` arguments that (re)start this node */
  readonly args: readonly string[];
}

/** `DIR/devnet.json`. */
export interface DevnetFile {
  readonly protocol: LiveProtocolName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nodes: readonly DevnetNode[];
}

export interface DevnetOptions {
  readonly nodes: number;
  readonly protocol: LiveProtocolName;
  readonly dir: string;
  /** protocol parameters; Snowball's K and alphas default to fit the devnet size */
  readonly params?: Readonly<Record<string, unknown>>;
  /** give every node a deny file (DIR/node-i/deny.json) for partition tests */
  readonly denyFiles?: boolean;
  /** every node's partition mode (docs/partitions.md; default safe); each node is told the devnet's size as its validator count */
  readonly partitionMode?: PartitionMode;
  /** every node's `--min-admitted` (default {@link devnetMinAdmitted}) */
  readonly minAdmitted?: number;
  /** how long to wait for every node to come up (default 30 s) */
  readonly startTimeoutMs?: number;
}

export interface Devnet {
  readonly file: DevnetFile;
  readonly children: ChildProcess[];
  /** Restart node i with its original arguments (after it died or was killed). */
  restart(i: number): Promise<DevnetNode>;
  /**
   * Watch the children: report every exit at once and, with `restart`, bring the node back
   * with its arguments (with backoff). Resolves with what went wrong when the devnet can no
   * longer be kept at its size (a node exited and `restart` is off, or a node keeps failing
   * to come back); resolves with null once {@link stop} was called.
   */
  supervise(o: SuperviseOptions): Promise<string | null>;
  /** Stop every node (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** A devnet child that exited while the devnet was running. */
export interface ChildExit {
  readonly index: number;
  readonly pid: number;
  /** exit status, or null when a signal ended it */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** the node's log file and its last lines */
  readonly log: string;
  readonly tail: readonly string[];
  /** the line of the log that says why (its one-line error or a crash's `XError: …`), or null */
  readonly reason: string | null;
}

export interface SuperviseOptions {
  /** bring an exited node back with the same arguments (default: give up at the first exit) */
  readonly restart: boolean;
  /** called as soon as a child exits */
  readonly onExit: (e: ChildExit) => void;
  /** called when a node is about to be restarted (after `delayMs`) and once it is back */
  readonly onRestart?: (e: { readonly index: number; readonly attempt: number; readonly delayMs: number; readonly node?: DevnetNode; readonly error?: string }) => void;
  /** restarts in a row (each within `minUptimeMs` of the last) before giving up (default 5) */
  readonly maxRestarts?: number;
  /** a node up this long has its restart count reset (default 30 s) */
  readonly minUptimeMs?: number;
  /** first restart delay, doubled per restart in a row, capped at 8 s (default 500 ms) */
  readonly backoffMs?: number;
}

/** Lines of a child's log shown when it exits. */
export const EXIT_TAIL_LINES = 10;

/** How a child ended, in words: "exit code 1" or "signal SIGKILL". */
export function describeExit(e: Pick<ChildExit, "code" | "signal">): string {
  return e.signal !== null ? `signal ${e.signal}` : `exit code ${e.code}`;
}

/** The line of a node's log that says why it stopped: its one-line error, or a crash's `XError: …` line. */
function reasonIn(tail: readonly string[]): string {
  const lines = tail.map((l) => l.trim()).filter(Boolean);
  return lines.findLast((l) => l.startsWith("entropic:")) ?? lines.findLast((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? "no output";
}

function logTail(path: string, lines: number): string[] {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines);
  } catch {
    return [];
  }
}

/** The built CLI; the same path from src/cli/devnet (tests) and dist/cli/devnet (the package). */
export const CLI_PATH = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));

/**
 * Admission control's floor for N nodes sharing this machine: 32 768 / N², between 64 and
 * the engine's 2048. Every node does work for every set, and each gets 1/N of the machine,
 * so what the machine can carry falls as 1/N². Measured (docs/throughput.md): 4 nodes with
 * a floor of 1024 shed 23% of a 200 tx/s load they carry completely without admission (the
 * first decisions come ~6 s in, and until then the floor is the whole allowance); 16 nodes
 * with 256 let a 100 tx/s load back up until their HTTP servers stopped answering within
 * 30 s, and with 64 shed the excess and decided everything admitted.
 */
export function devnetMinAdmitted(nodes: number): number {
  return Math.max(64, Math.min(2048, Math.floor(32_768 / (nodes * nodes))));
}

/**
 * Snowball's parameters for a devnet of n nodes: K = min(20, n − 1) peers per poll (a node
 * cannot sample more peers than it has), α = ⌊K/2⌋ + 1 + ⌊K/8⌋ (a strict majority plus a
 * margin, inside avalanchego's rule K/2 < α ≤ K), β = 20 as in avalanchego.
 */
export function devnetSnowballParams(n: number): Record<string, number> {
  const k = Math.max(1, Math.min(20, n - 1));
  const alpha = Math.min(k, Math.floor(k / 2) + 1 + Math.floor(k / 8));
  return { k, alphaPreference: alpha, alphaConfidence: alpha };
}

/**
 * A free TCP port on 127.0.0.1 that is not in `taken`. Ports come from [10000, 32768),
 * below Linux's ephemeral range (32768–60999), so the outgoing connections of the nodes
 * themselves cannot grab a port between this check and the node binding it; the port
 * is bound once to check that it is free, then released.
 */
export async function freePort(taken: Set<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_768);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once("error", () => res(false));
      s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error("no free TCP port found in [10000, 32768) after 200 tries");
}

function paramArgs(params: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${String(v)}`]);
}

async function waitForInfo(path: string, child: ChildProcess, log: string, timeoutMs: number): Promise<NodeInfo> {
  const t0 = Date.now();
  for (;;) {
    if (existsSync(path)) {
      const info = JSON.parse(readFileSync(path, "utf8")) as NodeInfo;
      if (info.pid === child.pid) return info;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = logTail(log, 8);
      throw new Error(`node process ${child.pid} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${reasonIn(logTail(log, 40))}\n${tail.join("\n")}`);
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`node process ${child.pid} not ready after ${timeoutMs} ms (see ${log})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnNode(args: readonly string[], data: string): ChildProcess {
  const log = openSync(join(data, "node.log"), "a");
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ["ignore", log, log], env: { ...process.env, [EXIT_WITH_PARENT]: String(process.pid) } });
  closeSync(log);
  return child;
}

export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 64) throw new RangeError(`--nodes must be an integer in [1, 64], got ${o.nodes}`);
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const params = { ...(o.protocol === "snowball" ? devnetSnowballParams(o.nodes) : {}), ...o.params };
  const planned: { index: number; data: string; peerId: string; multiaddr: string; apiPort: number }[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < o.nodes; i++) {
    const data = join(dir, `node-${i}`);
    mkdirSync(data, { recursive: true });
    const { seed } = loadOrCreateIdentity(data, nodeSignatures);
    const [p2p, api] = [await freePort(taken), await freePort(taken)];
    planned.push({ index: i, data, peerId: peerIdFromKeySeed(seed), multiaddr: `/ip4/127.0.0.1/tcp/${p2p}/p2p/${peerIdFromKeySeed(seed)}`, apiPort: api });
  }
  const argsOf = (i: number): string[] => {
    const p = planned[i]!;
    const args = ["node", "--data", p.data, "--listen", p.multiaddr.split("/p2p/")[0]!, "--api", String(p.apiPort), "--protocol", o.protocol, ...paramArgs(params)];
    for (const q of planned) if (q.index !== i) args.push("--bootstrap", q.multiaddr);
    if (o.denyFiles) args.push("--deny-file", join(p.data, "deny.json"));
    args.push("--partition-mode", o.partitionMode ?? "safe", "--validators", String(o.nodes));
    args.push("--min-admitted", String(o.minAdmitted ?? devnetMinAdmitted(o.nodes)));
    return args;
  };
  const children: ChildProcess[] = [];
  const nodes: DevnetNode[] = [];
  const timeout = o.startTimeoutMs ?? 30_000;
  /** children that came up (an exit before that is reported by `start` itself) */
  const ready = new WeakSet<ChildProcess>();
  const upSince: number[] = [];
  let onChildExit: ((i: number, e: ChildExit) => void) | null = null;
  let stopping = false;
  const start = async (i: number): Promise<DevnetNode> => {
    const p = planned[i]!;
    rmSync(join(p.data, "node.json"), { force: true });
    const args = argsOf(i);
    const child = spawnNode(args, p.data);
    children[i] = child;
    const log = join(p.data, "node.log");
    child.once("exit", (code, signal) => {
      if (stopping || !ready.has(child) || children[i] !== child) return;
      // this run's lines only: the log is appended to across restarts, each run opens with `node <peer id> (<protocol>)`
      const recent = logTail(log, 40);
      const since = recent.findLastIndex((l) => /^node \S+ \(\w+\)$/.test(l));
      const why = recent.slice(since + 1).filter((l) => l.startsWith("entropic:") || /^[A-Za-z]*Error\b/.test(l.trim()));
      onChildExit?.(i, { index: i, pid: child.pid ?? -1, code, signal, log, tail: logTail(log, EXIT_TAIL_LINES), reason: why.length > 0 ? reasonIn(why) : null });
    });
    const info = await waitForInfo(join(p.data, "node.json"), child, log, timeout);
    ready.add(child);
    upSince[i] = Date.now();
    return { index: i, api: info.api, multiaddr: p.multiaddr, peerId: p.peerId, pid: child.pid!, data: p.data, args };
  };
  try {
    nodes.push(...(await Promise.all(planned.map((_, i) => start(i)))));
  } catch (err) {
    for (const c of children) c?.kill("SIGKILL");
    throw err;
  }
  let file: DevnetFile = { protocol: o.protocol, params, nodes };
  const writeFile = () => {
    const path = join(dir, "devnet.json");
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  };
  writeFile();
  let settle: ((outcome: string | null) => void) | null = null;
  const devnet: Devnet = {
    get file() {
      return file;
    },
    children,
    async restart(i) {
      const node = await start(i);
      file = { ...file, nodes: file.nodes.map((n) => (n.index === i ? node : n)) };
      writeFile();
      return node;
    },
    supervise(s) {
      if (settle !== null) throw new Error("supervise() was already called");
      const maxRestarts = s.maxRestarts ?? 5;
      const minUptime = s.minUptimeMs ?? 30_000;
      const backoff = s.backoffMs ?? 500;
      const inARow = new Array<number>(o.nodes).fill(0);
      const done = new Promise<string | null>((res) => (settle = res));
      const giveUp = (why: string) => {
        onChildExit = null;
        settle?.(why);
      };
      const bringBack = (i: number, what: string): void => {
        if (stopping) return;
        inARow[i]!++;
        if (inARow[i]! > maxRestarts) {
          giveUp(`node ${i} ${what}, and did not stay up after ${maxRestarts} restarts in a row; see ${join(planned[i]!.data, "node.log")}`);
          return;
        }
        const delayMs = Math.min(8000, backoff * 2 ** (inARow[i]! - 1));
        s.onRestart?.({ index: i, attempt: inARow[i]!, delayMs });
        setTimeout(() => {
          if (stopping) return;
          devnet.restart(i).then(
            (node) => s.onRestart?.({ index: i, attempt: inARow[i]!, delayMs, node }),
            (err: unknown) => {
              const error = (err as Error).message.split("\n")[0]!;
              s.onRestart?.({ index: i, attempt: inARow[i]!, delayMs, error });
              bringBack(i, `failed to restart (${error})`);
            },
          );
        }, delayMs).unref(); // a pending restart must not hold the process open after stop()
      };
      onChildExit = (i, e) => {
        s.onExit(e);
        if (!s.restart) {
          giveUp(`node ${i} (pid ${e.pid}) exited with ${describeExit(e)}; a devnet of ${o.nodes} nodes cannot be kept up without --restart`);
          return;
        }
        if (Date.now() - (upSince[i] ?? 0) >= minUptime) inARow[i] = 0;
        bringBack(i, `exited with ${describeExit(e)}`);
      };
      return done;
    },
    async stop() {
      stopping = true;
      onChildExit = null;
      settle?.(null);
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((res) => {
              if (c.exitCode !== null || c.signalCode !== null) return res();
              const t = setTimeout(() => c.kill("SIGKILL"), 5000);
              c.once("exit", () => {
                clearTimeout(t);
                res();
              });
              c.kill("SIGTERM");
            }),
        ),
      );
    },
  };
  return devnet;
}
