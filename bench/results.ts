/**
 * `npm run results`: the consensus experiments, regenerated into docs/results.md.
 *
 * Every number comes from runs of the shipped simulators (dist/, the sweep command's worker
 * threads, one per core), cheapest cells first, with progress and an ETA on stderr. Run
 * digests are cached by (scenario, seed) in .entropic/results-cache.jsonl, so an
 * interrupted regeneration resumes and more seeds only run the new ones. Flags:
 *   --seeds N         runs per cell up to 2000 nodes (default 100)
 *   --seeds-large N   runs per cell at 10^4 nodes (default 20)
 *   --seeds-huge N    runs per cell at 10^5 nodes (default 10)
 *   --seeds-adversary N  runs per cell in the adversary grid (default: --seeds)
 *   --seeds-partition N  runs per row of the partition experiment (event driver; default: --seeds)
 *   --adversary-contenders all|global  which protocol forms face the adversaries (default all)
 *   --quick           smaller grids and 10/5/0 runs, for a smoke test (no 10^5 cells)
 *   --workers N       worker threads (default: one per core)
 *   --out FILE        default docs/results.md
 *   --cache FILE      default .entropic/results-cache.jsonl ("none": no cache)
 *   --dist DIR        the build the workers run (default dist/)
 *   --cost            run nothing: estimate the CPU time of a regeneration from scratch with
 *                     these flags, per cell, from the runs' own CPU times in the cache; cells
 *                     with none recorded are sampled (--cost-sample N seeds, default 2, run
 *                     into a scratch cache)
 *
 * Statistics (src/sim/stats.ts): safety is the share of RUNS with any violation, with its
 * exact Clopper–Pearson 95% interval; severity is conflicting / decided honest nodes per
 * run (conflicting = decided against the majority decision); liveness is the finalized
 * share and the rounds to 99% finality as median [IQR] over runs.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RunDigest } from "../src/sim/sweep.js";
import { runSeverity, spread, unsafeRunShare } from "../src/sim/stats.js";
import { type Cell, runCells } from "./lib/results-pool.js";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const seeds = Number(flag("--seeds") ?? (quick ? 10 : 100));
const seedsLarge = Number(flag("--seeds-large") ?? (quick ? 5 : 20));
const seedsHuge = Number(flag("--seeds-huge") ?? (quick ? 0 : 10));
const seedsAdversary = Number(flag("--seeds-adversary") ?? seeds);
const seedsPartition = Number(flag("--seeds-partition") ?? (quick ? 4 : seeds));
const workers = flag("--workers") === undefined ? undefined : Number(flag("--workers"));
const outFile = resolve(root, flag("--out") ?? "docs/results.md");
const cacheArg = flag("--cache") ?? ".entropic/results-cache.jsonl";
const cacheFile = cacheArg === "none" ? resolve(root, `.entropic/results-cache-${process.pid}.tmp.jsonl`) : resolve(root, cacheArg);
for (const [name, v] of [["--seeds", seeds], ["--seeds-large", seedsLarge], ["--seeds-huge", seedsHuge], ["--seeds-adversary", seedsAdversary], ["--seeds-partition", seedsPartition]] as const) {
  if (!(Number.isInteger(v) && v >= 0)) {
    console.error(`results: ${name} expects a non-negative integer, got ${v}`);
    process.exit(2);
  }
}

/** Runs per cell for a network of n nodes. */
const runsFor = (n: number) => (n <= 2000 ? seeds : n <= 10_000 ? seedsLarge : seedsHuge);

// ---------- cells ----------

const cells: Cell[] = [];
/** Register a cell; returns its index into the digests. */
function cell(label: string, doc: Record<string, unknown>, runs: number, cost: number): number {
  cells.push({ label, doc, seeds: runs, cost });
  return cells.length - 1;
}

interface Contender {
  readonly label: string;
  readonly protocol: string;
  readonly doc: Record<string, unknown>;
  /** seconds per run per 1000 nodes, roughly (measured on this machine), for ordering */
  readonly cost: number;
  readonly global: boolean;
}

/** Each protocol in its literal (topology-neighbour) form and its global-sampling form (the default). */
const contenders: Contender[] = [
  { label: "emtd, neighbours (literal: all neighbours)", protocol: "emtd", doc: { protocol: "emtd", sampling: "neighbors" }, cost: 0.4, global: false },
  { label: "emtd, global K=20 (default)", protocol: "emtd", doc: { protocol: "emtd", sampling: "global" }, cost: 0.05, global: true },
  // The cheapest (K, β) that §2b finds safe and live (50/50, 60/40, 60/40 with 5% stubborn).
  { label: "emtd, global K=5 β=3 (cheapest of §2b)", protocol: "emtd", doc: { protocol: "emtd", sampling: "global", params: { k: 5, beta: 3 } }, cost: 0.04, global: true },
  { label: "tmesh, neighbours", protocol: "tmesh", doc: { protocol: "tmesh", sampling: "neighbors" }, cost: 0.06, global: false },
  { label: "tmesh, global (default)", protocol: "tmesh", doc: { protocol: "tmesh", sampling: "global" }, cost: 0.04, global: true },
  { label: "snowball, neighbours", protocol: "snowball", doc: { protocol: "snowball", sampling: "neighbors" }, cost: 0.12, global: false },
  { label: "snowball, global (default)", protocol: "snowball", doc: { protocol: "snowball", sampling: "global" }, cost: 0.1, global: true },
];

