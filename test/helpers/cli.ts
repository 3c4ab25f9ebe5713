/** Running the built CLI (dist/cli/main.js, what `npx entropic` runs) as a child process. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");
const bin = resolve(repoRoot, "dist/cli/main.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `nodeArgs`: flags for node itself, before the script (V8 flags such as --max-semi-space-size). */
export function entropic(args: readonly string[], options: { cwd?: string; timeoutMs?: number; nodeArgs?: readonly string[] } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
