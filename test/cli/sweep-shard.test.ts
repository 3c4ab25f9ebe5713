// `sweep --shard I/N` (and the array index a scheduler gives: Kubernetes Indexed Jobs'
// JOB_COMPLETION_INDEX, Slurm arrays' SLURM_ARRAY_TASK_ID) and `entropic merge`: the merged
// shards are byte for byte what the whole sweep writes (timings.json apart); inconsistent
// values and shards that do not belong together are refused with one line and exit 2.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveShard } from "../../src/cli/sweep/shard.js";
import { oneLine, run, runAsync, tinyScenario } from "./sweep-helpers.js";

describe("which shard (resolveShard)", () => {
  const ok = (flag: string | undefined, shards: string | undefined, env: Record<string, string>) => {
    const s = resolveShard(flag, shards, env);
    return s && { index: s.index, count: s.count };
  };
  const bad = (flag: string | undefined, shards: string | undefined, env: Record<string, string>, says: RegExp) => expect(() => resolveShard(flag, shards, env)).toThrow(says);

  it("--shard I/N", () => {
    expect(ok("2/4", undefined, {})).toEqual({ index: 2, count: 4 });
    expect(ok("0/1", "1", {})).toEqual({ index: 0, count: 1 });
    bad("4/4", undefined, {}, /index must be below the count/);
    bad("1/0", undefined, {}, /shard count in \[1/);
    bad("a/b", undefined, {}, /expects I\/N/);
    bad("1/4", "3", {}, /disagrees with --shards 3/);
    // the flag wins over a scheduler's variables
    expect(ok("1/4", undefined, { JOB_COMPLETION_INDEX: "3", SLURM_ARRAY_TASK_ID: "2" })).toEqual({ index: 1, count: 4 });
  });

  it("nothing set: the whole sweep; --shards alone is refused", () => {
    expect(ok(undefined, undefined, {})).toBeNull();
    expect(ok(undefined, undefined, { ENTROPIC_SHARDS: "4" })).toBeNull();
    bad(undefined, "4", {}, /--shards 4 needs --shard/);
  });

  it("Kubernetes Indexed Job: JOB_COMPLETION_INDEX with --shards or ENTROPIC_SHARDS", () => {
    expect(ok(undefined, undefined, { JOB_COMPLETION_INDEX: "1", ENTROPIC_SHARDS: "3" })).toEqual({ index: 1, count: 3 });
    expect(ok(undefined, "3", { JOB_COMPLETION_INDEX: "2" })).toEqual({ index: 2, count: 3 });
    bad(undefined, undefined, { JOB_COMPLETION_INDEX: "1" }, /not the shard count: pass --shards N or set ENTROPIC_SHARDS/);
    bad(undefined, undefined, { JOB_COMPLETION_INDEX: "3", ENTROPIC_SHARDS: "3" }, /not below the shard count 3/);
    bad(undefined, "4", { JOB_COMPLETION_INDEX: "1", ENTROPIC_SHARDS: "3" }, /--shards 4 disagrees with ENTROPIC_SHARDS=3/);
    bad(undefined, undefined, { JOB_COMPLETION_INDEX: "x", ENTROPIC_SHARDS: "3" }, /JOB_COMPLETION_INDEX expects/);
  });

  it("Slurm array: (SLURM_ARRAY_TASK_ID − MIN) / STEP of SLURM_ARRAY_TASK_COUNT", () => {
    expect(ok(undefined, undefined, { SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "4" })).toEqual({ index: 0, count: 4 });
    expect(ok(undefined, undefined, { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_MAX: "6", SLURM_ARRAY_TASK_COUNT: "3" })).toEqual({ index: 1, count: 3 });
    expect(ok(undefined, undefined, { SLURM_ARRAY_TASK_ID: "8", SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_MAX: "8", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "3" })).toEqual({ index: 2, count: 3 });
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "1" }, /not SLURM_ARRAY_TASK_COUNT/);
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_MAX: "7", SLURM_ARRAY_TASK_COUNT: "3" }, /past the last task|gaps/);
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_MAX: "7", SLURM_ARRAY_TASK_COUNT: "4" }, /max 7 is not min \+ \(count−1\)·step/);
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "3", SLURM_ARRAY_TASK_COUNT: "4" }, /not min \+ k·step/);
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4", ENTROPIC_SHARDS: "3" }, /disagrees with ENTROPIC_SHARDS 3/);
    bad(undefined, undefined, { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4", JOB_COMPLETION_INDEX: "1" }, /both JOB_COMPLETION_INDEX=1 and SLURM_ARRAY_TASK_ID=1 are set/);
  });
});

