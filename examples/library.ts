/**
 * entropic as a library: `import { simulate, … } from "entropic"`.
 *
 * Run it from the repository after `npm install` (which builds dist/; the package name
 * resolves to this package through package.json "exports"):
 *
 *   node --import tsx examples/library.ts
 *
 * 1. a scenario written as a plain object and run on the cycle driver;
 * 2. a shipped scenario file with overrides (what `--set` does), on the event driver, over
 *    several seeds;
 * 3. a validation error, as data.
 */
import { readFileSync } from "node:fs";
import { loadScenario, nodeCrypto, ScenarioError, simulate, validateScenario } from "entropic";

// 1. Every field has a default (`entropic params snowball` lists them); write only what differs.
const scenario = validateScenario({
  protocol: "snowball",
  seed: 7,
  topology: { kind: "complete", n: 100 },
  sampling: "global",
  workload: { candidates: 2, bias: 0.6 },
  maxRounds: 200,
});
const run = simulate(scenario); // deterministic: the same scenario and seed give the same result
const half = run.steps.find((s) => s.observables.finalizedShare >= 0.5); // per-round observables
console.log(`1. ${run.summary.protocol} on ${run.summary.nodes} nodes: ${run.summary.outcome} in ${run.summary.steps} rounds`);
console.log(`   half the nodes final at round ${half?.step}; safety violations: ${run.summary.safetyViolations}`);

// 2. A shipped scenario, made smaller by overrides. The event driver signs every answer, so
//    the caller injects node:crypto (the simulator itself does no I/O).
const text = readFileSync(new URL("../scenarios/event-partition.yaml", import.meta.url), "utf8");
let unsafe = 0;
for (const seed of [0, 1, 2]) {
  const s = loadScenario(text, "event-partition.yaml", [
    { name: "seed", value: seed },
    { name: "topology.n", value: 60 },
  ]);
  const { summary } = simulate(s, { crypto: nodeCrypto, recordSteps: false });
  if (summary.safetyViolations !== 0) unsafe++;
  console.log(`2. event-partition seed ${seed}: ${summary.outcome} in ${summary.steps} rounds, ${summary.droppedPartition} messages cut by the partition`);
}

// 3. Invalid scenarios throw a ScenarioError whose issues name each field.
try {
  validateScenario({ protocol: "snowball", params: { k: 10 } });
} catch (error) {
  if (!(error instanceof ScenarioError)) throw error;
  for (const issue of error.issues) console.log(`3. ${issue.path}: ${issue.message}`);
}

process.exitCode = unsafe === 0 && run.summary.safetyViolations === 0 ? 0 : 3;
