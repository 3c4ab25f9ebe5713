/**
 * Which share of a sweep this process runs: `--shard I/N`, or, without it, the index a
 * scheduler gives an array task — Kubernetes Indexed Jobs' `JOB_COMPLETION_INDEX` (the count
 * from `--shards N` or `ENTROPIC_SHARDS`, the Job's `completions`) and Slurm job arrays'
 * `SLURM_ARRAY_TASK_ID` (index = (ID − SLURM_ARRAY_TASK_MIN) / step, count =
 * `SLURM_ARRAY_TASK_COUNT`). Any inconsistency is a one-line UsageError (exit 2).
 */
import { UsageError } from "../../core/errors.js";

export interface Shard {
  readonly index: number;
  readonly count: number;
  /** where the values came from, for the notice line */
  readonly from: string;
}

export const SHARDS_ENV = "ENTROPIC_SHARDS";

function count(raw: string, what: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 1_000_000) throw new UsageError(`${what} expects a shard count in [1, 10^6], got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function index(raw: string, what: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${what} expects a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Parse `I/N` (0 ≤ I < N). */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--shard expects I/N (e.g. 0/8, shards numbered from 0), got ${JSON.stringify(raw)}`);
  const n = count(m[2]!, "--shard");
  const i = Number(m[1]);
  if (i >= n) throw new UsageError(`--shard ${raw}: the index must be below the count (shards 0..${n - 1})`);
  return { index: i, count: n };
}

/**
 * The shard this process runs, or null for the whole sweep. `shardsFlag` is `--shards N`;
 * `env` is the process environment.
 */
export function resolveShard(shardFlag: string | undefined, shardsFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | null {
  const shards = shardsFlag === undefined ? undefined : count(shardsFlag, "--shards");
  const envShards = env[SHARDS_ENV] === undefined || env[SHARDS_ENV] === "" ? undefined : count(env[SHARDS_ENV], SHARDS_ENV);
  if (shards !== undefined && envShards !== undefined && shards !== envShards) throw new UsageError(`--shards ${shards} disagrees with ${SHARDS_ENV}=${envShards}`);
  const wanted = shards ?? envShards;
  if (shardFlag !== undefined) {
    const s = parseShard(shardFlag);
    if (shards !== undefined && shards !== s.count) throw new UsageError(`--shard ${shardFlag} disagrees with --shards ${shards}`);
    return { ...s, from: "--shard" };
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  const slurm = env.SLURM_ARRAY_TASK_ID;
  const has = (v: string | undefined): v is string => v !== undefined && v !== "";
  if (has(k8s) && has(slurm)) throw new UsageError(`both JOB_COMPLETION_INDEX=${k8s} and SLURM_ARRAY_TASK_ID=${slurm} are set: pass --shard I/N`);
  if (has(k8s)) {
    const i = index(k8s, "JOB_COMPLETION_INDEX");
    if (wanted === undefined) throw new UsageError(`JOB_COMPLETION_INDEX=${k8s} is set but not the shard count: pass --shards N or set ${SHARDS_ENV} (the Job's completions)`);
    if (i >= wanted) throw new UsageError(`JOB_COMPLETION_INDEX=${k8s} is not below the shard count ${wanted}`);
    return { index: i, count: wanted, from: `JOB_COMPLETION_INDEX=${k8s}` };
  }
  if (has(slurm)) {
    const id = index(slurm, "SLURM_ARRAY_TASK_ID");
    const rawCount = env.SLURM_ARRAY_TASK_COUNT;
    if (!has(rawCount)) throw new UsageError(`SLURM_ARRAY_TASK_ID=${slurm} is set but not SLURM_ARRAY_TASK_COUNT`);
    const n = count(rawCount, "SLURM_ARRAY_TASK_COUNT");
    const min = has(env.SLURM_ARRAY_TASK_MIN) ? index(env.SLURM_ARRAY_TASK_MIN, "SLURM_ARRAY_TASK_MIN") : 0;
    const step = has(env.SLURM_ARRAY_TASK_STEP) ? count(env.SLURM_ARRAY_TASK_STEP, "SLURM_ARRAY_TASK_STEP") : 1;
    const describe = `SLURM_ARRAY_TASK_ID=${slurm} (min ${min}, step ${step}, count ${n})`;
    if (id < min || (id - min) % step !== 0) throw new UsageError(`${describe}: the task id is not min + k·step`);
    const i = (id - min) / step;
    if (i >= n) throw new UsageError(`${describe}: the task id is past the last task; an array with gaps (--array=0,3,7) cannot be split evenly, use --array=0-(N-1)`);
    if (has(env.SLURM_ARRAY_TASK_MAX)) {
      const max = index(env.SLURM_ARRAY_TASK_MAX, "SLURM_ARRAY_TASK_MAX");
      if (min + (n - 1) * step !== max) throw new UsageError(`${describe}: max ${max} is not min + (count−1)·step; an array with gaps cannot be split evenly, use --array=0-(N-1)`);
    }
    if (wanted !== undefined && wanted !== n) throw new UsageError(`${describe} disagrees with ${shards !== undefined ? "--shards" : SHARDS_ENV} ${wanted}`);
    return { index: i, count: n, from: describe };
  }
  if (shards !== undefined) throw new UsageError(`--shards ${shards} needs --shard I/N, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID`);
  return null;
}
