// docs/scenario.schema.json: generated from the zod schemas (npm run schema), up to date,
// accepted by a maintained JSON Schema validator (ajv, draft 2020-12), and every shipped
// scenario validates against it and names it on its first line for editors.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema, scenarioJsonSchemaText } from "../../../src/sim/scenario/json-schema.js";
import { loadScenario } from "../../../src/sim/scenario/load.js";

const schemaPath = "docs/scenario.schema.json";

/** Every .yaml under scenarios/ (claims/ included), sorted. */
function scenarioFiles(dir = "scenarios"): string[] {
  return readdirSync(dir)
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? scenarioFiles(p) : p.endsWith(".yaml") ? [p] : [];
    })
    .sort();
}

let compiled: ReturnType<Ajv2020["compile"]> | undefined;
/** The committed schema compiled by ajv (strict: unknown keywords or formats are errors), once. */
function validator() {
  compiled ??= new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
  return compiled;
}

describe("scenario JSON Schema", () => {
  it("docs/scenario.schema.json is what `npm run schema` writes now (regenerate it if this fails)", () => {
    expect(readFileSync(schemaPath, "utf8")).toBe(scenarioJsonSchemaText());
  });

  it("is a draft 2020-12 schema ajv compiles in strict mode, one branch per protocol", () => {
    const schema = scenarioJsonSchema();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const branches = schema.oneOf as { properties: { protocol: { const: string } } }[];
    expect(branches.map((b) => b.properties.protocol.const).sort()).toEqual(["emtd", "emtd-seed", "gossip-avg", "snowball", "tmesh", "tmesh-seed"]);
    expect(() => validator()).not.toThrow();
  });

  const files = scenarioFiles();
  it("finds the shipped scenarios", () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    expect(files).toContain(join("scenarios", "file-topology.yaml"));
  });

  for (const file of files) {
    it(`${file} validates against it and names it on its first line`, () => {
      const text = readFileSync(file, "utf8");
      const expected = relative(join(file, ".."), schemaPath).split("\\").join("/");
      expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${expected}`);
      const validate = validator();
      const ok = validate(parse(text));
      expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    });
  }

  it("rejects what validateScenario rejects for the same reason: unknown fields, wrong types, out of range, unknown kinds", () => {
    const validate = validator();
    const base = parse(readFileSync("scenarios/snowball.yaml", "utf8")) as Record<string, unknown>;
    expect(validate(base)).toBe(true);
    const bad: Record<string, unknown>[] = [
      { ...base, maxRound: 10 },
      { ...base, protocol: "paxos" },
      { ...base, seed: -1 },
      { ...base, seed: "zero" },
      { ...base, params: { ...(base.params as object), betta: 3 } },
      { ...base, topology: { kind: "torus", n: 10 } },
      { ...base, topology: { kind: "file" } },
      { ...base, topology: { kind: "file", path: "g.graphml", format: "gml" } },
      { ...base, workload: { bias: 1.5 } },
      { ...base, driver: "event", network: { loss: 1 } },
    ];
    for (const doc of bad) {
      expect(validate(doc), JSON.stringify(doc)).toBe(false);
      expect(() => loadScenario(JSON.stringify(doc), "bad.json", [], () => "0 1\n")).toThrow();
    }
    // And accepts a file topology as validateScenario does.
    expect(validate({ ...base, topology: { kind: "file", path: "g.edges", allowDisconnected: true } })).toBe(true);
  });
});
