// examples/library.ts, the README's library example, type-checks against the built package
// ("entropic" resolves to dist/ through package.json "exports") and runs.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const example = "examples/library.ts";

describe("examples/library.ts", () => {
  it("imports the package by its name, as a user would", () => {
    const text = readFileSync(resolve(root, example), "utf8");
    expect(text).toMatch(/from "entropic";/);
    expect(text).not.toMatch(/from "\.\.?\/(src|dist)\//);
    expect(readFileSync(resolve(root, "README.md"), "utf8")).toContain(example);
  });

  it("type-checks against dist/index.d.ts", () => {
    const r = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "examples/tsconfig.json"], { cwd: root, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("runs: every run agrees, and the error is phrased by field", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", example], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^1\. snowball on 100 nodes: agreement in \d+ rounds$/m);
    expect(r.stdout.match(/^2\. event-partition seed \d: agreement in \d+ rounds, [1-9]\d* messages cut by the partition$/gm)).toHaveLength(3);
    expect(r.stdout).toContain("3. params.alphaConfidence: 15 (default) must be at most k = 10");
  });
});
