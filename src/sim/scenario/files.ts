/**
 * Files a scenario names (a topology graph file, T-MESH hyperedge events) and how their
 * text reaches validation without a pure layer reading anything: the loader (the CLI, or a
 * library caller) reads each file and puts its text in the document under `$files`, keyed
 * by the path as the scenario writes it. `$files` travels with the document (overrides,
 * worker threads) and {@link validateScenario} parses what it names.
 */
import { defaultsOf, markDefaults } from "./schema.js";

/** The document key holding file texts by path. */
export const SCENARIO_FILES_KEY = "$files";

/** A field that names a file, and the path it names (as written, relative to the scenario file). */
export interface ScenarioFileRef {
  readonly field: string;
  readonly path: string;
}

function mapping(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The files a parsed (possibly overridden) document names. */
export function scenarioFileRefs(doc: unknown): ScenarioFileRef[] {
  const root = mapping(doc);
  if (!root) return [];
  const refs: ScenarioFileRef[] = [];
  const topology = mapping(root.topology);
  if (topology && topology.kind === "file" && typeof topology.path === "string" && topology.path !== "") refs.push({ field: "topology.path", path: topology.path });
  const hyperedges = mapping(root.hyperedges);
  if (hyperedges && typeof hyperedges.path === "string" && hyperedges.path !== "") refs.push({ field: "hyperedges.path", path: hyperedges.path });
  return refs;
}

/** The file texts a document carries. */
export function scenarioFiles(doc: unknown): Readonly<Record<string, string>> {
  const files = mapping(mapping(doc)?.[SCENARIO_FILES_KEY]);
  if (!files) return {};
  return Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/**
 * A copy of `doc` with the text of every file it names and does not carry yet, read by
 * `read(path)` (the caller resolves the path against the scenario's folder).
 */
export function withScenarioFiles(doc: unknown, read: (path: string, field: string) => string): unknown {
  const root = mapping(doc);
  if (!root) return doc;
  const have = scenarioFiles(root);
  const missing = scenarioFileRefs(root).filter((r) => !Object.hasOwn(have, r.path));
  if (missing.length === 0) return doc;
  const files: Record<string, string> = { ...have };
  for (const ref of missing) files[ref.path] = read(ref.path, ref.field);
  const out = { ...root, [SCENARIO_FILES_KEY]: files };
  markDefaults(out, new Set(defaultsOf(root)));
  return out;
}
