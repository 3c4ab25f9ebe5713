/**
 * The built CLI as a child process, awaited rather than run synchronously: for tests whose
 * own process serves something the CLI talks to (a fake devnet's HTTP APIs), which a
 * blocking spawnSync would starve.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { type CliResult, repoRoot } from "./cli.js";

const bin = resolve(repoRoot, "dist/cli/main.js");

export function entropicAsync(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult & { ms: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", fail);
    child.on("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
