// Overrides merge into section defaults; errors say which values are defaults, name the
// fields of an empty range, and list the valid names of an unknown field (issue 9 §4).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ScenarioError } from "../../../src/core/errors.js";
import { applyOverrides, loadScenario, type Override } from "../../../src/sim/scenario/load.js";
import { defaultsOf, validateScenario } from "../../../src/sim/scenario/schema.js";

const sets = (pairs: Record<string, unknown>): Override[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message;
  }
  throw new Error("expected a ScenarioError");
}

describe("overrides merge into defaults", () => {
  it("--set topology.n on a scenario without topology keeps the default kind, k and p", () => {
    const s = validateScenario(applyOverrides({ protocol: "snowball" }, sets({ "topology.n": 50 })));
    expect(s.sections.topology).toEqual({ kind: "watts-strogatz", n: 50, k: 10, p: 0.1 });
  });

  it("changes only the named field of a section the scenario wrote", () => {
    const s = validateScenario(applyOverrides({ protocol: "snowball", topology: { kind: "ring", n: 20 } }, sets({ "topology.n": 30 })));
    expect(s.sections.topology).toEqual({ kind: "ring", n: 30 });
  });

  it("switching kind drops default fields the new kind does not take, but not fields the user wrote", () => {
    const ring = validateScenario(applyOverrides({ protocol: "snowball" }, sets({ "topology.kind": "ring", "topology.n": 30 })));
    expect(ring.sections.topology).toEqual({ kind: "ring", n: 30 });
    const latency = validateScenario(
      applyOverrides({ protocol: "snowball", driver: "event" }, sets({ "network.latency.kind": "uniform", "network.latency.min": 1, "network.latency.max": 4 })),
    );
    expect((latency.sections.network as { latency: unknown }).latency).toEqual({ kind: "uniform", min: 1, max: 4 });
    expect(errorOf(() => validateScenario(applyOverrides({ protocol: "snowball", topology: { kind: "ring", n: 9, k: 2 } }, [])))).toMatch(/topology: unknown field "k"/);
  });

  it("records which values came from a default, and forgets one the user then sets", () => {
    const doc = applyOverrides({ protocol: "snowball" }, sets({ "topology.n": 50 }));
    expect([...defaultsOf(doc)].sort()).toEqual(["topology.k", "topology.kind", "topology.p"]);
    const again = applyOverrides(doc, sets({ "topology.k": 4, seed: 3 }));
    expect([...defaultsOf(again)].sort()).toEqual(["topology.kind", "topology.p"]);
  });

  it("works through loadScenario on a shipped file", () => {
    const s = loadScenario(readFileSync("scenarios/snowball-unsafe.yaml", "utf8"), "snowball-unsafe.yaml", sets({ "workload.bias": 0.7, "trust.delay": 5 }));
    expect(s.sections.workload).toMatchObject({ instances: 1, candidates: 2, bias: 0.7 });
    expect(s.sections.trust).toEqual({ evidence: true, delay: 5, penalty: 1 });
  });
});

describe("error messages", () => {
  it("says a value the user never wrote is a default, and shows the field it conflicts with", () => {
    const message = errorOf(() => validateScenario(applyOverrides({ protocol: "snowball" }, sets({ "topology.n": 8 }))));
    expect(message).toContain("topology.k: 10 (default) must not exceed n (8)");
  });

  it("a default in a section the user wrote is called a default too", () => {
    const message = errorOf(() => validateScenario({ protocol: "snowball", params: { k: 10 } }));
    expect(message).toContain("params.alphaConfidence: 15 (default) must be at most k = 10");
    expect(message).not.toMatch(/got 15/);
  });

  it("does not call a written value a default", () => {
    const message = errorOf(() => validateScenario({ protocol: "snowball", topology: { kind: "watts-strogatz", n: 8, k: 10, p: 0.1 } }));
    expect(message).toContain("topology.k: must not exceed n (8)");
    expect(message).not.toContain("default");
  });

  it("an empty range names the conflicting fields instead of printing [15, 10]", () => {
    const message = errorOf(() => validateScenario(applyOverrides({ protocol: "snowball" }, sets({ k: 10, alphaConfidence: 12 }))));
    expect(message).toContain("params.alphaConfidence: must be ≥ params.alphaPreference (15, default) and ≤ params.k (10)");
    expect(message).not.toContain("[15, 10]");
    // the same field's other complaint (at most k) adds nothing and is left out
    expect(message.match(/params\.alphaConfidence/g)).toHaveLength(1);
  });

  it("a non-empty range is left as the protocol wrote it", () => {
    const message = errorOf(() => validateScenario({ protocol: "snowball", params: { alphaPreference: 8 } }));
    expect(message).toContain("params.alphaPreference: must be in (k/2, alphaConfidence] = (10, 15]; got 8");
  });

  it("an unknown parameter lists the protocol's parameters and the nearest name", () => {
    const zzz = errorOf(() => validateScenario(applyOverrides({ protocol: "snowball" }, sets({ zzz: 1 }))));
    expect(zzz).toContain('params: unknown field "zzz"; snowball parameters: k, alphaPreference, alphaConfidence, beta, variant (entropic params snowball)');
    const typo = errorOf(() => validateScenario(applyOverrides({ protocol: "emtd" }, sets({ tfreeze: 0.1 }))));
    expect(typo).toContain('did you mean "tFreeze"?');
    expect(typo).toContain("emtd parameters: schedule, T0, alpha");
  });

  it("an unknown field in a section or at the top lists the valid names there", () => {
    expect(errorOf(() => validateScenario({ protocol: "snowball", workload: { instance: 2 } }))).toContain(
      'workload: unknown field "instance" (did you mean "instances"?); valid here: instances, candidates, bias, seen',
    );
    expect(errorOf(() => validateScenario({ protocol: "tmesh", topolgy: {} }))).toMatch(/\(root\): unknown field "topolgy" \(did you mean "topology"\?\); valid fields: .*topology/);
    expect(errorOf(() => validateScenario({ protocol: "snowball", topology: { kind: "ring", n: 9, k: 2 } }))).toContain('topology: unknown field "k"; valid here: kind, n');
  });

  it("a required field left out says what it accepts and means", () => {
    const message = errorOf(() => validateScenario(applyOverrides({ protocol: "snowball" }, sets({ "topology.kind": "barabasi-albert" }))));
    expect(message).toContain("topology.m: missing; required here: integer in [1, ∞) (edges from each new node)");
    expect(message).not.toContain("topology.k"); // the default's k and p were dropped, not reported
  });
});
