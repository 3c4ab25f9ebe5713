// The seed runners (bench/reference/*.py) against the recorded fixtures
// (test/fixtures/reference), through the bench/lib helpers. Python with numpy/networkx/scipy
// and the seed documents (--seeds-dir / $ENTROPIC_SEEDS_DIR / ../shared/seeds) are optional:
// without them the tests that need them are skipped, the reason in their title (STACK.md:
// skip gracefully where absent).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { detectPython, detectReference, referenceScript, runPythonJson } from "../../../bench/lib/python.js";
import { checkSeedFixtures, runEmtdSeed, runTmeshSeed } from "../../../bench/lib/reference.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const refDir = path.resolve(repoRoot, "test/fixtures/reference");

interface EmtdFixture {
  N: number;
  seed: number;
  decay: number;
  input_signal: number;
  steps: number;
  converged: boolean;
  inject_accepted: boolean;
  final_state_node0: [number, number];
  final_state0_per_node: number[];
  final_temperature: number;
  uniform_draws: number[];
  adjacency: number[][];
}
interface TmeshFixture {
  N: number;
  dim: number;
  seed: number;
  pairs: [number, number][];
  coherence_history: number[];
  final_rho_re: number[][][];
  final_rho_im: number[][][];
}

const py = detectPython();
const noPython = !py.ok;
const why = py.ok ? "" : ` (skipped: ${py.reason})`;
// The runners also need the seeds' code, read from the seed documents.
const ref = detectReference();
const noReference = !ref.ok;
const whyRef = ref.ok ? "" : ` (skipped: ${ref.reason})`;

const loadJson = <T>(name: string): T => JSON.parse(readFileSync(path.join(refDir, name), "utf8")) as T;

function maxAbsDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Infinity;
    return a.reduce((m: number, x, i) => Math.max(m, maxAbsDiff(x, b[i])), 0);
  }
  return Math.abs((a as number) - (b as number));
}

describe("detectPython / runPythonJson", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "entropic-py-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("reports a missing interpreter with a reason", () => {
    const d = detectPython({ candidates: ["entropic-no-such-python-3"] });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/entropic-no-such-python-3: not found/);
  });

  it.skipIf(noPython)(`finds python3 with numpy, networkx and scipy${why}`, () => {
    if (!py.ok) return;
    expect(py.versions.python).toMatch(/^3\./);
    expect(py.versions.numpy).toMatch(/^\d+\./);
    expect(py.versions.networkx).toMatch(/^\d+\./);
    expect(py.versions.scipy).toMatch(/^\d+\./);
  });

  it.skipIf(noPython)(`resolves stdout JSON and rejects with stderr on failure${why}`, async () => {
    const ok = path.join(tmp, "ok.py");
    writeFileSync(ok, "import json, sys\nprint(json.dumps({'args': sys.argv[1:]}))\n");
    await expect(runPythonJson(ok, ["a", "b"])).resolves.toEqual({ args: ["a", "b"] });

    const bad = path.join(tmp, "bad.py");
    writeFileSync(bad, "import sys\nsys.stderr.write('boom: the reason\\n')\nsys.exit(3)\n");
    await expect(runPythonJson(bad)).rejects.toThrow(/exited with status 3[\s\S]*boom: the reason/);

    const notJson = path.join(tmp, "notjson.py");
    writeFileSync(notJson, "print('hello')\n");
    await expect(runPythonJson(notJson)).rejects.toThrow(/not one JSON document.*hello/);

    const slow = path.join(tmp, "slow.py");
    writeFileSync(slow, "import time\ntime.sleep(30)\n");
    await expect(runPythonJson(slow, [], { timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);

    await expect(runPythonJson(path.join(tmp, "missing.py"))).rejects.toThrow(/script not found/);
  });

  it("locates the runners", () => {
    expect(referenceScript("run_emtd_seed.py")).toBe(path.join(repoRoot, "bench/reference/run_emtd_seed.py"));
  });
});

