/** `entropic sim`: run one scenario, print a summary, optionally write its files. */
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { nodeCrypto } from "../../runtime/crypto-node.js";
import { simulate } from "../../sim/cycle/driver.js";
import { runFiles, toJson } from "../../sim/output.js";
import { traceToJson } from "../../sim/trace/codec.js";
import { TRACE_FILE, writeRunReport } from "../../report/write.js";
import { protocols } from "../../sim/registry.js";
import { UsageError } from "../../core/errors.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { type MessageRecord, messageTraceLine } from "../../sim/event/trace.js";
import { EXIT_VIOLATION } from "../errors.js";
import { checkOutputDir, writeFileAtomic } from "../files.js";
import { createProgress } from "../progress.js";
import { parseAssignment, parseSeed, resolveScenario } from "../scenario-input.js";
import { formatSummary, replayHint, violationCount } from "./format.js";
import { runNodeSim } from "./node-run.js";

interface SimOptions {
  seed?: string;
  set: string[];
  out?: string;
  json?: boolean;
  report?: boolean;
  traceMessages?: string;
}

export function registerSim(program: Command): void {
  program
    .command("sim")
    .description("run one scenario (default: the EMTD seed demo) and print its summary")
    .argument("[scenario]", "scenario file (YAML or JSON); omit for the built-in EMTD seed demo")
    .option("--seed <n>", "seed (overrides the scenario's)")
    .option("--set <name=value>", "override a field: a parameter name, a top-level field, or a dotted path (repeatable)", collect, [])
    .option("--out <dir>", "write summary.json, rounds.jsonl and rounds.csv to this folder")
    .option("--json", "print the summary as JSON on stdout")
    .option("--report", "record a trace and write report.html (and trace.json) into --out DIR, or ./out/<scenario>-<seed>/")
    .option("--trace-messages <file>", "event driver: write every message (tick, from, to, kind, bytes, dropped, arrival, duplicated) to FILE as JSON Lines")
    .action(async (scenarioPath: string | undefined, opts: SimOptions) => {
      const overrides = opts.set.map((raw) => {
        const { name, values } = parseAssignment(raw, false);
        return { name, value: values[0] };
      });
      const scenario = resolveScenario(scenarioPath, opts.seed === undefined ? undefined : parseSeed(opts.seed), overrides);
      if (opts.report && (scenario.sections as { driver?: string }).driver === "node") {
        throw new UsageError("--report is not available for driver: node yet (it records no per-round trace); use --out DIR for summary.json");
      }
      const outDir = opts.out ?? (opts.report ? join("out", `${scenario.name.replace(/[^\w.-]+/g, "_")}-${scenario.seed}`) : undefined);
      // Before the run: a bad --out must not cost the user the whole simulation.
      if (outDir) checkOutputDir(outDir, opts.out === undefined ? "--report" : "--out");
      if ((scenario.sections as { driver?: string }).driver === "node") {
        await runNodeSim(scenario, scenarioPath, opts.set, outDir, opts);
        return;
      }
      const messageTrace = opts.traceMessages === undefined ? undefined : openMessageTrace(opts.traceMessages, scenario);
      // One run has no honest ETA (it may end at any round): the bar shows progress only.
      const progress = createProgress(scenario.protocol, { eta: false });
      const output = simulate(scenario, {
        clock: () => performance.now(),
        onProgress: (d, t) => progress.update(d, t),
        crypto: nodeCrypto,
        ...(opts.report ? { trace: true } : {}),
        ...(messageTrace ? { onMessage: messageTrace.write } : {}),
      });
      progress.stop();
      messageTrace?.close();
      if (outDir) {
        const files = runFiles(output, protocols[scenario.protocol].observables);
        for (const [name, text] of Object.entries(files)) writeFileAtomic(join(outDir, name), text);
        if (output.trace) writeFileAtomic(join(outDir, TRACE_FILE), traceToJson(output.trace));
      }
      process.stdout.write(opts.json ? toJson(output.summary) : formatSummary(output.summary, outDir));
      if (opts.report && outDir) {
        // On stderr with --json, so stdout stays one JSON document.
        (opts.json ? process.stderr : process.stdout).write(`  report           ${writeRunReport(outDir, output)}\n`);
      }
      const hint = replayHint(output.summary, scenarioPath, opts.set);
      if (hint) process.stderr.write(hint);
      // Scripts can tell a run the checkers condemned (Jepsen's convention): exit 3.
      if (violationCount(output.summary) > 0) process.exitCode = EXIT_VIOLATION;
    });
}

/**
 * The `--trace-messages` file: JSON Lines written as the run goes (buffered), to a temporary
 * name renamed into place when the run ends, so a failed run leaves no half trace behind.
 * Only the event driver sends messages: any other driver is a usage error, not an empty file.
 */
function openMessageTrace(path: string, scenario: Scenario): { write: (m: MessageRecord) => void; close: () => void } {
  const driver = (scenario.sections as { driver?: string }).driver;
  if (driver !== "event") {
    throw new UsageError(`--trace-messages needs the event driver (driver: event; this scenario runs ${driver === undefined ? `${scenario.protocol}, which has no driver section` : `driver: ${driver}`}): set --set driver=event`);
  }
  checkOutputDir(dirname(resolve(path)), "--trace-messages");
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w");
  let buffer = "";
  return {
    write: (m) => {
      buffer += messageTraceLine(m);
      if (buffer.length >= 1 << 16) {
        writeSync(fd, buffer);
        buffer = "";
      }
    },
    close: () => {
      writeSync(fd, buffer);
      closeSync(fd);
      renameSync(tmp, path);
    },
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
