/**
 * Soak benchmark (issue 14 §2, §4): a real devnet (the built CLI, `node dist/cli/main.js
 * devnet`, one process per node) under a steady signed load for a configurable time.
 *
 *   npm run bench:soak -- [--minutes 10] [--rate 30] [--nodes 4] [--protocol snowball]
 *                         [--abuse 60] [--abuse-concurrency 64] [--out bench/results]
 *
 * The load runs in consecutive one-minute windows (`entropic load`'s generator, 10% double
 * spends, a 3 s drain between windows so each window's latencies are its own). Every 5 s
 * it samples each node's RSS (VmRSS of /proc/PID/status) and finalized count. It reports:
 * RSS per node over time, RSS growth between the end of minute 1 and the end of the run
 * (target < 10%), RSS growth per 10⁴ finalized conflict sets (least-squares slope of mean
 * RSS on finalized count after minute 1), and finality p99 per window (target: flat).
 *
 * With `--abuse S`, one more window of S seconds runs the same load while
 * `--abuse-concurrency` clients send malformed HTTP requests (bad JSON, bad CIDs, unknown
 * routes, oversized headers) to every node as fast as they are answered; the report gives
 * that window's p99 beside the last normal window's, and how the abusive requests were
 * answered (a 5xx is a failure). The attacker is its own process (bench/soak-abuse.ts),
 * so it does not share the load generator's event loop, and connects from
 * `--abuse-from` (default 127.0.0.2): a client address other than the load's 127.0.0.1,
 * as a remote attacker's would be.
 *
 * Every window also reports the CPU time spent in it by the nodes (summed), by this
 * process (load generator and sampler) and by the attacker, from /proc: where the time
 * goes when the machine is shared.
 *
 * Results: bench/results/soak.json and soak.md (`--out DIR` elsewhere). Needs `npm run
 * build` first (the npm script does it). Exit 1 when the devnet fails, 2 on bad options.
 * `--render FILE` recomputes the summary of a soak.json and rewrites soak.json and soak.md
 * beside it without measuring (for a change of the summary, not of the data).
 *
 * The figures are also given from the end of minute 2: the node's caches of recent
 * history fill in the first minutes (at 30 tx/s: 1024 vertices in ~50 s, 2048 finalized
 * sets in ~75 s, 4096 decisions in ~150 s, 4096 vertex CIDs in ~200 s; options.ts,
 * dag.ts), and from the end of minute 4, when all of them are full: growth after that is
 * what would make a node run out.
 *
 * Where the memory is: each node process runs with bench/soak-probe.mjs preloaded, which
 * reports its V8 heap (committed; live, i.e. used right after the last major collection)
 * and external memory; the report splits RSS into those and the rest (code, LevelDB,
 * libuv, malloc), so growth is attributed to live data or to the heap's free room.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { nodeSignatures } from "../src/runtime/crypto-node.js";
import { runLoad, type LoadReport } from "../src/runtime/load/generator.js";

/** The 1-minute load average (the machine may be shared with other work). */
function load1(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

const { values } = parseArgs({
  options: {
    minutes: { type: "string" },
    rate: { type: "string" },
    nodes: { type: "string" },
    protocol: { type: "string" },
    abuse: { type: "string" },
    "abuse-concurrency": { type: "string" },
    "abuse-from": { type: "string" },
    out: { type: "string" },
    render: { type: "string" },
  },
});

function usage(message: string): never {
  process.stderr.write(`bench:soak: ${message}\n`);
  process.exit(2);
}

function num(name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) usage(`--${name} must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

const minutes = num("minutes", values.minutes, 10, 1);
const rate = num("rate", values.rate, 30, 1);
const nodes = num("nodes", values.nodes, 4, 2);
const abuseS = num("abuse", values.abuse, 0, 0);
const abuseConcurrency = num("abuse-concurrency", values["abuse-concurrency"], 64, 1);
const abuseFrom = values["abuse-from"] ?? "127.0.0.2";
if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(abuseFrom)) usage(`--abuse-from must be a loopback IPv4 address (127.x.y.z), got ${JSON.stringify(abuseFrom)}`);
const protocol = values.protocol ?? "snowball";
if (!["snowball", "emtd", "tmesh"].includes(protocol)) usage(`--protocol must be snowball, emtd or tmesh, got ${JSON.stringify(protocol)}`);
const outDir = resolve(values.out ?? "bench/results");
const cli = resolve("dist/cli/main.js");
if (values.render === undefined && !existsSync(cli)) usage(`${cli} is missing: run npm run build first`);

interface DevnetJson {
  readonly nodes: readonly { readonly api: string; readonly pid: number }[];
}

/** One node's memory as bench/soak-probe.mjs reports it, MiB (NaN: no report yet). */
interface HeapSample {
  /** V8 heap committed (process.memoryUsage().heapTotal) */
  readonly committedMiB: number;
  /** of it, the young generation (new space) and the old space */
  readonly youngMiB: number;
  readonly oldMiB: number;
  /** V8 heap used right after the last major collection: the live data */
  readonly liveMiB: number;
  /** how long before the sample that collection was, s */
  readonly liveAgeS: number;
  /** memory outside the V8 heap held by JS objects (ArrayBuffers, Buffers) */
  readonly externalMiB: number;
}

interface Sample {
  readonly t: number;
  readonly rssMiB: number[];
  readonly finalized: number;
  readonly heap: HeapSample[];
}

const PROBE = join(dirname(fileURLToPath(import.meta.url)), "soak-probe.mjs");

/** The latest report of bench/soak-probe.mjs for `pid` in `dir`. */
function heapOf(dir: string, pid: number): HeapSample {
  const mib = (x: unknown) => (typeof x === "number" ? x / 1048576 : NaN);
  try {
    const p = JSON.parse(readFileSync(join(dir, `${pid}.json`), "utf8")) as Record<string, unknown>;
    const age = typeof p.liveAgeS === "number" ? p.liveAgeS : NaN;
    return { committedMiB: mib(p.heapCommitted), youngMiB: mib(p.youngCommitted), oldMiB: mib(p.oldCommitted), liveMiB: mib(p.liveAfterMajorGc), liveAgeS: age, externalMiB: mib(p.external) };
  } catch {
    return { committedMiB: NaN, youngMiB: NaN, oldMiB: NaN, liveMiB: NaN, liveAgeS: NaN, externalMiB: NaN };
  }
}

/** Clock ticks per second of /proc/PID/stat's utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, or NaN when it is gone. */
function cpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU seconds used by this process so far. */
function selfCpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startDevnetProcess(dir: string, probeDir: string): Promise<{ child: ChildProcess; file: DevnetJson }> {
  // The nodes inherit the devnet's environment: the probe is preloaded into each of them.
  const env = { ...process.env, ENTROPIC_SOAK_PROBE: probeDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${pathToFileURL(PROBE).href}`.trim() };
  const child = spawn(process.execPath, [cli, "devnet", "--nodes", String(nodes), "--protocol", protocol, "--dir", dir], { stdio: ["ignore", "pipe", "pipe"], env });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  child.stdout!.resume();
  const t0 = Date.now();
  const path = join(dir, "devnet.json");
  while (Date.now() - t0 < 120_000) {
    if (child.exitCode !== null) throw new Error(`devnet exited with ${child.exitCode}: ${err.trim().split("\n").pop()}`);
    if (existsSync(path)) {
      const file = JSON.parse(readFileSync(path, "utf8")) as DevnetJson;
      if (file.nodes.length === nodes && (await allReady(file))) return { child, file };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("devnet not ready after 120 s");
}

async function allReady(file: DevnetJson): Promise<boolean> {
  try {
    const peers = await Promise.all(file.nodes.map(async (n) => ((await (await fetch(`${n.api}/v1/status`)).json()) as { peers: string[] }).peers.length));
    return peers.every((p) => p >= nodes - 1);
  } catch {
    return false;
  }
}

async function finalizedCount(api: string): Promise<number> {
  const s = (await (await fetch(`${api}/v1/status`)).json()) as { finalizedCount: number };
  return s.finalizedCount;
}

interface AbuseResult {
  requests: number;
  byStatus: Record<string, number>;
  /** CPU seconds the attacker process used */
  cpuS: number;
}

const ABUSE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "soak-abuse.ts");

/** Start the attacker process (bench/soak-abuse.ts); `stop()` ends it and returns its counts. */
function startAbuse(apis: readonly string[]): { stop: () => Promise<AbuseResult> } {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ABUSE_SCRIPT, "--apis", apis.join(","), "--concurrency", String(abuseConcurrency), "--local-address", abuseFrom],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    async stop(): Promise<AbuseResult> {
      child.kill("SIGTERM");
      const code = await exited;
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) throw new Error(`the attacker process exited with ${code}: ${err.trim().split("\n").pop() ?? ""}`);
      return JSON.parse(line) as AbuseResult;
    },
  };
}

