/**
 * The node simulator's speed (issue 11's target: 100 nodes deciding 1,000 conflict sets,
 * 10% double spends, under loss and one partition, in ≤ 30 s of wall time): the live node
 * cores of each protocol run `scenarios/node-100.yaml` (`driver: node`), with wall time,
 * CPU, peak memory, simulator events per second and every checker's verdict per case.
 *
 *   npm run build && node --import tsx bench/node-sim.ts [--sets 100] [--nodes 100] [--protocols snowball,emtd,tmesh]
 *
 * A case runs the compiled build (dist/), what `entropic sim` runs: through tsx, esbuild's
 * keepNames wraps every closure the node creates with a name-setting call (~2% of a
 * 100-node run's CPU in a profile, seventh session of docs/node-simulator.md).
 *
 * Each case runs in its own process (this file with `--case JSON`), so its CPU and maxRSS
 * are its own. Results go to bench/results/node-sim-<sets>.json and .md (node-sim-100: every
 * protocol at 100 sets; node-sim-1000: Snowball at the target's size, ~13 minutes). The target's
 * verdict is given only for the target's own size (100 nodes, 1,000 sets); smaller runs
 * say how far they are from it without extrapolating.
 *
 * The machine's pace (bench/lib/machine-pace.ts: a dependent read over 64 MiB, a small
 * object allocated and keyed in a Map) is measured before the first case and after the
 * last, with no case running: this VM's speed drifts by tens of percent between days, and
 * a day's wall times are read against that day's pace.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { SIM_NODE_FLAGS } from "../src/runtime/simnet/heap-tuning.js";
import { CHASE_BYTES, type MachinePace, measureMachinePace } from "./lib/machine-pace.js";
import { NODE_SIM_SCENARIO as SCENARIO, strictOptions, timedNodeRun, wholeNumberOption } from "./lib/node-sim-case.js";

const root = resolve(import.meta.dirname, "..");
const self = resolve(import.meta.dirname, "node-sim.ts");
const TARGET = { nodes: 100, sets: 1000, wallS: 30 };

interface CaseSpec {
  readonly protocol: string;
  readonly nodes: number;
  readonly sets: number;
}

interface CaseResult extends CaseSpec {
  readonly wallS: number;
  readonly cpuS: number;
  readonly maxRssMB: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly cpuUsPerEvent: number;
  readonly finalityP50Ms: number | null;
  readonly allDecidedAtMs: number | null;
  readonly decidedMin: number;
  readonly accepted: number;
  readonly violations: Record<string, number>;
}

function usage(message: string): never {
  console.error(`node-sim: ${message}`);
  process.exit(2);
}

async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const { out, wallS, cpuS } = await timedNodeRun([
    { name: "protocol", value: spec.protocol },
    { name: "topology.n", value: spec.nodes },
    { name: "node.txs", value: spec.sets },
  ]);
  const s = out.summary;
  return {
    ...spec,
    wallS,
    cpuS,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    events: s.events,
    eventsPerSecond: s.events / wallS,
    cpuUsPerEvent: (cpuS * 1e6) / s.events,
    finalityP50Ms: s.latencyMs.p50,
    allDecidedAtMs: s.allDecidedAtMs,
    decidedMin: s.decided.min,
    accepted: s.workload.accepted,
    violations: { ...s.checks },
  };
}

function paceText(p: MachinePace): string {
  return `chase ${p.chaseNs.toFixed(0)} ns, objects ${p.objectsNs.toFixed(0)} ns`;
}

async function main(): Promise<void> {
  const v = strictOptions({ case: { type: "string" }, sets: { type: "string" }, nodes: { type: "string" }, protocols: { type: "string" }, out: { type: "string" } }, usage);
  if (v.case !== undefined) {
    process.stdout.write(JSON.stringify(await runCase(JSON.parse(v.case) as CaseSpec)));
    return;
  }
  const sets = wholeNumberOption("sets", v.sets, 100, 1, 1_000_000, usage);
  const nodes = wholeNumberOption("nodes", v.nodes, 100, 1, 10_000, usage);
  const protocols = (v.protocols ?? "snowball,emtd,tmesh").split(",");
  for (const p of protocols) if (!["snowball", "emtd", "tmesh"].includes(p)) usage(`unknown protocol "${p}" (have snowball, emtd, tmesh)`);
  if (!existsSync(resolve(root, "dist/runtime/simnet/run.js"))) {
    console.error("node-sim: the compiled build is missing: run `npm run build` first");
    process.exit(1);
  }
  const outDir = resolve(v.out ?? resolve(root, "bench/results"));
  process.stderr.write("the machine's pace (before the cases) ... ");
  const paceBefore = measureMachinePace();
  process.stderr.write(`${paceText(paceBefore)}\n`);
  const results: CaseResult[] = [];
  for (const protocol of protocols) {
    const spec: CaseSpec = { protocol, nodes, sets };
    process.stderr.write(`${protocol}: ${nodes} nodes, ${sets} sets ... `);
    // The simulator's heap setting (heap-tuning.ts), as `entropic swarm` gives its workers.
    const raw = execFileSync(process.execPath, [...SIM_NODE_FLAGS, "--import", "tsx", self, "--case", JSON.stringify(spec)], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
    const r = JSON.parse(raw) as CaseResult;
    results.push(r);
    const failed = Object.entries(r.violations).filter(([, n]) => n > 0);
    process.stderr.write(`${r.wallS.toFixed(1)} s wall, ${Math.round(r.eventsPerSecond)} events/s, ${failed.length === 0 ? "every checker passed" : `FAILED ${failed.map(([c, n]) => `${c} ×${n}`).join(", ")}`}\n`);
  }
  process.stderr.write("the machine's pace (after the cases) ... ");
  const paceAfter = measureMachinePace();
  process.stderr.write(`${paceText(paceAfter)}\n`);
  const at = new Date().toISOString();
  const command = `npm run build && node --import tsx bench/node-sim.ts --sets ${sets} --nodes ${nodes} --protocols ${protocols.join(",")}`;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(resolve(outDir, `node-sim-${sets}.json`), `${JSON.stringify({ at, command, scenario: SCENARIO, target: TARGET, pace: { before: paceBefore, after: paceAfter }, results }, null, 2)}\n`);
  const atTarget = nodes === TARGET.nodes && sets === TARGET.sets;
  const lines = [
    "# The node simulator's speed (`driver: node`)",
    "",
    `Command: \`${command}\` (run ${at}). Scenario: \`${SCENARIO}\` (Watts–Strogatz k = 10, 1% loss, a 50/50 partition from 1 s to 2 s, 10% double spends, 500 sets/s), its protocol, node count and sets overridden. Each case in its own process, started with \`${SIM_NODE_FLAGS.join(" ")}\` (src/runtime/simnet/heap-tuning.ts); CPU is user + system of that process.`,
    "",
    `The machine's pace in the same run, with no case running (bench/lib/machine-pace.ts; best of 3 passes): before the cases ${paceText(paceBefore)}; after them ${paceText(paceAfter)}. A dependent read over ${CHASE_BYTES / 2 ** 20} MiB (*chase*) and a small object allocated and keyed in a Map of 2^16 (*objects*): this VM's speed drifts by tens of percent between days, so compare days' wall times through their pace.`,
    "",
    `Target (issue 11): ${TARGET.nodes} nodes deciding ${TARGET.sets} sets in ≤ ${TARGET.wallS} s of wall time. ${atTarget ? "These rows are the target's size." : `These rows are ${nodes} nodes × ${sets} sets, not the target's size: they say nothing about it beyond their own wall time (the cost per event grows with the sets; docs/node-simulator.md).`}`,
    "",
    "| protocol | nodes | sets | wall s | CPU s | max RSS MB | events | events/s | CPU µs/event | finality p50 ms (simulated) | all decided at ms | decided (min of nodes / accepted) | checkers | target |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ...results.map((r) => {
      const failed = Object.entries(r.violations).filter(([, n]) => n > 0);
      const verdict = atTarget ? (r.wallS <= TARGET.wallS && failed.length === 0 ? "met" : "not met") : "not this size";
      return `| ${r.protocol} | ${r.nodes} | ${r.sets} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${Math.round(r.maxRssMB)} | ${r.events} | ${Math.round(r.eventsPerSecond)} | ${Math.round(r.cpuUsPerEvent)} | ${r.finalityP50Ms ?? "—"} | ${r.allDecidedAtMs ?? "never"} | ${r.decidedMin} / ${r.accepted} | ${failed.length === 0 ? "all pass" : failed.map(([c, n]) => `${c} ×${n}`).join(", ")} | ${verdict} |`;
    }),
    "",
  ];
  writeFileSync(resolve(outDir, `node-sim-${sets}.md`), lines.join("\n"));
  console.log(lines.join("\n"));
}

main().catch((err: unknown) => {
  console.error(`node-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