/** Topologies with mean degree ≈ 20 at every size. */
function topologies(n: number): { label: string; spec: Record<string, unknown> }[] {
  return [
    { label: "Watts–Strogatz k=20 p=0.1", spec: { kind: "watts-strogatz", n, k: 20, p: 0.1 } },
    { label: "random geometric, mean degree ≈ 20", spec: { kind: "random-geometric", n, radius: Math.sqrt(20 / (Math.PI * n)), dim: 2 } },
  ];
}

const biased = { instances: 1, candidates: 2, bias: 0.6 };

// 0. Safe defaults: `protocol: X` and a size, nothing else.
const defaultSizes = seedsHuge > 0 ? [2000, 100_000] : [2000];
const defaultCells = ["emtd", "tmesh", "snowball"].flatMap((protocol) =>
  defaultSizes.map((n) => ({
    protocol,
    n,
    at: cell(`defaults ${protocol} n=${n}`, { protocol, topology: { kind: "watts-strogatz", n, k: 10, p: 0.1 } }, runsFor(n), (n / 1000) * (protocol === "snowball" ? 0.2 : 0.1)),
  })),
);
const betaFiveAtHuge = seedsHuge > 0 ? cell("tmesh beta=5 n=100000", { protocol: "tmesh", topology: { kind: "watts-strogatz", n: 100_000, k: 10, p: 0.1 }, params: { beta: 5 } }, seedsHuge, 10) : null;

// 1. Scale without faults.
const sizes = quick ? [100, 1000] : [100, 1000, 10_000];
const scaleCells: { n: number; topo: string; c: Contender; at: number }[] = [];
for (const n of sizes) {
  for (const c of contenders) {
    const topos = c.global ? [{ label: "any (global sampling ignores it)", spec: topologies(n)[0]!.spec }] : topologies(n);
    for (const t of topos) {
      scaleCells.push({ n, topo: t.label, c, at: cell(`scale ${c.label} ${t.label} n=${n}`, { ...c.doc, topology: t.spec, workload: biased, maxRounds: 400 }, runsFor(n), (c.cost * n) / 1000) });
    }
  }
}

// 2. Adversaries.
const advN = quick ? 500 : 2000;
const shares = [0, 0.05, 0.1, 0.2, 0.25];
const adversaries: { label: string; spec: Record<string, unknown> }[] = [
  { label: "crash", spec: { type: "crash" } },
  { label: "stubborn", spec: { type: "stubborn" } },
  { label: "random", spec: { type: "random" } },
  { label: "equivocate", spec: { type: "equivocate" } },
  { label: "balance (full knowledge)", spec: { type: "balance", knowledge: "full" } },
  { label: "balance (asker's view only)", spec: { type: "balance", knowledge: "none" } },
];
const advContenders = flag("--adversary-contenders") ?? "all";
if (advContenders !== "all" && advContenders !== "global") {
  console.error(`results: --adversary-contenders expects all or global, got ${advContenders}`);
  process.exit(2);
}
const advCells = contenders.filter((c) => advContenders === "all" || c.global).map((c) => {
  const doc = (adversary: Record<string, unknown>) => ({ ...c.doc, topology: topologies(advN)[0]!.spec, workload: biased, maxRounds: 300, adversary });
  // Share 0 is the same run whatever the adversary type: one cell per contender.
  const none = cell(`adversary ${c.label} none`, doc({ type: "none" }), seedsAdversary, (c.cost * advN) / 1000);
  return {
    c,
    none,
    rows: adversaries.map((a) => ({ a, at: shares.slice(1).map((s) => cell(`adversary ${c.label} ${a.label} ${s}`, doc({ ...a.spec, share: s }), seedsAdversary, (1.5 * c.cost * advN) / 1000)) })),
  };
});

// 2b. EMTD with global sampling: sample size K and finality streak β.
const emtdKs = [5, 10, 20];
const emtdBetas = [3, 10];
const emtdSettings: { label: string; bias: number; adversary?: Record<string, unknown> }[] = [
  { label: "50/50", bias: 0.5 },
  { label: "60/40", bias: 0.6 },
  { label: "60/40, 5% stubborn", bias: 0.6, adversary: { type: "stubborn", share: 0.05 } },
];
const emtdCells = emtdKs.flatMap((k) =>
  emtdBetas.flatMap((beta) =>
    emtdSettings.map((setting) => ({
      k,
      beta,
      setting: setting.label,
      at: cell(
        `emtd global k=${k} beta=${beta} ${setting.label}`,
        {
          protocol: "emtd",
          sampling: "global",
          topology: topologies(advN)[0]!.spec,
          workload: { ...biased, bias: setting.bias },
          maxRounds: 400,
          params: { k, beta },
          ...(setting.adversary ? { adversary: setting.adversary } : {}),
        },
        setting.adversary ? seedsAdversary : runsFor(advN),
        ((setting.adversary ? 0.5 : 0.05) * advN) / 1000,
      ),
    })),
  ),
);

