/**
 * `entropic sweep`: a grid of parameter values × a range of seeds, aggregated per point;
 * `--out DIR` adds one row per run (runs.csv, runs.jsonl); `--shard I/N` (or a scheduler's
 * array index, ./shard.ts) runs a deterministic share for `entropic merge` to combine.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { applyOverrides } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import { expandGrid, type GridPoint, type RunDigest, type RunRef, shardRuns, sweepRuns } from "../../sim/sweep.js";
import { toJson } from "../../sim/output.js";
import { collect } from "../sim/command.js";
import { shellQuote } from "../sim/format.js";
import { EXIT_VIOLATION } from "../errors.js";
import { checkOutputDir } from "../files.js";
import { createProgress } from "../progress.js";
import { parseAssignment, parseSeedRange, readScenarioDocument, withFilesOfPoints } from "../scenario-input.js";
import { runSweep } from "./pool.js";
import { formatSweep } from "./format.js";
import { aggregateAll, scenarioHash, type SweepIdentity, sweepDocument, writeShardOutputs, writeSweepOutputs } from "./output.js";
import { resolveShard } from "./shard.js";
import { writeSweepReport } from "../../report/write.js";

interface SweepOptions {
  seeds: string;
  set: string[];
  json?: boolean;
  workers?: string;
  report?: string;
  out?: string;
  shard?: string | false;
  shards?: string;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run a grid of parameter values over a range of seeds, in worker threads, and aggregate")
    .argument("[scenario]", "scenario file (YAML or JSON); omit for the built-in EMTD seed demo")
    .requiredOption("--seeds <A..B>", "inclusive seed range, e.g. 0..1999")
    .option("--set <name=v1,v2,...>", "sweep a field over values (repeatable; the grid is their product)", collect, [])
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--json", "print the aggregate as JSON on stdout (sweep.json; no wall-clock times)")
    .option("--out <dir>", "write sweep.json, runs.csv and runs.jsonl (one row per run) and timings.json to this folder")
    .option("--report <dir>", "write <dir>/report.html (the aggregates as charts with 95% error bars) and <dir>/sweep.json")
    .option(
      "--shard <I/N>",
      "run only shard I of N (runs whose number mod N is I) into --out DIR, for entropic merge; default: from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array)",
    )
    .option("--no-shard", "run the whole sweep even where JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID is set")
    .option("--shards <n>", "the shard count with JOB_COMPLETION_INDEX (the Job's completions; or set ENTROPIC_SHARDS)")
    .action(async (scenarioPath: string | undefined, opts: SweepOptions) => {
      const { from, to } = parseSeedRange(opts.seeds);
      const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const axes = opts.set.map((raw) => parseAssignment(raw, true)).map(({ name, values }) => ({ name, values }));
      const workers = opts.workers === undefined ? undefined : Number(opts.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
        throw new UsageError(`--workers expects an integer in [1, 256], got ${JSON.stringify(opts.workers)}`);
      }
      if (opts.shard === false && opts.shards !== undefined) throw new UsageError("--no-shard and --shards contradict each other");
      const shard = opts.shard === false ? null : resolveShard(opts.shard, opts.shards, process.env);
      if (shard) {
        const flag = opts.report !== undefined ? "--report" : opts.json ? "--json" : null;
        if (flag) throw new UsageError(`${flag} needs the whole sweep, not shard ${shard.index}/${shard.count} (from ${shard.from}): merge the shards (entropic merge DIR... --out DIR), then entropic report DIR`);
        if (opts.out === undefined) {
          throw new UsageError(`shard ${shard.index}/${shard.count} (from ${shard.from}) needs --out DIR for entropic merge; --no-shard runs the whole sweep`);
        }
      }
      const scenarioDoc = readScenarioDocument(scenarioPath);
      const { source } = scenarioDoc;
      const grid = expandGrid(axes);
      const points = grid.map((p) => Object.entries(p).map(([name, value]) => ({ name, value })));
      // Files a point names (a sweep over topology.path) are read here, relative to the scenario.
      const doc = withFilesOfPoints(scenarioDoc.doc, scenarioDoc.dir, points);
      // Validate every point up front so a bad value fails before any worker starts.
      const protocol = points.map((overrides) => validateScenario(applyOverrides(doc, overrides), source).protocol)[0]!;
      if (opts.report) checkOutputDir(opts.report, "--report");
      if (opts.out) checkOutputDir(opts.out, "--out");
      const all = sweepRuns(grid.length, seeds);
      const runs = shard ? shardRuns(all, shard.index, shard.count) : all;
      if (shard && shard.from !== "--shard") process.stderr.write(`shard ${shard.index}/${shard.count} from ${shard.from}: ${runs.length} of ${all.length} runs\n`);
      const id: SweepIdentity = { protocol, scenario: { path: scenarioPath ?? null, sha256: scenarioHash(doc) }, axes, seeds: { from, to } };
      // ETA from runs completed per elapsed second (runs end early, so maxRounds says nothing).
      const progress = createProgress(shard ? `sweep shard ${shard.index}/${shard.count}` : `sweep ${grid.length}×${seeds.length}`);
      const t0 = performance.now();
      const results = await runSweep({ doc, grid, points, runs, ...(workers ? { workers } : {}), onProgress: (d, t) => progress.update(d, t) });
      progress.stop();
      const timings = { wallMs: performance.now() - t0, workers: workers ?? null };
      const out = opts.json ? process.stderr : process.stdout;
      if (shard) {
        writeShardOutputs(opts.out!, id, shard, results, { wallMs: timings.wallMs, workers: workers ?? 0 }, grid);
        out.write(`shard ${shard.index}/${shard.count}: ${results.length} of ${all.length} runs written to ${opts.out}; when every shard is done: entropic merge DIR... --out DIR\n`);
      } else {
        const aggregates = opts.out ? writeSweepOutputs(opts.out, id, grid, results, timings) : aggregateAll(protocol, grid, results);
        const document = sweepDocument(protocol, { from, to }, aggregates);
        process.stdout.write(opts.json ? toJson(document) : formatSweep(protocol, aggregates));
        if (opts.out) out.write(`out: ${opts.out} (sweep.json, runs.csv, runs.jsonl, timings.json)\n`);
        if (opts.report) out.write(`report: ${writeSweepReport(opts.report, document)}\n`);
      }
      reportViolations(scenarioPath, grid, results, all.length);
    });
}

/** The VIOLATIONS line and exit status 3 when any run's checkers found a safety or validity violation. */
export function reportViolations(scenarioPath: string | null | undefined, grid: readonly GridPoint[], results: readonly { ref: RunRef; digest: RunDigest }[], total: number): void {
  const violated = violatingRuns(results, grid);
  if (violated.count === 0) return;
  const first = violated.first!;
  const args = [scenarioPath ? shellQuote(scenarioPath) : "", `--seed ${first.seed}`, ...Object.entries(first.params).map(([k, v]) => `--set ${shellQuote(`${k}=${String(v)}`)}`)];
  process.stderr.write(`VIOLATIONS in ${violated.count} of ${results.length === total ? total : `${results.length} (of ${total})`} runs: replay the first with: entropic sim ${args.filter(Boolean).join(" ")}\n`);
  process.exitCode = EXIT_VIOLATION;
}

/** Runs whose checkers found a safety or validity violation, and the first of them (grid order, then seed). */
export function violatingRuns(
  results: readonly { ref: RunRef; digest: RunDigest }[],
  grid: readonly GridPoint[],
): { count: number; first: { seed: number; params: GridPoint } | null } {
  let count = 0;
  let first: { seed: number; params: GridPoint; point: number } | null = null;
  for (const { ref, digest: d } of results) {
    if ((d.fields.safetyViolations ?? 0) > 0 || (d.fields.validityViolations ?? 0) > 0) {
      count++;
      if (first === null || ref.point < first.point || (ref.point === first.point && d.seed < first.seed)) first = { seed: d.seed, params: grid[ref.point]!, point: ref.point };
    }
  }
  return { count, first: first && { seed: first.seed, params: first.params } };
}
