/**
 * Writing reports: from a run just simulated, from a sweep just aggregated, or from a
 * folder written earlier (`entropic report RUN_DIR`). Each writes one self-contained
 * report.html into the folder and returns its path.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError, UsageError } from "../core/errors.js";
import type { RunOutput } from "../sim/cycle/driver.js";
import { type ProtocolName, protocols } from "../sim/registry.js";
import { parseTrace } from "../sim/trace/codec.js";
import type { Trace } from "../sim/trace/trace.js";
import { parseRounds, parseSummary, parseSweep, type SweepFile } from "./files.js";
import { renderPage } from "./page.js";
import { buildRunReport } from "./run-data.js";
import { buildSweepReport } from "./sweep-data.js";

export const REPORT_FILE = "report.html";
export const TRACE_FILE = "trace.json";
export const SWEEP_FILE = "sweep.json";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
export const GENERATOR = `entropic ${pkg.version}`;

/** The observable columns of a protocol, or the rows' own keys for one we do not know. */
function columnsFor(protocol: string, steps: RunOutput["steps"]): string[] {
  const known = (protocols as Record<string, { observables: readonly string[] } | undefined>)[protocol as ProtocolName];
  if (known) return [...known.observables];
  return steps.length ? Object.keys(steps[0]!.observables) : [];
}

/** Write `dir`/report.html for a run (its trace, when recorded, draws the graph). */
export function writeRunReport(dir: string, output: RunOutput): string {
  const data = buildRunReport({
    summary: output.summary,
    steps: output.steps,
    columns: columnsFor(output.summary.protocol, output.steps),
    trace: output.trace ?? null,
    generator: GENERATOR,
  });
  return writeHtml(dir, renderPage(data));
}

/** Write `dir`/report.html (and sweep.json, so `entropic report DIR` can redo it) for a sweep. */
export function writeSweepReport(dir: string, sweep: SweepFile): string {
  writeAtomic(join(dir, SWEEP_FILE), `${JSON.stringify(sweep, null, 2)}\n`);
  return writeHtml(dir, renderPage(buildSweepReport({ ...sweep, generator: GENERATOR })));
}

/**
 * Rebuild report.html from a folder: a sweep folder (sweep.json) or a run folder
 * (summary.json, rounds.jsonl, and trace.json when the run was traced).
 * @throws UsageError when the folder holds neither
 */
export function writeReportFromDir(dir: string): string {
  const sweepPath = join(dir, SWEEP_FILE);
  if (existsSync(sweepPath)) return writeHtml(dir, renderPage(buildSweepReport({ ...parseSweep(read(sweepPath), sweepPath), generator: GENERATOR })));
  const summaryPath = join(dir, "summary.json");
  const roundsPath = join(dir, "rounds.jsonl");
  if (!existsSync(summaryPath) || !existsSync(roundsPath)) {
    throw new UsageError(`${dir}: not a run folder (no summary.json and rounds.jsonl) nor a sweep folder (no ${SWEEP_FILE}); write one with entropic sim --out DIR or entropic sweep --report DIR`);
  }
  const summary = parseSummary(read(summaryPath), summaryPath);
  const steps = parseRounds(read(roundsPath), roundsPath);
  const tracePath = join(dir, TRACE_FILE);
  let trace: Trace | null = null;
  if (existsSync(tracePath)) {
    trace = parseTrace(read(tracePath), tracePath);
    if (trace.nodes !== summary.nodes) throw new ParseError(tracePath, `traces ${trace.nodes} nodes, but summary.json says ${summary.nodes}`);
  }
  const data = buildRunReport({ summary, steps, columns: columnsFor(summary.protocol, steps), trace, generator: GENERATOR });
  return writeHtml(dir, renderPage(data));
}

function writeHtml(dir: string, html: string): string {
  const path = join(dir, REPORT_FILE);
  writeAtomic(path, html);
  return path;
}

function writeAtomic(path: string, text: string): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ParseError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
