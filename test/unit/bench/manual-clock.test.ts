// bench/manual-clock.ts, bench/node-sim.ts and bench/page-faults.ts refuse bad arguments with one line and exit 2, before any run.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/cli.js";

const run = (file: string, args: string[]) => spawnSync(process.execPath, ["--import", "tsx", file, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

describe("bench CLIs refuse bad arguments", () => {
  it.each([[["--bogus"]], [["extra"]]])("manual-clock refuses %j with exit 2 and one line", (args) => {
    const r = run("bench/manual-clock.ts", args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^manual-clock: .*usage: node --import tsx bench\/manual-clock\.ts/);
  });

  it.each([[["--sets", "0"]], [["--protocols", "raft"]], [["--bogus"]]])("node-sim refuses %j with exit 2 and one line", (args) => {
    const r = run("bench/node-sim.ts", args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^node-sim: /);
  });

  it.each([[["--bogus"]], [["extra"]]])("page-faults refuses %j with exit 2 and one line", (args) => {
    const r = run("bench/page-faults.ts", args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^page-faults: .*usage: node --import tsx bench\/page-faults\.ts/);
  });
});
