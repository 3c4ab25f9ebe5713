/**
 * A small lab of Linux network namespaces, one per node, so live nodes run as if on
 * separate hosts: each has its own addresses and its own loopback, and nothing can lean on
 * 127.0.0.1. Needs root and iproute2 (`ip`, `bridge`); {@link netnsUnavailable} says why
 * not when they are missing.
 *
 * Two networks, both bridges in the root namespace:
 *   - data (libp2p), 10.213.0.0/24: node i is 10.213.0.(i+1). Each side of the planned
 *     partition has its own bridge; a veth pair (the trunk) joins the two bridges. Taking
 *     the trunk down ({@link NetnsLab.cut}) is a real partition: links down, packets lost,
 *     TCP connections left hanging, no application-level help.
 *   - management (HTTP API), 10.213.1.0/24: node i is 10.213.1.(i+1), the root namespace
 *     (the test) 10.213.1.254. Its bridge ports are isolated (`bridge link … isolated on`),
 *     so nodes cannot reach each other over it, only the test can reach every node: it keeps
 *     watching both sides while the data network is cut.
 * The root namespace has no address on the data network. Every address used is inside
 * namespaces and bridges made here; nothing else is ever a target.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { processAlive as alive } from "./process.js";

export const DATA_PREFIX = "10.213.0";
export const MGMT_PREFIX = "10.213.1";
const MGMT_HOST = `${MGMT_PREFIX}.254`;

function ip(args: readonly string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Run `ip` and ignore failure (cleanup of what may already be gone). */
function ipQuiet(args: readonly string[]): void {
  spawnSync("ip", args, { stdio: "ignore" });
}

/** Names: namespaces `entropic-PID-nI`; links `ent-TAG-ROLE`, TAG the pid in base 36 (15 characters at most). */
function tagOf(pid: number): string {
  return pid.toString(36);
}

/**
 * Remove what an earlier run of this harness left behind when its process died without
 * cleaning up (namespaces and links named after a pid that is no longer running).
 */
function removeStale(): void {
  for (const line of ip(["netns", "list"]).split("\n")) {
    const m = /^(entropic-(\d+)-\w+)/.exec(line.trim());
    if (m && !alive(Number(m[2]))) ipQuiet(["netns", "del", m[1]!]);
  }
  for (const line of ip(["-o", "link", "show"]).split("\n")) {
    const m = /^\d+: (ent-([0-9a-z]+)-[a-z]+\d*)[@:]/.exec(line);
    if (m && !alive(parseInt(m[2]!, 36))) ipQuiet(["link", "del", m[1]!]);
  }
}

/**
 * Why this machine cannot run the lab (a one-line reason), or null when it can: Linux,
 * root, iproute2, network namespaces, bridges with port isolation, and 10.213.0.0/16 unused.
 */
export function netnsUnavailable(): string | null {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (process.getuid?.() !== 0) return "network namespaces need root";
  for (const tool of ["ip", "bridge"]) {
    if (spawnSync(tool, ["-V"], { stdio: "ignore" }).error) return `\`${tool}\` (iproute2) is not installed`;
  }
  try {
    removeStale();
  } catch (err) {
    return `\`ip netns list\` failed: ${(err as Error).message.split("\n")[0]}`;
  }
  const used = ip(["-4", "-o", "addr", "show"]) + ip(["-4", "route", "show"]);
  if (/\b10\.213\./.test(used)) return "10.213.0.0/16 is already in use on this machine";
  const probe = `entropic-${process.pid}-probe`;
  const br = `ent-${tagOf(process.pid)}-p`;
  try {
    ip(["netns", "add", probe]);
    ip(["link", "add", br, "type", "bridge"]);
    ip(["link", "add", `${br}0`, "type", "veth", "peer", "name", "eth0", "netns", probe]);
    ip(["link", "set", `${br}0`, "master", br]);
    execFileSync("bridge", ["link", "set", "dev", `${br}0`, "isolated", "on"], { stdio: "ignore" });
    return null;
  } catch (err) {
    return `cannot create namespaces, veth pairs or isolated bridge ports here: ${(err as Error).message.split("\n")[0]}`;
  } finally {
    ipQuiet(["link", "del", `${br}0`]);
    ipQuiet(["link", "del", br]);
    ipQuiet(["netns", "del", probe]);
  }
}

