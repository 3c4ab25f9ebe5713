/**
 * Plain edge lists in and out: "u v" lines, with the weights and attribute dicts networkx
 * writes after the pair.
 */
import type { Attributes } from "graphology-types";
import { ParseError } from "../core/errors.js";
import { CANONICAL_INT } from "./graph-csr.js";
import { type Graph, GraphClass } from "./graphology.js";

/**
 * A Python dict literal as networkx's `write_edgelist` writes edge data (`{'latency': 3,
 * 'packet_loss': 0.01}`): read as JSON after swapping quotes and Python's constants.
 * Returns undefined when it is not a flat mapping of scalars.
 */
function parsePythonDict(text: string): Attributes | undefined {
  const json = text
    .replace(/'((?:[^'\\]|\\.)*)'/g, (_m, inner: string) => JSON.stringify(inner.replace(/\\'/g, "'")))
    .replace(/\bTrue\b/g, "true")
    .replace(/\bFalse\b/g, "false")
    .replace(/\bNone\b/g, "null");
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const attrs = value as Attributes;
    return Object.values(attrs).every((v) => v === null || typeof v !== "object") ? attrs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parse an edge list: one "u v" pair per line, separated by spaces or tabs; `#` starts a
 * comment that runs to the end of the line; blank lines are ignored. A line holding a single
 * id declares a node without adding an edge (how isolated nodes are written). Node ids are
 * any tokens without whitespace or `#`. After the pair, as networkx writes them, a line may
 * carry a number (`write_weighted_edgelist`: the edge's `weight`) or a Python dict of edge
 * attributes (`write_edgelist`: `{'latency': 3}`); anything else there is a ParseError at
 * the third field. Repeated pairs collapse into one edge (the first one's attributes);
 * self-loops are kept in the Graph (and dropped by {@link csrFromGraph}).
 */
export function parseEdgeList(text: string, fileName: string): Graph {
  const graph = new GraphClass({ type: "undirected", multi: false, allowSelfLoops: true });
  const lines = text.split(/\r\n|\n|\r/);
  let edgeId = 0;
  const token = /[^\s#]+/g;
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li]!;
    // networkx's attribute dict may hold '#' inside quotes: take it whole when the line has one.
    const brace = /^\s*[^\s#]+\s+[^\s#]+\s+(\{)/.exec(raw);
    let attrs: Attributes | undefined;
    let content: string;
    if (brace) {
      const open = brace.index + brace[0].length - 1;
      const close = raw.lastIndexOf("}");
      attrs = close > open ? parsePythonDict(raw.slice(open, close + 1)) : undefined;
      const after = close > open ? raw.slice(close + 1).trim() : "";
      if (attrs === undefined || (after !== "" && !after.startsWith("#"))) {
        throw new ParseError(fileName, "edge attributes must be a dict of names to numbers, strings or booleans, as networkx writes them", li + 1, open + 1);
      }
      content = raw.slice(0, open);
    } else {
      const hash = raw.indexOf("#");
      content = hash >= 0 ? raw.slice(0, hash) : raw;
    }
    const fields: { text: string; column: number }[] = [];
    token.lastIndex = 0;
    for (let m = token.exec(content); m !== null; m = token.exec(content)) fields.push({ text: m[0], column: m.index + 1 });
    if (fields.length === 0) continue;
    if (fields.length === 3 && attrs === undefined && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(fields[2]!.text)) {
      attrs = { weight: Number(fields[2]!.text) };
      fields.length = 2;
    }
    if (fields.length > 2) {
      throw new ParseError(fileName, `expected "u v" (two node ids), optionally a weight or a dict of edge attributes; found ${fields.length} fields`, li + 1, fields[2]!.column);
    }
    const u = fields[0]!.text;
    if (!graph.hasNode(u)) graph.addNode(u);
    if (fields.length === 2) {
      const v = fields[1]!.text;
      if (!graph.hasNode(v)) graph.addNode(v);
      if (!graph.hasEdge(u, v)) graph.addEdgeWithKey(`e${edgeId++}`, u, v, attrs ?? {});
    }
  }
  return graph;
}

/**
 * Edge-list text for a graph, one "u v" line per edge in graph order (direction is not
 * recorded). Isolated nodes are written as single-id lines. When the keys are not exactly
 * "0".."n−1", every node is declared first, so reading the file back numbers the nodes in
 * the same order. Throws RangeError for a key that contains whitespace or `#`.
 */
export function writeEdgeList(graph: Graph): string {
  const nodes = graph.nodes();
  for (const k of nodes) {
    if (k === "" || /[\s#]/.test(k)) throw new RangeError(`writeEdgeList: node key ${JSON.stringify(k)} cannot be written in an edge list (empty, whitespace or #)`);
  }
  const numeric = nodes.every((k) => CANONICAL_INT.test(k) && Number(k) < nodes.length);
  const out = [`# entropic edge list: ${graph.order} nodes, ${graph.size} edges`, '# one "u v" pair per line; a line with a single id declares a node'];
  for (const k of nodes) if (!numeric || graph.degree(k) === 0) out.push(k);
  graph.forEachEdge((_key, _attrs, source, target) => {
    out.push(`${source} ${target}`);
  });
  out.push("");
  return out.join("\n");
}
