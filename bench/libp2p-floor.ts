/**
 * The transport's floor at devnet scale: N processes that run only entropic's libp2p
 * transport (the node's settings: TCP, Noise, yamux, gossipsub StrictNoSign, the framed
 * request stream), fully meshed as a devnet is, and exchange application-sized gossip and
 * requests at fixed rates — no consensus, no ledger, no API. What each process spends then
 * is what the transport alone costs a node at those message rates, on this machine, with
 * N processes sharing its cores (issue 12: "which part of the limit is out of reach").
 *
 *   node --import tsx bench/libp2p-floor.ts [--nodes 16] [--seconds 10]
 *        [--rates 0/0,1/7,5/30,25/150]   (per node: gossip messages published/s / requests sent/s)
 *        [--gossip-bytes 400] [--request-bytes 300] [--response-bytes 1400] [--out DIR] [--cpu-prof DIR]
 *
 * Each row reports the CPU of the N processes (utime + stime from /proc over the window, in
 * cores and per node), the messages each node handled (gossip delivered to it, requests
 * served, responses received), and CPU microseconds per handled message. Results:
 * bench/results/libp2p-floor-<N>.{md,json}.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { measureVerifyRate } from "./lib/verify-rate.js";

interface Rate {
  readonly publish: number;
  readonly requests: number;
}

/** The IPC messages of bench/lib/libp2p-floor-child.mjs. */
type ToChild = { kind: "peers"; addresses: string[] } | { kind: "load"; rate: Rate; seconds: number } | { kind: "stop" };
type FromChild =
  | { kind: "address"; address: string }
  | { kind: "meshed"; peers: number }
  | { kind: "done"; delivered: number; served: number; answered: number; failed: number; published: number; sent: number };

await parent();

/** utime + stime of a process, in seconds (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Total CPU seconds of every process on the machine (/proc/stat): what others used meanwhile. */
function machineCpuSeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal: all but idle and iowait
  return (line[0]! + line[1]! + line[2]! + line[5]! + line[6]! + line[7]!) / 100;
}