// 3. A 50/50 partition, then heal (event driver).
const partN = quick ? 200 : 1000;
const partitionRuns = seedsPartition;
const partitionCells = contenders.map((c) => ({
  c,
  at: cell(
    `partition ${c.label}`,
    {
      ...c.doc,
      driver: "event",
      topology: topologies(partN)[0]!.spec,
      workload: { instances: 1, candidates: 2, bias: 0.5 },
      maxRounds: 200,
      network: { pollInterval: 10, latency: { kind: "uniform", min: 1, max: 3 }, partitions: [{ at: 0, heal: 400, split: 0.5 }], signatures: false },
    },
    partitionRuns,
    (c.cost * partN * 4) / 1000,
  ),
}));

// 4. Metastable traps.
const ringN = quick ? 200 : 1000;
const ringRuns = quick ? 4 : runsFor(ringN);
const ringCells = [true, false].map((reheat) => ({
  reheat,
  at: cell(`ring reheat=${reheat}`, { protocol: "emtd", sampling: "neighbors", topology: { kind: "ring", n: ringN }, workload: { instances: 1, candidates: 2, bias: 0.5 }, maxRounds: 600, params: { reheat } }, ringRuns, ringN / 1000),
}));
const seedRuns = quick ? 50 : 500;
const seedCell = cell("emtd-seed", { protocol: "emtd-seed", rng: "xoshiro", params: { nodes: 200, decay: 0.1, input: 10 } }, seedRuns, 0.01);

// ---------- run ----------

if (args.includes("--cost")) {
  const { cpuPerRun, key, loadCache } = await import("./lib/results-pool.js");
  const sample = Number(flag("--cost-sample") ?? 2);
  const cache = loadCache(cacheFile);
  const unmeasured = cells.filter((c) => c.seeds > 0 && cpuPerRun(c, cache) === null);
  const scratch = resolve(root, `.entropic/results-cost-${process.pid}.tmp.jsonl`);
  if (unmeasured.length > 0 && sample > 0) {
    process.stderr.write(`results: sampling ${unmeasured.length} cells without recorded CPU times (${sample} seeds each)\n`);
    await runCells(
      unmeasured.map((c) => ({ ...c, seeds: Math.min(sample, c.seeds) })),
      { dist: resolve(root, flag("--dist") ?? "dist"), cacheFile: scratch, ...(workers ? { workers } : {}) },
    );
  }
  const sampled = loadCache(scratch);
  (await import("node:fs")).rmSync(scratch, { force: true });
  const rows = cells
    .filter((c) => c.seeds > 0)
    .map((c) => {
      const m = cpuPerRun(c, cache) ?? cpuPerRun({ ...c, seeds: Math.min(sample, c.seeds) }, sampled);
      let cached = 0;
      while (cached < c.seeds && cache.has(key(c.doc, cached))) cached++;
      return { label: c.label, runs: c.seeds, cached, perRun: m?.ms ?? null, measured: m?.measured ?? 0, total: m ? (m.ms * c.seeds) / 1000 : null };
    })
    .sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
  const total = rows.reduce((a, r) => a + (r.total ?? 0), 0);
  console.log(`cells: ${rows.length}, runs: ${rows.reduce((a, r) => a + r.runs, 0)}, estimated CPU from scratch: ${(total / 60).toFixed(1)} CPU-minutes (workers only; ${(total / 120).toFixed(1)} min on 2 idle cores)`);
  const groups = new Map<string, number>();
  for (const r of rows) {
    const g = r.label.split(" ")[0]!;
    groups.set(g, (groups.get(g) ?? 0) + (r.total ?? 0));
  }
  console.log(`by section: ${[...groups].map(([g, t]) => `${g} ${(t / 60).toFixed(1)}`).join(", ")} (CPU-minutes)`);
  const fewest = new Map<string, number>();
  for (const r of rows) fewest.set(r.label.split(" ")[0]!, Math.min(fewest.get(r.label.split(" ")[0]!) ?? Infinity, r.cached));
  console.log(`runs already cached (first seeds, fewest over the section's cells): ${[...fewest].map(([g, n]) => `${g} ${n}`).join(", ")}`);
  for (const r of rows) console.log(`${r.total === null ? "—" : r.total.toFixed(0).padStart(6)} s  ${r.runs} runs × ${r.perRun === null ? "—" : `${(r.perRun / 1000).toFixed(3)} s`} (${r.measured} measured, ${r.cached} cached)  ${r.label}`);
  process.exit(0);
}

