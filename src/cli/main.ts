#!/usr/bin/env node
/**
 * `entropic`: the command-line entry point. Usage errors (bad flags, bad values, invalid
 * scenarios, unreadable files) print one line and exit with status 2; failures while
 * running exit with 1.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { EntropicError } from "../core/errors.js";
import { registerSim } from "./sim/command.js";
import { registerSweep } from "./sweep/command.js";
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
    .configureOutput({ outputError: (text, write) => write(text.split("\n")[0] + "\n") });
  registerSim(program);
  registerSweep(program);
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
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
    }
    if (error instanceof EntropicError || (error instanceof Error && /^\S+: (no such file|is a directory)/.test(error.message))) {
      process.stderr.write(`entropic: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`entropic: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
