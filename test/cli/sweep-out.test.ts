// `sweep --out DIR`: one row per run in runs.csv and runs.jsonl beside the aggregates, read
// back by a strict RFC 4180 parser, by Python's csv module, and by pandas and R's read.csv
// where they are installed (each skipped with a one-line notice otherwise); the same
// scenario and seeds give the same bytes, whatever the worker count.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../helpers/csv.js";
import { flattenInto, type Cell } from "../../src/sim/sweep-rows.js";
import { run, runAsync, tinyScenario } from "./sweep-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "entropic-sweep-out-"));
const scenario = tinyScenario(dir);
const grid = ["--set", "beta=10,15", "--set", "workload.bias=0.5,0.6"];
const a = join(dir, "a");
const b = join(dir, "b");
const read = (d: string, f: string) => readFileSync(join(d, f), "utf8");
type Row = Record<string, Cell>;
let rows: Row[] = [];
let stdout = "";

/** The first python3 on PATH, or Debian's, that imports `module`; null when none does. */
function pythonWith(module: string): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", `import ${module}`], { encoding: "utf8" });
    if (r.error === undefined && r.status === 0) return py;
  }
  return null;
}

beforeAll(async () => {
  const [one, two] = await Promise.all([
    runAsync(["sweep", scenario, "--seeds", "3..5", ...grid, "--workers", "1", "--out", a]),
    runAsync(["sweep", scenario, "--seeds", "3..5", ...grid, "--workers", "2", "--out", b, "--json"]),
  ]);
  expect(one.status, one.stderr).toBe(0);
  expect(two.status, two.stderr).toBe(0);
  stdout = two.stdout;
  rows = read(a, "runs.jsonl").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Row);
}, 200_000);

