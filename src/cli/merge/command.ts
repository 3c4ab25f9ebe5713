/**
 * `entropic merge DIR... --out DIR`: combine the folders of `sweep --shard I/N --out DIR`
 * runs into exactly what the whole sweep's `--out DIR` holds (sweep.json, runs.csv,
 * runs.jsonl byte for byte; timings.json gathers the shards' wall-clock times). Shards of
 * different sweeps, a missing shard or one given twice are refused with one line (exit 2).
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { expandGrid } from "../../sim/sweep.js";
import { checkInputDir, checkOutputDir } from "../files.js";
import { reportViolations } from "../sweep/command.js";
import { combineShards, readShard, writeSweepOutputs } from "../sweep/output.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("combine the --out folders of every sweep --shard I/N run into what the whole sweep writes")
    .argument("<dirs...>", "the shard folders (each holds shard.json, runs.jsonl, runs.csv)")
    .requiredOption("--out <dir>", "write sweep.json, runs.csv, runs.jsonl and timings.json here")
    .action((dirs: string[], opts: { out: string }) => {
      for (const d of dirs) checkInputDir(d, "merge:");
      checkOutputDir(opts.out, "--out");
      const same = dirs.find((d) => resolve(d) === resolve(opts.out));
      if (same !== undefined) throw new UsageError(`--out ${opts.out} is one of the shard folders: merge into another folder`);
      const shards = dirs.map(readShard);
      const { id, results } = combineShards(shards, (i) => expandGrid(i.axes).length);
      const grid = expandGrid(id.axes);
      if (grid.length * (id.seeds.to - id.seeds.from + 1) !== results.length) throw new UsageError(`merge: the shards hold ${results.length} runs, the sweep has ${grid.length * (id.seeds.to - id.seeds.from + 1)}`);
      const timings = {
        wallMs: null,
        shards: [...shards].sort((a, b) => a.shard.index - b.shard.index).map((s) => ({ index: s.shard.index, dir: s.dir, wallMs: (s.timings as { wallMs?: unknown } | null)?.wallMs ?? null })),
      };
      writeSweepOutputs(opts.out, id, grid, results, timings);
      process.stdout.write(`merged ${shards.length} shard${shards.length === 1 ? "" : "s"}, ${results.length} runs: ${opts.out} (sweep.json, runs.csv, runs.jsonl, timings.json)\n`);
      reportViolations(id.scenario?.path, grid, results, results.length);
    });
}