async function parent(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "16" },
      seconds: { type: "string", default: "10" },
      rates: { type: "string", default: "0/0,1/0,0/7,1/7,5/30,25/150" },
      "gossip-bytes": { type: "string", default: "400" },
      "request-bytes": { type: "string", default: "300" },
      "response-bytes": { type: "string", default: "1400" },
      out: { type: "string" },
      "cpu-prof": { type: "string" },
    },
  });
  const usage = (why: string): never => {
    process.stderr.write(`libp2p-floor: ${why}\n`);
    process.exit(2);
  };
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) usage(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const n = int("nodes", values.nodes!, 2);
  const seconds = int("seconds", values.seconds!, 1);
  const rates: Rate[] = values.rates!.split(",").map((r) => {
    const [p, q] = r.split("/");
    if (p === undefined || q === undefined) usage(`--rates takes publish/requests pairs, got ${r}`);
    return { publish: int("rates", p!, 0), requests: int("rates", q!, 0) };
  });
  const env = {
    ...process.env,
    FLOOR_GOSSIP_BYTES: String(int("gossip-bytes", values["gossip-bytes"]!, 8)),
    FLOOR_REQUEST_BYTES: String(int("request-bytes", values["request-bytes"]!, 1)),
    FLOOR_RESPONSE_BYTES: String(int("response-bytes", values["response-bytes"]!, 1)),
  };
  // The reference measured in the same run: Ed25519 verifications per CPU-second of one core.
  const verifyRate = measureVerifyRate().projectPerCpuSecond;
  const children: ChildProcess[] = [];
  const inbox: FromChild[][] = [];
  const waiters: (() => void)[] = [];
  const next = async (i: number, kind: FromChild["kind"]): Promise<FromChild> => {
    for (;;) {
      const at = inbox[i]!.findIndex((m) => m.kind === kind);
      if (at >= 0) return inbox[i]!.splice(at, 1)[0]!;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  for (let i = 0; i < n; i++) {
    const profile = values["cpu-prof"] === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", resolve(values["cpu-prof"])];
    const c = fork(resolve(import.meta.dirname, "lib", "libp2p-floor-child.mjs"), [], { env, execArgv: profile, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    inbox.push([]);
    c.on("message", (m: FromChild) => {
      inbox[i]!.push(m);
      waiters.splice(0).forEach((w) => w());
    });
    c.on("exit", (code, signal) => {
      if (code !== 0) {
        process.stderr.write(`libp2p-floor: process ${i} died (${signal ?? `exit ${code}`})\n`);
        process.exit(1);
      }
    });
    children.push(c);
  }
  const addresses = await Promise.all(children.map(async (_, i) => ((await next(i, "address")) as { address: string }).address));
  for (const c of children) c.send({ kind: "peers", addresses } satisfies ToChild);
  const meshed = await Promise.all(children.map(async (_, i) => ((await next(i, "meshed")) as { peers: number }).peers));
  if (meshed.some((p) => p < n - 1)) process.stderr.write(`libp2p-floor: not fully meshed after 30 s (peers per node: ${meshed.join(", ")})\n`);
  await new Promise((r) => setTimeout(r, 3000)); // gossipsub meshes form on heartbeats
  // A warm-up at the highest rate, not reported: the first load of a process pays for JIT
  // compilation and libp2p's lazily opened streams (measured: 2× the CPU per message).
  const busiest = rates.reduce((a, b) => (b.publish * 4 + b.requests > a.publish * 4 + a.requests ? b : a));
  for (const c of children) c.send({ kind: "load", rate: busiest, seconds: 3 } satisfies ToChild);
  await Promise.all(children.map((_, i) => next(i, "done")));
  const rows = [];
  for (const rate of rates) {
    const load0 = loadavg()[0]!;
    const before = children.map((c) => cpuSeconds(c.pid!));
    const machine0 = machineCpuSeconds();
    const t0 = performance.now();
    for (const c of children) c.send({ kind: "load", rate, seconds } satisfies ToChild);
    const done = (await Promise.all(children.map((_, i) => next(i, "done")))) as Extract<FromChild, { kind: "done" }>[];
    const wallS = (performance.now() - t0) / 1000;
    const used = children.map((c, i) => cpuSeconds(c.pid!) - before[i]!);
    const total = used.reduce((a, b) => a + b, 0);
    const foreign = Math.max(0, machineCpuSeconds() - machine0 - total) / wallS;
    const sum = (k: keyof Omit<Extract<FromChild, { kind: "done" }>, "kind">): number => done.reduce((a, d) => a + d[k], 0);
    // messages a node handled: gossip delivered to it, requests it served, responses it received
    const handled = sum("delivered") + sum("served") + sum("answered");
    const row = {
      publishPerNode: rate.publish,
      requestsPerNode: rate.requests,
      wallS,
      cores: total / wallS,
      corePerNode: total / wallS / n,
      delivered: sum("delivered"),
      served: sum("served"),
      answered: sum("answered"),
      failed: sum("failed"),
      handledPerNodePerSecond: handled / n / wallS,
      cpuUsPerHandled: handled > 0 ? (total * 1e6) / handled : null,
      verificationsPerHandled: handled > 0 ? (total * verifyRate) / handled : null,
      foreignCores: foreign,
      load: [load0, loadavg()[0]!],
    };
    rows.push(row);
    process.stderr.write(
      `publish ${rate.publish}/s, requests ${rate.requests}/s per node: ${row.cores.toFixed(2)} cores (${(100 * row.corePerNode).toFixed(1)}% per node), ` +
        `${row.handledPerNodePerSecond.toFixed(0)} messages handled per node per s, ${row.cpuUsPerHandled === null ? "n/a" : row.cpuUsPerHandled.toFixed(0)} µs per message; ${row.failed} requests failed\n`,
    );
  }
  for (const c of children) c.send({ kind: "stop" } satisfies ToChild);
  await Promise.all(children.map((c) => new Promise((r) => c.once("exit", r))));
  const out = resolve(values.out ?? resolve(import.meta.dirname, "results"));
  mkdirSync(out, { recursive: true });
  const result = {
    command: `node --import tsx bench/libp2p-floor.ts ${process.argv.slice(2).join(" ")}`.trim(),
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length },
    verifyRate,
    nodes: n,
    seconds,
    bytes: { gossip: Number(env.FLOOR_GOSSIP_BYTES), request: Number(env.FLOOR_REQUEST_BYTES), response: Number(env.FLOOR_RESPONSE_BYTES) },
    rows,
  };
  writeFileSync(resolve(out, `libp2p-floor-${n}.json`), JSON.stringify(result, null, 1) + "\n");
  const md = [
    `# The transport's floor: ${n} libp2p-only processes on ${cpus().length} cores`,
    "",
    `Command: \`${result.command}\` (run ${result.at}).`,
    "",
    `Each process runs entropic's libp2p transport with the node's settings and nothing else, fully meshed; each publishes gossip of ${result.bytes.gossip} B and sends requests of ${result.bytes.request} B (answered with ${result.bytes.response} B) to a random peer, at the rates per node below, for ${seconds} s, after a 3 s warm-up at the highest rate (not reported). CPU: utime + stime of the ${n} processes over the window. Reference, measured in the same run: one core verifies ${verifyRate.toFixed(0)} Ed25519 signatures per CPU-second (\`nodeSignatures.verify\`), so a message's CPU is also given in verifications' worth. Messages handled: gossip delivered to a node, requests it served, responses it received (gossipsub's relaying, heartbeats and pings are not counted, but their CPU is). Foreign: cores other processes used meanwhile.`,
    "",
    "| publish/s per node | requests/s per node | CPU of all (cores) | CPU per node | messages handled per node per s | CPU µs per message | in verifications | failed requests | foreign cores | load |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.publishPerNode} | ${r.requestsPerNode} | ${r.cores.toFixed(2)} | ${(100 * r.corePerNode).toFixed(1)}% | ${r.handledPerNodePerSecond.toFixed(0)} | ${r.cpuUsPerHandled === null ? "n/a" : r.cpuUsPerHandled.toFixed(0)} | ${r.verificationsPerHandled === null ? "n/a" : r.verificationsPerHandled.toFixed(1)} | ${r.failed} | ${r.foreignCores.toFixed(2)} | ${r.load.map((x) => x.toFixed(1)).join(" → ")} |`,
    ),
    "",
  ].join("\n");
  writeFileSync(resolve(out, `libp2p-floor-${n}.md`), md);
  process.stderr.write(`wrote ${resolve(out, `libp2p-floor-${n}.md`)}\n`);
}