const started = performance.now();
let digests: RunDigest[][];
const counts = { ran: 0, cached: 0 };
try {
  digests = await runCells(cells, { dist: resolve(root, flag("--dist") ?? "dist"), cacheFile, counts, ...(workers ? { workers } : {}) });
} catch (error) {
  console.error(`results: ${(error as Error).message}`);
  process.exit(1);
}
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
if (cacheArg === "none") (await import("node:fs")).rmSync(cacheFile, { force: true });

// ---------- statistics and formatting ----------

const num = (d: RunDigest, name: string): number | null => {
  const v = d.fields[name];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};
const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(digits)}%`);
/** A small share readably: percent down to 0.01%, then scientific (one outlier in 10⁵ is 1.0e-5). */
const share = (x: number) => (x >= 1e-4 ? pct(x, 2) : x.toExponential(1));
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits));

interface CellStats {
  runs: number;
  unsafe: number;
  /** "k/N (≤ x%)" or "k/N (a–b%)" */
  safety: string;
  severity: string;
  finalized: string;
  rounds99: string;
  messages: string;
  bytes: string;
}

/** One cell's figures, each over runs. */
function stats(at: number): CellStats {
  const ds = digests[at]!;
  const runs = ds.length;
  const unsafe = ds.filter((d) => d.outcome === "safety_violation").length;
  const ci = unsafeRunShare(unsafe, runs);
  const safety = runs === 0 ? "no runs" : unsafe === 0 ? `0/${runs} (≤ ${pct(ci.high)})` : `${unsafe}/${runs} (${pct(ci.low)}–${pct(ci.high)})`;
  const decided = ds.map((d) => num(d, "decisions") ?? 0);
  const conflicting = ds.map((d) => num(d, "conflictingDecisions") ?? 0);
  const sev = runSeverity(conflicting, decided);
  const severity = sev === null ? "no decisions" : sev.max === 0 ? "0" : `${share(sev.mean)} (max ${share(sev.max)})`;
  const fin = spread(ds.map((d) => num(d, "finalizedShare")));
  const finalized = fin === null ? "—" : fin.q1 === fin.q3 ? pct(fin.median) : `${pct(fin.median)} [${pct(fin.q1)}, ${pct(fin.q3)}]`;
  const r = spread(ds.map((d) => num(d, "roundsTo99")));
  const never = runs - (r?.n ?? 0);
  const rounds99 = r === null ? `never (${runs} runs)` : `${fmt(r.median, 0)} [${fmt(r.q1, 0)}, ${fmt(r.q3, 0)}]${never ? `, never in ${never}` : ""}`;
  // Per decision actually made: messagesPerNodePerDecision is messages / honest slots.
  let msgs = 0;
  let bytes = 0;
  let made = 0;
  for (const d of ds) {
    const slots = num(d, "honestNodes") ?? 0; // every cell decides one instance
    msgs += (num(d, "messagesPerNodePerDecision") ?? 0) * slots;
    bytes += (num(d, "bytesPerNodePerDecision") ?? 0) * slots;
    made += num(d, "decisions") ?? 0;
  }
  return {
    runs,
    unsafe,
    safety,
    severity,
    finalized,
    rounds99,
    messages: made === 0 ? "no decisions" : fmt(msgs / made, 0),
    bytes: made === 0 ? "no decisions" : `${fmt(bytes / made / 1024, 1)} KiB`,
  };
}

const sections: string[] = [];

{
  const rows = defaultCells.map(({ protocol, n, at }) => {
    const s = stats(at);
    return `| \`protocol: ${protocol}\` | ${n} | ${s.safety} | ${s.severity} | ${s.finalized} | ${s.rounds99} | ${s.messages} |`;
  });
  if (betaFiveAtHuge !== null) {
    const s = stats(betaFiveAtHuge);
    rows.push(`| \`protocol: tmesh\`, \`params: { beta: 5 }\` (the old default) | 100000 | ${s.safety} | ${s.severity} | ${s.finalized} | ${s.rounds99} | ${s.messages} |`);
  }
  // The cost of each default beside Snowball's at the same size, from the same runs.
  const costLines = defaultSizes.map((n) => {
    const of = (protocol: string) => {
      const at = defaultCells.find((d) => d.protocol === protocol && d.n === n)!.at;
      const ds = digests[at]!;
      let msgs = 0;
      let made = 0;
      for (const d of ds) {
        msgs += (num(d, "messagesPerNodePerDecision") ?? 0) * (num(d, "honestNodes") ?? 0);
        made += num(d, "decisions") ?? 0;
      }
      return { perDecision: made > 0 ? msgs / made : null, rounds: spread(ds.map((d) => num(d, "roundsTo99")))?.median ?? null };
    };
    const sb = of("snowball");
    const ratio = (x: number | null, y: number | null) => (x === null || y === null || y === 0 ? "—" : `${(x / y).toFixed(2)}×`);
    const e = of("emtd");
    const t = of("tmesh");
    return `- ${n} nodes: EMTD uses ${ratio(e.perDecision, sb.perDecision)} Snowball's messages per decision and ${ratio(e.rounds, sb.rounds)} its median rounds to 99%; T-MESH ${ratio(t.perDecision, sb.perDecision)} and ${ratio(t.rounds, sb.rounds)} (T-MESH messages carry a d×d density matrix: 2·d² words instead of 1).`;
  });
  sections.push(
    [
      "## 0. Safe defaults",
      "",
      "What a scenario naming only the protocol and a network size runs: the harness defaults (global sampling, a 50/50 first sight of one binary conflict, Watts–Strogatz k=10 p=0.1, 500-round cap) and the protocol's default parameters — EMTD polls K = 20 random peers per round; T-MESH's finality streak is β(n) = max(5, ⌈log₂ n⌉ + 2) (13 at 2000 nodes, 19 at 10⁵); Snowball runs avalanchego's K=20, α=15, β=20.",
      "",
      "| scenario | nodes | unsafe runs (95% CI) | severity | finalized | rounds to 99% | messages / decision |",
      "|---|---|---|---|---|---|---|",
      ...rows,
      "",
      "Cost of each default beside Snowball's (medians and totals over the same runs):",
      "",
      ...costLines,
    ].join("\n"),
  );
}