const dir = mkdtempSync(join(tmpdir(), "entropic-sweep-shard-"));
const scenario = tinyScenario(dir);
const sweep = ["sweep", scenario, "--seeds", "0..4", "--set", "beta=10,15", "--workers", "1"];
const at = (name: string) => join(dir, name);
const read = (d: string, f: string) => readFileSync(join(d, f), "utf8");
const DETERMINISTIC = ["sweep.json", "runs.csv", "runs.jsonl"];

beforeAll(async () => {
  const rs = await Promise.all([
    runAsync([...sweep, "--out", at("full")]),
    ...[0, 1, 2].map((i) => runAsync([...sweep, "--shard", `${i}/3`, "--out", at(`s${i}`)])),
    runAsync([...sweep, "--out", at("k8s-1")], { JOB_COMPLETION_INDEX: "1", ENTROPIC_SHARDS: "3" }),
    runAsync([...sweep, "--out", at("slurm-1")], { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_MAX: "6", SLURM_ARRAY_TASK_COUNT: "3" }),
  ]);
  for (const r of rs) expect(r.status, r.stderr).toBe(0);
  expect(rs[4]!.stderr).toMatch(/^shard 1\/3 from JOB_COMPLETION_INDEX=1: 3 of 10 runs$/m);
  expect(rs[5]!.stderr).toMatch(/^shard 1\/3 from SLURM_ARRAY_TASK_ID=5 \(min 4, step 1, count 3\): 3 of 10 runs$/m);
}, 300_000);