describe("sweep --out DIR", () => {
  it("writes sweep.json, runs.csv, runs.jsonl and timings.json", () => {
    for (const f of ["sweep.json", "runs.csv", "runs.jsonl", "timings.json"]) expect(existsSync(join(a, f)), f).toBe(true);
    // --json prints exactly sweep.json
    expect(stdout).toBe(read(b, "sweep.json"));
  });

  it("same scenario and seeds, same bytes (one worker or two); wall-clock only in timings.json", () => {
    for (const f of ["sweep.json", "runs.csv", "runs.jsonl"]) expect(read(b, f), f).toBe(read(a, f));
    expect(read(a, "sweep.json")).not.toMatch(/simMs/);
    expect(read(a, "runs.csv")).not.toMatch(/simMs/);
    const t = JSON.parse(read(a, "timings.json")) as { wallMs: number; points: { runs: number; simMs: number }[] };
    expect(t.points).toHaveLength(4);
    expect(t.points.every((p) => p.runs === 3 && p.simMs > 0)).toBe(true);
  });

  it("one row per run, in grid order then seed, with the overrides and every summary field of that run", () => {
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.run)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(rows.map((r) => r.seed)).toEqual([3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5]);
    expect(rows.map((r) => `${r["set.beta"]}/${r["set.workload.bias"]}`)).toEqual(["10/0.5", "10/0.5", "10/0.5", "10/0.6", "10/0.6", "10/0.6", "15/0.5", "15/0.5", "15/0.5", "15/0.6", "15/0.6", "15/0.6"]);
    // run 10 is what `entropic sim` gives for that seed and those overrides, flattened (less simMs)
    const sim = run(["sim", scenario, "--seed", "4", "--set", "beta=15", "--set", "workload.bias=0.6", "--json"]);
    expect(sim.status, sim.stderr).toBe(0);
    const { simMs: _t, ...summary } = JSON.parse(sim.stdout) as Record<string, unknown>;
    const flat: Record<string, Cell> = {};
    flattenInto(summary, "", flat);
    const { run: _r, point, "set.beta": _b, "set.workload.bias": _w, ...rest } = rows[10]!;
    expect(point).toBe(3);
    expect(rest).toEqual(flat);
    expect(rows[10]!["params.beta"]).toBe(15);
    expect(rows[10]!["workload.bias"]).toBe(0.6);
  }, 180_000);

  it("runs.csv: RFC 4180, CRLF, a header of every column, each record as wide, same values as runs.jsonl", () => {
    const csv = read(a, "runs.csv");
    expect(csv.endsWith("\r\n")).toBe(true);
    const table = parseCsv(csv);
    const [header, ...records] = table;
    expect(header!.slice(0, 4)).toEqual(["run", "point", "set.beta", "set.workload.bias"]);
    expect(header).toContain("final.finalizedShare");
    expect(new Set(header).size).toBe(header!.length);
    expect(records).toHaveLength(12);
    records.forEach((rec, i) => {
      expect(rec).toHaveLength(header!.length);
      header!.forEach((col, k) => {
        const v = rows[i]![col];
        expect(rec[k], `${col} of run ${i}`).toBe(v === null || v === undefined ? "" : String(v));
      });
    });
    expect(records[0]![header!.indexOf("scenario")]).toBe('tiny, "quoted" snowball');
  });

  it("Python's csv module reads runs.csv as is (skipped with a notice without python3)", () => {
    const py = pythonWith("csv");
    if (py === null) {
      process.stdout.write("sweep-out.test.ts: python3 not found; skipping the Python csv check\n");
      return;
    }
    const script = [
      "import csv, json, sys",
      "with open(sys.argv[1], newline='') as f: table = list(csv.reader(f, strict=True))",
      "rows = [json.loads(l) for l in open(sys.argv[2])]",
      "header, records = table[0], table[1:]",
      "assert len(records) == len(rows), (len(records), len(rows))",
      "for rec, row in zip(records, rows):",
      "    assert len(rec) == len(header)",
      "    for col, cell in zip(header, rec):",
      "        v = row.get(col)",
      "        want = '' if v is None else ('true' if v is True else 'false' if v is False else (repr(v) if isinstance(v, float) else str(v)))",
      "        assert cell == want or (isinstance(v, float) and float(cell) == v), (col, cell, v)",
      "print(json.dumps({'columns': len(header), 'rows': len(records), 'scenario': records[0][header.index('scenario')]}))",
    ].join("\n");
    const r = spawnSync(py, ["-c", script, join(a, "runs.csv"), join(a, "runs.jsonl")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { columns: number; rows: number; scenario: string };
    expect(out.rows).toBe(12);
    expect(out.columns).toBe(Object.keys(rows[0]!).length);
    expect(out.scenario).toBe('tiny, "quoted" snowball');
  }, 180_000);

  it("pandas.read_csv and read_json(lines=True) load them as is (skipped with a notice without pandas)", () => {
    const py = pythonWith("pandas");
    if (py === null) {
      process.stdout.write("sweep-out.test.ts: pandas not importable (Debian: python3-pandas); skipping the pandas check\n");
      return;
    }
    const script = [
      "import json, sys, pandas as pd",
      "df = pd.read_csv(sys.argv[1])",
      "js = pd.read_json(sys.argv[2], lines=True)",
      "print(json.dumps({'shape': list(df.shape), 'jshape': list(js.shape), 'beta': str(df['set.beta'].dtype), 'scenario': df['scenario'][0],",
      "  'share': float(df['final.finalizedShare'].mean()), 'seeds': df['seed'].tolist(), 'cols': list(df.columns) == list(js.columns)}))",
    ].join("\n");
    const r = spawnSync(py, ["-c", script, join(a, "runs.csv"), join(a, "runs.jsonl")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { shape: number[]; jshape: number[]; beta: string; scenario: string; share: number; seeds: number[]; cols: boolean };
    const width = Object.keys(rows[0]!).length;
    expect(out.shape).toEqual([12, width]);
    expect(out.jshape).toEqual([12, width]);
    expect(out.beta).toBe("int64");
    expect(out.scenario).toBe('tiny, "quoted" snowball');
    expect(out.seeds).toEqual(rows.map((r) => r.seed));
    expect(out.share).toBeCloseTo(rows.reduce((s, r) => s + (r["final.finalizedShare"] as number), 0) / 12, 12);
    expect(out.cols).toBe(true);
  }, 180_000);

  it("R's read.csv loads runs.csv as is (skipped with a notice without Rscript)", () => {
    const probe = spawnSync("Rscript", ["--version"], { encoding: "utf8" });
    if (probe.error !== undefined || probe.status !== 0) {
      process.stdout.write("sweep-out.test.ts: Rscript not found (Debian: r-base-core); skipping the R check\n");
      return;
    }
    const r = spawnSync("Rscript", ["-e", "d <- read.csv(commandArgs(TRUE)[1], check.names = FALSE); cat(nrow(d), ncol(d), class(d[['set.beta']]), d[['scenario']][1], sum(d[['seed']]), sep = '|')", join(a, "runs.csv")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("|")).toEqual(["12", String(Object.keys(rows[0]!).length), "integer", 'tiny, "quoted" snowball', String(rows.reduce((s, x) => s + (x.seed as number), 0))]);
  }, 180_000);
});
