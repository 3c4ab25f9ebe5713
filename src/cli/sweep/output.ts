/**
 * What `sweep --out DIR` writes, what a shard (`sweep --shard I/N --out DIR`) writes, and
 * reading shards back for `entropic merge`.
 *
 * A whole sweep's folder: sweep.json (the aggregates, what `--json` prints), runs.csv and
 * runs.jsonl (one row per run, src/sim/sweep-rows.ts), all three a pure function of
 * scenario, grid and seeds; and timings.json, the wall-clock times, which are not (kept out
 * of the other three so that equal sweeps give equal bytes).
 *
 * A shard's folder: shard.json (which sweep, which shard, and the digest of each of its runs,
 * which the aggregates are computed from), its runs' rows in runs.csv and runs.jsonl, and
 * its timings.json. `entropic merge` checks the shards belong together and writes exactly
 * the whole sweep's files (timings.json apart).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../core/errors.js";
import { protocols, type ProtocolName } from "../../sim/registry.js";
import { aggregatePoint, type GridPoint, type PointAggregate, type RunDigest, type RunRef, shardRuns, type SweepAxis, sweepRuns } from "../../sim/sweep.js";
import { type Row, rowsToCsv, rowsToJsonl } from "../../sim/sweep-rows.js";
import { toJson } from "../../sim/output.js";
import { writeFileAtomic } from "../files.js";
import type { RunResult } from "./pool.js";

export const SWEEP_JSON = "sweep.json";
export const RUNS_CSV = "runs.csv";
export const RUNS_JSONL = "runs.jsonl";
export const TIMINGS_JSON = "timings.json";
export const SHARD_JSON = "shard.json";
const SHARD_FORMAT = "entropic-sweep-shard/1";

/** What makes two shards parts of the same sweep. */
export interface SweepIdentity {
  readonly protocol: string;
  /** the scenario as given (for the replay line) and the SHA-256 of the document run (files it names included) */
  readonly scenario: { readonly path: string | null; readonly sha256: string };
  readonly axes: readonly SweepAxis[];
  readonly seeds: { readonly from: number; readonly to: number };
}

export function scenarioHash(doc: unknown): string {
  return createHash("sha256").update(JSON.stringify(doc)).digest("hex");
}

/** The aggregates as written to sweep.json and printed by `--json`: no wall-clock time in them. */
export function sweepDocument(protocol: string, seeds: { from: number; to: number }, points: readonly PointAggregate[]): { protocol: string; seeds: { from: number; to: number }; points: Omit<PointAggregate, "simMs">[] } {
  return { protocol, seeds, points: points.map(({ simMs: _simMs, ...rest }) => rest) };
}

/** Aggregate per grid point from every run's digest (any order). */
export function aggregateAll(protocol: string, grid: readonly GridPoint[], results: readonly { ref: RunRef; digest: RunDigest }[]): PointAggregate[] {
  const byPoint: RunDigest[][] = grid.map(() => []);
  for (const r of results) byPoint[r.ref.point]!.push(r.digest);
  const outcomes = protocols[protocol as ProtocolName]?.outcomes ?? [];
  return grid.map((params, i) => aggregatePoint(params, byPoint[i]!, outcomes));
}

export interface Timings {
  readonly wallMs: number;
  readonly workers: number;
}

function pointTimings(grid: readonly GridPoint[], results: readonly { ref: RunRef; digest: RunDigest }[]): { params: GridPoint; runs: number; simMs: number }[] {
  const out = grid.map((params) => ({ params, runs: 0, simMs: 0 }));
  for (const r of results) {
    out[r.ref.point]!.runs++;
    out[r.ref.point]!.simMs += r.digest.simMs;
  }
  return out;
}

/** Write a whole sweep's four files; returns the aggregates. */
export function writeSweepOutputs(dir: string, id: SweepIdentity, grid: readonly GridPoint[], results: readonly RunResult[], timings: Record<string, unknown>): PointAggregate[] {
  const ordered = [...results].sort((a, b) => a.ref.run - b.ref.run);
  const aggregates = aggregateAll(id.protocol, grid, ordered);
  const rows = ordered.map((r) => r.row);
  writeFileAtomic(join(dir, SWEEP_JSON), toJson(sweepDocument(id.protocol, id.seeds, aggregates)));
  writeFileAtomic(join(dir, RUNS_JSONL), rowsToJsonl(rows));
  writeFileAtomic(join(dir, RUNS_CSV), rowsToCsv(rows));
  writeFileAtomic(join(dir, TIMINGS_JSON), toJson({ note: "wall-clock times: they differ between two runs of the same sweep, so they are kept out of sweep.json and runs.*", ...timings, points: pointTimings(grid, ordered) }));
  return aggregates;
}

/** Write one shard's files. */
export function writeShardOutputs(dir: string, id: SweepIdentity, shard: { index: number; count: number }, results: readonly RunResult[], timings: Timings, grid: readonly GridPoint[]): void {
  const rows = results.map((r) => r.row);
  const manifest = {
    format: SHARD_FORMAT,
    ...id,
    shard: { index: shard.index, count: shard.count },
    runs: results.length,
    digests: results.map((r) => ({ run: r.ref.run, ...r.digest })),
  };
  writeFileAtomic(join(dir, RUNS_JSONL), rowsToJsonl(rows));
  writeFileAtomic(join(dir, RUNS_CSV), rowsToCsv(rows));
  writeFileAtomic(join(dir, TIMINGS_JSON), toJson({ note: "wall-clock times of this shard", shard: manifest.shard, ...timings, points: pointTimings(grid, results) }));
  // Last: a folder with shard.json is a complete shard.
  writeFileAtomic(join(dir, SHARD_JSON), toJson(manifest));
}

