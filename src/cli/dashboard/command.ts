/** `entropic dashboard`: a local web page showing a devnet or a simulation live. */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { parseAssignment, parseSeed, readScenarioDocument } from "../scenario-input.js";
import { collect } from "../sim/command.js";
import { startDevnetSource } from "./devnet-source.js";
import { startDashboardServer } from "./server.js";
import { MAX_STEP_MS, startSimSource } from "./sim-source.js";
import type { DashboardSource } from "./store.js";

interface DashboardOptions {
  devnet?: string;
  sim?: string;
  seed?: string;
  set: string[];
  stepMs: string;
  port: string;
  host: string;
  open?: boolean;
}

export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("serve a live web dashboard of a devnet (--devnet DIR) or a simulation (--sim SCENARIO)")
    .option("--devnet <dir>", "follow the devnet in this folder (its devnet.json, written by `entropic devnet`)")
    .option("--sim <scenario>", "simulate this scenario file (default when --devnet is absent: the EMTD seed demo)")
    .option("--seed <n>", "simulation seed (overrides the scenario's; the page can change it)")
    .option("--set <name=value>", "override a scenario field, as in `entropic sim` (repeatable)", collect, [])
    .option("--step-ms <ms>", "simulation pause between recorded rounds, so rounds can be watched", "100")
    .option("--port <n>", "port to listen on (0 = any free port)", "7070")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--open", "open the page in the default browser")
    .action(async (opts: DashboardOptions) => {
      if (opts.devnet !== undefined && opts.sim !== undefined) throw new UsageError("give either --devnet DIR or --sim SCENARIO, not both");
      if (opts.devnet !== undefined && (opts.seed !== undefined || opts.set.length > 0)) {
        throw new UsageError("--seed and --set apply to --sim, not to --devnet");
      }
      const port = parseIntegerOption("--port", opts.port, 0, 65_535);
      const stepMs = parseIntegerOption("--step-ms", opts.stepMs, 0, MAX_STEP_MS);
      const source = opts.devnet !== undefined ? startDevnetSource(opts.devnet) : simSource(opts, stepMs);
      let server;
      try {
        server = await startDashboardServer(source, { port, host: opts.host }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === "EADDRINUSE") throw new UsageError(`port ${port} is in use: pick another with --port (0 = any free port)`);
          if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") throw new UsageError(`--host ${opts.host}: cannot listen there`);
          throw error;
        });
      } catch (error) {
        await source.close();
        throw error;
      }
      process.stdout.write(`entropic dashboard (${source.store.snapshot.mode}, ${source.store.snapshot.title}): ${server.url}\n`);
      if (opts.open) openBrowser(server.url);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.close();
      await source.close();
    });
}

function simSource(opts: DashboardOptions, stepMs: number): DashboardSource {
  const { doc, source } = readScenarioDocument(opts.sim);
  const overrides = opts.set.map((raw) => {
    const { name, values } = parseAssignment(raw, false);
    return { name, value: values[0] };
  });
  return startSimSource({ doc, source, overrides, stepMs, ...(opts.seed === undefined ? {} : { seed: parseSeed(opts.seed) }) });
}

function parseIntegerOption(flag: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} expects an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** Best effort: a missing opener only costs a note, the URL is printed anyway. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const child = spawn(command, args, { detached: true, stdio: "ignore" });
  child.on("error", () => process.stderr.write(`entropic: could not open a browser (${command}); open ${url} yourself\n`));
  child.unref();
}
