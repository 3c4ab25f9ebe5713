#!/usr/bin/env node
/**
 * `entropic`: the command-line entry point. Every failure is one line on stderr. Usage
 * errors (bad flags, bad values, invalid scenarios, unusable files or ports) exit with
 * status 2, failures while running with 1, a consensus run whose checkers found a safety
 * or validity violation with 3 (src/cli/errors.ts).
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { describeFailure, EXIT_OK, EXIT_USAGE, oneLine } from "./errors.js";
import { registerSim } from "./sim/command.js";
import { registerSwarm } from "./swarm/command.js";
import { registerSweep } from "./sweep/command.js";
import { registerMerge } from "./merge/command.js";
import { registerReport } from "./report/command.js";
import { registerNode } from "./node/command.js";
import { registerDevnet } from "./devnet/command.js";
import { registerTx } from "./tx/command.js";
import { registerLoad } from "./load/command.js";
import { registerDashboard } from "./dashboard/command.js";
import { registerParams } from "./params/command.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

export function buildProgram(): Command {
  const program = new Command()
    .name("entropic")
    .description("Physics-inspired consensus (EMTD, T-M.E.S.H.), simulated deterministically and measured.")
    .version(pkg.version)
    .showSuggestionAfterError(true)
    .exitOverride()
    // commander's message may span lines ("error: unknown option '--sed'\n(Did you mean --seed?)"): one line.
    .configureOutput({ outputError: (text, write) => write(`${oneLine(text)}\n`) });
  registerSim(program);
  registerSwarm(program);
  registerSweep(program);
  registerMerge(program);
  registerReport(program);
  registerNode(program);
  registerDevnet(program);
  registerTx(program);
  registerLoad(program);
  registerDashboard(program);
  registerParams(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command may have set its own status (1: not decided in time, 3: violation found).
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT_OK : EXIT_USAGE;
    }
    const { status, line } = describeFailure(error);
    process.stderr.write(`entropic: ${line}\n`);
    return status;
  }
}

// A promise nobody awaited that fails still ends the command with one line, not a stack.
process.on("unhandledRejection", (error) => {
  const { line } = describeFailure(error);
  process.stderr.write(`entropic: unexpected failure: ${line}\n`);
  process.exit(1);
});

process.exitCode = await main(process.argv);
