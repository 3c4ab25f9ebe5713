/**
 * `entropic swarm`: run many seeds of randomly drawn `driver: node` scenarios (random
 * faults: partitions, loss, duplication, crashes with torn writes, skew, Byzantine
 * processes) through every checker, on worker threads, and print each failure with the
 * command that replays it. Exit 3 when any seed fails a checker.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { EXIT_VIOLATION } from "../errors.js";
import { createProgress } from "../progress.js";
import { formatNodeSummary } from "../sim/node-run.js";
import { SIM_YOUNG_GENERATION_MB } from "../../runtime/simnet/heap-tuning.js";

interface SwarmOptions {
  runs: string;
  seed: string;
  workers?: string;
  replay?: string;
  json?: boolean;
}

export interface SwarmLine {
  readonly seed: number;
  readonly failed: boolean;
  readonly checks: Record<string, number>;
  readonly violations: readonly { checker: string; detail: string }[];
  readonly protocol: string;
  readonly nodes: number;
  readonly events: number;
  readonly wallMs: number;
  readonly error?: string;
}

function count(raw: string, what: string, min: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export function registerSwarm(program: Command): void {
  program
    .command("swarm")
    .description("run many random fault schedules against real node engines in the simulator (driver: node) and report checker failures with replay commands")
    .option("--runs <n>", "seeds to run", "16")
    .option("--seed <n>", "first seed (seeds are SEED, SEED+1, …)", "1")
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--replay <seed>", "run one seed in this process and print its full summary")
    .option("--json", "print one JSON line per seed")
    .action(async (opts: SwarmOptions) => {
      const { drawSwarmScenario, runSwarmSeed } = await import("../../runtime/simnet/swarm.js");
      if (opts.replay !== undefined) {
        const seed = count(opts.replay, "--replay", 0);
        const result = await runSwarmSeed(seed);
        process.stdout.write(opts.json ? `${JSON.stringify({ scenario: result.doc, summary: result.output.summary })}\n` : `scenario: ${JSON.stringify(drawSwarmScenario(seed).doc)}\n${formatNodeSummary(result.output)}`);
        if (result.failed) process.exitCode = EXIT_VIOLATION;
        return;
      }
      const runs = count(opts.runs, "--runs", 1);
      const first = count(opts.seed, "--seed", 0);
      const workers = Math.min(runs, opts.workers === undefined ? availableParallelism() : count(opts.workers, "--workers", 1));
      const lines = await runPool(first, runs, workers);
      const failed = lines.filter((l) => l.failed);
      const events = lines.reduce((a, l) => a + l.events, 0);
      const wallMs = lines.reduce((a, l) => a + l.wallMs, 0);
      if (opts.json) for (const l of lines) process.stdout.write(`${JSON.stringify(l)}\n`);
      else {
        process.stdout.write(`swarm: ${runs} seeds (${first}…${first + runs - 1}) on ${workers} worker(s): ${runs - failed.length} passed, ${failed.length} failed; ${events} simulator events, ${Math.round((events / Math.max(1, wallMs)) * 1000)} events/s per worker\n`);
        for (const l of failed) {
          const what = l.error ?? Object.entries(l.checks).filter(([, v]) => v > 0).map(([k, v]) => `${k} ×${v}`).join(", ");
          process.stdout.write(`  seed ${l.seed} (${l.protocol}, ${l.nodes} nodes): ${what}${l.violations[0] ? ` — ${l.violations[0].detail}` : ""}\n    replay: entropic swarm --replay ${l.seed}\n`);
        }
      }
      if (failed.length > 0) process.exitCode = EXIT_VIOLATION;
    });
}

/** Seeds on worker threads; a worker that dies is reported as that seed's failure. */
async function runPool(first: number, runs: number, workers: number): Promise<SwarmLine[]> {
  const progress = createProgress("swarm seeds", { eta: true });
  const lines: SwarmLine[] = [];
  let next = first;
  const end = first + runs;
  const url = new URL("./worker.js", import.meta.url);
  const one = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (next >= end) return resolve();
      const seed = next++;
      // execArgv is inherited (Node's default): passed explicitly, V8 flags such as --max-semi-space-size are refused.
      const worker = new Worker(url, { workerData: { seed }, resourceLimits: { maxYoungGenerationSizeMb: SIM_YOUNG_GENERATION_MB } });
      let done = false;
      const finish = (line: SwarmLine) => {
        if (done) return;
        done = true;
        lines.push(line);
        progress.update(lines.length, runs);
        void worker.terminate().finally(() => void one().then(resolve));
      };
      worker.on("message", (line: SwarmLine) => finish(line));
      const died = (why: string) => finish({ seed, failed: true, checks: {}, violations: [], protocol: "?", nodes: 0, events: 0, wallMs: 0, error: `worker died: ${why}` });
      worker.on("error", (e) => died(e.message));
      worker.on("exit", (code) => died(`exit code ${code} before reporting`));
    });
  await Promise.all(Array.from({ length: workers }, () => one()));
  progress.stop();
  return lines.sort((a, b) => a.seed - b.seed);
}