export interface NetnsLab {
  /** namespace names, one per node */
  readonly namespaces: readonly string[];
  /** node i's address on the data (libp2p) network */
  dataAddress(i: number): string;
  /** node i's address on the management (API) network, reachable from the test */
  apiAddress(i: number): string;
  /** Take the trunk between the two sides down: a real partition. */
  cut(): void;
  /** Bring the trunk back up. */
  heal(): void;
  /**
   * Start `argv` (argv[0] is the program) inside node i's namespace, output to `logFile`.
   * `ip netns exec` replaces itself with the program, so the child's pid is the program's.
   */
  spawn(i: number, argv: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess;
  /** Kill every process started here and delete every namespace, link and bridge (idempotent). */
  destroy(): Promise<void>;
}

/**
 * Make namespaces for `sides.flat().length` nodes: `sides` lists the node indices on each
 * side of the partition {@link NetnsLab.cut} makes (two sides).
 */
export function createNetnsLab(sides: readonly [readonly number[], readonly number[]]): NetnsLab {
  const n = sides[0].length + sides[1].length;
  const tag = tagOf(process.pid);
  const namespaces = Array.from({ length: n }, (_, i) => `entropic-${process.pid}-n${i}`);
  const brM = `ent-${tag}-m`;
  const brSide = [`ent-${tag}-a`, `ent-${tag}-b`];
  const trunk = [`ent-${tag}-ta`, `ent-${tag}-tb`];
  const children: ChildProcess[] = [];
  const created: { links: string[]; namespaces: string[] } = { links: [], namespaces: [] };
  const sideOf = (i: number) => (sides[0].includes(i) ? 0 : 1);

  const destroy = async (): Promise<void> => {
    await Promise.all(
      children.splice(0).map(
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
    // Deleting a namespace deletes the veth ends inside it, and with them their peers.
    for (const ns of created.namespaces.splice(0)) ipQuiet(["netns", "del", ns]);
    for (const link of created.links.splice(0).reverse()) ipQuiet(["link", "del", link]);
  };

  try {
    for (const br of [brM, ...brSide]) {
      ip(["link", "add", br, "type", "bridge"]);
      created.links.push(br);
    }
    ip(["addr", "add", `${MGMT_HOST}/24`, "dev", brM]);
    ip(["link", "add", trunk[0]!, "type", "veth", "peer", "name", trunk[1]!]);
    created.links.push(trunk[0]!);
    for (const [s, end] of trunk.entries()) ip(["link", "set", end, "master", brSide[s]!]);
    for (const link of [brM, ...brSide, ...trunk]) ip(["link", "set", link, "up"]);
    for (let i = 0; i < n; i++) {
      const ns = namespaces[i]!;
      ip(["netns", "add", ns]);
      created.namespaces.push(ns);
      ip(["-n", ns, "link", "set", "lo", "up"]);
      for (const [role, bridge, prefix, dev] of [
        ["m", brM, MGMT_PREFIX, "mgmt0"],
        ["d", brSide[sideOf(i)]!, DATA_PREFIX, "data0"],
      ] as const) {
        const host = `ent-${tag}-${role}${i}`;
        ip(["link", "add", host, "type", "veth", "peer", "name", dev, "netns", ns]);
        created.links.push(host);
        ip(["link", "set", host, "master", bridge]);
        if (role === "m") execFileSync("bridge", ["link", "set", "dev", host, "isolated", "on"]);
        ip(["link", "set", host, "up"]);
        ip(["-n", ns, "addr", "add", `${prefix}.${i + 1}/24`, "dev", dev]);
        ip(["-n", ns, "link", "set", dev, "up"]);
      }
    }
  } catch (err) {
    void destroy();
    throw err;
  }

  return {
    namespaces,
    dataAddress: (i) => `${DATA_PREFIX}.${i + 1}`,
    apiAddress: (i) => `${MGMT_PREFIX}.${i + 1}`,
    cut: () => {
      for (const end of trunk) ip(["link", "set", end, "down"]);
    },
    heal: () => {
      for (const end of trunk) ip(["link", "set", end, "up"]);
    },
    spawn(i, argv, logFile, env = process.env) {
      const log = openSync(logFile, "a");
      const child = spawn("ip", ["netns", "exec", namespaces[i]!, ...argv], { stdio: ["ignore", log, log], env });
      closeSync(log);
      children.push(child);
      return child;
    },
    destroy,
  };
}
