/**
 * A JSON Schema (draft 2020-12) for scenario files, generated from the same zod schemas that
 * validate them (zod 4's `z.toJSONSchema`), so editors can check a scenario as it is typed
 * (`# yaml-language-server: $schema=../docs/scenario.schema.json` on its first line).
 * `npm run schema` writes docs/scenario.schema.json; test/unit/sim/scenario-schema.test.ts
 * fails when that file is stale and validates every shipped scenario against it.
 *
 * What JSON Schema cannot say stays with `validateScenario`: cross-field checks (k ≤ n,
 * α ≤ k, …), and the contents of files a scenario names. Editors thus catch unknown
 * fields, wrong types, values out of range and unknown kinds; `entropic sim` catches the rest.
 */
import { z } from "zod";
import { consensusSections } from "../consensus/setting.js";
import { protocolNames } from "../registry.js";
import { scenarioSchema } from "./schema.js";

/** Where the published schema lives, for its `$id`. */
export const SCENARIO_SCHEMA_ID = "https://github.com/entropic/entropic/blob/main/docs/scenario.schema.json";

/** The scenario JSON Schema as an object. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const variants = protocolNames.map((name) => scenarioSchema(name)) as unknown as [z.ZodObject, ...z.ZodObject[]];
  const union = z.discriminatedUnion("protocol", variants);
  // The consensus sections are shared by every consensus protocol: written once, under $defs/<section>.
  const names = z.registry<{ id: string }>();
  for (const [section, schema] of Object.entries(consensusSections)) names.add(schema, { id: section });
  const schema = z.toJSONSchema(union, { target: "draft-2020-12", io: "input", unrepresentable: "any", metadata: names }) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: SCENARIO_SCHEMA_ID,
    title: "entropic scenario",
    description: "A scenario file for `entropic sim` and `entropic sweep`: a protocol, its parameters, the seed and (consensus protocols) topology, workload, adversary, driver and network. Generated from the zod schemas by `npm run schema`; `entropic params PROTOCOL` lists the same fields with their meaning.",
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema")),
  };
}

/** The schema as the text of docs/scenario.schema.json (two-space JSON, final newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
