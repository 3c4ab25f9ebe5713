/**
 * `entropic sim` for `driver: node` scenarios: real node engines on simulated time
 * (src/runtime/simnet/), run on a worker thread given the simulator's heap setting
 * (node-worker.ts). Prints the checkers' verdicts, writes summary.json with --out, and
 * exits 3 with the replay command when a checker found a violation.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Scenario } from "../../sim/scenario/schema.js";
import { UsageError } from "../../core/errors.js";
import { SIM_YOUNG_GENERATION_MB } from "../../runtime/simnet/heap-tuning.js";
import { EXIT_USAGE, EXIT_VIOLATION, RuntimeFailure, ViolationFound } from "../errors.js";
import { writeFileAtomic } from "../files.js";
import { createProgress } from "../progress.js";
import { labelWidth, shellQuote } from "./format.js";
import type { NodeRunOutput } from "../../runtime/simnet/run.js";

export interface NodeSimOptions {
  readonly json?: boolean;
  readonly report?: boolean;
  readonly traceMessages?: string;
}

export async function runNodeSim(scenario: Scenario, scenarioArg: string | undefined, sets: readonly string[], outDir: string | undefined, opts: NodeSimOptions): Promise<void> {
  if (opts.report) throw new UsageError("--report is not available for driver: node yet (it records no per-round trace); use --out DIR for summary.json");
  if (opts.traceMessages !== undefined) throw new UsageError("--trace-messages needs the event driver (driver: event); driver: node does not record messages");
  const progress = createProgress(`${scenario.protocol} (node driver, simulated ms)`, { eta: false });
  let output: NodeRunOutput;
  try {
    output = await runOnWorker(scenario, (t, d) => progress.update(t, d));
  } finally {
    progress.stop();
  }
  if (outDir) writeFileAtomic(join(outDir, "summary.json"), `${JSON.stringify(output.summary, null, 2)}\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(output.summary, null, 2)}\n` : formatNodeSummary(output, outDir));
  const failed = Object.values(output.summary.checks).reduce((a, b) => a + b, 0);
  if (failed > 0) {
    const args = [scenarioArg === undefined ? "" : shellQuote(scenarioArg), `--seed ${output.summary.seed}`, ...sets.map((x) => `--set ${shellQuote(x)}`)].filter(Boolean).join(" ");
    process.stderr.write(`CHECKS FAILED (${describeFailures(output)}): replay with: entropic sim ${args}\n`);
    process.exitCode = EXIT_VIOLATION;
  }
}

/** What the simulation's worker thread (node-worker.ts) posts. */
export type NodeWorkerMessage =
  | { readonly kind: "progress"; readonly simMs: number; readonly deadlineMs: number }
  | { readonly kind: "done"; readonly output: NodeRunOutput }
  | { readonly kind: "failed"; readonly status: number; readonly line: string; readonly stack?: string };

/**
 * The run on a worker thread with the simulator's young generation (heap-tuning.ts: ~6–15%
 * less CPU than V8's default, which a running process cannot change for itself). A run
 * that fails rethrows with the worker's exit status; a worker that dies is reported.
 */
function runOnWorker(scenario: Scenario, onProgress: (simMs: number, deadlineMs: number) => void): Promise<NodeRunOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./node-worker.js", import.meta.url), {
      // execArgv is inherited (Node's default): passing it explicitly refuses V8 flags such as --max-semi-space-size.
      workerData: { scenario },
      resourceLimits: { maxYoungGenerationSizeMb: SIM_YOUNG_GENERATION_MB },
    });
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on("message", (m: NodeWorkerMessage) => {
      if (m.kind === "progress") onProgress(m.simMs, m.deadlineMs);
      else if (m.kind === "done") settle(() => resolve(m.output));
      else
        settle(() => {
          if (process.env.ENTROPIC_DEBUG === "1" && m.stack !== undefined) process.stderr.write(`${m.stack}\n`);
          reject(m.status === EXIT_USAGE ? new UsageError(m.line) : m.status === EXIT_VIOLATION ? new ViolationFound(m.line) : new RuntimeFailure(m.line));
        });
    });
    worker.on("error", (e) => settle(() => reject(new RuntimeFailure(`the simulation's worker thread failed: ${e.message}`))));
    worker.on("exit", (code) => settle(() => reject(new RuntimeFailure(`the simulation's worker thread exited (code ${code}) before reporting`))));
  });
}

function describeFailures(o: NodeRunOutput): string {
  return Object.entries(o.summary.checks)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

export function formatNodeSummary(o: NodeRunOutput, outDir?: string): string {
  const s = o.summary;
  const byz = Object.entries(s.byzantine).filter(([, v]) => v > 0);
  const rows: [string, string][] = [
    ["workload", `${s.workload.sets} conflict sets (${s.workload.doubleSpends} double spends), ${s.workload.txs} txs, ${s.workload.accepted} sets accepted, ${s.workload.refused} txs refused${s.workload.overloadRetries > 0 ? `, ${s.workload.overloadRetries} retried after overloaded` : ""}${s.workload.connectionLost > 0 ? `, ${s.workload.connectionLost} lost with their node's crash` : ""}`],
    ["decided", `per node min ${s.decided.min} / median ${s.decided.median} / max ${s.decided.max}; ${s.rogueUndecided} double spends left undecided (owed no decision)`],
    ["finality", s.latencyMs.p50 === null ? "no decisions" : `p50 ${Math.round(s.latencyMs.p50)} ms, p99 ${Math.round(s.latencyMs.p99 ?? 0)} ms, max ${s.latencyMs.max} ms (simulated)`],
    ["all decided", s.allDecidedAtMs === null ? `not by the deadline (${s.simulatedMs} ms simulated)` : `at ${s.allDecidedAtMs} ms simulated (last fault ${s.lastFaultMs} ms)`],
    ["faults", `${s.crashes} crashes, ${byz.length > 0 ? byz.map(([k, v]) => `${v} ${k}`).join(", ") : "no Byzantine processes"}, ${s.network.lost} lost, ${s.network.cut} cut, ${s.network.duplicated} duplicated of ${s.network.delivered + s.network.lost + s.network.cut} hops`],
    ["partitions", `${s.partition} mode; ${s.sheafConflicts} sheaf conflicts seen, ${s.reversals} decisions taken back and reported`],
    ["disks", `${s.disks.commits} writes, at crashes ${s.disks.landedAtCrash} in-flight landed and ${s.disks.lostAtCrash} lost`],
    ["checks", Object.entries(s.checks).map(([k, v]) => `${k} ${v === 0 ? "ok" : `FAILED ×${v}`}`).join(", ")],
    ["speed", `${s.events} events in ${(o.speed.wallMs / 1000).toFixed(1)} s wall (${Math.round(o.speed.eventsPerSecond)} events/s)`],
  ];
  for (const v of s.violations) rows.push([`  ${v.checker}`, v.detail]);
  if (outDir) rows.push(["wrote", `${outDir}/summary.json`]);
  const w = labelWidth(rows.map(([k]) => k));
  return `${s.protocol} on ${s.nodes} live node cores (driver: node, ${s.crypto} signatures), seed ${s.seed}\n${rows.map(([k, v]) => `  ${k.padEnd(w)} ${v}`).join("\n")}\n`;
}
