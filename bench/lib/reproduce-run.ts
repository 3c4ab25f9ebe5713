/**
 * The running half of `npm run reproduce` (bench/reproduce.ts): our seed ports in-process
 * through `simulate(validateScenario(...))` on the shipped scenarios, on both generator
 * families, and, where python3 with numpy and networkx (and scipy, for T-M.E.S.H.) and the
 * seed documents are present, the seeds' own code (read from the documents at run time,
 * hash-checked) through the runners in bench/reference/ over the same seeds, plus each
 * seed's code block run whole for seed 0 to capture what it prints.
 *
 * The Python work runs in child processes while ours runs here; ours yields to the event
 * loop every few runs so the children's output is drained as it comes.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatSummary } from "../../src/cli/sim/format.js";
import { CONSENSUS_SPREAD } from "../../src/protocols/tmesh-seed/index.js";
import { protocols } from "../../src/sim/registry.js";
import { type RunOutput, simulate } from "../../src/sim/cycle/driver.js";
import { loadScenario, type Override } from "../../src/sim/scenario/load.js";
import { type Scenario, validateScenario } from "../../src/sim/scenario/schema.js";
import type { RngFamily } from "../../src/sim/rng-family.js";
import { detectReference, referenceScript, type PythonVersions, type ReferenceDetection } from "./python.js";
import { type EmtdSeedRun, runEmtdSeed, runTmeshSeed, type TmeshSeedRun } from "./reference.js";
import { emtdPrintedRows, type EmtdRun, HARD_EMTD, type PrintedRow, type RunSet, tmeshPrintedRows, type TmeshRun } from "./reproduce-compare.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export { DEFAULT_HARD_SEEDS, DEFAULT_SEEDS, HARD_EMTD } from "./reproduce-compare.js";

export interface ReproduceOptions {
  /** seeds 0..seeds−1 for the two demos */
  readonly seeds: number;
  /** seeds 0..hardSeeds−1 for the harder EMTD setting */
  readonly hardSeeds: number;
  /** false: do not look for Python at all (the doc says it was not run, and why) */
  readonly python?: boolean;
  /** the seed documents' directory; default `$ENTROPIC_SEEDS_DIR`, else `../shared/seeds` */
  readonly seedsDir?: string;
  /** progress lines for stderr */
  readonly log?: (line: string) => void;
  /** monotonic milliseconds, for the progress lines only (never written to the doc) */
  readonly clock?: () => number;
}

/** Seed 0 of one demo: what the seed's code prints, and what `entropic sim` prints. */
export interface DemoSeed0 {
  readonly seedStdout: string | null;
  /** why `seedStdout` is null */
  readonly seedSkipped?: string;
  /** set when Python was present but the demo failed (a failed check) */
  readonly seedError?: string;
  /** how the seed's demo was run for seed 0 */
  readonly seedCommand: string;
  readonly oursCommand: string;
  readonly oursSummary: string;
  readonly rows: readonly PrintedRow[];
}

export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly python: PythonVersions | null;
}

export interface Reproduction {
  readonly seeds: number;
  readonly hardSeeds: number;
  readonly environment: Environment;
  /** whether the Python reference was found, and if not, why */
  readonly python: { readonly ok: true; readonly executable: string } | { readonly ok: false; readonly reason: string };
  readonly emtd: RunSet<EmtdRun>;
  readonly emtdHard: RunSet<EmtdRun>;
  readonly tmesh: RunSet<TmeshRun>;
  readonly seed0: { readonly emtd: DemoSeed0; readonly tmesh: DemoSeed0 };
}

// ---------------------------------------------------------------------------------------
// Ours

/** A shipped scenario (scenarios/NAME.yaml) with overrides, validated. */
export function shippedScenario(name: "emtd-seed" | "tmesh-seed", overrides: readonly Override[] = []): Scenario {
  const file = `scenarios/${name}.yaml`;
  return loadScenario(readFileSync(join(repoRoot, file), "utf8"), file, overrides);
}

