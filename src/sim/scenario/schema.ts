/**
 * The scenario format: one JSON or YAML document naming a protocol, its parameters, the
 * seed and the generator family. Validation reports every bad field by its path, with the
 * allowed values or range, before anything runs.
 */
import { z } from "zod";
import { ScenarioError } from "../../core/errors.js";
import { type ProtocolName, protocolNames, protocols } from "../registry.js";
import { rngFamilies, type RngFamily } from "../rng-family.js";
import { descriptionOf, rangeOf, schemaAt, shapeOf } from "./introspect.js";
import { attachLoadedGraph, checkLoadedGraph, loadGraphFile, loadedGraphReport } from "../../topology/file.js";
import { attachHyperedgeEvents, parseHyperedgeEvents } from "../../topology/hyperedge-file.js";
import type { FileTopologySpec } from "../../topology/spec.js";
import { SCENARIO_FILES_KEY, scenarioFiles } from "./files.js";

/** A validated scenario; `params` holds the protocol's parameters with defaults filled in. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly protocol: ProtocolName;
  readonly seed: number;
  readonly rng: RngFamily;
  /** record observables every this many steps (the first and last step are always recorded) */
  readonly observeEvery: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** the protocol's extra sections (topology, workload, adversary, … for consensus), validated */
  readonly sections: Readonly<Record<string, unknown>>;
  /** things the user should know that are not errors (self-loops dropped from a topology file, …) */
  readonly notes?: readonly string[];
}

const MAX_SEED = 2 ** 32 - 1;

const baseFields = {
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(10_000).optional(),
  seed: z.number().int().min(0).max(MAX_SEED).default(0),
  rng: z.enum(rngFamilies).default("xoshiro"),
  observeEvery: z.number().int().min(1).default(1),
};

const variants = new Map(
  protocolNames.map((name) => [
    name,
    z
      .object({
        ...baseFields,
        ...((protocols[name] as { sections?: Record<string, z.ZodType> }).sections ?? {}),
        protocol: z.literal(name),
        params: (protocols[name].params as z.ZodType).prefault({}),
      })
      .strict(),
  ]),
);

/** Field names a `--set NAME=VALUE` may address at the top level (everything else goes to params). */
export const topLevelFields: readonly string[] = [
  ...new Set([
    "name",
    "description",
    "seed",
    "rng",
    "observeEvery",
    "protocol",
    "params",
    ...protocolNames.flatMap((name) => Object.keys((protocols[name] as { sections?: Record<string, unknown> }).sections ?? {})),
  ]),
];

/**
 * Paths (dotted) in a document whose values were not written by the user but copied from a
 * section's default when an override reached into a section the document did not have
 * (load.ts, `applyOverrides`). Validation errors call such values defaults.
 */
const defaultOrigin = new WeakMap<object, ReadonlySet<string>>();

/** Record which paths of `doc` hold default values (see {@link defaultOrigin}). */
export function markDefaults(doc: object, paths: ReadonlySet<string>): void {
  if (paths.size > 0) defaultOrigin.set(doc, paths);
  else defaultOrigin.delete(doc);
}

/** The default-valued paths recorded for `doc`. */
export function defaultsOf(doc: unknown): ReadonlySet<string> {
  const found = doc !== null && typeof doc === "object" ? defaultOrigin.get(doc) : undefined;
  return found ?? new Set<string>();
}

/** The full schema a scenario of this protocol is checked against. */
export function scenarioSchema(protocol: ProtocolName): z.ZodType {
  return variants.get(protocol)!;
}

