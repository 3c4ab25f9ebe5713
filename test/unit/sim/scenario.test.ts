import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ParseError, ScenarioError } from "../../../src/core/errors.js";
import { applyOverrides, loadScenario, parseOverrideValue, parseScenarioText } from "../../../src/sim/scenario/load.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return [...(error as ScenarioError).issues];
  }
  throw new Error("expected a ScenarioError");
}

describe("scenario validation", () => {
  it("fills protocol defaults from a minimal document", () => {
    const s = validateScenario({ protocol: "emtd-seed" });
    expect(s.params).toEqual({ nodes: 50, k: 4, p: 0.1, input: 3.14159, decay: 0.95, temperature: 100, maxSweeps: 1000 });
    expect(s.seed).toBe(0);
    expect(s.rng).toBe("xoshiro");
    expect(s.name).toBe("emtd-seed");
  });

  it("names an unknown protocol and lists the allowed ones", () => {
    const [issue] = issuesOf(() => validateScenario({ protocol: "raft" }));
    expect(issue!.path).toBe("protocol");
    expect(issue!.message).toContain("emtd-seed");
    expect(issue!.message).toContain("tmesh-seed");
  });

  it("reports a bad field by its path with the allowed range", () => {
    const issues = issuesOf(() => validateScenario({ protocol: "emtd-seed", params: { decay: 1.5, nodes: 1 } }));
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath["params.decay"]).toMatch(/<=\s*1/);
    expect(byPath["params.nodes"]).toMatch(/>=\s*2/);
  });

  it("reports the allowed values of an enum", () => {
    const [issue] = issuesOf(() => validateScenario({ protocol: "emtd-seed", rng: "mersenne" }));
    expect(issue!.path).toBe("rng");
    expect(issue!.message).toContain("xoshiro");
    expect(issue!.message).toContain("python");
  });

  it("rejects unknown fields at every level", () => {
    const issues = issuesOf(() => validateScenario({ protocol: "tmesh-seed", colour: "red", params: { qubits: 3 } }));
    const paths = issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths.some((p) => p.startsWith(": unknown field \"colour\"; valid fields: name,"))).toBe(true);
    expect(paths.some((p) => p.startsWith("params:") && p.includes("qubits"))).toBe(true);
  });

  it("rejects wrong types", () => {
    const [issue] = issuesOf(() => validateScenario({ protocol: "tmesh-seed", params: { dim: "two" } }));
    expect(issue!.path).toBe("params.dim");
    expect(issue!.message).toMatch(/number/);
  });

  it("rejects k >= nodes for the Watts-Strogatz graph", () => {
    const [issue] = issuesOf(() => validateScenario({ protocol: "emtd-seed", params: { nodes: 4, k: 4 } }));
    expect(issue!.path).toBe("params.k");
  });

  it("rejects seeds outside [0, 2^32)", () => {
    expect(issuesOf(() => validateScenario({ protocol: "emtd-seed", seed: -1 }))[0]!.path).toBe("seed");
    expect(issuesOf(() => validateScenario({ protocol: "emtd-seed", seed: 2 ** 32 }))[0]!.path).toBe("seed");
  });

  it("rejects a document that is not a mapping", () => {
    expect(issuesOf(() => validateScenario([1, 2]))[0]!.message).toMatch(/mapping/);
  });
});

describe("scenario text", () => {
  it("parses YAML and JSON alike", () => {
    const a = loadScenario("protocol: tmesh-seed\nparams:\n  dim: 4\n", "a.yaml");
    const b = loadScenario('{"protocol":"tmesh-seed","params":{"dim":4}}', "b.json");
    expect(a).toEqual(b);
  });

  it("names the file, line and column of a syntax error", () => {
    try {
      parseScenarioText("protocol: emtd-seed\nparams: {nodes: 5\n", "broken.yaml");
      throw new Error("should not parse");
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).message).toMatch(/^broken\.yaml:\d+:\d+: /);
    }
  });

  it("rejects duplicate keys", () => {
    expect(() => parseScenarioText("seed: 1\nseed: 2\n", "dup.yaml")).toThrow(ParseError);
  });

  it("ships scenario files that validate and reproduce the seeds' parameters", () => {
    const emtd = loadScenario(readFileSync("scenarios/emtd-seed.yaml", "utf8"), "emtd-seed.yaml");
    expect(emtd.params).toMatchObject({ nodes: 50, k: 4, p: 0.1, input: 3.14159, decay: 0.95, temperature: 100, maxSweeps: 1000 });
    const tmesh = loadScenario(readFileSync("scenarios/tmesh-seed.yaml", "utf8"), "tmesh-seed.yaml");
    expect(tmesh.params).toMatchObject({ nodes: 5, dim: 2, steps: 15 });
  });
});

describe("overrides", () => {
  it("routes names to params, top-level fields and dotted paths", () => {
    const doc = applyOverrides({ protocol: "emtd-seed", params: { nodes: 50 } }, [
      { name: "nodes", value: 200 },
      { name: "seed", value: 9 },
      { name: "params.decay", value: 0.5 },
    ]);
    expect(doc).toEqual({ protocol: "emtd-seed", seed: 9, params: { nodes: 200, decay: 0.5 } });
  });

  it("does not mutate its input and refuses prototype paths", () => {
    const input = { protocol: "emtd-seed", params: { nodes: 50 } };
    applyOverrides(input, [{ name: "nodes", value: 1 }]);
    expect(input.params.nodes).toBe(50);
    expect(() => applyOverrides(input, [{ name: "__proto__.polluted", value: 1 }])).toThrow(ScenarioError);
  });

  it("reads values as YAML scalars", () => {
    expect(parseOverrideValue("0.5")).toBe(0.5);
    expect(parseOverrideValue("true")).toBe(true);
    expect(parseOverrideValue("python")).toBe("python");
    expect(parseOverrideValue("1e3")).toBe(1000);
  });
});
