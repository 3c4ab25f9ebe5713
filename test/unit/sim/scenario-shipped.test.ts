// Every shipped scenario validates and runs as written, and the consensus ones are safe with
// their shipped settings on several seeds (issue 9 §4). `snowball-unsafe.yaml` is shipped to
// show the checker catching a violation: it must keep doing so.
import { runNodeScenario } from "../../../src/runtime/simnet/run.js";
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeCrypto } from "../../../src/runtime/crypto-node.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { loadScenario, type Override } from "../../../src/sim/scenario/load.js";

const dir = "scenarios";
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

function run(file: string, seed: number, overrides: Override[] = []) {
  const scenario = loadScenario(readFileSync(join(dir, file), "utf8"), file, [...overrides, { name: "seed", value: seed }], readBeside);
  return { scenario, summary: simulate(scenario, { crypto: nodeCrypto, recordSteps: false }).summary as Record<string, unknown> };
}

/** Files a scenario names (file-topology.yaml's graph), relative to the scenarios folder. */
const readBeside = (path: string): string => readFileSync(join(dir, path), "utf8");

function driverOf(file: string): unknown {
  return loadScenario(readFileSync(join(dir, file), "utf8"), file, [], readBeside).sections.driver;
}

function isEvent(file: string): boolean {
  return loadScenario(readFileSync(join(dir, file), "utf8"), file, [], readBeside).sections.driver === "event";
}

describe("shipped scenarios", () => {
  it("cover every protocol and both consensus drivers", () => {
    const docs = files.map((f) => loadScenario(readFileSync(join(dir, f), "utf8"), f, [], readBeside));
    const protocols = new Set(docs.map((d) => d.protocol));
    for (const p of ["emtd-seed", "tmesh-seed", "emtd", "tmesh", "snowball", "gossip-avg"]) expect(protocols, p).toContain(p);
    const drivers = new Set(docs.filter((d) => "driver" in d.sections).map((d) => d.sections.driver));
    expect([...drivers].sort()).toEqual(["cycle", "event", "node"]);
    const event = docs.find((d) => d.sections.driver === "event")!;
    const network = event.sections.network as { latency: { kind: string }; loss: number; partitions: unknown[] };
    expect(network.latency.kind).not.toBe("constant");
    expect(network.loss).toBeGreaterThan(0);
    expect(network.partitions.length).toBeGreaterThan(0);
  });

  it("every file starts with a comment saying what it is", () => {
    for (const f of files) expect(readFileSync(join(dir, f), "utf8"), f).toMatch(/^#/);
  });

  // driver: node scenarios run the live engine (src/runtime/simnet/): as written, but with fewer sets.
  for (const file of files.filter((f) => driverOf(f) === "node")) {
    it(`${file} runs on the node driver and passes every checker (30 sets)`, async () => {
      const scenario = loadScenario(readFileSync(join(dir, file), "utf8"), file, [{ name: "node.txs", value: 30 }], readBeside);
      const { summary } = await runNodeScenario(scenario);
      expect(summary.checks).toEqual({ safety: 0, validity: 0, liveness: 0, durability: 0, roots: 0, failures: 0, accusations: 0 });
      expect(summary.decided.min).toBeGreaterThan(0);
    }, 120_000);
  }

  for (const file of files.filter((f) => !f.includes("unsafe") && driverOf(f) !== "node")) {
    it(`${file} runs as written with no safety or validity violation on seeds 0–2`, () => {
      for (const seed of [0, 1, 2]) {
        // Signed answers cost ~25x the time of the whole event run; with no adversary and no
        // corruption they change only the byte counts (measured: identical summaries otherwise),
        // so seeds 1 and 2 of event-driver scenarios run unsigned.
        const { scenario, summary } = run(file, seed, seed > 0 && isEvent(file) ? [{ name: "network.signatures", value: false }] : []);
        if (!("safetyViolations" in summary)) {
          expect(scenario.protocol).toMatch(/-seed$/); // the seed demos have no checkers
          expect(summary.outcome).toBeTypeOf("string");
          continue;
        }
        expect(summary.safetyViolations, `${file} seed ${seed}`).toBe(0);
        expect(summary.validityViolations, `${file} seed ${seed}`).toBe(0);
        expect(summary.outcome, `${file} seed ${seed}`).toBe("agreement");
      }
    });
  }

  it("snowball-unsafe.yaml still shows a safety violation", () => {
    expect(run("snowball-unsafe.yaml", 1).summary.safetyViolations).toBeGreaterThan(0);
  });
});
