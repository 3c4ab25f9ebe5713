// One row per run (runs.csv, runs.jsonl): flattening, RFC 4180 quoting, a stable column
// order, and the deterministic shares of `sweep --shard I/N`.
import { describe, expect, it } from "vitest";
import { csvCell, flattenInto, rowColumns, rowsToCsv, rowsToJsonl, runRow, type Cell, type Row } from "../../../src/sim/sweep-rows.js";
import { shardRuns, sweepRuns } from "../../../src/sim/sweep.js";
import { parseCsv } from "../../helpers/csv.js";

describe("sweep rows", () => {
  it("flattens nested objects and arrays with dotted names; non-finite numbers are null", () => {
    const out: Record<string, Cell> = {};
    flattenInto({ a: { b: 1, c: [2, { d: "x" }] }, e: null, f: Number.NaN, g: Infinity, h: {}, i: [], j: undefined, k: true }, "", out);
    expect(out).toEqual({ "a.b": 1, "a.c.0": 2, "a.c.1.d": "x", e: null, f: null, g: null, k: true });
    expect(Object.keys(out)).toEqual(["a.b", "a.c.0", "a.c.1.d", "e", "f", "g", "k"]);
  });

  it("a run's row: run, point, set.NAME overrides, the summary without wall-clock simMs", () => {
    const row = runRow({ run: 7, point: 1, seed: 3 }, { beta: 10, "topology.n": 40 }, { scenario: "s", seed: 3, simMs: 12.5, params: { beta: 10 }, final: { energy: Number.NaN } });
    expect(row).toEqual({ run: 7, point: 1, "set.beta": 10, "set.topology.n": 40, scenario: "s", seed: 3, "params.beta": 10, "final.energy": null });
    expect(Object.keys(row)[0]).toBe("run");
  });

  it("quotes as RFC 4180 says, and keeps the empty string apart from a missing value", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
    expect(csvCell("")).toBe('""');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvCell(1e-7)).toBe("1e-7");
  });

  it("columns in order of first appearance; every record as wide as the header; CRLF; parses back", () => {
    const rows: Row[] = [
      { run: 0, name: 'x, "y"', v: 1.5 },
      { run: 1, name: "", v: null, extra: "line\nbreak" },
    ];
    expect(rowColumns(rows)).toEqual(["run", "name", "v", "extra"]);
    const csv = rowsToCsv(rows);
    expect(csv).toBe('run,name,v,extra\r\n0,"x, ""y""",1.5,\r\n1,"",,"line\nbreak"\r\n');
    expect(parseCsv(csv)).toEqual([
      ["run", "name", "v", "extra"],
      ["0", 'x, "y"', "1.5", ""],
      ["1", "", "", "line\nbreak"],
    ]);
    expect(rowsToJsonl(rows).split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown)).toEqual(rows);
  });
});

describe("sweep shards", () => {
  it("numbers runs grid point by grid point, seeds in order", () => {
    expect(sweepRuns(2, [5, 6, 7])).toEqual([
      { run: 0, point: 0, seed: 5 },
      { run: 1, point: 0, seed: 6 },
      { run: 2, point: 0, seed: 7 },
      { run: 3, point: 1, seed: 5 },
      { run: 4, point: 1, seed: 6 },
      { run: 5, point: 1, seed: 7 },
    ]);
  });

  it("N shards partition the runs (run mod N = I), whatever N", () => {
    const all = sweepRuns(3, [0, 1, 2, 3, 4]);
    for (const n of [1, 2, 4, 7, 15, 40]) {
      const shards = Array.from({ length: n }, (_, i) => shardRuns(all, i, n));
      expect(shards.flat().map((r) => r.run).sort((a, b) => a - b)).toEqual(all.map((r) => r.run));
      shards.forEach((s, i) => s.forEach((r) => expect(r.run % n).toBe(i)));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});