/** One run of a scenario with a given seed and generator family, validated afresh. */
export function runScenario(base: Scenario, seed: number, rng: RngFamily, recordSteps: boolean): RunOutput {
  const { sections, ...doc } = base;
  return simulate(validateScenario({ ...doc, ...sections, seed, rng, observeEvery: 1 }, base.name), { recordSteps });
}

export function emtdRunFromOutput(output: RunOutput): EmtdRun {
  const s = output.summary;
  const st = s.finalStateNode0;
  if (!Array.isArray(st) || st.length !== 2 || !st.every((x) => typeof x === "number")) throw new Error(`emtd-seed summary: unexpected finalStateNode0 ${JSON.stringify(st)}`);
  return {
    seed: s.seed,
    outcome: s.outcome,
    steps: s.steps,
    adopters: s.adopters as number,
    injectAccepted: s.injectAccepted as boolean,
    finalState0: [st[0] as number, st[1] as number],
    finalTemperature: s.final.meanTemperature!,
  };
}

/** Needs the steps recorded (every step), since the seed's coherence history is kept. */
export function tmeshRunFromOutput(output: RunOutput): TmeshRun {
  const s = output.summary;
  const first = output.steps[0];
  if (!first || first.step !== 0 || output.steps.length !== s.steps + 1) throw new Error("tmesh-seed: run every step with recordSteps");
  return {
    seed: s.seed,
    outcome: s.outcome,
    steps: s.steps,
    coherence: output.steps.slice(1).map((r) => r.observables.coherence!),
    initialCoherence: first.observables.coherence!,
    initialEntropyMean: first.observables.entropyMean!,
    initialEntropyVariance: first.observables.entropyVariance!,
    maxEntropyMeanDrop: maxDrop(output.steps.map((r) => r.observables.entropyMean!)),
    finalEntropyMean: s.final.entropyMean!,
    finalSpread: s.final.spread!,
  };
}

