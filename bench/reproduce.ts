/**
 * `npm run reproduce`: the seeds' demos run thousands of times, three ways (the seed's own
 * Python where python3 and the seed documents are present, ours on the python generators,
 * ours on xoshiro), written to docs/reproduction.md. Exits 1 when a reproduction check
 * fails, 2 on a usage error.
 *
 *   npm run reproduce [-- --seeds N] [--hard-seeds M] [--out FILE] [--seeds-dir DIR] [--no-python]
 *
 * The seed documents are read from --seeds-dir DIR, else $ENTROPIC_SEEDS_DIR, else
 * ../shared/seeds beside the repository; without them (or python3) ours runs alone.
 *
 * Progress goes to stderr; the document's path and the check summary to stdout.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildMarkdown, REPRODUCE_COMMAND, reproductionChecks } from "./lib/reproduce-markdown.js";
import { DEFAULT_HARD_SEEDS, DEFAULT_SEEDS, repoRoot, reproduce } from "./lib/reproduce-run.js";
import { SEEDS_ENV } from "./lib/seed-code.js";

const DEFAULT_OUT = "docs/reproduction.md";

function usage(message: string): never {
  process.stderr.write(`reproduce: ${message}\nusage: npm run reproduce -- [--seeds N (default ${DEFAULT_SEEDS})] [--hard-seeds M (default ${DEFAULT_HARD_SEEDS})] [--out FILE (default ${DEFAULT_OUT})] [--seeds-dir DIR] [--no-python]\n`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 10_000_000) usage(`--${name} expects an integer from 1 to 10000000, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

let args;
try {
  args = parseArgs({
    options: {
      seeds: { type: "string" },
      "hard-seeds": { type: "string" },
      out: { type: "string" },
      "seeds-dir": { type: "string" },
      "no-python": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  usage((e as Error).message);
}
if (args.help) {
  process.stdout.write(
    `npm run reproduce -- [--seeds N] [--hard-seeds M] [--out FILE] [--seeds-dir DIR] [--no-python]\n\n` +
      `Runs the EMTD and T-M.E.S.H. seed demos over seeds 0..N-1 (default ${DEFAULT_SEEDS}) and a harder EMTD setting over 0..M-1\n` +
      `(default ${DEFAULT_HARD_SEEDS}): the seeds' own Python where python3 with numpy and networkx is present and the seed\n` +
      `documents are in DIR (default $${SEEDS_ENV}, else ../shared/seeds), ours on the python and xoshiro generators,\n` +
      `and writes FILE (default ${DEFAULT_OUT}). Exits 1 when a check fails.\n`,
  );
  process.exit(0);
}

const seeds = positive("seeds", args.seeds, DEFAULT_SEEDS);
const hardSeeds = positive("hard-seeds", args["hard-seeds"], DEFAULT_HARD_SEEDS);
const out = resolve(process.cwd(), args.out ?? DEFAULT_OUT);
const noPython = args["no-python"] === true;
if (args["seeds-dir"] === "") usage("--seeds-dir expects a directory");
const seedsDir = args["seeds-dir"];

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => process.stderr.write(`[reproduce ${elapsed()}] ${line}\n`);

// The command as the doc shows it: the defaults need no flags.
const flags = [
  ...(seeds !== DEFAULT_SEEDS ? [`--seeds ${seeds}`] : []),
  ...(hardSeeds !== DEFAULT_HARD_SEEDS ? [`--hard-seeds ${hardSeeds}`] : []),
  ...(args.out !== undefined && relative(repoRoot, out) !== DEFAULT_OUT ? [`--out ${args.out}`] : []),
  ...(seedsDir !== undefined ? [`--seeds-dir ${seedsDir}`] : []),
  ...(noPython ? ["--no-python"] : []),
];
const command = flags.length ? `${REPRODUCE_COMMAND} -- ${flags.join(" ")}` : REPRODUCE_COMMAND;

const result = await reproduce({ seeds, hardSeeds, python: !noPython, seedsDir, log, clock: () => performance.now() });
const markdown = buildMarkdown(result, { command });
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
writeFileSync(tmp, markdown);
renameSync(tmp, out);

const checks = reproductionChecks(result);
const failed = checks.filter((c) => !c.ok);
const shown = args.out ?? DEFAULT_OUT;
log(`wrote ${shown}`);
if (!result.python.ok) process.stdout.write(`python reference absent (${result.python.reason}): ran ours only\n`);
for (const c of failed) process.stdout.write(`FAIL  ${c.name}: ${c.detail}\n`);
process.stdout.write(
  failed.length === 0
    ? `reproduction check passed: ${checks.length} checks (${elapsed()}); wrote ${shown}\n`
    : `reproduction check FAILED: ${failed.length} of ${checks.length} checks (${elapsed()}); wrote ${shown}\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
