// bench/node-work.ts refuses bad arguments with one line and exit 2, before any run.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/cli.js";

const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "bench/node-work.ts", ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

describe("bench/node-work.ts", () => {
  it.each([[["--sets", "x"]], [["--sets", "0"]], [["--sets", "2.5"]], [["--bogus"]], [["extra"]]])("refuses %j with exit 2 and one line", (args) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^node-work: .*usage: node --import tsx bench\/node-work\.ts/);
  });
});