/** Validate a parsed document. `source` (a file name) prefixes error messages. */
export function validateScenario(input: unknown, source?: string): Scenario {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ScenarioError([{ path: "", message: "a scenario must be a mapping (object)" }], source);
  }
  const protocol = (input as Record<string, unknown>).protocol;
  if (typeof protocol !== "string" || !variants.has(protocol as ProtocolName)) {
    throw new ScenarioError(
      [{ path: "protocol", message: `${protocol === undefined ? "missing" : `unknown protocol ${JSON.stringify(protocol)}`}; allowed: ${protocolNames.join(", ")}` }],
      source,
    );
  }
  const schema = variants.get(protocol as ProtocolName)!;
  const files = scenarioFiles(input);
  let doc = input as Record<string, unknown>;
  const defaults = defaultsOf(input);
  if (Object.hasOwn(doc, SCENARIO_FILES_KEY)) {
    doc = { ...doc };
    delete doc[SCENARIO_FILES_KEY];
  }
  let result = schema.safeParse(doc, { reportInput: true });
  // Fields copied from a section's default that the section no longer accepts (an override
  // switched `topology.kind`, say) are dropped rather than reported: the user never wrote them.
  for (let attempt = 0; !result.success && attempt < 8; attempt++) {
    const stale = result.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path.map(String), key].join(".")).filter((p) => defaults.has(p)) : [],
    );
    if (stale.length === 0) break;
    doc = structuredClone(doc);
    for (const path of stale) deletePath(doc, path.split("."));
    result = schema.safeParse(doc, { reportInput: true });
  }
  if (!result.success) {
    throw new ScenarioError(phraseIssues(result.error.issues, doc, defaults, schema, protocol as ProtocolName), source);
  }
  const data = result.data as Record<string, unknown>;
  // Cross-field checks a protocol declares (e.g. a sample size that has no meaning under the sampling mode).
  const check = (protocols[protocol as ProtocolName] as { checkScenario?: (params: unknown, sections: Record<string, unknown>) => { path: string; message: string }[] }).checkScenario;
  const crossIssues = check ? check(data.params, data) : [];
  if (crossIssues.length > 0) throw new ScenarioError(crossIssues, source);
  const sections = Object.fromEntries(
    Object.keys((protocols[protocol as ProtocolName] as { sections?: Record<string, unknown> }).sections ?? {}).map((key) => [key, data[key]]),
  );
  const notes = loadScenarioFiles(sections, protocol as ProtocolName, files, source);
  return {
    name: (data.name as string | undefined) ?? (protocol as string),
    ...(data.description !== undefined ? { description: data.description as string } : {}),
    protocol: protocol as ProtocolName,
    seed: data.seed as number,
    rng: data.rng as RngFamily,
    observeEvery: data.observeEvery as number,
    params: data.params as Record<string, unknown>,
    sections,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * Parse the files the validated sections name (texts from the document's `$files`; see
 * files.ts), attach the results to their sections for the run, and add the summary's
 * `topologyFile` report. Returns notes for the user; throws ScenarioError or ParseError.
 */
function loadScenarioFiles(sections: Record<string, unknown>, protocol: ProtocolName, files: Readonly<Record<string, string>>, source?: string): string[] {
  const notes: string[] = [];
  const textOf = (field: string, path: string): string => {
    if (!Object.hasOwn(files, path)) {
      throw new ScenarioError(
        [{ path: field, message: `file ${JSON.stringify(path)} was not read: the CLI reads it relative to the scenario file; a library caller puts its text in the document's "${SCENARIO_FILES_KEY}" (withScenarioFiles)` }],
        source,
      );
    }
    return files[path]!;
  };
  const topology = sections.topology as { kind?: string; n?: number } | undefined;
  let index: ReadonlyMap<string, number> | undefined;
  let n = typeof topology?.n === "number" ? topology.n : 0;
  if (topology?.kind === "file") {
    const spec = topology as FileTopologySpec;
    const loaded = loadGraphFile(textOf("topology.path", spec.path), spec.path, spec.format);
    try {
      notes.push(...checkLoadedGraph(loaded, spec));
    } catch (e) {
      throw new ScenarioError([{ path: "topology.path", message: `${spec.path}: ${(e as Error).message}` }], source);
    }
    attachLoadedGraph(spec, loaded);
    sections.topologyFile = loadedGraphReport(loaded);
    index = loaded.index;
    n = loaded.csr.n;
  }
  const hyperedges = sections.hyperedges as { path: string } | undefined;
  if (hyperedges !== undefined) {
    if (protocol !== "tmesh") {
      throw new ScenarioError([{ path: "hyperedges", message: `only tmesh runs a sheaf check on hyperedges; ${protocol} has no use for them` }], source);
    }
    attachHyperedgeEvents(hyperedges, parseHyperedgeEvents(textOf("hyperedges.path", hyperedges.path), hyperedges.path, n, index));
  }
  return notes;
}

function deletePath(doc: Record<string, unknown>, path: readonly string[]): void {
  let node: unknown = doc;
  for (const part of path.slice(0, -1)) node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  if (node && typeof node === "object") delete (node as Record<string, unknown>)[path[path.length - 1]!];
}

function getPath(doc: unknown, path: readonly PropertyKey[]): unknown {
  let node = doc;
  for (const part of path) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part as string];
  }
  return node;
}

function showValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v);
}

const isScalar = (v: unknown): boolean => typeof v === "number" || typeof v === "boolean" || typeof v === "string";

/**
 * Turn zod issues into one-line messages a user can act on:
 * - an unknown field lists the valid names there (and the closest one);
 * - a value the user never wrote is shown with "(default)";
 * - a refinement naming sibling fields shows their values (`must not exceed n (8)`);
 * - an empty range `[15, 10]` names the fields that conflict instead.
 */
