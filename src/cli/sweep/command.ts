/** `entropic sweep`: a grid of parameter values × a range of seeds, aggregated per point. */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { protocols } from "../../sim/registry.js";
import { applyOverrides } from "../../sim/scenario/load.js";
import { validateScenario } from "../../sim/scenario/schema.js";
import { aggregatePoint, expandGrid, type GridPoint, type PointAggregate, type RunDigest } from "../../sim/sweep.js";
import { toJson } from "../../sim/output.js";
import { collect } from "../sim/command.js";
import { shellQuote } from "../sim/format.js";
import { EXIT_VIOLATION } from "../errors.js";
import { checkOutputDir } from "../files.js";
import { createProgress } from "../progress.js";
import { parseAssignment, parseSeedRange, readScenarioDocument } from "../scenario-input.js";
import { runSweep } from "./pool.js";
import { formatSweep } from "./format.js";
import { writeSweepReport } from "../../report/write.js";

interface SweepOptions {
  seeds: string;
  set: string[];
  json?: boolean;
  workers?: string;
  report?: string;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run a grid of parameter values over a range of seeds, in worker threads, and aggregate")
    .argument("[scenario]", "scenario file (YAML or JSON); omit for the built-in EMTD seed demo")
    .requiredOption("--seeds <A..B>", "inclusive seed range, e.g. 0..1999")
    .option("--set <name=v1,v2,...>", "sweep a field over values (repeatable; the grid is their product)", collect, [])
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--json", "print the aggregate as JSON on stdout")
    .option("--report <dir>", "write <dir>/report.html (the aggregates as charts with 95% error bars) and <dir>/sweep.json")
    .action(async (scenarioPath: string | undefined, opts: SweepOptions) => {
      const { from, to } = parseSeedRange(opts.seeds);
      const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const axes = opts.set.map((raw) => parseAssignment(raw, true)).map(({ name, values }) => ({ name, values }));
      const workers = opts.workers === undefined ? undefined : Number(opts.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
        throw new UsageError(`--workers expects an integer in [1, 256], got ${JSON.stringify(opts.workers)}`);
      }
      const { doc, source } = readScenarioDocument(scenarioPath);
      const grid = expandGrid(axes);
      const points = grid.map((p) => Object.entries(p).map(([name, value]) => ({ name, value })));
      // Validate every point up front so a bad value fails before any worker starts.
      const protocol = points.map((overrides) => validateScenario(applyOverrides(doc, overrides), source).protocol)[0]!;
      if (opts.report) checkOutputDir(opts.report, "--report");
      // ETA from runs completed per elapsed second (runs end early, so maxRounds says nothing).
      const progress = createProgress(`sweep ${grid.length}×${seeds.length}`);
      const digests = await runSweep({ doc, points, seeds, ...(workers ? { workers } : {}), onProgress: (d, t) => progress.update(d, t) });
      progress.stop();
      const aggregates: PointAggregate[] = grid.map((params, i) => aggregatePoint(params, digests[i]!, protocols[protocol].outcomes));
      process.stdout.write(opts.json ? toJson({ protocol, seeds: { from, to }, points: aggregates }) : formatSweep(protocol, aggregates));
      if (opts.report) {
        const path = writeSweepReport(opts.report, { protocol, seeds: { from, to }, points: aggregates });
        (opts.json ? process.stderr : process.stdout).write(`report: ${path}\n`);
      }
      const violated = violatingRuns(digests, grid);
      if (violated.count > 0) {
        const first = violated.first!;
        const args = [scenarioPath === undefined ? "" : shellQuote(scenarioPath), `--seed ${first.seed}`, ...Object.entries(first.params).map(([k, v]) => `--set ${shellQuote(`${k}=${String(v)}`)}`)];
        process.stderr.write(`VIOLATIONS in ${violated.count} of ${seeds.length * grid.length} runs: replay the first with: entropic sim ${args.filter(Boolean).join(" ")}\n`);
        process.exitCode = EXIT_VIOLATION;
      }
    });
}

/** Runs whose checkers found a safety or validity violation, and the first of them (grid order, then seed). */
export function violatingRuns(
  digests: readonly (readonly RunDigest[])[],
  grid: readonly GridPoint[],
): { count: number; first: { seed: number; params: GridPoint } | null } {
  let count = 0;
  let first: { seed: number; params: GridPoint } | null = null;
  digests.forEach((runs, i) => {
    for (const d of [...runs].sort((a, b) => a.seed - b.seed)) {
      if ((d.fields.safetyViolations ?? 0) > 0 || (d.fields.validityViolations ?? 0) > 0) {
        count++;
        first ??= { seed: d.seed, params: grid[i]! };
      }
    }
  });
  return { count, first };
}
