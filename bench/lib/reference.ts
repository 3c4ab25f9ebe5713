/**
 * Typed front of the seed runners in bench/reference/ (see its README): run the seeds' own
 * Python code, read from the seed documents in `seedsDir` (default `$ENTROPIC_SEEDS_DIR`,
 * else `../shared/seeds`), over a seed range and get their per-seed records and aggregates back.
 */
import { referenceScript, runPythonJson, type RunPythonOptions } from "./python.js";

export type EmtdOutcome = "full_agreement" | "split" | "injection_rejected";

export interface Share {
  share: number | null;
  low: number | null;
  high: number | null;
}

export interface EmtdSeedRun {
  seed: number;
  nodes: number;
  steps: number;
  /** Always true below the seed's 1000-sweep cap; resolved by a traced replay at the cap. */
  converged: boolean;
  injectAccepted: boolean;
  outcome: EmtdOutcome;
  /** Nodes whose scalar equals the input exactly. */
  adopters: number;
  /** steps·N sweeps' updates + 1 injection. */
  nodeUpdates: number;
  finalState0: [number, number];
  finalTemperature: number;
  buildSeconds: number;
  runSeconds: number;
  wallSeconds: number;
  /** Present with `trace: true`. */
  adjacency?: number[][];
  uniformDraws?: number[];
  sweeps?: { sweep: number; T_during: number; flips: number; adopters_after: number }[];
  finalState0PerNode?: number[];
}

export interface EmtdSeedReport {
  runner: "run_emtd_seed";
  versions: Record<string, string>;
  params: { nodes: number; k: number; p: number; decay: number; input: number; temperature: number; temperaturePatched: boolean; trace: boolean };
  runs: EmtdSeedRun[];
  aggregate: {
    runs: number;
    outcomeCounts: Record<EmtdOutcome, number>;
    outcomeShares: Record<EmtdOutcome, Share>;
    convergedCount: number;
    capReached: number;
    steps: { n: number; mean: number | null; sd: number | null; min: number; max: number };
    stepsHistogram: Record<string, number>;
    adoptersHistogram: Record<string, number>;
    totalNodeUpdates: number;
    totalRunSeconds: number;
    totalWallSeconds: number;
  };
  /** Node updates per second of `run_epoch` (graph construction excluded). */
  updatesPerSecond: number | null;
}

export interface EmtdSeedOptions {
  /** "A..B" inclusive, or a comma list of ranges and numbers. */
  seeds: string;
  nodes?: number;
  decay?: number;
  input?: number;
  temperature?: number;
  trace?: boolean;
  /** the seed documents' directory (`--seeds-dir`); default as the runner resolves it */
  seedsDir?: string;
}

export interface TmeshSeedRun {
  seed: number;
  nodes: number;
  dim: number;
  steps: number;
  /** "demo": the seed's code block exec'd whole; "replica": its loop re-run with the seed's class. */
  mode: "demo" | "replica";
  replicaMatchesDemo?: boolean;
  demoSeconds?: number;
  finalCoherence: number;
  coherenceHistory: number[];
  entropyMean: number;
  /** Population variance (np.var), as the seed prints it. */
  entropyVar: number;
  purityMean: number;
  purityCentroid: number;
  traceMaxDeviation: number;
  /** max |ρ_a − ρ_b| entrywise over node pairs. */
  diameter: number;
  interactions: number;
  loopSeconds: number;
  interactionsPerSecond: number | null;
  pairs?: [number, number][];
  initialRhoRe?: number[][][];
  initialRhoIm?: number[][][];
  finalRhoRe?: number[][][];
  finalRhoIm?: number[][][];
}

type Msd = { n: number; mean: number | null; sd: number | null };

export interface TmeshSeedReport {
  runner: "run_tmesh_seed";
  versions: Record<string, string>;
  params: { nodes: number; dim: number; steps: number; mode: "demo" | "replica" };
  runs: TmeshSeedRun[];
  aggregate: {
    runs: number;
    finalCoherence: Msd & { min: number; max: number; median: number };
    coherenceMaxDrift: number | null;
    entropyMean: Msd;
    entropyVar: Msd;
    purityMean: Msd;
    purityCentroid: Msd;
    replicaMatchesDemo: boolean;
    totalInteractions: number;
    totalLoopSeconds: number;
  };
  /** Interactions per second of the demo loop (pair draw, interact, centroid, coherence). */
  interactionsPerSecond: number | null;
}

export interface TmeshSeedOptions {
  seeds: string;
  nodes?: number;
  dim?: number;
  steps?: number;
  trace?: boolean;
  /** the seed documents' directory (`--seeds-dir`); default as the runner resolves it */
  seedsDir?: string;
}

export interface FixtureCheck {
  ok: boolean;
  fixtures: { seed: number; N: number; ok: boolean; mismatches: string[] }[];
}

function flags(opts: Record<string, string | number | boolean | undefined>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || v === false) continue;
    out.push(`--${k}`);
    if (v !== true) out.push(String(v));
  }
  return out;
}

export async function runEmtdSeed(o: EmtdSeedOptions, run: RunPythonOptions = {}): Promise<EmtdSeedReport> {
  const args = [...flags({ seeds: o.seeds, nodes: o.nodes, decay: o.decay, input: o.input, temperature: o.temperature, trace: o.trace, "seeds-dir": o.seedsDir }), "--json"];
  return (await runPythonJson(referenceScript("run_emtd_seed.py"), args, run)) as EmtdSeedReport;
}

export async function runTmeshSeed(o: TmeshSeedOptions, run: RunPythonOptions = {}): Promise<TmeshSeedReport> {
  const args = [...flags({ seeds: o.seeds, nodes: o.nodes, dim: o.dim, steps: o.steps, trace: o.trace, "seeds-dir": o.seedsDir }), "--json"];
  return (await runPythonJson(referenceScript("run_tmesh_seed.py"), args, run)) as TmeshSeedReport;
}

/** Replay test/fixtures/reference/*_fixtures.json (or `fixturesPath`) with the runner and compare everything recorded. */
export async function checkSeedFixtures(
  which: "emtd" | "tmesh",
  o: { fixturesPath?: string; seedsDir?: string } = {},
  run: RunPythonOptions = {},
): Promise<FixtureCheck> {
  const script = referenceScript(which === "emtd" ? "run_emtd_seed.py" : "run_tmesh_seed.py");
  const args = ["--check-fixtures", ...(o.fixturesPath ? [o.fixturesPath] : []), ...flags({ "seeds-dir": o.seedsDir }), "--json"];
  const doc = (await runPythonJson(script, args, run)) as { fixtureCheck: FixtureCheck };
  return doc.fixtureCheck;
}
