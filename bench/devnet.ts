/**
 * Devnet throughput and latency: N live node processes on this machine (default 16),
 * emtd and snowball, under steady signed load with 10% double spends. Reports sustained
 * finalized conflict sets per second, finality latency p50/p95/p99 (client submit → the
 * submission node's `finalized` event), and CPU and RSS per node process (from /proc).
 *
 *   npm run bench:devnet -- [--nodes 16] [--rates 25,50,100] [--duration 10] [--drain 30] [--protocols snowball,snowball:k=5,emtd]
 *
 * A protocol entry is `name` (the devnet's defaults) or `name:param=value;param=value`.
 *
 * Results: bench/results/devnet-<nodes>.json and devnet-<nodes>.md. The targets of issue 4
 * are ≥ 1000 finalized tx/s with p99 ≤ 2 s at 16 nodes; the table says whether they hold.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startDevnet } from "../src/cli/devnet/devnet.js";
import { NodeClient } from "../src/runtime/api/client.js";
import { nodeSignatures } from "../src/runtime/crypto-node.js";
import { runLoad, type LoadReport } from "../src/runtime/load/generator.js";
import type { LiveProtocolName } from "../src/runtime/node/start.js";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "16" },
    rates: { type: "string", default: "25,50,100" },
    duration: { type: "string", default: "10" },
    drain: { type: "string", default: "30" },
    protocols: { type: "string", default: "snowball,snowball:k=5,emtd" },
  },
});
const nodes = Number(values.nodes);
const rates = values.rates!.split(",").map(Number);
const durationS = Number(values.duration);
const drainS = Number(values.drain);
/** "snowball:k=5,beta=20" → name and params (numbers parsed). */
function parseEntry(entry: string): { label: string; protocol: LiveProtocolName; params: Record<string, number> } {
  const [name, rest] = entry.split(":") as [string, string | undefined];
  const params: Record<string, number> = {};
  for (const kv of rest ? rest.split(";") : []) {
    const [k, v] = kv.split("=");
    params[k!] = Number(v);
  }
  if (params.k !== undefined && params.alphaPreference === undefined) {
    const a = Math.floor(params.k / 2) + 1 + Math.floor(params.k / 8);
    params.alphaPreference = params.alphaConfidence = a;
  }
  return { label: entry, protocol: name as LiveProtocolName, params };
}
const protocolList = values.protocols!.split(",").map(parseEntry);
const TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

function procSample(pid: number): { cpuS: number; rssMB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuS, rssMB: rss ? Number(rss[1]) / 1024 : Number.NaN };
  } catch {
    return { cpuS: Number.NaN, rssMB: Number.NaN };
  }
}

interface Row {
  protocol: string;
  params: Readonly<Record<string, unknown>>;
  nodes: number;
  rate: number;
  report: LoadReport;
  cpuPerNode: number;
  maxRssMB: number;
  meanRssMB: number;
  meetsTarget: boolean;
}

const rows: Row[] = [];
const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(17));
for (const { label, protocol, params } of protocolList) {
  for (const rate of rates) {
    const dir = mkdtempSync(join(tmpdir(), `entropic-bench-${protocol}-`));
    process.stderr.write(`${label}: ${nodes} nodes, ${rate} tx/s for ${durationS} s ... `);
    const net = await startDevnet({ nodes, protocol, dir, params, startTimeoutMs: 60_000 });
    try {
      const clients = net.file.nodes.map((n) => new NodeClient(n.api));
      const t0 = Date.now();
      while ((await Promise.all(clients.map((c) => c.status()))).some((s) => s.peers.length < nodes - 1)) {
        if (Date.now() - t0 > 30_000) throw new Error("devnet did not mesh within 30 s");
        await new Promise((r) => setTimeout(r, 200));
      }
      const pids = net.file.nodes.map((n) => n.pid);
      const before = pids.map(procSample);
      const t1 = Date.now();
      const report = await runLoad({ apis: net.file.nodes.map((n) => n.api), rate, durationS, conflictShare: 0.1, keys, drainS });
      const after = pids.map(procSample);
      const wall = (Date.now() - t1) / 1000;
      const cpu = after.map((a, i) => (a.cpuS - before[i]!.cpuS) / wall);
      const rss = after.map((a) => a.rssMB);
      const row: Row = {
        protocol: label,
        params: net.file.params,
        nodes,
        rate,
        report,
        cpuPerNode: cpu.reduce((a, b) => a + b, 0) / cpu.length,
        maxRssMB: Math.max(...rss),
        meanRssMB: rss.reduce((a, b) => a + b, 0) / rss.length,
        meetsTarget: report.throughputPerSecond >= 1000 && report.latencyMs.p99 <= 2000,
      };
      rows.push(row);
      process.stderr.write(`${report.throughputPerSecond.toFixed(1)}/s sustained, p50 ${report.latencyMs.p50.toFixed(0)} ms, p99 ${report.latencyMs.p99.toFixed(0)} ms\n`);
    } finally {
      await net.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const out = resolve(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `devnet-${nodes}.json`), `${JSON.stringify({ generated: "bench/devnet.ts", description: `live devnet of ${nodes} node processes under signed load; table in devnet-${nodes}.md`, nodes, durationS, drainS, conflictShare: 0.1, cores: (await import("node:os")).cpus().length, rows }, null, 2)}\n`);
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const table = [
  `# Devnet benchmark (${nodes} node processes on ${(await import("node:os")).cpus().length} cores)`,
  "",
  `Command: \`npm run bench:devnet -- --nodes ${nodes} --rates ${rates.join(",")} --duration ${durationS} --drain ${drainS} --protocols ${protocolList.map((p) => p.label).join(",")}\``,
  "",
  "Load: signed transactions at the offered rate, round-robin over every node's API, 10% of them double spends (the twin to the next node).",
  "Latency: client submit → `finalized` event of the node it was submitted to. Sustained: finalized conflict sets per second from the first submission to the last decision. CPU: mean share of one core per node process over load + drain.",
  "",
  "| protocol (params) | offered tx/s | sustained finalized/s | p50 ms | p95 ms | p99 ms | not final after drain | errors | CPU/node | RSS max MB | target (≥1000/s, p99 ≤ 2 s) |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ...rows.map(
    (r) =>
      `| ${r.protocol} (${Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(" ")}) | ${r.rate} | ${r.report.throughputPerSecond.toFixed(1)} | ${f(r.report.latencyMs.p50)} | ${f(r.report.latencyMs.p95)} | ${f(r.report.latencyMs.p99)} | ${r.report.unfinalized} | ${r.report.errors + r.report.refused} | ${(r.cpuPerNode * 100).toFixed(0)}% | ${f(r.maxRssMB)} | ${r.meetsTarget ? "met" : "missed"} |`,
  ),
  "",
];
writeFileSync(join(out, `devnet-${nodes}.md`), table.join("\n"));
process.stdout.write(table.join("\n"));
