/** `entropic dashboard` as a real process (the built CLI), for e2e tests and the screenshot script. */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface DashboardProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** everything it wrote to stderr so far */
  stderr(): string;
  /** SIGTERM, then its exit code (null if it had to be killed after `graceMs`) */
  stop(graceMs?: number): Promise<number | null>;
}

/** Start `node dist/cli/main.js dashboard ...args` and wait for the URL it prints. */
export function startDashboard(args: readonly string[], timeoutMs = 15_000): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [resolve(root, "dist/cli/main.js"), "dashboard", "--port", "0", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`dashboard printed no URL in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`dashboard exited with ${code} before printing its URL; stderr: ${stderr}`));
    });
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /(http:\/\/\S+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      done({
        url: m[1]!,
        child,
        stderr: () => stderr,
        async stop(graceMs = 5000) {
          if (child.exitCode !== null) return child.exitCode;
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    });
  });
}
