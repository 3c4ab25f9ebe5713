/**
 * `npm run bench`: throughput of the seed ports, beside the seeds' own Python where
 * python3 with numpy and networkx is present, and peak memory per case.
 *
 * Each case runs in a fresh process (bench/case.ts) so its maxRSS is its own. Results go
 * to bench/results/seed-protocols.json and a table on stdout.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { detectPython, referenceScript, runPythonJson } from "./lib/python.js";

const root = resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");

interface CaseResult {
  nodes: number;
  runs: number;
  steps: number;
  updates: number;
  simMs: number;
  wallMs: number;
  maxRssMB: number;
  outcomes: Record<string, number>;
}

function runCase(doc: unknown, runs: number): CaseResult {
  const out = execFileSync(process.execPath, ["--import", "tsx", resolve(root, "bench/case.ts"), JSON.stringify(doc), String(runs)], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as CaseResult;
}

function rate(count: number, ms: number): number {
  return ms > 0 ? (count / ms) * 1000 : Number.NaN;
}

const python = detectPython();
console.log(python.ok ? `python reference: ${python.python} (${JSON.stringify(python.versions)})` : `python reference unavailable: ${python.reason}; running entropic only`);

// --- emtd-seed: node updates per second -------------------------------------------
const emtdSizes = quick ? [50, 1_000, 10_000] : [50, 1_000, 10_000, 100_000, 1_000_000];
const emtdRuns: Record<number, number> = { 50: 2000, 1_000: 100, 10_000: 10, 100_000: 2, 1_000_000: 1 };
const pythonEmtdRuns: Record<number, number> = { 50: 100, 1_000: 5, 10_000: 1 };
const emtd = [];
for (const nodes of emtdSizes) {
  const doc = { protocol: "emtd-seed", rng: "python", seed: 0, params: { nodes } };
  const ours = runCase(doc, emtdRuns[nodes] ?? 1);
  let reference: { updatesPerSecond: number; runs: number } | null = null;
  if (python.ok && pythonEmtdRuns[nodes]) {
    const runs = pythonEmtdRuns[nodes]!;
    const r = (await runPythonJson(referenceScript("run_emtd_seed.py"), ["--seeds", `0..${runs - 1}`, "--nodes", String(nodes), "--json"], { timeoutMs: 600_000 })) as {
      updatesPerSecond: number;
    };
    reference = { updatesPerSecond: r.updatesPerSecond, runs };
  }
  const updatesPerSecond = rate(ours.updates, ours.simMs);
  const row = {
    nodes,
    runs: ours.runs,
    updatesPerSecond,
    wallMsPerRun: ours.wallMs / ours.runs,
    maxRssMB: ours.maxRssMB,
    outcomes: ours.outcomes,
    pythonUpdatesPerSecond: reference?.updatesPerSecond ?? null,
    ratio: reference ? updatesPerSecond / reference.updatesPerSecond : null,
  };
  emtd.push(row);
  console.log(
    `emtd-seed  N=${String(nodes).padStart(8)}  ${fmt(updatesPerSecond)} updates/s  wall/run ${row.wallMsPerRun.toFixed(0)} ms  maxRSS ${row.maxRssMB.toFixed(0)} MB` +
      (reference ? `  python ${fmt(reference.updatesPerSecond)}/s  ratio ${row.ratio!.toFixed(0)}×` : ""),
  );
}

// --- tmesh-seed: interactions per second ------------------------------------------
const tmesh = [];
for (const dim of [2, 4, 8]) {
  for (const nodes of [5, 50, 500]) {
    const steps = quick ? 2_000 : Math.max(2_000, Math.round(400_000 / nodes / dim));
    const doc = { protocol: "tmesh-seed", rng: "python", seed: 0, params: { nodes, dim, steps } };
    const ours = runCase(doc, 1);
    let reference: number | null = null;
    if (python.ok) {
      const pySteps = Math.max(50, Math.round(steps / 20));
      const r = (await runPythonJson(
        referenceScript("run_tmesh_seed.py"),
        ["--seeds", "0..0", "--nodes", String(nodes), "--dim", String(dim), "--steps", String(pySteps), "--json"],
        { timeoutMs: 600_000 },
      )) as { interactionsPerSecond: number };
      reference = r.interactionsPerSecond;
    }
    const interactionsPerSecond = rate(ours.steps, ours.simMs);
    const row = {
      dim,
      nodes,
      steps,
      interactionsPerSecond,
      maxRssMB: ours.maxRssMB,
      pythonInteractionsPerSecond: reference,
      ratio: reference ? interactionsPerSecond / reference : null,
    };
    tmesh.push(row);
    console.log(
      `tmesh-seed d=${dim} N=${String(nodes).padStart(4)}  ${fmt(interactionsPerSecond)} interactions/s  maxRSS ${row.maxRssMB.toFixed(0)} MB` +
        (reference ? `  python ${fmt(reference)}/s  ratio ${row.ratio!.toFixed(0)}×` : ""),
    );
  }
}

const results = {
  machine: { node: process.version, cpus: (await import("node:os")).cpus().length },
  python: python.ok ? { python: python.python, versions: python.versions } : { unavailable: python.reason },
  quick,
  emtdSeed: emtd,
  tmeshSeed: tmesh,
};
mkdirSync(resolve(root, "bench/results"), { recursive: true });
writeFileSync(resolve(root, "bench/results/seed-protocols.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("wrote bench/results/seed-protocols.json");

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}
