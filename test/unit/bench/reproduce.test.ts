// `npm run reproduce` (bench/reproduce.ts) on tiny seed counts: the document's tables, the
// per-seed comparison with the seed's own Python (skipped where python3 with numpy, networkx
// and scipy, or the seed documents its code is read from, are absent), the checks that make
// the command fail, and the command itself.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectReference } from "../../../bench/lib/python.js";
import {
  type EmtdRun,
  emtdAgreement,
  emtdPrintedRows,
  evaluateChecks,
  fixed,
  parseNumpyVector,
  type RunSet,
  shareComparisons,
  tmeshAgreement,
  tmeshPrintedRows,
  type TmeshRun,
} from "../../../bench/lib/reproduce-compare.js";
import { buildMarkdown, reproductionChecks } from "../../../bench/lib/reproduce-markdown.js";
import { type Reproduction, reproduce } from "../../../bench/lib/reproduce-run.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SEEDS = 20;
// The seed's Python needs python3 and the seed documents (--seeds-dir / $ENTROPIC_SEEDS_DIR / ../shared/seeds).
const py = detectReference();
const whyPy = py.ok ? "" : ` (skipped: ${py.reason})`;

function emtdRun(seed: number, over: Partial<EmtdRun> = {}): EmtdRun {
  return { seed, outcome: "full_agreement", steps: 2, adopters: 50, injectAccepted: true, finalState0: [3.14159, 1], finalTemperature: 90.25, ...over };
}

function emtdSet(python: EmtdRun[] | null, ours: EmtdRun[], xoshiro: EmtdRun[]): RunSet<EmtdRun> {
  return { title: "EMTD test", seeds: ours.length, params: {}, outcomes: ["full_agreement", "injection_rejected", "split"], python, oursPython: ours, oursXoshiro: xoshiro };
}

function tmeshRun(seed: number): TmeshRun {
  return {
    seed,
    outcome: "not_converged",
    steps: 3,
    coherence: [0.6, 0.6, 0.6],
    initialCoherence: 0.6,
    initialEntropyMean: 0,
    initialEntropyVariance: 0,
    maxEntropyMeanDrop: 0,
    finalEntropyMean: 0.5,
    finalSpread: 0.1,
  };
}

const tmeshSet = (runs: TmeshRun[]): RunSet<TmeshRun> => ({
  title: "T-MESH test",
  seeds: runs.length,
  params: {},
  outcomes: ["consensus", "not_converged"],
  python: null,
  oursPython: runs,
  oursXoshiro: runs,
});