describe("sweep --shard I/N and entropic merge", () => {
  it("each shard holds its runs (run mod 3 = I)", () => {
    const runsOf = (d: string) => read(d, "runs.jsonl").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { run: number }).run);
    expect(runsOf(at("s0"))).toEqual([0, 3, 6, 9]);
    expect(runsOf(at("s1"))).toEqual([1, 4, 7]);
    expect(runsOf(at("s2"))).toEqual([2, 5, 8]);
    // each shard's rows are the whole sweep's rows for those runs, byte for byte
    const full = read(at("full"), "runs.jsonl").split("\n");
    expect(read(at("s1"), "runs.jsonl")).toBe([full[1], full[4], full[7], ""].join("\n"));
  });

  it("the scheduler's index gives the same shard as --shard", () => {
    for (const d of ["k8s-1", "slurm-1"]) {
      expect(read(at(d), "runs.jsonl"), d).toBe(read(at("s1"), "runs.jsonl"));
      expect(read(at(d), "runs.csv"), d).toBe(read(at("s1"), "runs.csv"));
    }
  });

  it("merge (in any order) writes exactly the whole sweep's files; timings.json differs only in times", () => {
    const r = run(["merge", at("s2"), at("s0"), at("s1"), "--out", at("merged")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 3 shards, 10 runs/);
    expect(readdirSync(at("merged")).sort()).toEqual(readdirSync(at("full")).sort());
    for (const f of DETERMINISTIC) expect(read(at("merged"), f), f).toBe(read(at("full"), f));
    const t = JSON.parse(read(at("merged"), "timings.json")) as { shards: { index: number }[]; points: { runs: number }[] };
    expect(t.shards.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(t.points.map((p) => p.runs)).toEqual([5, 5]);
    // a scheduler-indexed shard stands in for its --shard twin
    const r2 = run(["merge", at("s0"), at("k8s-1"), at("s2"), "--out", at("merged2")]);
    expect(r2.status, r2.stderr).toBe(0);
    for (const f of DETERMINISTIC) expect(read(at("merged2"), f), f).toBe(read(at("full"), f));
  }, 180_000);

  it("merge refuses a missing shard, a shard given twice, a folder that is no shard, with one line and exit 2", () => {
    const cases: [string[], RegExp][] = [
      [[at("s0"), at("s2")], /merge: shard 1 of 3 missing/],
      [[at("s0"), at("s1"), at("s1"), at("s2")], /merge: shard 1\/3 given twice/],
      [[at("s0"), at("k8s-1"), at("s1"), at("s2")], /merge: shard 1\/3 given twice/],
      [[at("full"), at("s0")], /no shard\.json/],
      [[at("nope")], /no such folder/],
      [[at("s0"), at("s1"), at("s2"), "--out", at("s1")], /--out .*s1 is one of the shard folders/],
    ];
    for (const [dirs, says] of cases) {
      const r = run(["merge", ...dirs, ...(dirs.includes("--out") ? [] : ["--out", at("refused")])]);
      expect(r.status, dirs.join(" ")).toBe(2);
      expect(r.stderr, dirs.join(" ")).toMatch(says);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
    }
  }, 180_000);

  it("merge refuses shards of another scenario, grid or seed range, with one line and exit 2", async () => {
    const other = join(dir, "other.yaml");
    writeFileSync(other, readFileSync(scenario, "utf8").replace("maxRounds: 60", "maxRounds: 61"));
    const rs = await Promise.all([
      runAsync(["sweep", other, "--seeds", "0..4", "--set", "beta=10,15", "--workers", "1", "--shard", "1/3", "--out", at("o-scenario")]),
      runAsync([...sweep.slice(0, 3), "0..5", "--set", "beta=10,15", "--workers", "1", "--shard", "1/3", "--out", at("o-seeds")]),
      runAsync([...sweep.slice(0, 3), "0..4", "--set", "beta=10,20", "--workers", "1", "--shard", "1/3", "--out", at("o-grid")]),
      runAsync([...sweep, "--shard", "1/4", "--out", at("o-count")]),
    ]);
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    const cases: [string, RegExp][] = [
      ["o-scenario", /is from another sweep than .*s0 \(scenario differs\)/],
      ["o-seeds", /is from another sweep than .*s0 \(seed range differs\)/],
      ["o-grid", /is from another sweep than .*s0 \(grid \(--set\) differs\)/],
      ["o-count", /is from another sweep than .*s0 \(shard count differs\)/],
    ];
    for (const [d, says] of cases) {
      const r = run(["merge", at("s0"), at(d), at("s2"), "--out", at("refused")]);
      expect(r.status, d).toBe(2);
      expect(r.stderr, d).toMatch(says);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
    }
  }, 180_000);

  it("sweep refuses inconsistent shard values with one line and exit 2, before any run", () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["--shard", "3/3", "--out", at("x")], {}, /--shard 3\/3: the index must be below the count/],
      [["--shard", "1/3"], {}, /shard 1\/3 \(from --shard\) needs --out DIR/],
      [["--shard", "1/3", "--out", at("x"), "--report", at("y")], {}, /--report needs the whole sweep/],
      [["--shard", "1/3", "--out", at("x"), "--shards", "4"], {}, /disagrees with --shards 4/],
      [["--out", at("x")], { JOB_COMPLETION_INDEX: "1" }, /JOB_COMPLETION_INDEX=1 is set but not the shard count/],
      [["--out", at("x")], { JOB_COMPLETION_INDEX: "3", ENTROPIC_SHARDS: "3" }, /not below the shard count 3/],
      [["--out", at("x")], { SLURM_ARRAY_TASK_ID: "2" }, /not SLURM_ARRAY_TASK_COUNT/],
      [[], { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "4" }, /shard 2\/4 \(from SLURM_ARRAY_TASK_ID=2 .*\) needs --out DIR for entropic merge; --no-shard runs the whole sweep/],
      [["--no-shard", "--shards", "3"], {}, /--no-shard and --shards contradict/],
    ];
    for (const [args, env, says] of cases) {
      const r = run([...sweep, ...args], env);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(says);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
    }
  }, 180_000);

  it("--no-shard runs the whole sweep inside an array task", () => {
    const r = run([...sweep, "--no-shard", "--out", at("whole")], { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "4" });
    expect(r.status, r.stderr).toBe(0);
    for (const f of DETERMINISTIC) expect(read(at("whole"), f), f).toBe(read(at("full"), f));
  }, 180_000);
});
