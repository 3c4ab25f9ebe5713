/**
 * Devnet throughput and latency against the machine's limit (issue 12): N live node
 * processes on this machine under steady signed load with 10% double spends.
 *
 *   npm run bench:devnet -- --preset all          # regenerates devnet-4.md and devnet-16.md
 *   node --import tsx bench/devnet.ts --render bench/results/devnet-4.json   # the table again, no run
 *   npm run bench:devnet -- [--nodes 4] [--rates 200,800] [--duration 10] [--drain 20]
 *                           [--protocols snowball,emtd,tmesh] [--idle 10] [--min-admitted N] [--cpu-prof DIR]
 *
 * At its start it measures verify_rate in-process (Ed25519 verifications per second on one
 * core, through `nodeSignatures.verify` with its strict checks, raw OpenSSL beside it; see
 * bench/lib/verify-rate.ts) and reports every result as a share of the limit
 * C × verify_rate / N (C cores, N nodes: every node verifies every transaction once).
 * Beside it: sustained finalized conflict sets per second, finality latency p50/p99 (client
 * submit → the first `finalized` event on any node), CPU per node process over the
 * measured window (utime + stime of /proc/PID/stat), CPU microseconds per finalized
 * transaction per node, and whether every node decided every conflict set the same way
 * (a run where two nodes finalized different transactions for one conflict set is a
 * FORK: a failed benchmark, however fast). With `--idle S` it first measures the idle CPU
 * of the meshed devnet for S seconds (`--rates none` measures only that).
 *
 * The machine may be shared: every row records the 1-minute load average and the cores'
 * worth of CPU other processes used while it was measured ("foreign"); a row with more
 * than 0.1 core of foreign CPU is marked "under load" and must be measured again on a
 * quiet machine before it judges a target.
 *
 * A protocol entry is `name` (the devnet's defaults) or `name:param=value;param=value`.
 * `--cpu-prof DIR` profiles every node as `--cpu-prof --cpu-prof-dir DIR` would (Node 20
 * refuses that flag in NODE_OPTIONS, so the children preload bench/lib/cpu-prof-preload.mjs);
 * summarise the profiles with bench/lib/cpuprofile-summary.ts.
 *
 * Results: bench/results/devnet-<nodes>.json and devnet-<nodes>.md (`--out DIR` elsewhere).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { devnetMinAdmitted, startDevnet } from "../src/cli/devnet/devnet.js";
import { NodeClient } from "../src/runtime/api/client.js";
import { nodeSignatures } from "../src/runtime/crypto-node.js";
import { runLoad, type LoadReport } from "../src/runtime/load/generator.js";
import type { LiveProtocolName } from "../src/runtime/node/start.js";
import { coreShares, foreignCores, load1, machineBusyS, procSample, underLoad } from "./lib/cpu.js";
import { measureVerifyRate, throughputLimit, type VerifyRate } from "./lib/verify-rate.js";

interface Config {
  nodes: number;
  /** every node's admission floor (`entropic node --min-admitted`); absent: the devnet's default for its size */
  minAdmitted?: number;
  rates: number[];
  durationS: number;
  drainS: number;
  idleS: number;
  protocols: string[];
}

/** The configurations the result files hold; `--preset all` regenerates both. */
const PRESETS: Record<string, Config> = {
  "4": { nodes: 4, rates: [200, 800, 1600], durationS: 10, drainS: 20, idleS: 10, protocols: ["snowball", "emtd", "tmesh"] },
  "16": { nodes: 16, rates: [100, 400], durationS: 10, drainS: 20, idleS: 20, protocols: ["snowball", "emtd", "tmesh"] },
};

function usage(message: string): never {
  process.stderr.write(`bench:devnet: ${message}\n`);
  process.exit(2);
}