describe.skipIf(noReference)(`EMTD seed runner (the seed's EntropicLedger, read from its document)${whyRef}`, () => {
  const fixtures = loadJson<EmtdFixture[]>("emtd_fixtures.json");

  it("reproduces the N=50 fixtures: steps, outcome, final state, temperature", async () => {
    const fx50 = fixtures.filter((f) => f.N === 50 && f.decay === 0.95 && f.input_signal === 3.14159);
    expect(fx50.length).toBeGreaterThanOrEqual(8);
    const seeds = fx50.map((f) => f.seed).join(",");
    const report = await runEmtdSeed({ seeds });
    expect(report.params).toMatchObject({ nodes: 50, decay: 0.95, input: 3.14159, temperature: 100, temperaturePatched: false });
    for (const fx of fx50) {
      const run = report.runs.find((r) => r.seed === fx.seed)!;
      expect(run.steps, `seed ${fx.seed}`).toBe(fx.steps);
      expect(run.converged).toBe(fx.converged);
      expect(run.injectAccepted).toBe(fx.inject_accepted);
      expect(run.finalState0).toEqual(fx.final_state_node0);
      expect(run.finalTemperature).toBe(fx.final_temperature);
      expect(run.nodeUpdates).toBe(fx.steps * 50 + 1);
      const allInput = fx.final_state0_per_node.every((x) => x === fx.input_signal);
      expect(run.outcome).toBe(allInput ? "full_agreement" : fx.inject_accepted ? "split" : "injection_rejected");
    }
    // seeds 4 and 6 refuse the injection (fixture README)
    expect(report.runs.filter((r) => r.outcome === "injection_rejected").map((r) => r.seed)).toEqual([4, 6]);
    const agg = report.aggregate;
    expect(agg.runs).toBe(fx50.length);
    expect(Object.values(agg.outcomeCounts).reduce((a, b) => a + b, 0)).toBe(fx50.length);
    expect(Object.values(agg.stepsHistogram).reduce((a, b) => a + b, 0)).toBe(fx50.length);
    expect(agg.totalNodeUpdates).toBe(report.runs.reduce((a, r) => a + r.nodeUpdates, 0));
    expect(report.updatesPerSecond).toBeGreaterThan(0);
  });

  it("reproduces the N=200 fast-cooling splits, traced: adjacency, every draw, per-node state", async () => {
    for (const fx of fixtures.filter((f) => f.N === 200)) {
      const report = await runEmtdSeed({ seeds: String(fx.seed), nodes: 200, decay: fx.decay, input: fx.input_signal, trace: true });
      const run = report.runs[0];
      expect(run.adjacency).toEqual(fx.adjacency);
      expect(run.uniformDraws).toEqual(fx.uniform_draws);
      expect(run.finalState0PerNode).toEqual(fx.final_state0_per_node);
      expect(run.steps).toBe(fx.steps);
      expect(run.outcome).toBe("split");
      expect(run.adopters).toBe(fx.final_state0_per_node.filter((x) => x === fx.input_signal).length);
    }
  });

  it("passes the runner's own full fixture check (sweeps, draws, temperatures)", async () => {
    const check = await checkSeedFixtures("emtd");
    expect(check.fixtures.length).toBe(fixtures.length);
    expect(check.fixtures.filter((f) => !f.ok)).toEqual([]);
    expect(check.ok).toBe(true);
  });

  it("patches the temperature on the nodes, not in the code: T0 -> 0 rejects every injection", async () => {
    const report = await runEmtdSeed({ seeds: "0..4", temperature: 1e-9 });
    expect(report.params.temperaturePatched).toBe(true);
    expect(report.runs.every((r) => r.outcome === "injection_rejected" && r.steps === 1)).toBe(true);
    expect(report.runs[0].finalTemperature).toBeCloseTo(1e-9 * 0.95, 20);
  });
});

describe.skipIf(noReference)(`T-M.E.S.H. seed runner (the seed's QuantumGraphNode demo, read from its document)${whyRef}`, () => {
  const fixtures = loadJson<TmeshFixture[]>("tmesh_fixtures.json");

  it("the demo's 15 coherence values match the fixture for seeds 0..2 (dim 2)", async () => {
    const report = await runTmeshSeed({ seeds: "0..2" });
    expect(report.params.mode).toBe("demo");
    expect(report.aggregate.replicaMatchesDemo).toBe(true);
    for (const run of report.runs) {
      const fx = fixtures.find((f) => f.dim === 2 && f.seed === run.seed)!;
      expect(run.mode).toBe("demo");
      expect(run.replicaMatchesDemo).toBe(true);
      expect(run.coherenceHistory).toHaveLength(15);
      expect(maxAbsDiff(run.coherenceHistory, fx.coherence_history.slice(0, 15))).toBeLessThanOrEqual(1e-12);
      expect(run.finalCoherence).toBe(run.coherenceHistory[14]);
      expect(run.interactions).toBe(15);
      expect(run.interactionsPerSecond).toBeGreaterThan(0);
      expect(run.traceMaxDeviation).toBeLessThan(1e-12);
    }
  });

  it("the replica with the seed's class reproduces every fixture run in full (pairs, final rho)", async () => {
    for (const fx of fixtures) {
      const report = await runTmeshSeed({ seeds: String(fx.seed), nodes: fx.N, dim: fx.dim, steps: fx.pairs.length, trace: true });
      const run = report.runs[0];
      expect(run.mode).toBe(fx.dim === 2 && fx.pairs.length === 15 ? "demo" : "replica");
      expect(run.pairs).toEqual(fx.pairs);
      expect(maxAbsDiff(run.coherenceHistory, fx.coherence_history)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(run.finalRhoRe, fx.final_rho_re)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(run.finalRhoIm, fx.final_rho_im)).toBeLessThanOrEqual(1e-12);
    }
  });

  it("passes the runner's own full fixture check", async () => {
    const check = await checkSeedFixtures("tmesh");
    expect(check.fixtures.filter((f) => !f.ok)).toEqual([]);
    expect(check.ok).toBe(true);
  });
});