interface Window {
  readonly index: number;
  readonly kind: "steady" | "abuse";
  readonly startS: number;
  readonly report: LoadReport;
  readonly abuse?: AbuseResult;
  /** CPU seconds used during the window: all nodes together, and this process */
  readonly cpu: { nodesS: number; benchS: number };
}

function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "entropic-soak-"));
  const load0 = load1();
  process.stderr.write(`bench:soak: ${nodes} ${protocol} nodes, ${rate} tx/s for ${minutes} min${abuseS > 0 ? `, then ${abuseS} s under abuse` : ""} (devnet in ${dir})\n`);
  const probeDir = join(dir, "probe");
  mkdirSync(probeDir);
  const { child, file } = await startDevnetProcess(dir, probeDir);
  const apis = file.nodes.map((n) => n.api);
  const pids = file.nodes.map((n) => n.pid);
  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = async () => {
    const at = { t: (Date.now() - t0) / 1000, rssMiB: pids.map(rssMiB), heap: pids.map((p) => heapOf(probeDir, p)) };
    samples.push({ ...at, finalized: await finalizedCount(apis[0]!).catch(() => NaN) });
  };
  await sample();
  const sampler = setInterval(() => void sample().catch(() => undefined), 5000);
  const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(0x50));
  const windows: Window[] = [];
  const nodesCpuS = () => pids.map(cpuS).reduce((a, b) => a + b, 0);
  const cpuMeter = () => {
    const n0 = nodesCpuS();
    const b0 = selfCpuS();
    return () => ({ nodesS: r1(nodesCpuS() - n0), benchS: r1(selfCpuS() - b0) });
  };
  try {
    for (let w = 0; w < minutes; w++) {
      const startS = (Date.now() - t0) / 1000;
      const meter = cpuMeter();
      const report = await runLoad({ apis, rate, durationS: 60, conflictShare: 0.1, keys, drainS: 3 });
      const cpu = meter();
      windows.push({ index: w, kind: "steady", startS, report, cpu });
      const rss = pids.map(rssMiB).map((x) => x.toFixed(0)).join("/");
      process.stderr.write(
        `  minute ${w + 1}: finalized ${report.finalized}/${report.submitted}, p99 ${report.latencyMs.p99.toFixed(0)} ms, RSS ${rss} MiB, CPU s nodes ${cpu.nodesS} bench ${cpu.benchS}, load ${load1()}\n`,
      );
      if (child.exitCode !== null) throw new Error(`devnet exited with ${child.exitCode}`);
    }
    await sample();
    if (abuseS > 0) {
      const startS = (Date.now() - t0) / 1000;
      const meter = cpuMeter();
      const attacker = startAbuse(apis);
      const report = await runLoad({ apis, rate, durationS: abuseS, conflictShare: 0.1, keys, drainS: 3 });
      const a = await attacker.stop();
      const cpu = meter();
      windows.push({ index: windows.length, kind: "abuse", startS, report, abuse: a, cpu });
      process.stderr.write(
        `  abuse: ${a.requests} malformed requests ${JSON.stringify(a.byStatus)}; load p99 ${report.latencyMs.p99.toFixed(0)} ms, CPU s nodes ${cpu.nodesS} bench ${cpu.benchS} attacker ${a.cpuS}, load ${load1()}\n`,
      );
      await sample();
    }
  } finally {
    clearInterval(sampler);
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 3000));
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }

  const result = derive({
    command: `npm run bench:soak -- --minutes ${minutes} --rate ${rate} --nodes ${nodes} --protocol ${protocol}${abuseS > 0 ? ` --abuse ${abuseS} --abuse-concurrency ${abuseConcurrency} --abuse-from ${abuseFrom}` : ""}`,
    date: new Date().toISOString(),
    machine: { cores: cpus().length, load1AtStart: r1(load0), load1AtEnd: r1(load1()) },
    config: { minutes, rate, nodes, protocol, abuseS, abuseConcurrency },
    windows: windows.map((w) => ({
      index: w.index,
      kind: w.kind,
      startS: r1(w.startS),
      submitted: w.report.submitted,
      finalized: w.report.finalized,
      unfinalized: w.report.unfinalized,
      refused: w.report.refused,
      overloaded: w.report.overloaded,
      errors: w.report.errors,
      p50Ms: r1(w.report.latencyMs.p50),
      p99Ms: r1(w.report.latencyMs.p99),
      cpu: w.cpu,
      ...(w.abuse ? { abuse: w.abuse } : {}),
    })),
    samples: samples.map((s) => ({
      t: r1(s.t),
      rssMiB: s.rssMiB.map(r1),
      finalized: s.finalized,
      heap: s.heap.map((h) => ({ committedMiB: r1(h.committedMiB), youngMiB: r1(h.youngMiB), oldMiB: r1(h.oldMiB), liveMiB: r1(h.liveMiB), liveAgeS: Math.round(h.liveAgeS), externalMiB: r1(h.externalMiB) })),
    })),
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "soak.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, "soak.md"), markdown(result));
  process.stderr.write(`bench:soak: RSS growth ${result.rss.afterMinute1.growthPct}% after minute 1, ${result.rss.afterMinute1.perTenThousandSetsMiB} MiB per 10^4 sets; wrote ${join(outDir, "soak.md")}\n`);
}

/** `--render FILE`: recompute the summary of a stored soak.json and rewrite both files beside it. */
function render(file: string): void {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Raw;
  const result = derive(raw);
  const dir = resolve(file, "..");
  writeFileSync(join(dir, "soak.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, "soak.md"), markdown(result));
}

interface Raw {
  command: string;
  date: string;
  machine: { cores: number; load1AtStart: number; load1AtEnd: number };
  config: { minutes: number; rate: number; nodes: number; protocol: string; abuseS: number; abuseConcurrency: number };
  windows: {
    index: number;
    kind: string;
    startS: number;
    submitted: number;
    finalized: number;
    unfinalized: number;
    p50Ms: number;
    p99Ms: number;
    /** absent in results measured before CPU was recorded */
    cpu?: { nodesS: number; benchS: number };
    abuse?: { requests: number; byStatus: Record<string, number>; cpuS?: number };
  }[];
  /** `heap`: absent in results measured before the probe */
  samples: { t: number; rssMiB: number[]; finalized: number; heap?: HeapSample[] }[];
}

interface Growth {
  /** mean RSS over nodes at the start of the span and at the end of the steady load */
  fromMiB: number[];
  toMiB: number[];
  growthPct: number;
  /** least-squares slope of mean RSS on finalized count, per 10^4 sets */
  perTenThousandSetsMiB: number;
  finalized: number;
  /** times of the samples the span starts and ends at, s */
  fromT?: number;
  toT?: number;
}

/** `afterMinute4`: from the end of minute 4, when every cache of recent history is full at 30 tx/s (absent in older results) */
type Result = Raw & { rss: { afterMinute1: Growth; afterMinute2: Growth | null; afterMinute4?: Growth | null } };

/** RSS growth from the end of steady minute `m` to the end of the steady load. */
function growthAfter(r: Raw, m: number): Growth | null {
  const steady = r.windows.filter((w) => w.kind === "steady");
  if (steady.length <= m) return null;
  const from = steady[m]!.startS;
  const to = steady[steady.length - 1]!.startS + 63;
  const span = r.samples.filter((s) => s.t >= from && s.t <= to && Number.isFinite(s.finalized));
  if (span.length < 2) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = span[0]!;
  const b = span[span.length - 1]!;
  return {
    fromMiB: a.rssMiB,
    toMiB: b.rssMiB,
    growthPct: r1((100 * (mean(b.rssMiB) - mean(a.rssMiB))) / mean(a.rssMiB)),
    perTenThousandSetsMiB: r1(1e4 * slope(span.map((s) => s.finalized), span.map((s) => mean(s.rssMiB)))),
    finalized: b.finalized - a.finalized,
    fromT: a.t,
    toT: b.t,
  };
}

function derive(raw: Raw): Result {
  const afterMinute1 = growthAfter(raw, 1);
  if (afterMinute1 === null) throw new Error("a soak needs at least 2 minutes of steady load to measure growth");
  return { ...raw, rss: { afterMinute1, afterMinute2: growthAfter(raw, 2), afterMinute4: growthAfter(raw, 4) } };
}

const meanOf = (xs: readonly (number | null)[]): number => {
  const ok = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return ok.length === xs.length && ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
};
const fmt = (x: number): string => (Number.isFinite(x) ? String(r1(x)) : "–");

/** RSS split by the probe's figures, means over nodes (MiB), or null without a probe. */
function breakdown(s: Raw["samples"][number] | undefined): Record<"rss" | "committed" | "young" | "old" | "live" | "liveAge" | "external" | "rest", number> | null {
  if (s?.heap === undefined) return null;
  const rss = meanOf(s.rssMiB);
  const committed = meanOf(s.heap.map((h) => h.committedMiB));
  const external = meanOf(s.heap.map((h) => h.externalMiB));
  const ages = s.heap.map((h) => h.liveAgeS);
  return { rss, committed, young: meanOf(s.heap.map((h) => h.youngMiB)), old: meanOf(s.heap.map((h) => h.oldMiB)), live: meanOf(s.heap.map((h) => h.liveMiB)), liveAge: Number.isFinite(meanOf(ages)) ? Math.max(...ages) : NaN, external, rest: rss - committed - external };
}

/** "Where the memory is": RSS split at the end of minute 1, minute 2 and the steady load. */
function memoryTable(r: Result): string[] {
  const at = (t: number | undefined) => r.samples.find((s) => s.t === t);
  const g1 = r.rss.afterMinute1;
  const cols = [
    ["end of minute 1", breakdown(at(g1.fromT))],
    ...(r.rss.afterMinute2 ? [["end of minute 2", breakdown(at(r.rss.afterMinute2.fromT))] as const] : []),
    ...(r.rss.afterMinute4 ? [["end of minute 4", breakdown(at(r.rss.afterMinute4.fromT))] as const] : []),
    ["end of the steady load", breakdown(at(g1.toT))],
  ] as const;
  const first = cols[0][1];
  const last = cols[cols.length - 1]![1];
  if (first === null || last === null) return [];
  const rows: [Exclude<keyof NonNullable<typeof first>, "liveAge">, string][] = [
    ["rss", "RSS"],
    ["committed", "V8 heap, committed"],
    ["young", "… of it the young generation (new space)"],
    ["old", "… of it the old space"],
    ["live", `V8 heap, live (used after the last major collection, at most ${cols.map(([, b]) => `${fmt(b!.liveAge)} s`).join(" / ")} before)`],
    ["external", "external (ArrayBuffers, Buffers)"],
    ["rest", "rest: code, LevelDB, libuv, malloc (RSS − heap − external)"],
  ];
  return [
    "## Where the memory is (mean over nodes, MiB)",
    "",
    "From bench/soak-probe.mjs in each node process. The committed heap minus the live heap is free room V8 keeps in its heap between collections.",
    "",
    `| | ${cols.map(([name]) => name).join(" | ")} | change from minute 1 |`,
    `|---|${cols.map(() => "---|").join("")}---|`,
    ...rows.map(([k, label]) => `| ${label} | ${cols.map(([, b]) => fmt(b![k])).join(" | ")} | ${fmt(last[k] - first[k])} |`),
    "",
  ];
}

function markdown(r: Result): string {
  const g1 = r.rss.afterMinute1;
  const g2 = r.rss.afterMinute2;
  const g4 = r.rss.afterMinute4;
  const lines = [
    "# Soak: RSS and latency of a live devnet over time",
    "",
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.machine.cores} cores (1-minute load average ${r.machine.load1AtStart} at the start, ${r.machine.load1AtEnd} at the end; the machine may be shared). Reproduce with:`,
    "",
    "```",
    r.command,
    "```",
    "",
    `Each node is a separate \`node dist/cli/main.js node\` process started by \`entropic devnet\`; the load is ${r.config.rate} tx/s (10% double spends) in one-minute windows with a 3 s drain between them. Targets (issue 14): RSS growth < 10% between the end of minute 1 and the end, flat p99.`,
    "",
    "| | value |",
    "|---|---|",
    `| RSS per node at the end of minute 1 (MiB) | ${g1.fromMiB.join(" / ")} |`,
    ...(g2 ? [`| RSS per node at the end of minute 2 (MiB) | ${g2.fromMiB.join(" / ")} |`] : []),
    `| RSS per node at the end of the steady load (MiB) | ${g1.toMiB.join(" / ")} |`,
    `| RSS growth, end of minute 1 → end (mean over nodes) | ${g1.growthPct}% (${g1.finalized} sets) |`,
    ...(g2 ? [`| RSS growth, end of minute 2 → end | ${g2.growthPct}% (${g2.finalized} sets) |`] : []),
    ...(g4 ? [`| RSS growth, end of minute 4 → end (every cache of recent history full) | ${g4.growthPct}% (${g4.finalized} sets) |`] : []),
    `| RSS growth per 10⁴ finalized conflict sets, slope after minute 1 | ${g1.perTenThousandSetsMiB} MiB |`,
    ...(g2 ? [`| RSS growth per 10⁴ finalized conflict sets, slope after minute 2 | ${g2.perTenThousandSetsMiB} MiB |`] : []),
    ...(g4 ? [`| RSS growth per 10⁴ finalized conflict sets, slope after minute 4 | ${g4.perTenThousandSetsMiB} MiB |`] : []),
    "",
    "## Latency by window",
    "",
    "| window | kind | submitted | finalized | unfinalized | p50 ms | p99 ms | CPU s: nodes / load generator / attacker |",
    "|---|---|---|---|---|---|---|---|",
    ...r.windows.map(
      (w) =>
        `| ${w.index + 1} | ${w.kind} | ${w.submitted} | ${w.finalized} | ${w.unfinalized} | ${w.p50Ms} | ${w.p99Ms} | ${w.cpu ? `${w.cpu.nodesS} / ${w.cpu.benchS} / ${w.abuse?.cpuS ?? "–"}` : "–"} |`,
    ),
    "",
  ];
  const abused = r.windows.find((w) => w.abuse);
  if (abused?.abuse) {
    const steady = r.windows.filter((w) => w.kind === "steady");
    const last = steady[steady.length - 1]!;
    lines.push(
      `Abuse window p99 ${abused.p99Ms} ms beside ${last.p99Ms} ms in the last steady minute (×${(abused.p99Ms / last.p99Ms).toFixed(2)}); the attacker (${r.config.abuseConcurrency} clients${r.command.includes("--abuse-from") ? ` from ${/--abuse-from (\S+)/.exec(r.command)![1]}` : ", in the load generator's process"}) sent ${Math.round(abused.abuse.requests / r.config.abuseS)} requests per second.`,
      "",
    );
    lines.push(
      `Abuse window: ${abused.abuse.requests} malformed HTTP requests answered ${Object.entries(abused.abuse.byStatus)
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ")} (\`error:CODE\`: no answer, e.g. the connection was cut).`,
      "",
    );
  }
  lines.push(...memoryTable(r));
  const probed = r.samples.some((s) => s.heap !== undefined);
  lines.push(
    "## RSS per node over time (MiB)",
    "",
    `| t (s) | finalized (node 0) | RSS per node |${probed ? " V8 heap live / committed (mean) |" : ""}`,
    `|---|---|---|${probed ? "---|" : ""}`,
  );
  for (const s of r.samples.filter((_, i) => i % 6 === 0 || i === r.samples.length - 1)) {
    const b = breakdown(s);
    lines.push(`| ${s.t} | ${s.finalized} | ${s.rssMiB.join(" / ")} |${probed ? ` ${b ? `${fmt(b.live)} / ${fmt(b.committed)}` : "–"} |` : ""}`);
  }
  lines.push("");
  return lines.join("\n");
}

(values.render !== undefined ? Promise.resolve().then(() => render(values.render!)) : main()).catch((err: unknown) => {
  process.stderr.write(`bench:soak: ${(err as Error).message}\n`);
  process.exit(1);
});