// An unknown flag or a missing value is a usage error (one line, exit 2), not a stack trace.
const { values } = (() => {
  try {
    return parseArgs({
  options: {
    preset: { type: "string" },
    nodes: { type: "string" },
    rates: { type: "string" },
    duration: { type: "string" },
    drain: { type: "string" },
    idle: { type: "string" },
    protocols: { type: "string" },
    "min-admitted": { type: "string" },
    "cpu-prof": { type: "string" },
    render: { type: "string" },
    out: { type: "string" },
  },
});
  } catch (err) {
    return usage((err as Error).message.split("\n")[0]!);
  }
})();

function num(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) usage(`--${name} must be a non-negative number, got "${v}"`);
  return n;
}

/** `--min-admitted`: what `entropic node --min-admitted` accepts (an integer in [0, 1,000,000]), refused here before any node starts. */
function admissionFloor(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 1_000_000) usage(`--min-admitted must be an integer in [0, 1000000], got "${v}"`);
  return n;
}

const configs: Config[] = [];
if (values.preset !== undefined) {
  const given = ["nodes", "rates", "duration", "drain", "idle", "protocols", "min-admitted"].filter((k) => values[k as keyof typeof values] !== undefined);
  if (given.length > 0) usage(`--preset fixes the configuration; drop --${given.join(", --")}`);
  const names = values.preset === "all" ? Object.keys(PRESETS) : [values.preset];
  for (const n of names) configs.push(PRESETS[n] ?? usage(`unknown --preset "${n}" (have ${Object.keys(PRESETS).join(", ")}, all)`));
} else {
  const base = PRESETS["4"]!;
  const rates = values.rates === undefined ? base.rates : values.rates === "none" ? [] : values.rates.split(",").map((r) => num("rates", r, 0));
  configs.push({
    nodes: num("nodes", values.nodes, base.nodes),
    rates,
    durationS: num("duration", values.duration, base.durationS),
    drainS: num("drain", values.drain, base.drainS),
    idleS: num("idle", values.idle, 0),
    protocols: values.protocols === undefined ? base.protocols : values.protocols.split(","),
    ...(values["min-admitted"] === undefined ? {} : { minAdmitted: admissionFloor(values["min-admitted"]) }),
  });
}
for (const c of configs) if (c.rates.length === 0 && c.idleS === 0) usage("--rates none measures only idle CPU: give --idle S");