describe("reproduce-compare (pure)", () => {
  it("counts per-seed agreement and names the first mismatching seeds", () => {
    const python = [0, 1, 2].map((s) => emtdRun(s));
    const ours = [emtdRun(0), emtdRun(1, { steps: 3 }), emtdRun(2, { finalState0: [3.14159, 1 + 2 ** -52] })];
    const rows = emtdAgreement(python, ours);
    const steps = rows.find((r) => r.quantity.startsWith("steps"))!;
    expect(steps).toMatchObject({ agreeing: 2, total: 3, firstMismatches: [1] });
    const state = rows.find((r) => r.quantity.startsWith("node 0 final state"))!;
    expect(state).toMatchObject({ agreeing: 2, firstMismatches: [2], maxDifference: 2 ** -52 });
    expect(rows.find((r) => r.quantity === "outcome")!.agreeing).toBe(3);
  });

  it("a missing seed counts as a mismatch", () => {
    const rows = tmeshAgreement([tmeshRun(0), tmeshRun(1)], [tmeshRun(0)]);
    for (const r of rows) expect(r).toMatchObject({ agreeing: 1, total: 2, firstMismatches: [1] });
  });

  it("fails the check when the seed's Python and ours differ on one seed", () => {
    const python = Array.from({ length: 10 }, (_, s) => emtdRun(s));
    const ours = python.map((r) => (r.seed === 7 ? { ...r, adopters: 49, outcome: "split" } : r));
    const checks = evaluateChecks({ emtdSets: [emtdSet(python, ours, python)], tmesh: tmeshSet([tmeshRun(0)]), printed: [] });
    const perSeed = checks.find((c) => c.name.includes("per-seed"))!;
    expect(perSeed.ok).toBe(false);
    expect(perSeed.detail).toMatch(/outcome: 9\/10 .*seeds 7/);
    expect(checks.find((c) => c.name.includes("per-seed") === false && c.ok)).toBeDefined();
  });

  it("fails the check when shares disagree beyond the 95% interval, and passes when they agree", () => {
    const all = (n: number, k: number) => Array.from({ length: n }, (_, s) => emtdRun(s, s < k ? { outcome: "injection_rejected", adopters: 0, injectAccepted: false } : {}));
    const far = evaluateChecks({ emtdSets: [emtdSet(null, all(200, 40), all(200, 10))], tmesh: tmeshSet([tmeshRun(0)]), printed: [] });
    const rejected = far.find((c) => c.name.includes("share of injection_rejected"))!;
    expect(rejected.ok).toBe(false);
    expect(rejected.detail).toMatch(/excludes 0/);
    const near = shareComparisons(emtdSet(null, all(200, 40), all(200, 35)));
    expect(near.every((c) => c.agree === true)).toBe(true);
    // With the reference present, it is compared with both of our columns.
    expect(shareComparisons(emtdSet(all(200, 40), all(200, 40), all(200, 35))).map((c) => `${c.a}/${c.b}`)).toContain("python/oursXoshiro");
  });

  it("reads back what the EMTD demo prints", () => {
    expect(parseNumpyVector("[3.14159 1.     ]")).toEqual([3.14159, 1]);
    const rows = emtdPrintedRows("System crystallized in 3 steps. Final State Tensor: [3.14159 1.     ]\n", emtdRun(0, { steps: 3 }));
    expect(rows.map((r) => r.match)).toEqual([true, true]);
    expect(emtdPrintedRows("System crystallized in 2 steps. Final State Tensor: [0. 1.]\n", emtdRun(0, { steps: 3 })).map((r) => r.match)).toEqual([false, false]);
    expect(emtdPrintedRows(null, emtdRun(0)).map((r) => r.match)).toEqual([null, null]);
  });

  it("reads back what the T-M.E.S.H. demo prints, at its precision", () => {
    const ours: TmeshRun = { ...tmeshRun(0), coherence: [0.51736, 0.51736, 0.51736, 0.51736] };
    const stdout = [
      ">> Initial Network Entropy Variance: 0.00000",
      "Time Step 0: Global Coherence = 0.5174 | Local Entropies Converging...",
      "Time Step 3: Global Coherence = 0.5174 | Local Entropies Converging...",
      ">> FINAL CONSENSUS STATE REACHED.",
      ">> Final Coherence (1.0 = Perfect Identical State): 0.5174",
    ].join("\n");
    const rows = tmeshPrintedRows(stdout, ours);
    expect(rows.filter((r) => r.match !== null).every((r) => r.match)).toBe(true);
    expect(rows.at(-1)!.seed).toMatch(/unconditionally/);
    expect(tmeshPrintedRows(stdout.replace("= 0.5174 |", "= 0.5175 |"), ours).some((r) => r.match === false)).toBe(true);
    expect(fixed(-1e-17, 5)).toBe("0.00000");
    expect(fixed(0.51735, 4)).toBe((0.51735).toFixed(4));
  });
});

describe(`npm run reproduce, ours only (${SEEDS} seeds)`, () => {
  let r: Reproduction;
  let md: string;
  beforeAll(async () => {
    r = await reproduce({ seeds: SEEDS, hardSeeds: SEEDS, python: false });
    md = buildMarkdown(r, { command: "npm run reproduce -- --seeds 20 --hard-seeds 20 --no-python" });
  });

  it("says the reference was not run, and why, and still runs ours", () => {
    expect(r.python.ok).toBe(false);
    expect(md).toContain("Python reference absent: not looked for (--no-python)");
    expect(md).toContain("The seed's Python was not run for this table");
    expect(r.emtd.python).toBeNull();
    expect(r.emtd.oursPython).toHaveLength(SEEDS);
    expect(r.emtd.oursXoshiro).toHaveLength(SEEDS);
    expect(r.tmesh.oursPython.map((x) => x.seed)).toEqual(Array.from({ length: SEEDS }, (_, i) => i));
  });

  it("writes every section and table, with the numbers of this run", () => {
    for (const heading of [
      "## How to regenerate",
      "## What this shows",
      "## EMTD seed demo",
      `### Outcomes over ${SEEDS} seeds`,
      "#### Steps (sweeps) per run",
      "#### Temperature when the run stopped",
      "## EMTD, nodes=200 decay=0.1 input=10",
      "## T-M.E.S.H. seed demo",
      `### Over ${SEEDS} seeds`,
      "#### Interactions per run",
      "## Checks",
    ]) {
      expect(md, heading).toContain(heading);
    }
    expect(md).toMatch(/^\| outcome \| ours, `rng: python` \| ours, `rng: xoshiro` \| ours \(python rng\) − ours \(xoshiro\): 95% interval, agree\? \|$/m);
    expect(md).toContain("npm run reproduce -- --seeds 20 --hard-seeds 20 --no-python");
    // Shares come from the runs, not from anywhere else.
    for (const set of [r.emtd, r.emtdHard]) {
      for (const o of set.outcomes) {
        const k = set.oursXoshiro.filter((x) => x.outcome === o).length;
        expect(md).toContain(`${k} (${(k / SEEDS).toFixed(4)}) [`);
      }
    }
    const steps = new Map<number, number>();
    for (const x of r.emtd.oursPython) steps.set(x.steps, (steps.get(x.steps) ?? 0) + 1);
    for (const [s, k] of steps) expect(md).toMatch(new RegExp(`^\\| ${s} \\| ${k} \\| \\d+ \\| (yes|\\*\\*NO\\*\\*) \\|$`, "m"));
    // Our `entropic sim` summary for seed 0, without timing.
    expect(md).toContain("emtd-seed (emtd-seed): 50 nodes, seed 0, python generators");
    expect(md).not.toMatch(/node updates\/s/);
    expect(md).toContain("FINAL CONSENSUS STATE REACHED");
  });

  it("the T-M.E.S.H. coherence is constant and no run reaches consensus, as the doc reports", () => {
    for (const x of [...r.tmesh.oursPython, ...r.tmesh.oursXoshiro]) {
      for (const c of x.coherence) expect(Math.abs(c - x.initialCoherence!)).toBeLessThan(1e-12);
    }
    expect(r.tmesh.oursPython.filter((x) => x.outcome === "consensus")).toHaveLength(0);
  });

  it("passes its own checks, and is deterministic", async () => {
    const checks = reproductionChecks(r);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.some((c) => c.name.includes("per-seed"))).toBe(false);
    const again = await reproduce({ seeds: SEEDS, hardSeeds: SEEDS, python: false });
    expect(buildMarkdown(again, { command: "x" })).toBe(buildMarkdown(r, { command: "x" }));
  });
});

