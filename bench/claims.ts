/**
 * `npm run claims`: every claim of the two seed proposals, and the Kniep et al. reproduction,
 * measured and written to docs/claims.md (charts as PNG in docs/claims/).
 *
 *   --quick        small grids and 2 runs per cell (a smoke run, about a minute)
 *   --runs N       runs per simulated cell (default 20; the Kniep sweep uses N/2 for T-MESH and EMTD)
 *   --workers N    worker threads (default: one per core)
 *   --out FILE     default docs/claims.md (charts go to <dir of FILE>/claims/)
 *   --only ID,...  only these sections (ids in bench/claims/sections.ts)
 *   --cache FILE   reuse results of identical tasks stored in FILE, and store new ones there
 *
 * Tasks run on worker threads (TypeScript through tsx: no build needed), cheap ones first,
 * with progress on stderr. Exit codes: 0 ok, 1 a task failed, 2 usage.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { writeCharts } from "./claims/chart.js";
import { Plan } from "./claims/plan.js";
import { runPool } from "./claims/pool.js";
import { SECTIONS } from "./claims/sections.js";

const root = resolve(import.meta.dirname, "..");
/** The cache entry holding the time of the pass that computed every task (task keys are JSON objects, so no clash). */
const TIMING = "__timing";
const args = process.argv.slice(2);
const known = new Set(["--quick", "--runs", "--workers", "--out", "--only", "--cache"]);
for (const a of args) if (a.startsWith("--") && !known.has(a)) usage(`unknown option ${a}`);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
  return v;
};
function usage(message: string): never {
  process.stderr.write(`claims: ${message}\nusage: npm run claims -- [--quick] [--runs N] [--workers N] [--out FILE] [--only ID,...] [--cache FILE]\n`);
  process.exit(2);
}
const quick = args.includes("--quick");
const runs = Number(flag("--runs") ?? (quick ? 2 : 20));
if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer, got ${flag("--runs")}`);
const workers = Number(flag("--workers") ?? 0);
if (!Number.isInteger(workers) || workers < 0) usage(`--workers must be a non-negative integer`);
const outFile = resolve(root, flag("--out") ?? "docs/claims.md");
const only = flag("--only")?.split(",");
const cacheFile = flag("--cache");
if (only) for (const id of only) if (!SECTIONS.some((s) => s.id === id)) usage(`unknown section ${id}; known: ${SECTIONS.map((s) => s.id).join(", ")}`);

async function main(): Promise<void> {
  const started = performance.now();
  // Stated in the header: a timing is only comparable when the machine was quiet.
  const loadAtStart = loadavg()[0];
  const sections = SECTIONS.filter((s) => !only || only.includes(s.id) || (s.id === "tmesh-no-cloning" && only.includes("kniep")));
  const plan = new Plan(runs, quick);
  // The no-cloning section reads the Kniep cells; the diffusion section reads the scale cells.
  const needs = new Set(sections.map((s) => s.id));
  for (const s of SECTIONS) if (needs.has(s.id) || (s.id === "kniep" && needs.has("tmesh-no-cloning")) || (s.id === "emtd-scale" && needs.has("emtd-diffusion")) || (s.id === "tmesh-convergence" && needs.has("tmesh-entropy-finality"))) s.plan(plan);
  const cache: Record<string, unknown> = cacheFile && existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, unknown>) : {};
  const keyOf = (i: number) => JSON.stringify(plan.tasks[i]);
  const order = plan.order().filter((i) => !(keyOf(i) in cache));
  const tasks = order.map((i) => plan.tasks[i]!);
  process.stderr.write(`claims: ${tasks.length} tasks to run (${plan.tasks.length - tasks.length} cached), ${quick ? "quick" : `${runs} runs per cell`}\n`);
  let lastPrint = 0;
  const results = await runPool(tasks, workers, (done, total) => {
    const now = performance.now();
    if (now - lastPrint > 5000 || done === total) {
      lastPrint = now;
      process.stderr.write(`  ${done}/${total} tasks, ${((now - started) / 1000).toFixed(0)} s\n`);
    }
  });
  order.forEach((i, j) => (cache[keyOf(i)] = results[j]));
  // A pass that computed every task records its time, so a later render from the cache can state it.
  const fresh = tasks.length === plan.tasks.length;
  if (fresh) cache[TIMING] = { minutes: (performance.now() - started) / 60000, cpuMinutes: cpuSeconds() / 60, quick, runs, loadAtStart };
  const timing = cache[TIMING] as { minutes: number; cpuMinutes: number; quick: boolean; runs: number; loadAtStart?: number } | undefined;
  const machine = (load: number | undefined): string => `on a ${cpus().length}-core machine${load === undefined ? "" : ` (1-minute load average ${load.toFixed(2)} when it started: ${load < 0.5 ? "quiet" : "shared with other jobs"})`}`;
  const timingText = fresh
    ? ` in ${((performance.now() - started) / 60000).toFixed(1)} min ${machine(loadAtStart)} (${(cpuSeconds() / 60).toFixed(1)} CPU-minutes)`
    : timing && timing.quick === quick && timing.runs === runs
      ? `; the pass that computed every task (this file was rendered from its results with \`--cache\`) took ${timing.minutes.toFixed(1)} min ${machine(timing.loadAtStart)}, ${timing.cpuMinutes.toFixed(1)} CPU-minutes`
      : "";
  if (cacheFile) writeFileSync(cacheFile, JSON.stringify(cache));
  const byIndex: unknown[] = plan.tasks.map((_, i) => cache[keyOf(i)]);
  plan.setResults(byIndex);

  const chartDir = join(dirname(outFile), "claims");
  mkdirSync(chartDir, { recursive: true });
  const parts: string[] = [];
  const verdicts: string[] = [];
  const charts = [];
  for (const s of sections) {
    const r = s.render(plan);
    charts.push(...(r.charts ?? []));
    verdicts.push(`| [${s.title}](#${s.id}) | ${s.seed} | ${r.verdict} |`);
    parts.push(
      [
        `<a id="${s.id}"></a>`,
        `## ${s.title}`,
        "",
        `*Seed:* ${s.seed} — ${s.where}.  `,
        `*Claim (our words):* ${s.claim}  `,
        `*Scenarios:* ${s.scenarios.length ? s.scenarios.map((f) => `[scenarios/claims/${f}](../scenarios/claims/${f})`).join(", ") : "none (exact computation in bench/claims/exact.ts)"}`,
        "",
        r.body,
        "",
        `**Verdict:** ${r.verdict}`,
        "",
      ].join("\n"),
    );
  }
  const written = await writeCharts(charts, chartDir);
  let doc = [
    "# The seeds' claims, tested",
    "",
    `Generated by \`npm run claims${quick ? " -- --quick" : runs !== 20 ? ` -- --runs ${runs}` : ""}\` (bench/claims.ts)${timingText}. Every figure below comes from that command. Runs are the unit of independence: shares are counts of runs with an exact Clopper–Pearson 95% interval; ${runs} runs per cell unless a table says otherwise, so a share of 0/${runs} rules out rates above ${(100 * (1 - 0.025 ** (1 / runs))).toFixed(0)}% and no smaller. Round counts are medians [first–third quartile] over runs. *Live* = at least 99% of honest nodes decided by the run's round cap; *unsafe* = two honest nodes decided differently.`,
    "",
    "The seeds are EMTD (Entropic-Merkle Tensor Dynamics) and T-M.E.S.H.; each claim is stated in our words with the seed's section. “Best configuration” comes from docs/results.md: for T-MESH global sampling with the n-dependent default β; for EMTD global sampling with K = 5, β = 3, the cheapest setting safe and live in its §2b (no balancing attacker there; §2's grid finds it unsafe against the balancing attacker from 10%), run beside EMTD's default K = 20, β = 10, which has no unsafe run in §1–§2 but is not live against 5% stubborn or balancing nodes.",
    "",
    "## Verdicts",
    "",
    "| claim | source | verdict |",
    "|---|---|---|",
    ...verdicts,
    "",
    ...parts,
  ].join("\n");
  for (const [name, file] of written) doc = doc.replaceAll(`(claims/${name}.png)`, `(claims/${file})`);
  writeFileSync(outFile, doc);
  process.stderr.write(`claims: wrote ${relative(root, outFile)} and ${written.size} charts in ${((performance.now() - started) / 1000).toFixed(0)} s, ${cpuSeconds().toFixed(0)} CPU-seconds\n`);
}

/** CPU time of this process, worker threads included. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

main().catch((error: unknown) => {
  process.stderr.write(`claims: ${(error as Error).message}\n`);
  process.exit(1);
});
