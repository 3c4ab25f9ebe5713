import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LiveGraph } from "../../../../src/cli/dashboard/sim-graph.js";
import type { ProtocolRun } from "../../../../src/protocols/protocol.js";
import { nodeCrypto } from "../../../../src/runtime/crypto-node.js";
import { startRun } from "../../../../src/sim/cycle/driver.js";
import { applyOverrides, parseScenarioText } from "../../../../src/sim/scenario/load.js";
import { validateScenario } from "../../../../src/sim/scenario/schema.js";

const scenarios = resolve(import.meta.dirname, "../../../../scenarios");

function run(nodes: number): { run: ProtocolRun; seed: number } {
  const doc = parseScenarioText(readFileSync(`${scenarios}/snowball.yaml`, "utf8"), "snowball.yaml");
  const scenario = validateScenario(applyOverrides(doc, [{ name: "topology.n", value: nodes }]));
  return { run: startRun(scenario, { crypto: nodeCrypto }), seed: scenario.seed };
}

describe("dashboard network picture", () => {
  it("draws every node of a 500-node run, laid out as the report does (not 300 dots on a circle)", () => {
    const { run: r, seed } = run(500);
    const graph = LiveGraph.of(r, seed)!.snapshot();
    expect(graph.nodes).toBe(500);
    expect(graph.sampled).toBe(false);
    const x = graph.x!;
    const y = graph.y!;
    expect(x).toHaveLength(500);
    expect(y).toHaveLength(500);
    for (const v of [...x, ...y]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // On a circle every node is at one radius; a force layout spreads them out.
    const radii = x.map((xi, i) => Math.hypot(xi, y[i]!));
    const mean = radii.reduce((a, b) => a + b, 0) / radii.length;
    const sd = Math.sqrt(radii.reduce((a, b) => a + (b - mean) ** 2, 0) / radii.length);
    expect(sd).toBeGreaterThan(0.1);
    // and no two nodes share a spot
    expect(new Set(x.map((xi, i) => `${xi.toFixed(3)},${y[i]!.toFixed(3)}`)).size).toBe(500);
  });

  it("is deterministic and keeps the positions between snapshots of a fixed topology", () => {
    const a = run(200);
    const b = run(200);
    const ga = LiveGraph.of(a.run, a.seed)!;
    const first = ga.snapshot();
    a.run.step();
    const second = ga.snapshot();
    expect(second.x).toEqual(first.x);
    expect(LiveGraph.of(b.run, b.seed)!.snapshot().y).toEqual(first.y);
  });
});
