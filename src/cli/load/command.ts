/** `entropic load`: steady signed load against live nodes; finalized tx/s and latency quantiles. */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { runLoad } from "../../runtime/load/generator.js";
import { createProgress } from "../progress.js";
import { collect } from "../sim/command.js";
import { DEFAULT_CLIENT_KEY, loadClientKey, parseUrl } from "../tx/command.js";
import { RuntimeFailure } from "../errors.js";
import type { LoadReport, LoadSetRecord } from "../../runtime/load/generator.js";
import { existsSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Any failed request makes the run a failure (exit 1), after the report is printed. */
function failOnErrors(r: LoadReport): void {
  if (r.errors === 0) return;
  throw new RuntimeFailure(`load: ${r.errors} submission(s) failed${r.firstError ? ` (first: ${r.firstError})` : ""}; ${r.submitted} tx accepted, ${r.finalized} conflict sets finalized, ${r.unfinalized} not`);
}

function positive(raw: string, flag: string, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`${flag} must be a number in (0, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** `--latencies FILE` must name a file we may create or replace, checked before the load starts. */
function checkWritableFile(path: string, flag: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file name`);
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag} ${path}: folder ${dir} does not exist`);
}

/** One row per conflict set (RFC 4180; empty cells for sets not finalized), written whole or not at all. */
function writeLatencies(path: string, sets: readonly LoadSetRecord[]): void {
  const num = (x: number | null) => (x === null ? "" : x.toFixed(3));
  const rows = ["conflict,submitted_ms,finalized_ms,latency_ms,double_spend"];
  for (const r of sets) rows.push(`${r.conflict},${num(r.submittedMs)},${num(r.finalizedMs)},${num(r.latencyMs)},${r.doubleSpend}`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${rows.join("\r\n")}\r\n`);
  renameSync(tmp, path);
}

export function registerLoad(program: Command): void {
  program
    .command("load")
    .description("submit signed transactions at a steady rate and report finalized tx/s and finality latency")
    .requiredOption("--api <url>", "node API URL (repeatable: load is spread round-robin)", collect, [])
    .option("--rate <tx/s>", "conflict sets submitted per second", "100")
    .option("--duration <s>", "seconds of load", "10")
    .option("--conflicts <share>", "share of submissions sent as a double spend to two nodes", "0.1")
    .option("--key <file>", "signing key file", DEFAULT_CLIENT_KEY)
    .option("--drain <s>", "seconds to wait for the last decisions", "10")
    .option("--json", "print the report as JSON")
    .option("--latencies <file>", "write one CSV row per conflict set: conflict, submitted_ms, finalized_ms, latency_ms, double_spend")
    .action(async (o: { api: string[]; rate: string; duration: string; conflicts: string; key: string; drain: string; json?: boolean; latencies?: string }) => {
      if (o.api.length === 0) throw new UsageError("load needs at least one --api URL");
      const apis = o.api.map(parseUrl);
      const rate = positive(o.rate, "--rate", 1e6);
      const durationS = positive(o.duration, "--duration", 86_400);
      const conflictShare = Number(o.conflicts);
      if (!(conflictShare >= 0 && conflictShare <= 1)) throw new UsageError(`--conflicts must be in [0, 1], got ${JSON.stringify(o.conflicts)}`);
      const drainS = Number(o.drain);
      if (!(drainS >= 0 && drainS <= 3600)) throw new UsageError(`--drain must be a number of seconds in [0, 3600], got ${JSON.stringify(o.drain)}`);
      if (o.latencies !== undefined) checkWritableFile(o.latencies, "--latencies");
      const { keys } = loadClientKey(o.key);
      const progress = createProgress("load");
      const report = await runLoad({
        apis,
        rate,
        durationS,
        drainS,
        conflictShare,
        keys,
        recordSets: o.latencies !== undefined,
        onProgress: (t, total) => progress.update(Math.round(t * 10), Math.round(total * 10)),
      });
      progress.stop();
      if (o.latencies !== undefined) writeLatencies(o.latencies, report.sets ?? []);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        failOnErrors(report);
        return;
      }
      const f = (x: number) => (Number.isNaN(x) ? "n/a" : `${x.toFixed(0)} ms`);
      process.stdout.write(
        [
          `submitted ${report.submitted} tx (${report.doubleSpends} double spends) to ${report.apis} node(s) over ${report.durationS} s`,
          `finalized ${report.finalized} conflict sets: ${report.finalizedPerSecond.toFixed(1)}/s during the load, ${report.throughputPerSecond.toFixed(1)}/s sustained to the last decision; ${report.unfinalized} not finalized after the drain`,
          `finality latency p50 ${f(report.latencyMs.p50)}, p95 ${f(report.latencyMs.p95)}, p99 ${f(report.latencyMs.p99)}, max ${f(report.latencyMs.max)}`,
          `refused ${report.refused}, shed as overloaded ${report.overloaded}, errors ${report.errors} (${report.retried} retried after a closed connection), event streams reconnected ${report.streamReconnects}`,
          "",
        ].join("\n"),
      );
      failOnErrors(report);
    });
}