/** "snowball:k=5;beta=20" → name and params (numbers parsed). */
function parseEntry(entry: string): { label: string; protocol: LiveProtocolName; params: Record<string, number> } {
  const [name, rest] = entry.split(":") as [string, string | undefined];
  if (!["snowball", "emtd", "tmesh"].includes(name)) usage(`unknown protocol "${name}" (snowball, emtd, tmesh)`);
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

if (values["cpu-prof"] !== undefined) {
  const dir = resolve(values["cpu-prof"]);
  mkdirSync(dir, { recursive: true });
  // Node 20 refuses --cpu-prof in NODE_OPTIONS: the children preload a module that starts
  // the same sampling profiler through node:inspector (only they read these variables:
  // this process has already started).
  const preload = pathToFileURL(resolve(import.meta.dirname, "lib", "cpu-prof-preload.mjs")).href;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${preload}`.trim();
  process.env.ENTROPIC_CPU_PROF_DIR = dir;
  process.stderr.write(`node CPU profiles go to ${dir}\n`);
}

const cores = cpus().length;
const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(17));

interface Window {
  wallS: number;
  /** mean share of one core per node process */
  cpuPerNode: number;
  /** sum over node processes, in cores */
  cpuTotal: number;
  /** cores' worth of CPU used by other processes (this one excluded too) */
  foreign: number;
  /** CPU share of one core used by this process (the load generator) */
  loaderCpu: number;
  loadBefore: number;
  loadAfter: number;
  underLoad: boolean;
}

/** Measure CPU of `pids` (and everything else) around `work`. */
async function measure<T>(pids: readonly number[], work: () => Promise<T>): Promise<{ result: T; w: Window; nodeCpuS: number[] }> {
  const loadBefore = load1();
  const before = pids.map(procSample);
  const busy0 = machineBusyS();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const wallS = (performance.now() - t0) / 1000;
  const after = pids.map(procSample);
  const busy1 = machineBusyS();
  const self = process.cpuUsage(self0);
  const selfS = (self.user + self.system) / 1e6;
  const shares = coreShares(before, after, wallS);
  const nodeCpuS = after.map((a, i) => a.cpuS - before[i]!.cpuS);
  const own = nodeCpuS.reduce((a, b) => a + b, 0) + selfS;
  const foreign = foreignCores(busy0, busy1, own, wallS);
  const cpuTotal = shares.reduce((a, b) => a + b, 0);
  return {
    result,
    nodeCpuS,
    w: { wallS, cpuPerNode: cpuTotal / shares.length, cpuTotal, foreign, loaderCpu: selfS / wallS, loadBefore, loadAfter: load1(), underLoad: underLoad(foreign) },
  };
}

interface Decisions {
  /** conflict sets finalized on at least one node */
  decided: number;
  /** finalized on every node */
  onAll: number;
  /** conflict sets two nodes finalized differently */
  forks: number;
  forkExamples: string[];
  /** conflict sets each node reported finalized */
  perNode: number[];
}

/** Watch every node's `finalized` events: conflict key → cid, per node. */
function watchDecisions(clients: readonly NodeClient[]): { stop(): Promise<Decisions>; waitAll(ms: number): Promise<void> } {
  const ctrl = new AbortController();
  const seen = clients.map(() => new Map<string, string>());
  const streams = clients.map(async (c, i) => {
    for (;;) {
      try {
        for await (const ev of c.events(ctrl.signal)) if (ev.type === "finalized") seen[i]!.set(ev.conflict, ev.cid);
      } catch {
        // a stream that broke is opened again below, unless we are done
      }
      if (ctrl.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  const all = () => {
    const keys = new Set<string>();
    for (const m of seen) for (const k of m.keys()) keys.add(k);
    return keys;
  };
  return {
    async waitAll(ms) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const keys = all();
        if ([...keys].every((k) => seen.every((m) => m.has(k)))) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      ctrl.abort();
      await Promise.allSettled(streams);
      const keys = all();
      let onAll = 0;
      let forks = 0;
      const forkExamples: string[] = [];
      for (const k of keys) {
        const cids = new Set(seen.map((m) => m.get(k)).filter((c): c is string => c !== undefined));
        if (seen.every((m) => m.has(k))) onAll++;
        if (cids.size > 1) {
          forks++;
          if (forkExamples.length < 3) forkExamples.push(`${k}: ${[...cids].join(" vs ")}`);
        }
      }
      return { decided: keys.size, onAll, forks, forkExamples, perNode: seen.map((m) => m.size) };
    },
  };
}

/** Per node, named metric families summed over their labels (NaN when unreadable). */
interface NodeCounts {
  /** `entropic_signature_verifications_total`, all results */
  verifications: number;
  /** `entropic_messages_total`, both directions, every kind */
  messages: number;
  /** `entropic_messages_total` and `entropic_message_bytes_total` by "direction kind" */
  byKind: Record<string, { messages: number; bytes: number }>;
}

async function nodeCounts(clients: readonly NodeClient[]): Promise<NodeCounts[]> {
  const family = (text: string, name: string) => {
    let sum = 0;
    for (const line of text.split("\n")) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    return sum;
  };
  return Promise.all(
    clients.map(async (c) => {
      try {
        const text = await c.metricsText();
        const byKind: NodeCounts["byKind"] = {};
        for (const m of text.matchAll(/^entropic_message(s|_bytes)_total\{direction="(\w+)",kind="(\w+)"\} (\d+)/gm)) {
          const t = (byKind[`${m[2]} ${m[3]}`] ??= { messages: 0, bytes: 0 });
          if (m[1] === "s") t.messages = Number(m[4]);
          else t.bytes = Number(m[4]);
        }
        return { verifications: family(text, "entropic_signature_verifications_total"), messages: family(text, "entropic_messages_total"), byKind };
      } catch {
        return { verifications: Number.NaN, messages: Number.NaN, byKind: {} };
      }
    }),
  );
}

interface Row {
  protocol: string;
  params: Readonly<Record<string, unknown>>;
  nodes: number;
  rate: number;
  report: LoadReport;
  decisions: Decisions;
  limit: number;
  shareOfLimit: number;
  cpuUsPerTxPerNode: number;
  /** signature verifications per node per finalized conflict set (from the nodes' metrics) */
  verificationsPerTx: number;
  /** messages a node sent and received (its transport, every kind) per finalized conflict set; absent in older result files */
  messagesPerTx?: number;
  /** the same by "direction kind" (e.g. "in tx"), with payload bytes; absent in older result files */
  messagesByKind?: Record<string, { messages: number; bytes: number }>;
  /** share of a node's CPU those verifications cost at verify_rate per CPU-second */
  verifyCpuShare: number;
  maxRssMB: number;
  window: Window;
}
interface IdleRow {
  protocol: string;
  nodes: number;
  window: Window;
}

/** The devnet running now, stopped on SIGINT/SIGTERM so no node outlives an interrupted run. */
let running: { stop(): Promise<void>; dir: string } | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench:devnet: ${signal}, stopping the devnet\n`);
    const r = running;
    void (r ? r.stop().finally(() => rmSync(r.dir, { recursive: true, force: true })) : Promise.resolve()).finally(() => process.exit(130));
  });
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