describe(`npm run reproduce with the seed's Python (${SEEDS} seeds)${whyPy}`, () => {
  let r: Reproduction | undefined;
  const withPython = async (): Promise<Reproduction> => (r ??= await reproduce({ seeds: SEEDS, hardSeeds: SEEDS }));

  it.skipIf(!py.ok)("matches the seed's code seed by seed", { timeout: 180_000 }, async () => {
    const rep = await withPython();
    for (const set of [rep.emtd, rep.emtdHard]) {
      expect(set.python, set.pythonSkipped).not.toBeNull();
      for (const row of emtdAgreement(set.python!, set.oursPython)) expect(row.agreeing, `${set.title}: ${row.quantity}`).toBe(SEEDS);
    }
    expect(rep.tmesh.python, rep.tmesh.pythonSkipped).not.toBeNull();
    for (const row of tmeshAgreement(rep.tmesh.python!, rep.tmesh.oursPython)) expect(row.agreeing, row.quantity).toBe(SEEDS);
    expect(reproductionChecks(rep).filter((c) => !c.ok)).toEqual([]);
  });

  it.skipIf(!py.ok)("puts the seed's printed output and the Python column in the doc", { timeout: 180_000 }, async () => {
    const rep = await withPython();
    const md = buildMarkdown(rep, { command: "npm run reproduce -- --seeds 20 --hard-seeds 20" });
    expect(md).toMatch(/System crystallized in \d+ steps\. Final State Tensor: \[/);
    expect(md).toContain(">> T-M.E.S.H. GENESIS: 5 Nodes initialized.");
    expect(md).toMatch(/^\| outcome \| seed's Python \(reference\) \| ours, `rng: python` \| ours, `rng: xoshiro` \|/m);
    expect(md).toContain(`| ${SEEDS}/${SEEDS} |`);
    expect(md).not.toContain("was not run");
    expect(rep.seed0.emtd.rows.every((row) => row.match === true)).toBe(true);
  });
});

describe("bench/reproduce.ts, the command", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "entropic-reproduce-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "bench/reproduce.ts", ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });

  it("rejects a bad --seeds with status 2", () => {
    const r = run(["--seeds", "0"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seeds expects an integer/);
  });

  it("writes the doc, says when Python is not used, and exits 0 when the checks pass", { timeout: 120_000 }, () => {
    const out = path.join(tmp, "r.md");
    const r = run(["--seeds", "5", "--hard-seeds", "5", "--no-python", "--out", out]);
    expect(r.stderr).toMatch(/python reference absent/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/python reference absent .*ran ours only/);
    expect(r.stdout).toMatch(/reproduction check passed/);
    const md = readFileSync(out, "utf8");
    expect(md).toContain(`npm run reproduce -- --seeds 5 --hard-seeds 5 --out ${out} --no-python`);
    expect(md).toContain("### Outcomes over 5 seeds");
  });

  it("without the seed documents says so in one line and runs ours only", { timeout: 120_000 }, () => {
    const out = path.join(tmp, "no-seeds.md");
    const missing = path.join(tmp, "no-seeds-here");
    const r = run(["--seeds", "5", "--hard-seeds", "5", "--seeds-dir", missing, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      `python reference absent (seed documents not found: ${missing} is not a directory (give --seeds-dir DIR or set ENTROPIC_SEEDS_DIR)): ran ours only`,
    );
    expect(readFileSync(out, "utf8")).toContain(`Python reference absent: seed documents not found: ${missing} is not a directory`);
  });

  it("rejects --seeds-dir without a directory with status 2", () => {
    const r = run(["--seeds-dir"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^reproduce: Option '--seeds-dir <value>' argument missing\n/);
  });
});
