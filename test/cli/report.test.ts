import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { entropic } from "../helpers/cli.js";

describe("entropic report and --report", () => {
  const saved = process.env.ENTROPIC_CHROMIUM;
  afterEach(() => {
    if (saved === undefined) delete process.env.ENTROPIC_CHROMIUM;
    else process.env.ENTROPIC_CHROMIUM = saved;
  });

  it("sim --report without --out writes ./out/<scenario>-<seed>/ and prints the path", () => {
    const cwd = mkdtempSync(join(tmpdir(), "entropic-report-cli-"));
    const r = entropic(["sim", "--seed", "2", "--report"], { cwd });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/report\s+out\/emtd-seed-2\/report\.html/);
    for (const f of ["report.html", "trace.json", "summary.json", "rounds.jsonl"]) expect(existsSync(join(cwd, "out/emtd-seed-2", f))).toBe(true);
  });

  it("with --json the summary stays alone on stdout and the path goes to stderr", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-report-cli-"));
    const r = entropic(["sim", "--json", "--report", "--out", dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).protocol).toBe("emtd-seed");
    expect(r.stderr).toContain(join(dir, "report.html"));
  });

  it("a folder that holds no run exits 2 with one line", () => {
    const r = entropic(["report", mkdtempSync(join(tmpdir(), "entropic-empty-"))]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/not a run folder/);
  });

  it("--png without Chromium tells how to install it, in one line, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-report-cli-"));
    expect(entropic(["sim", "--out", dir]).status).toBe(0);
    process.env.ENTROPIC_CHROMIUM = "/nonexistent/chromium";
    const r = entropic(["report", dir, "--png", join(dir, "png")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/apt-get install -y chromium/);
    // The report itself was still written; a run without a trace says how to get the graph.
    expect(existsSync(join(dir, "report.html"))).toBe(true);
  });
});