/** Largest fall between consecutive values (0 when the series never falls). */
function maxDrop(series: readonly number[]): number {
  let m = 0;
  for (let i = 1; i < series.length; i++) m = Math.max(m, series[i - 1]! - series[i]!);
  return m;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Ours over seeds 0..n−1 on one generator family; yields every few runs so child output drains. */
export async function runOurs<R>(
  base: Scenario,
  rng: RngFamily,
  n: number,
  digest: (output: RunOutput) => R,
  recordSteps: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<R[]> {
  const out: R[] = [];
  for (let seed = 0; seed < n; seed++) {
    out.push(digest(runScenario(base, seed, rng, recordSteps)));
    if (seed % 25 === 24) {
      onProgress?.(seed + 1, n);
      await yieldToEventLoop();
    }
  }
  if (n % 25 !== 0) onProgress?.(n, n);
  return out;
}

/** What `entropic sim` prints for this run, without the timing (so the doc regenerates byte for byte). */
export function oursSummaryText(base: Scenario, seed: number): string {
  const output = runScenario(base, seed, base.rng, false);
  return formatSummary(output.summary).replace(/ {2}\(n\/a node updates\/s over 0\.00 ms\)/, "");
}

// ---------------------------------------------------------------------------------------
// The seed's code

export function emtdRunFromPython(r: EmtdSeedRun): EmtdRun {
  return {
    seed: r.seed,
    outcome: r.outcome,
    steps: r.steps,
    adopters: r.adopters,
    injectAccepted: r.injectAccepted,
    finalState0: [r.finalState0[0], r.finalState0[1]],
    finalTemperature: r.finalTemperature,
  };
}

/** `consensus` when the largest entrywise distance between any two nodes' ρ is within our tolerance. */
export function tmeshRunFromPython(r: TmeshSeedRun): TmeshRun {
  return {
    seed: r.seed,
    outcome: r.diameter <= CONSENSUS_SPREAD ? "consensus" : "not_converged",
    steps: r.interactions,
    coherence: r.coherenceHistory,
    initialCoherence: null,
    initialEntropyMean: null,
    initialEntropyVariance: null,
    maxEntropyMeanDrop: null,
    finalEntropyMean: r.entropyMean,
    finalSpread: r.diameter,
  };
}

/** How the doc shows the run of a seed's code block whole (bench/reference/run_seed_demo.py). */
export function seedDemoCommand(which: "emtd" | "tmesh", seed: number): string {
  return `python3 bench/reference/run_seed_demo.py ${which} --seed ${seed}`;
}

/**
 * Run one seed's code block whole for one seed (random.seed(s); np.random.seed(s) first),
 * read from the seed document in `seedsDir`; resolves with what it printed.
 */
export function runSeedDemo(python: string, which: "emtd" | "tmesh", seed: number, seedsDir: string, timeoutMs = 120_000): Promise<string> {
  const script = referenceScript("run_seed_demo.py");
  const label = `${python} run_seed_demo.py ${which} (seed ${seed})`;
  return new Promise((resolve, reject) => {
    execFile(python, [script, which, "--seed", String(seed), "--seeds-dir", seedsDir], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${label}: ${error.message}${stderr ? `\n${stderr.trim().slice(-2000)}` : ""}`));
        return;
      }
      try {
        resolve((JSON.parse(stdout) as { stdout: string }).stdout);
      } catch (e) {
        reject(new Error(`${label}: stdout is not JSON (${(e as Error).message})`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// The whole reproduction

interface PythonResults {
  emtd: EmtdRun[] | { error: string };
  emtdHard: EmtdRun[] | { error: string };
  tmesh: TmeshRun[] | { error: string } | { skipped: string };
  emtdDemo: string | { error: string };
  tmeshDemo: string | { error: string } | { skipped: string };
}

const failed = (e: unknown): { error: string } => ({ error: e instanceof Error ? e.message : String(e) });

async function settle<T>(p: Promise<T>): Promise<T | { error: string }> {
  try {
    return await p;
  } catch (e) {
    return failed(e);
  }
}

/** The Python jobs in two chains (ours runs beside them; it is done within seconds). */
async function runPythonJobs(python: string, scipy: boolean, seedsDir: string, o: ReproduceOptions, log: (line: string) => void, clock: () => number): Promise<PythonResults> {
  const timed = async <T>(label: string, job: () => Promise<T>): Promise<T | { error: string }> => {
    const t0 = clock();
    const r = await settle(job());
    const error = typeof r === "object" && r !== null && "error" in r ? String((r as { error: unknown }).error) : null;
    log(`python: ${label} ${error !== null ? `FAILED: ${error.split("\n")[0]}` : "done"} (${((clock() - t0) / 1000).toFixed(1)} s)`);
    return r;
  };
  const noScipy = { skipped: `${python}: scipy does not import (the T-M.E.S.H. seed imports scipy.linalg)` };
  // Two chains side by side: the harder setting is the longest single job.
  const hard = timed(`run_emtd_seed.py --seeds 0..${o.hardSeeds - 1} --nodes ${HARD_EMTD.nodes} --decay ${HARD_EMTD.decay} --input ${HARD_EMTD.input}`, async () =>
    (await runEmtdSeed({ seeds: `0..${o.hardSeeds - 1}`, ...HARD_EMTD, seedsDir }, { python })).runs.map(emtdRunFromPython),
  );
  const emtdDemo = await timed("run_seed_demo.py emtd, seed 0", () => runSeedDemo(python, "emtd", 0, seedsDir));
  const tmeshDemo = scipy ? await timed("run_seed_demo.py tmesh, seed 0", () => runSeedDemo(python, "tmesh", 0, seedsDir)) : noScipy;
  const emtd = await timed(`run_emtd_seed.py --seeds 0..${o.seeds - 1}`, async () =>
    (await runEmtdSeed({ seeds: `0..${o.seeds - 1}`, seedsDir }, { python })).runs.map(emtdRunFromPython),
  );
  const tmesh = scipy
    ? await timed(`run_tmesh_seed.py --seeds 0..${o.seeds - 1}`, async () => (await runTmeshSeed({ seeds: `0..${o.seeds - 1}`, seedsDir }, { python })).runs.map(tmeshRunFromPython))
    : noScipy;
  const emtdHard = await hard;
  return { emtd, emtdHard, tmesh, emtdDemo, tmeshDemo };
}

function pythonColumn<R>(r: R[] | { error: string } | { skipped: string } | undefined, absent: string | null): { python: R[] | null; pythonSkipped?: string; pythonError?: string } {
  if (r === undefined) return { python: null, pythonSkipped: absent ?? "not run" };
  if (Array.isArray(r)) return { python: r };
  if ("skipped" in r) return { python: null, pythonSkipped: r.skipped };
  return { python: null, pythonSkipped: `the run failed: ${r.error}`, pythonError: r.error };
}

function paramsOf(s: Scenario): Record<string, number | string | boolean> {
  return Object.fromEntries(Object.entries(s.params).filter(([, v]) => ["number", "string", "boolean"].includes(typeof v))) as Record<string, number | string | boolean>;
}

export async function reproduce(o: ReproduceOptions): Promise<Reproduction> {
  if (!Number.isSafeInteger(o.seeds) || o.seeds < 1) throw new RangeError(`seeds must be a positive integer, got ${o.seeds}`);
  if (!Number.isSafeInteger(o.hardSeeds) || o.hardSeeds < 1) throw new RangeError(`hardSeeds must be a positive integer, got ${o.hardSeeds}`);
  const log = o.log ?? (() => {});
  const clock = o.clock ?? (() => 0);

  const detection: ReferenceDetection =
    o.python === false ? { ok: false, reason: "not looked for (--no-python)" } : detectReference({ requireScipy: false, seedsDir: o.seedsDir });
  const scipy = detection.ok && detection.versions.scipy !== null;
  log(
    detection.ok
      ? `python reference: ${detection.python} (python ${detection.versions.python}, numpy ${detection.versions.numpy}, networkx ${detection.versions.networkx}, scipy ${detection.versions.scipy ?? "absent"}); seed documents in ${detection.seedsDir}`
      : `python reference absent: ${detection.reason}; running ours only`,
  );
  // Started now, awaited after ours: the two run side by side.
  const pythonJobs = detection.ok ? runPythonJobs(detection.python, scipy, detection.seedsDir, o, log, clock) : Promise.resolve(null);

  const emtdBase = shippedScenario("emtd-seed");
  const tmeshBase = shippedScenario("tmesh-seed");
  const hardBase = shippedScenario(
    "emtd-seed",
    Object.entries(HARD_EMTD).map(([name, value]) => ({ name, value })),
  );

  const ours = async <R>(label: string, base: Scenario, rng: RngFamily, n: number, digest: (out: RunOutput) => R, record: boolean): Promise<R[]> => {
    const t0 = clock();
    let next = 0.25;
    const runs = await runOurs(base, rng, n, digest, record, (done, total) => {
      if (done / total >= next || done === total) {
        log(`ours: ${label} rng=${rng} ${done}/${total}${done === total ? ` (${((clock() - t0) / 1000).toFixed(1)} s)` : ""}`);
        while (next <= done / total) next += 0.25;
      }
    });
    return runs;
  };
  const emtdPy = await ours("emtd-seed", emtdBase, "python", o.seeds, emtdRunFromOutput, false);
  const emtdXo = await ours("emtd-seed", emtdBase, "xoshiro", o.seeds, emtdRunFromOutput, false);
  const tmeshPy = await ours("tmesh-seed", tmeshBase, "python", o.seeds, tmeshRunFromOutput, true);
  const tmeshXo = await ours("tmesh-seed", tmeshBase, "xoshiro", o.seeds, tmeshRunFromOutput, true);
  const hardPy = await ours(`emtd-seed nodes=${HARD_EMTD.nodes} decay=${HARD_EMTD.decay} input=${HARD_EMTD.input}`, hardBase, "python", o.hardSeeds, emtdRunFromOutput, false);
  const hardXo = await ours(`emtd-seed nodes=${HARD_EMTD.nodes} decay=${HARD_EMTD.decay} input=${HARD_EMTD.input}`, hardBase, "xoshiro", o.hardSeeds, emtdRunFromOutput, false);
  const emtdSummary0 = oursSummaryText(emtdBase, 0);
  const tmeshSummary0 = oursSummaryText(tmeshBase, 0);

  if (detection.ok) log("waiting for the python reference…");
  const py = await pythonJobs;
  const absent = detection.ok ? null : `python3 with numpy and networkx is absent (${detection.reason})`;

  const emtdOutcomes = protocols["emtd-seed"].outcomes;
  const emtd: RunSet<EmtdRun> = {
    title: "EMTD seed demo",
    seeds: o.seeds,
    params: paramsOf(emtdBase),
    outcomes: emtdOutcomes,
    ...pythonColumn(py?.emtd, absent),
    oursPython: emtdPy,
    oursXoshiro: emtdXo,
  };
  const emtdHard: RunSet<EmtdRun> = {
    title: `EMTD, nodes=${HARD_EMTD.nodes} decay=${HARD_EMTD.decay} input=${HARD_EMTD.input}`,
    seeds: o.hardSeeds,
    params: paramsOf(hardBase),
    outcomes: emtdOutcomes,
    ...pythonColumn(py?.emtdHard, absent),
    oursPython: hardPy,
    oursXoshiro: hardXo,
  };
  const tmesh: RunSet<TmeshRun> = {
    title: "T-M.E.S.H. seed demo",
    seeds: o.seeds,
    params: paramsOf(tmeshBase),
    outcomes: protocols["tmesh-seed"].outcomes,
    ...pythonColumn(py?.tmesh, absent),
    oursPython: tmeshPy,
    oursXoshiro: tmeshXo,
  };

  const demo = (r: string | { error: string } | { skipped: string } | undefined): { seedStdout: string | null; seedSkipped?: string; seedError?: string } => {
    if (typeof r === "string") return { seedStdout: r };
    if (r === undefined) return { seedStdout: null, seedSkipped: absent ?? "not run" };
    if ("skipped" in r) return { seedStdout: null, seedSkipped: r.skipped };
    return { seedStdout: null, seedSkipped: `the run failed: ${r.error}`, seedError: r.error };
  };
  const emtdDemo = demo(py?.emtdDemo);
  const tmeshDemo = demo(py?.tmeshDemo);

  return {
    seeds: o.seeds,
    hardSeeds: o.hardSeeds,
    environment: { node: process.version, platform: `${platform()} ${arch()}`, python: detection.ok ? detection.versions : null },
    python: detection.ok ? { ok: true, executable: detection.python } : { ok: false, reason: detection.reason },
    emtd,
    emtdHard,
    tmesh,
    seed0: {
      emtd: {
        ...emtdDemo,
        seedCommand: seedDemoCommand("emtd", 0),
        oursCommand: "npx entropic sim scenarios/emtd-seed.yaml --seed 0",
        oursSummary: emtdSummary0,
        rows: emtdPrintedRows(emtdDemo.seedStdout, emtdPy[0]!),
      },
      tmesh: {
        ...tmeshDemo,
        seedCommand: seedDemoCommand("tmesh", 0),
        oursCommand: "npx entropic sim scenarios/tmesh-seed.yaml --seed 0",
        oursSummary: tmeshSummary0,
        rows: tmeshPrintedRows(tmeshDemo.seedStdout, tmeshPy[0]!),
      },
    },
  };
}