{
  const rows = scaleCells.map(({ n, topo, c, at }) => {
    const s = stats(at);
    return `| ${n} | ${topo} | ${c.label} | ${s.safety} | ${s.severity} | ${s.finalized} | ${s.rounds99} | ${s.messages} | ${s.bytes} |`;
  });
  sections.push(
    [
      "## 1. Scale, no faults",
      "",
      `One binary conflict, 60/40 first sight, cap 400 rounds; ${runsFor(100)} runs per row up to 2000 nodes${quick ? "" : `, ${runsFor(10_000)} at 10⁴`}. Global sampling draws peers from the whole network, so the topology does not matter to it (one row per size).`,
      "",
      "| nodes | topology | protocol, sampling | unsafe runs (95% CI) | severity | finalized | rounds to 99% | messages / decision | bytes / decision |",
      "|---|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
}

{
  const rows: string[] = [];
  for (const { c, none, rows: advRows } of advCells) {
    const zero = stats(none);
    for (const { a, at } of advRows) {
      const cellsText = [zero, ...at.map(stats)].map((s) => `${s.safety} · ${s.severity} · ${s.finalized}`);
      rows.push(`| ${c.label} | ${a.label} | ${cellsText.join(" | ")} |`);
    }
  }
  sections.push(
    [
      `## 2. Adversaries (${advN} nodes, Watts–Strogatz k=20)`,
      "",
      `60/40 first sight, 300-round deadline, ${seedsAdversary} runs per cell${advContenders === "global" ? " (global-sampling forms only in this regeneration: the neighbour forms are already unsafe without an adversary, section 1)" : ""} (the 0% column is one set of runs, shared by every adversary type). Each cell: *unsafe runs* k/N with the exact 95% interval · *severity* (mean over runs of conflicting / decided honest nodes, and its largest run) · *finalized* share of honest nodes by the deadline, median [IQR] over runs. Equivocation proofs lower trust (penalty 1: trust 0) and every protocol ignores answers from peers with trust 0.`,
      "",
      `| protocol, sampling | adversary | ${shares.map((s) => `${s * 100}%`).join(" | ")} |`,
      `|---|---|${shares.map(() => "---").join("|")}|`,
      ...rows,
    ].join("\n"),
  );
}

/** The (K, β) with no unsafe run and ≥ 99% median finality in every §2b setting, cheapest first, against Snowball (global) at the same size. */
function cheapestEmtd(): string[] {
  const messagesPerDecision = (at: number) => {
    let msgs = 0;
    let made = 0;
    for (const d of digests[at]!) {
      msgs += (num(d, "messagesPerNodePerDecision") ?? 0) * (num(d, "honestNodes") ?? 0);
      made += num(d, "decisions") ?? 0;
    }
    return made > 0 ? msgs / made : Infinity;
  };
  const ok = emtdKs.flatMap((k) =>
    emtdBetas.flatMap((beta) => {
      const mine = emtdCells.filter((c) => c.k === k && c.beta === beta);
      const good = mine.every(({ at }) => {
        const ds = digests[at]!;
        return ds.length > 0 && ds.every((d) => d.outcome !== "safety_violation") && (spread(ds.map((d) => num(d, "finalizedShare")))?.median ?? 0) >= 0.99;
      });
      return good ? [{ k, beta, cost: Math.max(...mine.map(({ at }) => messagesPerDecision(at))) }] : [];
    }),
  );
  ok.sort((a, b) => a.cost - b.cost);
  const snow = advCells.find((a) => a.c.protocol === "snowball" && a.c.global);
  const sb = snow ? messagesPerDecision(snow.none) : null;
  if (ok.length === 0) return ["No (K, β) above was safe and live in every setting."];
  const best = ok[0]!;
  return [
    `Cheapest (K, β) with no unsafe run and a median finalized share ≥ 99% in every setting above: K = ${best.k}, β = ${best.beta}, at most ${fmt(best.cost, 0)} messages per decision` +
      (sb !== null && Number.isFinite(sb) ? ` (${(best.cost / sb).toFixed(2)}× Snowball's ${fmt(sb, 0)} with global sampling at ${advN} nodes, 60/40, §2).` : ".") +
      ` Others that qualify: ${ok.slice(1).map((o) => `K = ${o.k}, β = ${o.beta}`).join("; ") || "none"}.` +
      (ok.some((o) => o.k === 20 && o.beta === 10) ? "" : " The default (K = 20, β = 10) does not: finality needs β consecutive unanimous samples of K, which a few stubborn nodes deny (a liveness failure, not a safety one).") +
      gridCheck(best.k, best.beta),
  ];
  /** How the chosen (K, β) fares in the §2 grid, when it is one of its contenders. */
  function gridCheck(k: number, beta: number): string {
    const g = advCells.find((a) => a.c.protocol === "emtd" && a.c.global && (a.c.doc.params as { k?: number; beta?: number } | undefined)?.k === k && (a.c.doc.params as { beta?: number }).beta === beta);
    if (!g) return "";
    const bad = g.rows.flatMap((r) => r.at.map((at, i) => ({ a: r.a.label, s: shares[i + 1]!, u: digests[at]!.filter((d) => d.outcome === "safety_violation").length, n: digests[at]!.length }))).filter((x) => x.u > 0);
    return bad.length === 0
      ? ` In the adversary grid of §2 it has no unsafe run either.`
      : ` But the settings above have no balancing attacker: in the adversary grid of §2 it is unsafe against ${bad.map((x) => `${x.a} at ${pct(x.s, 0)} (${x.u}/${x.n} runs)`).join(", ")} — so it is the cheapest configuration safe and live without that attack, not safe in experiments 1–2.`;
  }
}

{
  const rows = emtdCells.map(({ k, beta, setting, at }) => {
    const s = stats(at);
    return `| ${k} | ${beta} | ${setting} | ${s.safety} | ${s.severity} | ${s.finalized} | ${s.rounds99} | ${s.messages} |`;
  });
  sections.push(
    [
      `## 2b. EMTD with global sampling: sample size K and finality streak β (${advN} nodes)`,
      "",
      `Each round a node polls K peers drawn from the whole network and runs its Metropolis move on their answers; it finalizes once frozen (T < tFreeze, from round 36 with the default cooling) after β rounds in which all K answers agreed with it. Cap 400 rounds; ${runsFor(advN)} runs per row without an adversary, ${seedsAdversary} with one.`,
      "",
      "| K | β | first sight, adversary | unsafe runs (95% CI) | severity | finalized | rounds to 99% | messages / decision |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
      "",
      ...cheapestEmtd(),
    ].join("\n"),
  );
}

/** Each global-sampling form's safety over §1–§2 and its cost beside Snowball's, from the same runs. */
function bestConfigurations(): string[] {
  const runsOf = (ats: number[]) => ats.reduce((a, at) => a + digests[at]!.length, 0);
  const unsafeOf = (ats: number[]) => ats.reduce((a, at) => a + digests[at]!.filter((d) => d.outcome === "safety_violation").length, 0);
  const tally = (ats: number[]) => {
    const runs = runsOf(ats);
    const bad = unsafeOf(ats);
    const ci = unsafeRunShare(bad, runs);
    return runs === 0 ? "no runs" : bad === 0 ? `0/${runs} (≤ ${pct(ci.high)})` : `${bad}/${runs} (${pct(ci.low)}–${pct(ci.high)})`;
  };
  const cost = (at: number) => {
    let msgs = 0;
    let bytes = 0;
    let made = 0;
    for (const d of digests[at]!) {
      msgs += (num(d, "messagesPerNodePerDecision") ?? 0) * (num(d, "honestNodes") ?? 0);
      bytes += (num(d, "bytesPerNodePerDecision") ?? 0) * (num(d, "honestNodes") ?? 0);
      made += num(d, "decisions") ?? 0;
    }
    return { msgs: made > 0 ? msgs / made : null, bytes: made > 0 ? bytes / made : null, rounds: spread(digests[at]!.map((d) => num(d, "roundsTo99")))?.median ?? null };
  };
  const globals = advCells.filter((a) => a.c.global);
  const sb = globals.find((a) => a.c.protocol === "snowball");
  const sbCost = sb ? cost(sb.none) : null;
  const ratio = (x: number | null, y: number | null | undefined) => (x === null || y === null || y === undefined || y === 0 ? "" : ` (${(x / y).toFixed(2)}×)`);
  const lowShares = shares.slice(1).filter((s) => s <= 0.1);
  const verdicts: { label: string; safe: boolean; live: boolean; partitionSafe: boolean }[] = [];
  const rows = globals.map(({ c, none, rows: advRows }) => {
    const scale = scaleCells.filter((x) => x.c === c).map((x) => x.at);
    const low = [none, ...advRows.flatMap((r) => r.at.filter((_, i) => shares[i + 1]! <= 0.1))];
    const high = advRows.flatMap((r) => r.at.filter((_, i) => shares[i + 1]! > 0.1));
    const k = cost(none);
    const live5 = advRows.map((r) => spread(digests[r.at[0]!]!.map((d) => num(d, "finalizedShare")))?.median ?? 0);
    const liveAll = live5.every((x) => x >= 0.99);
    const part = partitionCells.filter((x) => x.c === c).map((x) => x.at);
    verdicts.push({ label: c.label, safe: unsafeOf([...scale, ...low, ...high]) === 0, live: liveAll, partitionSafe: unsafeOf(part) === 0 });
    return `| ${c.label} | ${tally(scale)} | ${tally(low)} | ${tally(high)} | ${tally(part)} | ${liveAll ? "yes" : `no (${advRows.filter((_, i) => live5[i]! < 0.99).map((r) => r.a.label).join(", ")})`} | ${fmt(k.msgs, 0)}${ratio(k.msgs, sbCost?.msgs)} | ${fmt(k.rounds, 0)}${ratio(k.rounds, sbCost?.rounds)} | ${k.bytes === null ? "—" : `${fmt(k.bytes / 1024, 1)} KiB`}${ratio(k.bytes, sbCost?.bytes)} |`;
  });
  return [
    `## Best configurations beside Snowball`,
    "",
    `Every global-sampling form over the runs of §1 (all sizes) and §2 (${advN} nodes, every adversary type), and its cost with no adversary at ${advN} nodes, 60/40 (§2's 0% column; ratios to Snowball's). *Live at ${pct(shares[1]!, 0)}* = median finalized share ≥ 99% against every adversary type at ${pct(shares[1]!, 0)}.`,
    "",
    `| protocol, sampling | unsafe runs, §1 | unsafe runs, §2 at 0–${pct(lowShares.at(-1)!, 0)} | unsafe runs, §2 at ${shares.filter((s) => s > 0.1).map((s) => pct(s, 0)).join("–")} | unsafe runs, §3 partition | live at ${pct(shares[1]!, 0)} | messages / decision | rounds to 99% (median) | bytes / decision |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `No unsafe run anywhere in §1–§2: ${verdicts.filter((v) => v.safe).map((v) => `${v.label}${v.live ? "" : " (but not live at " + pct(shares[1]!, 0) + ")"}${v.partitionSafe ? "" : " (but unsafe in the §3 partition)"}`).join("; ") || "none"}. Unsafe somewhere in §1–§2: ${verdicts.filter((v) => !v.safe).map((v) => v.label).join("; ") || "none"}. A form that is unsafe here has no claim to be a best *safe* configuration, whatever its cost.`,
  ];
}

{
  sections.push(bestConfigurations().join("\n"));
}

{
  const rows = partitionCells.map(({ c, at }) => {
    const s = stats(at);
    const ds = digests[at]!;
    const dropped = spread(ds.map((d) => num(d, "droppedPartition")));
    return `| ${c.label} | ${s.safety} | ${s.severity} | ${s.finalized} | ${dropped === null ? "—" : fmt(dropped.median, 0)} |`;
  });
  sections.push(
    [
      `## 3. A 50/50 partition from the start, healed at round 40 (${partN} nodes, event driver)`,
      "",
      `Nodes [0, n/2) and the rest cannot talk for the first 400 ticks (40 rounds), 50/50 first sight, uniform 1–3 tick latency, cap 200 rounds; ${partitionRuns} runs per row.`,
      "",
      "| protocol, sampling | unsafe runs (95% CI) | severity | finalized | messages dropped by the partition (median) |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
}

{
  const rows = ringCells.map(({ reheat, at }) => {
    const s = stats(at);
    const ds = digests[at]!;
    const timeouts = ds.filter((d) => d.outcome === "timeout").length;
    return `| emtd on a ring, 50/50, reheat ${reheat ? "on" : "off"} | ${s.runs} | ${timeouts}/${s.runs} | ${s.safety} | ${s.severity} |`;
  });
  const sd = digests[seedCell]!;
  const split = sd.filter((d) => d.outcome === "split").length;
  const ci = unsafeRunShare(split, sd.length);
  rows.push(`| emtd-seed, 200 nodes, decay 0.1 (the seed's own code path) | ${sd.length} | — | ${split}/${sd.length} frozen split (${pct(ci.low)}–${pct(ci.high)}) | — |`);
  sections.push(
    [
      "## 4. The seed's metastable-trap risk",
      "",
      `EMTD polling its two ring neighbours (${ringN} nodes, cap 600 rounds). A run is unsafe when honest nodes finalized different candidates; *timed out* runs ended with nodes undecided.`,
      "",
      "| setting | runs | timed out | unsafe runs (95% CI) | severity |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
}

sections.push(
  [
    "## Evidence and trust: where the protocols are treated alike",
    "",
    "- **Evidence** is produced by the drivers, the same way for every protocol: two different answers from one node for one (instance, round) — the cycle driver sees every answer; the event driver compares signed answers for one (instance, epoch) — prove equivocation. Any adversary whose answers differ within a round is proven, whatever its label (equivocate, random, and the balancing attacker, which tells different askers different things). After `trust.delay` rounds (default 2) every node's trust in the offender is multiplied by 1 − `trust.penalty` (default 1, i.e. trust 0).",
    "- **Trust** is read by all three protocols. EMTD weighs an answer by it (coupling J = bandwidth × trust, and the entropy term's weights); T-MESH ignores a peer with trust 0 and interacts with t·ρ_peer + (1 − t)·ρ_own for trust t in (0, 1); Snowball ignores votes from peers with trust 0 but counts a vote of trust in (0, 1) in full, because its α thresholds are counts of votes out of K and weighing them would change what α means. With the default penalty 1 trust is only ever 0 or 1, so the three protocols treat evidence identically; with `trust.penalty` < 1 Snowball is the exception, for that reason.",
    "- Where they cannot be alike: a distrusted peer is still sampled in the simulators (a query wasted), while the live node leaves peers below its sampling threshold out of the sample; and T-MESH's responder side is not weighed by trust, since only honest nodes ask in the simulators.",
  ].join("\n"),
);

/** The runs' own CPU times as recorded in the cache (runs cached before that was recorded carry none). */
const cpuRecorded = (() => {
  let ms = 0;
  let runs = 0;
  for (const ds of digests)
    for (const d of ds) {
      const c = (d as RunDigest & { cpuMs?: number }).cpuMs;
      if (typeof c === "number") {
        ms += c;
        runs++;
      }
    }
  return { ms, runs };
})();
const shownArgs = args.filter((a, i) => !["--dist", "--out", "--cache", "--workers"].includes(a) && !["--dist", "--out", "--cache", "--workers"].includes(args[i - 1] ?? ""));
const ruleOut = (n: number) => pct(unsafeRunShare(0, n).high);
const doc = [
  "# Consensus results",
  "",
  `Regenerate with \`npm run results\` (flags: \`-- --seeds N --seeds-large N --seeds-huge N --seeds-adversary N --seeds-partition N --adversary-contenders all|global\`, \`--quick\`). Every number below was produced by that command, here as \`${["npm run results", ...(shownArgs.length ? ["--", ...shownArgs] : [])].join(" ")}\` (${cells.length} cells, ${digests.reduce((a, d) => a + d.length, 0)} runs; runs are cached by scenario and seed in .entropic/; the pass that wrote this file computed ${counts.ran} runs and read ${counts.cached} from that cache in ${minutes} min); nothing is typed in by hand. Run counts per section are stated with each table. CPU: ${cpuRecorded.runs} of the runs carry their own thread CPU time, together ${(cpuRecorded.ms / 60_000).toFixed(1)} CPU-minutes (\`npm run results -- --cost\` estimates the whole regeneration per cell, sampling cells without a recorded time).` +
    (seedsAdversary < seeds || advContenders === "global" || seedsPartition < seeds
      ? ` This regeneration ran fewer runs than the default where stated (${[
          seedsAdversary < seeds || advContenders === "global" ? `adversary grid: ${seedsAdversary} runs per cell${advContenders === "global" ? ", global-sampling forms only" : ""}` : "",
          seedsPartition < seeds ? `partition: ${seedsPartition} runs per row` : "",
        ]
          .filter(Boolean)
          .join("; ")}) to fit the time available; the default (\`npm run results\` with no flags) is ${seeds} runs per cell up to 2000 nodes, ${seedsLarge} at 10⁴ and ${seedsHuge} at 10⁵, for every protocol form.`
      : ""),
  "",
  "## How to read the statistics",
  "",
  "- **Unsafe runs** — the share of runs in which two honest nodes finalized different candidates, k/N, with the exact two-sided 95% Clopper–Pearson interval. Runs are the independent trials; the nodes of one run share its history. " +
    `What a run count can rule out: 0 unsafe runs in ${seeds} rules out a per-run violation rate above ${ruleOut(seeds)} at 95% confidence, not below; 0 in ${seedsLarge} rules out rates above ${ruleOut(seedsLarge)}` +
    (seedsHuge > 0 ? `; 0 in ${seedsHuge} only rates above ${ruleOut(seedsHuge)}.` : "."),
  "- **Severity** — inside a run, conflicting decided honest nodes / decided honest nodes, where *conflicting* means decided against the majority decision (one early outlier scores 1, not n − 1); shown as the mean over runs that decided anything and the worst run. A cell where no run decided says *no decisions*.",
  "- **Finalized** — share of honest nodes that decided by the deadline, median [IQR] over runs (a single figure when the quartiles agree). **Rounds to 99%** — median [IQR] over the runs that reached 99% finality, and how many never did.",
  "- **Messages / decision** — queries plus answers over decisions actually made (not over nodes); bytes likewise, with 16 bytes of framing per message.",
  "",
  ...sections.flatMap((s) => [s, ""]),
].join("\n");
writeFileSync(outFile, doc);
console.log(`wrote ${outFile}`);