export interface ShardRead {
  readonly dir: string;
  readonly id: SweepIdentity;
  readonly shard: { readonly index: number; readonly count: number };
  readonly results: RunResult[];
  readonly timings: unknown;
}

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new UsageError(`${what}`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function parse(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${(error as Error).message})`);
  }
}

/** Read a shard folder: shard.json, runs.jsonl (and timings.json when present). */
export function readShard(dir: string): ShardRead {
  const manifestPath = join(dir, SHARD_JSON);
  const m = parse(readText(manifestPath, `${dir}: no ${SHARD_JSON} (not the --out folder of a finished sweep --shard run)`), manifestPath) as Record<string, unknown>;
  if (m.format !== SHARD_FORMAT) throw new UsageError(`${manifestPath}: not a sweep shard (format ${JSON.stringify(m.format)}, expected ${SHARD_FORMAT})`);
  const shard = m.shard as { index?: unknown; count?: unknown } | undefined;
  const digests = m.digests as (RunDigest & { run: number })[] | undefined;
  if (!shard || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || !Array.isArray(digests) || typeof m.protocol !== "string") {
    throw new UsageError(`${manifestPath}: damaged (shard, digests or protocol missing)`);
  }
  const id: SweepIdentity = { protocol: m.protocol, scenario: m.scenario as SweepIdentity["scenario"], axes: m.axes as SweepAxis[], seeds: m.seeds as SweepIdentity["seeds"] };
  const rowsPath = join(dir, RUNS_JSONL);
  const lines = readText(rowsPath, `${dir}: no ${RUNS_JSONL} beside ${SHARD_JSON}`).split("\n").filter((l) => l !== "");
  if (lines.length !== digests.length) throw new UsageError(`${rowsPath}: ${lines.length} rows, but ${SHARD_JSON} lists ${digests.length} runs`);
  const nSeeds = id.seeds.to - id.seeds.from + 1;
  const results: RunResult[] = lines.map((line, k) => {
    const row = parse(line, `${rowsPath} line ${k + 1}`) as Row;
    const { run, ...digest } = digests[k]!;
    if (row.run !== run) throw new UsageError(`${rowsPath} line ${k + 1}: run ${String(row.run)}, but ${SHARD_JSON} says run ${run}`);
    return { ref: { run, point: Math.floor(run / nSeeds), seed: digest.seed }, digest, row };
  });
  const timingsPath = join(dir, TIMINGS_JSON);
  const timings = existsSync(timingsPath) ? parse(readFileSync(timingsPath, "utf8"), timingsPath) : null;
  return { dir, id, shard: { index: shard.index as number, count: shard.count as number }, results, timings };
}

/**
 * Check that the shards are all of one sweep, each exactly once, each complete, and return
 * every run in run order. Any problem is one UsageError line.
 */
export function combineShards(shards: readonly ShardRead[], gridSize: (id: SweepIdentity) => number): { id: SweepIdentity; results: RunResult[] } {
  const first = shards[0]!;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const differs = [
      s.id.protocol !== first.id.protocol && "protocol",
      s.id.scenario?.sha256 !== first.id.scenario?.sha256 && "scenario",
      JSON.stringify(s.id.axes) !== JSON.stringify(first.id.axes) && "grid (--set)",
      JSON.stringify(s.id.seeds) !== JSON.stringify(first.id.seeds) && "seed range",
      s.shard.count !== count && "shard count",
    ].filter(Boolean);
    if (differs.length) throw new UsageError(`merge: ${s.dir} is from another sweep than ${first.dir} (${differs.join(", ")} differ${differs.length === 1 ? "s" : ""})`);
    const before = seen.get(s.shard.index);
    if (before !== undefined) throw new UsageError(`merge: shard ${s.shard.index}/${count} given twice (${before} and ${s.dir})`);
    seen.set(s.shard.index, s.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new UsageError(`merge: shard${missing.length === 1 ? "" : "s"} ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""} of ${count} missing`);
  const seeds = Array.from({ length: first.id.seeds.to - first.id.seeds.from + 1 }, (_, i) => first.id.seeds.from + i);
  const all = sweepRuns(gridSize(first.id), seeds);
  const results: RunResult[] = new Array(all.length);
  for (const s of shards) {
    const expected = shardRuns(all, s.shard.index, count);
    const got = s.results.map((r) => r.ref.run);
    if (got.length !== expected.length || expected.some((r, k) => r.run !== got[k] || r.seed !== s.results[k]!.digest.seed)) {
      throw new UsageError(`merge: ${s.dir} does not hold the runs of shard ${s.shard.index}/${count} (${got.length} runs, expected ${expected.length})`);
    }
    for (const r of s.results) results[r.ref.run] = r;
  }
  return { id: first.id, results };
}