function phraseIssues(
  issues: readonly z.core.$ZodIssue[],
  doc: Record<string, unknown>,
  defaults: ReadonlySet<string>,
  schema: z.ZodType,
  protocol: ProtocolName,
): { path: string; message: string }[] {
  const written = (path: readonly PropertyKey[]): boolean => getPath(doc, path) !== undefined && !defaults.has(path.map(String).join("."));
  const out: { path: string; message: string; emptyRange?: boolean }[] = [];
  for (const issue of issues) {
    const pathText = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      out.push({ path: pathText, message: unknownFieldMessage(issue.keys, issue.path, doc, schema, protocol) });
      continue;
    }
    if (issue.code === "invalid_type" && issue.path.length > 0 && getPath(doc, issue.path) === undefined) {
      // A required field left out: say so, with what it accepts and means.
      const field = schemaAt(schema, issue.path.map(String), doc);
      const meaning = field ? descriptionOf(field) : undefined;
      out.push({ path: pathText, message: `missing; required here${field ? `: ${rangeOf(field)}` : ""}${meaning ? ` (${meaning})` : ""}` });
      continue;
    }
    if (issue.code !== "custom") {
      out.push({ path: pathText, message: issue.message });
      continue;
    }
    // A refinement on the enclosing object: its input is that object, with defaults filled.
    const last = issue.path[issue.path.length - 1];
    const scopePath = issue.path.slice(0, -1);
    const obj = issue.input && typeof issue.input === "object" && !Array.isArray(issue.input) ? (issue.input as Record<string, unknown>) : undefined;
    const own = obj && last !== undefined && Object.hasOwn(obj, last as string) ? obj : undefined;
    const valueOf = (key: string): unknown => own?.[key];
    const isDefault = (key: string): boolean => !written([...scopePath, key]);
    const scopeText = scopePath.map(String).join(".");
    const qualify = (name: string): string => (scopeText ? `${scopeText}.${name}` : name);
    let message = issue.message;
    const field = last === undefined ? "" : String(last);
    if (field && message.startsWith(`${field} `)) message = message.slice(field.length + 1);
    const empty = own ? emptyRange(message, own, qualify, isDefault) : undefined;
    if (empty) {
      message = empty;
    } else if (own && !message.includes("=")) {
      message = message.replace(/\b([A-Za-z_]\w*)\b(?! ?[=(])/g, (word: string) =>
        word !== field && Object.hasOwn(own, word) && isScalar(own[word]) ? `${word} (${showValue(own[word])}${isDefault(word) ? ", default" : ""})` : word,
      );
    }
    if (own && field && isDefault(field) && isScalar(valueOf(field))) {
      message = `${showValue(valueOf(field))} (default) ${message.replace(/; got [^;]*$/, "")}`;
    }
    out.push({ path: pathText, message, ...(empty ? { emptyRange: true } : {}) });
  }
  // An empty range already says everything the other complaints about that field say.
  const emptyPaths = new Set(out.filter((i) => i.emptyRange).map((i) => i.path));
  return out
    .filter((i, index) => i.emptyRange || !emptyPaths.has(i.path) || issues[index]!.code !== "custom")
    .map(({ path, message }) => ({ path, message }));
}

/**
 * `must be in [alphaPreference, k] = [15, 10]; got 12` → `must be ≥ params.alphaPreference (15)
 * and ≤ params.k (10)` when the interval is empty. Undefined when the message is not such a range.
 */
function emptyRange(message: string, obj: Record<string, unknown>, qualify: (name: string) => string, isDefault: (key: string) => boolean): string | undefined {
  const m = /must be in ([[(])([^,\]()[]+), ([^\]()[]+)([\])]) = [[(](-?[\d.e+-]+), (-?[\d.e+-]+)[\])]/.exec(message);
  if (!m) return undefined;
  const [, open, loExpr, hiExpr, close, loText, hiText] = m;
  const lo = Number(loText);
  const hi = Number(hiText);
  const openLo = open === "(";
  const openHi = close === ")";
  if (!(lo > hi || (lo === hi && (openLo || openHi)))) return undefined;
  const name = (expr: string, value: string): string => {
    const named = expr.trim().replace(/^[A-Za-z_]\w*/, (id) => (Object.hasOwn(obj, id) ? qualify(id) : id));
    const id = /^[A-Za-z_]\w*/.exec(expr.trim())?.[0];
    const dflt = id !== undefined && Object.hasOwn(obj, id) && isDefault(id) && /^[A-Za-z_]\w*$/.test(expr.trim()) ? ", default" : "";
    return `${named} (${value}${dflt})`;
  };
  return `must be ${openLo ? ">" : "≥"} ${name(loExpr!, loText!)} and ${openHi ? "<" : "≤"} ${name(hiExpr!, hiText!)}, an empty range: change one of them`;
}

function unknownFieldMessage(keys: readonly string[], path: readonly PropertyKey[], doc: unknown, schema: z.ZodType, protocol: ProtocolName): string {
  const head = `unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
  const at = schemaAt(schema, path.map(String), doc);
  const valid = at ? Object.keys(shapeOf(at, getPath(doc, path)) ?? {}) : [];
  if (valid.length === 0) return head;
  const near = keys.length === 1 ? closest(keys[0]!, valid) : undefined;
  const where = path.length === 1 && path[0] === "params" ? `${protocol} parameters` : path.length === 0 ? "valid fields" : "valid here";
  const hint = path.length === 1 && path[0] === "params" ? ` (entropic params ${protocol})` : "";
  return `${head}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}; ${where}: ${valid.join(", ")}${hint}`;
}

/** The nearest candidate within edit distance 2 (case-insensitive) of `word`, shorter than both words. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d < Math.min(word.length, c.length)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The protocol's parameter names, for `--help` and `--set` checks. */
export function parameterNames(protocol: ProtocolName): string[] {
  const schema = protocols[protocol].params as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}
