/**
 * Scenario text → validated scenario. Pure: the caller reads the file. YAML is a superset
 * of JSON, so one parser serves both, and its errors carry line and column.
 */
import { LineCounter, parseDocument } from "yaml";
import { ParseError, ScenarioError } from "../../core/errors.js";
import { type ProtocolName, protocolNames } from "../registry.js";
import { withScenarioFiles } from "./files.js";
import { defaultOf, schemaAt } from "./introspect.js";
import { defaultsOf, markDefaults, type Scenario, scenarioSchema, topLevelFields, validateScenario } from "./schema.js";

/** Largest scenario text we accept; scenarios are small, a huge one is a mistake or an attack. */
export const MAX_SCENARIO_BYTES = 1 << 20;

/** Parse JSON or YAML scenario text; `fileName` names the source in errors. */
export function parseScenarioText(text: string, fileName: string): unknown {
  if (text.length > MAX_SCENARIO_BYTES) throw new ParseError(fileName, `scenario larger than ${MAX_SCENARIO_BYTES} bytes`);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ParseError(fileName, first.message.split("\n")[0]!, pos.line, pos.col);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** A `--set NAME=VALUE` override. NAME is a top-level field, a dotted path, or a parameter name. */
export interface Override {
  readonly name: string;
  readonly value: unknown;
}

/** Parse the value part of `--set`: numbers, booleans and null as YAML reads them, else a string. */
export function parseOverrideValue(raw: string): unknown {
  const doc = parseDocument(raw);
  if (doc.errors.length > 0) return raw;
  const v = doc.toJS() as unknown;
  return v === undefined ? raw : v;
}

/**
 * Apply overrides to a parsed (not yet validated) scenario document, returning a new document.
 * An override that reaches into a section the document does not have (`topology.n=50` on a
 * scenario that never wrote `topology`) starts from that section's default, so it changes one
 * field of the default instead of replacing the whole section; the copied values are
 * recorded (`defaultsOf`) so validation errors can say a value is a default.
 */
export function applyOverrides(doc: unknown, overrides: readonly Override[]): unknown {
  const root = structuredClone((doc ?? {}) as Record<string, unknown>);
  const defaults = new Set(defaultsOf(doc));
  for (const { name, value } of overrides) {
    const path = name.includes(".")
      ? name.split(".")
      : (topLevelFields as readonly string[]).includes(name)
        ? [name]
        : ["params", name];
    if (path.some((part) => part === "" || part === "__proto__" || part === "constructor" || part === "prototype")) {
      throw new ScenarioError([{ path: name, message: "not a valid field path" }]);
    }
    const protocol = root.protocol;
    const schema = typeof protocol === "string" && (protocolNames as readonly string[]).includes(protocol) ? scenarioSchema(protocol as ProtocolName) : undefined;
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i]!;
      const next = node[part];
      if (next === undefined) {
        const at = schema ? schemaAt(schema, path.slice(0, i + 1), root) : undefined;
        const dflt = at ? defaultOf(at) : undefined;
        const seeded = dflt?.kind === "value" && isMapping(dflt.value) ? dflt.value : {};
        node[part] = seeded;
        for (const leaf of leafPaths(seeded, path.slice(0, i + 1).join("."))) defaults.add(leaf);
      } else if (!isMapping(next)) {
        throw new ScenarioError([{ path: name, message: `cannot set inside ${part}, which is not a mapping` }]);
      }
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
    const written = path.join(".");
    for (const p of [...defaults]) if (p === written || p.startsWith(`${written}.`)) defaults.delete(p);
  }
  markDefaults(root, defaults);
  return root;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function leafPaths(value: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(value).flatMap(([key, v]) => (isMapping(v) ? leafPaths(v, `${prefix}.${key}`) : [`${prefix}.${key}`]));
}

/**
 * Parse, override and validate in one go. A scenario that names files (a topology graph
 * file, hyperedge events) needs `readFile`, which gets each path as the scenario writes it
 * (relative to the scenario file; the caller resolves it) and returns the text: this layer
 * reads nothing itself.
 */
export function loadScenario(text: string, fileName: string, overrides: readonly Override[] = [], readFile?: (path: string) => string): Scenario {
  const doc = applyOverrides(parseScenarioText(text, fileName), overrides);
  return validateScenario(readFile ? withScenarioFiles(doc, readFile) : doc, fileName);
}
