/** Shared by the sweep CLI tests: the built CLI with a chosen environment, and a tiny scenario. */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot, type CliResult } from "../helpers/cli.js";

export const bin = resolve(repoRoot, "dist/cli/main.js");

const SCHEDULER_VARS = ["JOB_COMPLETION_INDEX", "ENTROPIC_SHARDS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_JOB_ID"];

/** The process environment without any scheduler's array variables, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0" };
  for (const k of SCHEDULER_VARS) delete env[k];
  return { ...env, ...extra };
}

export function run(args: readonly string[], extra: Record<string, string> = {}, cmd: string = process.execPath, pre: readonly string[] = [bin]): CliResult {
  const r = spawnSync(cmd, [...pre, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 180_000, env: cleanEnv(extra) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runAsync(args: readonly string[], extra: Record<string, string> = {}, cmd: string = process.execPath, pre: readonly string[] = [bin]): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, [...pre, ...args], { cwd: repoRoot, env: cleanEnv(extra) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", fail);
    child.on("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

/**
 * A small Snowball scenario (40 nodes) whose name holds a comma and double quotes, so the
 * CSV quoting is exercised end to end.
 */
export function tinyScenario(dir: string): string {
  const path = join(dir, "tiny.yaml");
  writeFileSync(
    path,
    [
      "name: 'tiny, \"quoted\" snowball'",
      "protocol: snowball",
      "seed: 0",
      "topology: { kind: watts-strogatz, n: 40, k: 4, p: 0.1 }",
      "sampling: global",
      "workload: { instances: 1, candidates: 2, bias: 0.6 }",
      "maxRounds: 60",
      "",
    ].join("\n"),
  );
  return path;
}

/** One line, no stack trace. */
export function oneLine(text: string): boolean {
  return text.trim().split("\n").length === 1 && !/\n\s+at /.test(text);
}