async function runConfig(c: Config, vr: VerifyRate): Promise<{ rows: Row[]; idle: IdleRow[] }> {
  const rows: Row[] = [];
  const idle: IdleRow[] = [];
  const limit = throughputLimit(cores, vr.projectPerCpuSecond, c.nodes);
  for (const { label, protocol, params } of c.protocols.map(parseEntry)) {
    // one devnet per rate: a backlog left by one rate must not slow the next
    const runs: Array<number | "idle"> = [...(c.idleS > 0 ? (["idle"] as const) : []), ...c.rates];
    for (const rate of runs) {
      const dir = mkdtempSync(join(tmpdir(), `entropic-bench-${protocol}-`));
      process.stderr.write(`${label}: ${c.nodes} nodes, ${rate === "idle" ? `idle for ${c.idleS} s` : `${rate} tx/s for ${c.durationS} s`} (load ${load1().toFixed(1)}) ... `);
      const net = await startDevnet({ nodes: c.nodes, protocol, dir, params, startTimeoutMs: 120_000, ...(c.minAdmitted === undefined ? {} : { minAdmitted: c.minAdmitted }) });
      running = { stop: () => net.stop(), dir };
      try {
        const clients = net.file.nodes.map((n) => new NodeClient(n.api));
        const t0 = Date.now();
        while ((await Promise.all(clients.map((cl) => cl.status()))).some((s) => s.peers.length < c.nodes - 1)) {
          if (Date.now() - t0 > 180_000) throw new Error(`devnet of ${c.nodes} did not mesh within 180 s (every node connected to every other)`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const pids = net.file.nodes.map((n) => n.pid);
        if (rate === "idle") {
          await new Promise((r) => setTimeout(r, 2000)); // let start-up work settle
          const { w } = await measure(pids, () => new Promise((r) => setTimeout(r, c.idleS * 1000)));
          idle.push({ protocol: label, nodes: c.nodes, window: w });
          process.stderr.write(`${f2(w.cpuTotal)} cores in total (foreign ${f2(w.foreign)})\n`);
          continue;
        }
        const watch = watchDecisions(clients);
        const v0 = await nodeCounts(clients);
        const { result: report, w, nodeCpuS } = await measure(pids, () =>
          runLoad({ apis: net.file.nodes.map((n) => n.api), rate, durationS: c.durationS, conflictShare: 0.1, keys, drainS: c.drainS }),
        );
        await watch.waitAll(5000); // the slowest node's events of the last decisions
        const decisions = await watch.stop();
        const v1 = await nodeCounts(clients);
        const meanVerifications = v1.reduce((a, b, i) => a + b.verifications - v0[i]!.verifications, 0) / v1.length;
        const meanMessages = v1.reduce((a, b, i) => a + b.messages - v0[i]!.messages, 0) / v1.length;
        // per finalized set and node, by direction and kind: what the message stack carries
        const messagesByKind: Row["messagesByKind"] = {};
        for (const k of new Set(v1.flatMap((x) => Object.keys(x.byKind)))) {
          let m = 0;
          let b = 0;
          v1.forEach((x, i) => {
            m += (x.byKind[k]?.messages ?? 0) - (v0[i]!.byKind[k]?.messages ?? 0);
            b += (x.byKind[k]?.bytes ?? 0) - (v0[i]!.byKind[k]?.bytes ?? 0);
          });
          if (m > 0 && report.finalized > 0) messagesByKind[k] = { messages: m / v1.length / report.finalized, bytes: b / v1.length / report.finalized };
        }
        const meanNodeCpuS = nodeCpuS.reduce((a, b) => a + b, 0) / nodeCpuS.length;
        const rss = pids.map((p) => procSample(p).rssMB);
        rows.push({
          protocol: label,
          params: net.file.params,
          nodes: c.nodes,
          rate,
          report,
          decisions,
          limit,
          shareOfLimit: report.throughputPerSecond / limit,
          cpuUsPerTxPerNode: report.finalized > 0 ? (meanNodeCpuS / report.finalized) * 1e6 : Number.NaN,
          verificationsPerTx: report.finalized > 0 ? meanVerifications / report.finalized : Number.NaN,
          verifyCpuShare: meanVerifications / vr.projectPerCpuSecond / meanNodeCpuS,
          messagesPerTx: report.finalized > 0 ? meanMessages / report.finalized : Number.NaN,
          messagesByKind,
          maxRssMB: Math.max(...rss),
          window: w,
        });
        process.stderr.write(
          `${report.throughputPerSecond.toFixed(1)}/s (${(100 * report.throughputPerSecond / limit).toFixed(1)}% of limit), p50 ${f0(report.latencyMs.p50)} ms, p99 ${f0(report.latencyMs.p99)} ms, ${decisions.forks > 0 ? `FORK ×${decisions.forks}` : "no fork"}, foreign ${f2(w.foreign)} cores\n`,
        );
      } finally {
        running = undefined;
        await net.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return { rows, idle };
}

let renderedCommand: string | undefined;
function commandOf(c: Config): string {
  if (renderedCommand !== undefined) return renderedCommand;
  if (values.preset !== undefined) return `npm run bench:devnet -- --preset ${values.preset}`;
  return `npm run bench:devnet -- --nodes ${c.nodes} --rates ${c.rates.length ? c.rates.join(",") : "none"} --duration ${c.durationS} --drain ${c.drainS} --idle ${c.idleS} --protocols ${c.protocols.join(",")}`;
}

function markdown(c: Config, vr: VerifyRate, rows: Row[], idle: IdleRow[], startedAt: string): string {
  const limit = throughputLimit(cores, vr.projectPerCpuSecond, c.nodes);
  const noisy = rows.some((r) => r.window.underLoad) || idle.some((r) => r.window.underLoad) || vr.project < 0.8 * vr.projectPerCpuSecond;
  const target4 = c.nodes === 4 ? "4 nodes: ≥ 25% of the limit sustained, p99 ≤ 1 s at half that rate" : "";
  const target16 = c.nodes === 16 ? "16 nodes: ≥ 400 finalized tx/s sustained, p99 ≤ 2 s at half that rate; idle ≤ 0.25 core in total" : "";
  const out = [
    `# Devnet benchmark (${c.nodes} node processes on ${cores} cores)`,
    "",
    `Command: \`${commandOf(c)}\` (run ${startedAt}; wall-clock and load averages are in devnet-${c.nodes}.json)`,
    "",
    noisy
      ? "**Taken under load: other processes used the machine while these figures were measured (the `foreign` column, the load average, and verify_rate per wall-clock second below its per-CPU-second figure). They must be measured again on a quiet machine; no target is judged on them.**"
      : "Taken on a quiet machine (less than 0.1 core of foreign CPU in every row).",
    "",
    `verify_rate (one core, in-process at the start): ${f0(vr.projectPerCpuSecond)} verifications per CPU-second through \`nodeSignatures.verify\` (strict checks included), ${f0(vr.opensslPerCpuSecond)} raw OpenSSL; per wall-clock second ${f0(vr.project)} and ${f0(vr.openssl)} (best of 5 passes of 2,000).`,
    `Limit C × verify_rate / N = ${cores} × ${f0(vr.projectPerCpuSecond)} / ${c.nodes} = **${f0(limit)} tx/s** (per CPU-second rate; every node verifies every transaction once, a double spend's twin included).`,
    `Target (issue 12): ${target4 || target16}.`,
    ...(c.minAdmitted === undefined ? [] : [`Admission floor: ${c.minAdmitted} undecided sets per node (\`--min-admitted\`; the devnet's default for ${c.nodes} nodes is ${devnetMinAdmitted(c.nodes)}).`]),
    "",
    "Load: signed transactions at the offered rate, round-robin over every node's API, 10% of them double spends (the twin goes to the next node), then a drain. Sustained: finalized conflict sets per second from the first submission to the last decision. Latency: client submit → first `finalized` event on any node. CPU/node: mean share of one core per node process (utime + stime from /proc/PID/stat) over load + drain; µs/tx/node: a node's CPU time over the window divided by the conflict sets finalized. Verifications/tx/node: the nodes' `entropic_signature_verifications_total` over the window per finalized conflict set (transactions, a double spend's twin, poll answers), and the CPU share they cost at verify_rate. Messages/tx/node: the nodes' `entropic_messages_total` (sent and received through the transport: gossip published and delivered, requests and responses; gossipsub's relaying is not counted) over the window per finalized conflict set. Loader CPU: this process (signing and submitting the load, reading event streams), which shares the cores. Decisions: conflict sets finalized on every node / on any node, and forks (two nodes finalized different transactions for one conflict set: a failed run). Foreign: cores' worth of CPU other processes used meanwhile; load: 1-minute load average before → after.",
    "",
  ];
  if (rows.length > 0) {
    out.push(
      "| protocol (params) | offered tx/s | sustained finalized/s | share of limit | p50 ms | p99 ms | not final | CPU/node | CPU µs/tx/node | verifications/tx/node | their share of node CPU | messages/tx/node | loader CPU | decisions (all / any) | forks | foreign cores | load | result |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|",
      ...rows.map((r) => {
        const p = Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(" ") || "devnet defaults";
        const notes = [
          ...(r.report.errors + r.report.refused > 0 ? [`${r.report.errors + r.report.refused} submissions failed`] : []),
          ...(r.report.overloaded > 0 ? [`${r.report.overloaded} shed as overloaded (503)`] : []),
          ...(r.window.underLoad ? ["under load: re-measure"] : []),
        ];
        const result = r.decisions.forks > 0 ? "**FAILED: fork**" : notes.length > 0 ? notes.join("; ") : "ok";
        return `| ${r.protocol} (${p}) | ${r.rate} | ${r.report.throughputPerSecond.toFixed(1)} | ${(100 * r.shareOfLimit).toFixed(1)}% | ${f0(r.report.latencyMs.p50)} | ${f0(r.report.latencyMs.p99)} | ${r.report.unfinalized} | ${f0(r.window.cpuPerNode * 100)}% | ${f0(r.cpuUsPerTxPerNode)} | ${f2(r.verificationsPerTx)} | ${f0(r.verifyCpuShare * 100)}% | ${r.messagesPerTx === undefined ? "—" : f2(r.messagesPerTx)} | ${f0(r.window.loaderCpu * 100)}% | ${r.decisions.onAll} / ${r.decisions.decided} | ${r.decisions.forks} | ${f2(r.window.foreign)} | ${r.window.loadBefore.toFixed(1)} → ${r.window.loadAfter.toFixed(1)} | ${result} |`;
      }),
      "",
    );
    const forks = rows.filter((r) => r.decisions.forks > 0);
    for (const r of forks) out.push(`Fork in ${r.protocol} at ${r.rate} tx/s: ${r.decisions.forkExamples.join("; ")}`, "");
    for (const r of rows) {
      const notes = [`finalized per node ${r.decisions.perNode.join(", ")}`];
      if (r.messagesByKind !== undefined && Object.keys(r.messagesByKind).length > 0) {
        const kinds = Object.entries(r.messagesByKind).sort((a, b) => b[1].bytes - a[1].bytes);
        notes.push(`per finalized set and node: ${kinds.map(([k, v]) => `${k} ${f2(v.messages)} msg / ${f0(v.bytes)} B`).join(", ")}`);
      }
      if (r.report.firstError !== undefined) notes.push(`first error: ${r.report.firstError}`);
      out.push(`- ${r.protocol} at ${r.rate} tx/s: ${notes.join("; ")}`);
    }
    out.push("");
  }
  if (idle.length > 0) {
    out.push(
      `Idle: the meshed devnet with no load, ${c.idleS} s after a 2 s settle.`,
      "",
      "| protocol | nodes | CPU in total (cores) | CPU/node | foreign cores | load | result |",
      "|---|---:|---:|---:|---:|---|---|",
      ...idle.map((r) => `| ${r.protocol} | ${r.nodes} | ${f2(r.window.cpuTotal)} | ${f0(r.window.cpuPerNode * 100)}% | ${f2(r.window.foreign)} | ${r.window.loadBefore.toFixed(1)} → ${r.window.loadAfter.toFixed(1)} | ${r.window.underLoad ? "under load: re-measure" : r.window.cpuTotal <= 0.25 ? "≤ 0.25 core" : "> 0.25 core"} |`),
      "",
    );
  }
  return out.join("\n");
}

const outDir = resolve(values.out ?? join(import.meta.dirname, "results"));
mkdirSync(outDir, { recursive: true });
if (values.render !== undefined) {
  // Write the table again from a results file (after a change to the table's format).
  const j = JSON.parse(readFileSync(values.render, "utf8")) as { command: string; startedAt: string; verifyRate: VerifyRate; config: Config; rows: Row[]; idle: IdleRow[] };
  renderedCommand = j.command;
  writeFileSync(join(outDir, `devnet-${j.config.nodes}.md`), markdown(j.config, j.verifyRate, j.rows, j.idle, j.startedAt));
  process.exit(0);
}
process.stderr.write(`measuring verify_rate (load ${load1().toFixed(1)}) ... `);
const vr = measureVerifyRate();
process.stderr.write(`${f0(vr.projectPerCpuSecond)}/CPU-s (${f0(vr.project)}/s wall), OpenSSL ${f0(vr.opensslPerCpuSecond)}/CPU-s\n`);
for (const c of configs) {
  try {
    await writeConfig(c);
  } catch (e) {
    process.stderr.write(`bench:devnet: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

async function writeConfig(c: Config): Promise<void> {
  const startedAt = new Date().toISOString().slice(0, 16) + "Z";
  const { rows, idle } = await runConfig(c, vr);
  const json = {
    generated: "bench/devnet.ts",
    command: commandOf(c),
    startedAt,
    description: `live devnet of ${c.nodes} node processes under signed load; table in devnet-${c.nodes}.md`,
    cores,
    verifyRate: vr,
    limit: throughputLimit(cores, vr.projectPerCpuSecond, c.nodes),
    config: c,
    conflictShare: 0.1,
    rows,
    idle,
  };
  writeFileSync(join(outDir, `devnet-${c.nodes}.json`), `${JSON.stringify(json, null, 2)}\n`);
  const md = markdown(c, vr, rows, idle, startedAt);
  writeFileSync(join(outDir, `devnet-${c.nodes}.md`), md);
  process.stdout.write(`${md}\n`);
}
