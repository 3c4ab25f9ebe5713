// One set-up for every run: simulate(), the dashboard's worker and the benchmarks all start
// runs through startRun, so a run stepped by hand replays simulate()'s run exactly.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../../src/runtime/crypto-node.js";
import { isRecordedStep, simulate, startRun } from "../../../src/sim/cycle/driver.js";
import { loadScenario } from "../../../src/sim/scenario/load.js";
import type { Scenario } from "../../../src/sim/scenario/schema.js";

const root = resolve(import.meta.dirname, "../../..");

function scenario(file: string, overrides: { name: string; value: unknown }[]): Scenario {
  return loadScenario(readFileSync(resolve(root, "scenarios", file), "utf8"), file, overrides);
}

/** Step a run by hand the way the dashboard's worker does, recording what simulate() records. */
function byHand(s: Scenario) {
  const run = startRun(s, { crypto: nodeCrypto });
  const steps = [{ step: 0, observables: run.observe() }];
  for (let more = true; more; ) {
    more = run.step();
    if (isRecordedStep(s, run, more)) steps.push({ step: run.steps, observables: run.observe() });
  }
  return { steps, result: run.result(), updates: run.updates };
}

describe("startRun", () => {
  const cases: [file: string, overrides: { name: string; value: unknown }[]][] = [
    ["snowball.yaml", [{ name: "topology.n", value: 60 }, { name: "seed", value: 5 }]],
    ["emtd-seed.yaml", [{ name: "seed", value: 2 }]],
    ["snowball.yaml", [{ name: "topology.n", value: 40 }, { name: "driver", value: "event" }, { name: "seed", value: 9 }]],
  ];
  for (const [file, overrides] of cases) {
    it(`stepped by hand replays simulate() (${file} ${overrides.map((o) => `${o.name}=${String(o.value)}`).join(" ")})`, () => {
      const s = scenario(file, overrides);
      const reference = simulate(s, { crypto: nodeCrypto });
      const hand = byHand(s);
      expect(hand.steps.length).toBeGreaterThan(1);
      expect(hand.steps).toEqual(reference.steps);
      expect(hand.result.outcome).toBe(reference.summary.outcome);
      expect(hand.updates).toBe(reference.summary.updates);
      for (const [key, value] of Object.entries(hand.result.fields)) expect(reference.summary[key], key).toEqual(value);
    });
  }

  it("a different seed gives a different run (the set-up takes the scenario's seed)", () => {
    const a = byHand(scenario("snowball.yaml", [{ name: "topology.n", value: 60 }, { name: "seed", value: 5 }]));
    const b = byHand(scenario("snowball.yaml", [{ name: "topology.n", value: 60 }, { name: "seed", value: 6 }]));
    expect(JSON.stringify(a.steps)).not.toBe(JSON.stringify(b.steps));
  });
});
