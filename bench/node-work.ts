// How much per-entry work a `driver: node` run does: the answer entries responders build
// (for registrations and for deltas), the entries askers resolve, the equivocation memory's
// observations, and the decisions nodes take in from vertices; and the work per poll round
// that does not depend on what changed: the instances each round polls, the (instance,
// answer) pairs its digest reads, the members responders check for change. These counts are the floor
// the node simulator's speed is judged against (docs/node-simulator.md, fifth session): CPU
// per entry operation is the CPU of a run over the entries counted here.
//
//   node --import tsx bench/node-work.ts [--sets 1000]
//
// Runs scenarios/node-100.yaml (100 Snowball nodes) with `node.txs` = --sets, in-process,
// with counters wrapped around the four methods (the run itself is unchanged: the same
// events as `entropic sim`). A count, not a timing: the same on any machine.
// Results: bench/results/node-work-<sets>.md.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveScenario } from "../src/cli/scenario-input.js";
import { AnswerMemory } from "../src/protocols/shell.js";
import { AnswerReader } from "../src/runtime/node/answer-reader.js";
import { DecodeMemo } from "../src/runtime/node/decode-memo.js";
import { Poller } from "../src/runtime/node/poller.js";
import { Responder } from "../src/runtime/node/responder.js";
import { StandingAnswers } from "../src/runtime/node/standing-answers.js";
import { runNodeScenario } from "../src/runtime/simnet/run.js";

function usage(message: string): never {
  console.error(`node-work: ${message} (usage: node --import tsx bench/node-work.ts [--sets N])`);
  process.exit(2);
}

let sets = 1000;
try {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { sets: { type: "string" } }, strict: true, allowPositionals: false });
  if (values.sets !== undefined) {
    sets = Number(values.sets);
    if (!Number.isSafeInteger(sets) || sets < 1) usage(`--sets must be a positive integer, got ${values.sets}`);
  }
} catch (e) {
  usage((e as Error).message);
}

const counts = { full: 0, delta: 0, resolved: 0, observed: 0, decisions: 0, rounds: 0, instanceRounds: 0, pairs: 0, checked: 0, signedParts: 0, checkedParts: 0 };
// The methods are private to their classes; counting wraps them on the prototypes.
type Proto = Record<string, (...args: unknown[]) => unknown>;
function wrap(proto: unknown, name: string, count: (args: unknown[]) => void): void {
  const p = proto as Proto;
  const inner = p[name];
  if (typeof inner !== "function") throw new Error(`node-work: ${name} is not a method any more; update the counters`);
  p[name] = function (this: unknown, ...args: unknown[]) {
    count(args);
    return inner.apply(this, args);
  };
}
// answer(from, query, record?, skip?, members?): `members` given is a delta.
wrap(Responder.prototype, "answer", (a) => {
  const entries = (a[1] as { instances: Uint8Array }).instances.length / 8;
  counts.signedParts++;
  if (a[4] !== undefined) counts.delta += entries;
  else counts.full += entries;
});
wrap(AnswerReader.prototype, "resolve", () => counts.resolved++);
wrap(AnswerMemory.prototype, "observe", () => counts.observed++);
// digest(round): once per completed round, with its instances and the answers that came.
wrap(Poller.prototype, "digest", (a) => {
  const round = a[0] as { batch: readonly number[]; responses: readonly unknown[]; inactive: Uint8Array | null };
  let polled = 0;
  for (let j = 0; j < round.batch.length; j++) if (round.inactive?.[j] !== 1) polled++;
  counts.rounds++;
  counts.instanceRounds += polled;
  counts.pairs += polled * round.responses.filter((r) => r !== null).length;
});
// changed(answer, skip): a responder checks every member of a batch the asker holds.
wrap(StandingAnswers.prototype, "changed", (a) => {
  counts.checkedParts++;
  counts.checked += (a[0] as { size: number }).size;
});
// Called once per vertex a node takes in (resync.ts ingestVertex), with that vertex.
wrap(DecodeMemo.prototype, "decisionKeys", (a) => (counts.decisions += (a[0] as { decisions: unknown[] }).decisions.length));

const here = dirname(fileURLToPath(import.meta.url));
const scenarioPath = resolve(here, "../scenarios/node-100.yaml");
const scenario = resolveScenario(scenarioPath, undefined, [{ name: "node.txs", value: sets }]);
const started = new Date().toISOString();
const out = await runNodeScenario(scenario);
const s = out.summary;
const failed = Object.entries(s.checks).filter(([, v]) => v > 0);
const built = counts.full + counts.delta;
const total = built + counts.resolved + counts.decisions;
const fmt = (n: number): string => n.toLocaleString("en-US");
const perSetNode = (n: number): string => (n / (sets * s.nodes)).toFixed(1);
const doc = [
  `# Per-entry work of the node simulator at ${s.nodes} nodes × ${fmt(sets)} sets`,
  "",
  `Command: \`node --import tsx bench/node-work.ts --sets ${sets}\` (run ${started}). Scenario: \`scenarios/node-100.yaml\` with \`node.txs=${sets}\`, run in-process with counters around the responder's \`answer\`, the answer reader's \`resolve\`, the equivocation memory's \`observe\` and the decode memo's per-vertex decision columns. Counts, not timings: the same on any machine.`,
  "",
  `The run: ${fmt(s.events)} simulator events; checkers: ${failed.length === 0 ? "all pass" : failed.map(([k, v]) => `${k} ×${v}`).join(", ")}.`,
  "",
  "| per-entry work | count |",
  "|---|---:|",
  `| answer entries built for registrations (full answers) | ${fmt(counts.full)} |`,
  `| answer entries built for deltas (members whose answer moved) | ${fmt(counts.delta)} |`,
  `| answer entries resolved by askers | ${fmt(counts.resolved)} |`,
  `| equivocation-memory observations (part of resolving) | ${fmt(counts.observed)} |`,
  `| decisions taken in from vertices | ${fmt(counts.decisions)} |`,
  `| entry operations (built + resolved + taken in) | ${fmt(total)} |`,
  "",
  "CPU per entry operation: a run's CPU (bench/results/node-sim-*.md) over the last row.",
  "",
  "Work per poll round, whatever changed (a *same* answer costs its members too):",
  "",
  "| per-round work | count | per set per node |",
  "|---|---:|---:|",
  `| poll rounds completed | ${fmt(counts.rounds)} | |`,
  `| instances polled, summed over rounds | ${fmt(counts.instanceRounds)} | ${perSetNode(counts.instanceRounds)} |`,
  `| (instance, answer) pairs the rounds' digests read | ${fmt(counts.pairs)} | ${perSetNode(counts.pairs)} |`,
  `| members responders checked for change (*same* and *delta* parts) | ${fmt(counts.checked)} | ${perSetNode(counts.checked)} |`,
  "",
  "Work per part of a poll (one per standing batch asked about; docs/node-simulator.md, tenth session):",
  "",
  "| per-part work | count |",
  "|---|---:|",
  `| signed answers built (full and delta parts, and one-shot queries) | ${fmt(counts.signedParts)} |`,
  `| *same* and *delta* parts checked by responders | ${fmt(counts.checkedParts)} |`,
  "",
  `Snowball's β = 20 successful rounds is the floor of instances polled per set per node; K = 20 answers each makes 400 pairs.`,
  "",
].join("\n");
const file = resolve(here, `results/node-work-${sets}.md`);
writeFileSync(file, doc);
console.log(doc);
console.log(`wrote ${file}`);
if (failed.length > 0) process.exitCode = 3;
