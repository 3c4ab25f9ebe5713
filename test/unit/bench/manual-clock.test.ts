// The benchmarks without options (bench/lib/no-arguments.ts), bench/node-sim.ts and bench/node-sim-ab.ts refuse bad arguments with one line and exit 2, before any run.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/cli.js";

const run = (file: string, args: string[]) => spawnSync(process.execPath, ["--import", "tsx", file, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

describe("bench CLIs refuse bad arguments", () => {
  const noOptions = ["manual-clock", "page-faults", "typed-alloc"].flatMap((name) => [[name, ["--bogus"]] as const, [name, ["extra"]] as const]);
  it.each(noOptions)("%s refuses %j with exit 2 and one line", (name, args) => {
    const r = run(`bench/${name}.ts`, [...args]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${name}: .*usage: node --import tsx bench/${name}\\.ts`));
  });

  it.each([[["--sets", "0"]], [["--protocols", "raft"]], [["--bogus"]]])("node-sim refuses %j with exit 2 and one line", (args) => {
    const r = run("bench/node-sim.ts", args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^node-sim: /);
  });

  it.each([[[]], [["--base", "HEAD", "--pairs", "0"]], [["--base", "no-such-rev-anywhere"]], [["--base", "HEAD", "--protocol", "raft"]], [["--bogus"]]])("node-sim-ab refuses %j with exit 2 and one line, building nothing", (args) => {
    const r = run("bench/node-sim-ab.ts", args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^node-sim-ab: /);
  });
});
