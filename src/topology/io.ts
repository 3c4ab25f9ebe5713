/**
 * Graph files in and out, through graphology: GraphML, GEXF and plain edge lists, plus the
 * conversions between a graphology Graph and the CSR the simulators read.
 *
 * Everything here is pure: parsers take the file's text and its name (for messages), writers
 * return text; reading and writing files happens in the CLI. A file that does not parse
 * raises {@link ParseError} naming the file and, where the parser knows it, line and column.
 */
import * as graphology from "graphology";
import type { AbstractGraph, Attributes, GraphConstructor } from "graphology-types";
import { parse as parseGraphmlDocument } from "graphology-graphml";
import { parse as parseGexfDocument, write as writeGexfString } from "graphology-gexf";
import { DOMParser, type XmlDocument, type XmlElement } from "@xmldom/xmldom/lib/dom-parser.js";
import { ParseError } from "../core/errors.js";
import { type Csr, csrFromPairsUnchecked, toUndirectedEdges } from "./csr.js";

/** A graphology graph (any type: undirected, directed or mixed; simple or multi). */
export type Graph = AbstractGraph;

// graphology's declarations describe a CommonJS module whose default export is the class,
// so TypeScript types a default import as the whole module. Both builds (ESM and CJS) also
// expose the class as the named export `Graph`, which the declarations omit: read it from
// the namespace and type it with graphology-types' constructor interface.
const GraphClass = (graphology as unknown as { Graph: GraphConstructor }).Graph;

/** The graph file formats entropic reads and writes. */
export type GraphFormat = "graphml" | "gexf" | "edgelist";

/** File extensions (lower case, with the dot) and the format each one selects. */
export const graphFormatByExtension: Readonly<Record<string, GraphFormat>> = {
  ".graphml": "graphml",
  ".gexf": "gexf",
  ".edges": "edgelist",
  ".edgelist": "edgelist",
  ".el": "edgelist",
  ".txt": "edgelist",
};

/** The format a file name's extension selects; throws ParseError for an unknown extension. */
export function graphFormatOf(fileName: string): GraphFormat {
  const dot = fileName.lastIndexOf(".");
  const ext = dot >= 0 && dot > fileName.lastIndexOf("/") ? fileName.slice(dot).toLowerCase() : "";
  const format = graphFormatByExtension[ext];
  if (!format) {
    throw new ParseError(fileName, `unknown graph file type "${ext || "(none)"}"; expected one of ${Object.keys(graphFormatByExtension).join(", ")}`);
  }
  return format;
}

// ---------------------------------------------------------------------------------------
// CSR ⇄ graphology
// ---------------------------------------------------------------------------------------

/** Options for {@link graphFromCsr}. */
export interface GraphFromCsrOptions {
  /** node keys by index (default: "0", "1", …) */
  readonly keys?: readonly string[];
  /** node coordinates, `dim` numbers per node, stored as attributes x, y (, z) */
  readonly positions?: Float64Array;
  /** coordinates per node in `positions` (default 2) */
  readonly dim?: 2 | 3;
}

/**
 * An undirected graphology Graph with the CSR's nodes and edges. Nodes are added in index
 * order; edges in {@link toUndirectedEdges} order with keys "e0", "e1", … — explicit keys,
 * because graphology's generated keys start from a random number and would make exported
 * files differ from run to run.
 */
export function graphFromCsr(csr: Csr, options: GraphFromCsrOptions = {}): Graph {
  const { keys, positions } = options;
  const dim = options.dim ?? 2;
  if (keys && keys.length !== csr.n) throw new RangeError(`graphFromCsr: keys has length ${keys.length}, expected n = ${csr.n}`);
  if (positions && positions.length !== csr.n * dim) throw new RangeError(`graphFromCsr: positions has length ${positions.length}, expected n·dim = ${csr.n * dim}`);
  const graph = new GraphClass({ type: "undirected", multi: false, allowSelfLoops: false });
  const key = (i: number) => (keys ? keys[i]! : String(i));
  for (let i = 0; i < csr.n; i++) {
    if (positions) {
      const attrs: Attributes = { x: positions[i * dim]!, y: positions[i * dim + 1]! };
      if (dim === 3) attrs.z = positions[i * dim + 2]!;
      graph.addNode(key(i), attrs);
    } else {
      graph.addNode(key(i));
    }
  }
  const pairs = toUndirectedEdges(csr);
  for (let e = 0; e < pairs.length; e += 2) graph.addEdgeWithKey(`e${e / 2}`, key(pairs[e]!), key(pairs[e + 1]!));
  return graph;
}

/** How {@link csrFromGraph} numbers the nodes. */
export type NodeOrder = "auto" | "insertion" | "numeric";

/** Result of {@link csrFromGraph}. */
export interface CsrFromGraphResult {
  readonly csr: Csr;
  /** `keys[i]` is the graph key of node i */
  readonly keys: readonly string[];
  /** the inverse of `keys` */
  readonly index: ReadonlyMap<string, number>;
  /** edges left out: self-loops, and repeats of a pair (parallel, or both directions of a directed pair) */
  readonly dropped: { readonly selfLoops: number; readonly duplicates: number };
}

const CANONICAL_INT = /^(0|[1-9][0-9]*)$/;

/**
 * CSR of a graphology graph, with the node numbering returned. The numbering, by `order`:
 * - "numeric": the keys must be exactly "0", "1", …, "n−1" (canonical decimals); node
 *   "i" becomes i. Throws RangeError otherwise.
 * - "insertion": graphology's node order, i.e. the order nodes appear in the file.
 * - "auto" (default): "numeric" when the keys allow it, else "insertion". A file written
 *   from a CSR thus reads back with the same numbering however its lines are ordered.
 *
 * Every edge counts as undirected. Rows fill in graphology's edge order (file order), as
 * {@link csrFromEdges} does; self-loops and repeated pairs are skipped and counted in
 * `dropped`, since CSR topologies are simple graphs.
 */
export function csrFromGraph(graph: Graph, order: NodeOrder = "auto"): CsrFromGraphResult {
  const nodes = graph.nodes();
  const n = nodes.length;
  let numeric = order === "numeric";
  if (order === "auto" || order === "numeric") {
    const ok = nodes.every((k) => CANONICAL_INT.test(k) && Number(k) < n);
    if (order === "numeric" && !ok) throw new RangeError(`csrFromGraph: numeric order needs the keys to be exactly 0..${n - 1}`);
    numeric = ok;
  }
  const keys = numeric ? Array.from({ length: n }, (_, i) => String(i)) : nodes;
  const index = new Map<string, number>();
  keys.forEach((k, i) => index.set(k, i));

  const seen = new Set<number>();
  let pairs = new Int32Array(Math.max(16, 2 * graph.size));
  let count = 0;
  let selfLoops = 0;
  let duplicates = 0;
  graph.forEachEdge((_edge, _attrs, source, target) => {
    const u = index.get(source)!;
    const v = index.get(target)!;
    if (u === v) {
      selfLoops++;
      return;
    }
    const lo = Math.min(u, v);
    const hi = Math.max(u, v);
    const id = lo * n + hi;
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    if (2 * count + 2 > pairs.length) {
      const next = new Int32Array(pairs.length * 2);
      next.set(pairs);
      pairs = next;
    }
    pairs[2 * count] = u;
    pairs[2 * count + 1] = v;
    count++;
  });
  return { csr: csrFromPairsUnchecked(n, pairs, count), keys, index, dropped: { selfLoops, duplicates } };
}

// ---------------------------------------------------------------------------------------
// XML formats
// ---------------------------------------------------------------------------------------

/** xmldom appends "\n@#[line:L,col:C]" to its messages; split that off. */
function splitXmldomMessage(raw: string): { detail: string; line?: number; column?: number } {
  const m = /\n?@[^#\n]*#\[line:(\d+),col:(\d+|undefined)\]\s*$/.exec(raw);
  const text = (m ? raw.slice(0, m.index) : raw).replace(/^\[xmldom (warning|error|fatalError)\]\t/, "").trim();
  if (!m) return { detail: text };
  const line = Number(m[1]);
  const column = m[2] === "undefined" ? undefined : Number(m[2]);
  return { detail: text, ...(line > 0 ? { line } : {}), ...(column !== undefined && line > 0 ? { column } : {}) };
}

/**
 * Parse XML strictly: xmldom only reports most problems (an unclosed tag is a "warning")
 * and carries on with a repaired tree, so every report is collected and the first one is
 * raised as a ParseError at its location; then tag nesting, which xmldom does not check,
 * is verified.
 */
function parseXml(text: string, fileName: string): XmlDocument {
  const reports: string[] = [];
  const collect = (msg: string) => {
    reports.push(msg);
  };
  let doc: XmlDocument | undefined;
  try {
    doc = new DOMParser({ locator: {}, errorHandler: { warning: collect, error: collect, fatalError: collect } }).parseFromString(text, "application/xml");
  } catch (e) {
    reports.push(e instanceof Error ? e.message : String(e));
  }
  if (reports.length > 0) {
    const { detail, line, column } = splitXmldomMessage(reports[0]!);
    throw new ParseError(fileName, `malformed XML: ${detail}`, line, column);
  }
  if (!doc || !doc.documentElement) throw new ParseError(fileName, "malformed XML: no root element", 1, 1);
  checkTagNesting(text, fileName);
  return doc;
}

/** 1-based line and column of offset i. */
function lineColumn(lineStarts: readonly number[], i: number): [number, number] {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return [lo + 1, i - lineStarts[lo]! + 1];
}

/**
 * Check that start and end tags nest. xmldom 0.8 silently repairs a mismatched end tag
 * (`<node></nodes>` parses as if it were right), so a file with a typo would load as a
 * different graph. This scan skips comments, CDATA, processing instructions, the doctype and
 * quoted attribute values, and reports the first mismatch at its position.
 */
function checkTagNesting(text: string, fileName: string): void {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const fail = (offset: number, detail: string): never => {
    const [line, column] = lineColumn(lineStarts, offset);
    throw new ParseError(fileName, `malformed XML: ${detail}`, line, column);
  };
  const skipPast = (from: number, end: string, what: string): number => {
    const j = text.indexOf(end, from);
    if (j < 0) fail(from, `unterminated ${what}`);
    return j + end.length;
  };
  const stack: { name: string; offset: number }[] = [];
  const nameRe = /[^\s/>=]+/y;
  let i = text.indexOf("<");
  while (i >= 0 && i < text.length) {
    if (text.startsWith("<!--", i)) i = skipPast(i + 4, "-->", "comment");
    else if (text.startsWith("<![CDATA[", i)) i = skipPast(i + 9, "]]>", "CDATA section");
    else if (text.startsWith("<?", i)) i = skipPast(i + 2, "?>", "processing instruction");
    else if (text.startsWith("<!", i)) {
      // A doctype may hold an internal subset in brackets, whose declarations contain '>'.
      let depth = 0;
      let j = i + 2;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === "[") depth++;
        else if (c === "]") depth--;
        else if (c === ">" && depth <= 0) break;
      }
      if (j >= text.length) fail(i, "unterminated declaration");
      i = j + 1;
    } else if (text[i + 1] === "/") {
      nameRe.lastIndex = i + 2;
      const m = nameRe.exec(text);
      const name = m ? m[0] : "";
      const open = stack.pop();
      if (!open) fail(i, `end tag </${name}> without a start tag`);
      else if (open.name !== name) {
        const [line, column] = lineColumn(lineStarts, open.offset);
        fail(i, `end tag </${name}> does not match <${open.name}> opened at ${line}:${column}`);
      }
      i = skipPast(i + 2, ">", "end tag");
    } else {
      nameRe.lastIndex = i + 1;
      const m = nameRe.exec(text);
      if (!m) fail(i, "'<' not followed by a tag name");
      let j = i + 1 + m![0].length;
      let quote = "";
      for (; j < text.length; j++) {
        const c = text[j]!;
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">") break;
      }
      if (j >= text.length) fail(i, `unterminated start tag <${m![0]}>`);
      if (text[j - 1] !== "/") stack.push({ name: m![0], offset: i });
      i = j + 1;
    }
    i = text.indexOf("<", i);
  }
  const open = stack.pop();
  if (open) fail(open.offset, `<${open.name}> is never closed`);
}

function at(fileName: string, el: XmlElement, detail: string): ParseError {
  return new ParseError(fileName, detail, el.lineNumber, el.lineNumber !== undefined ? el.columnNumber : undefined);
}

/**
 * Structural checks graphology's parsers do not make, or make with a TypeError or without a
 * location: the root element, a graph element, node ids present and unique, edge endpoints
 * declared.
 */
function checkGraphXml(doc: XmlDocument, fileName: string, root: "graphml" | "gexf"): void {
  const top = doc.documentElement!;
  const rootName = top.localName ?? top.tagName;
  if (rootName !== root) throw at(fileName, top, `expected a <${root}> root element, found <${top.tagName}>`);
  const graphs = doc.getElementsByTagName("graph");
  if (graphs.length === 0) throw at(fileName, top, `no <graph> element`);
  const ids = new Set<string>();
  const nodes = doc.getElementsByTagName("node");
  for (let i = 0; i < nodes.length; i++) {
    const el = nodes[i]!;
    const id = el.getAttribute("id");
    if (id === null || id === "") throw at(fileName, el, "<node> without an id");
    if (ids.has(id)) throw at(fileName, el, `duplicate node id "${id}"`);
    ids.add(id);
  }
  const edges = doc.getElementsByTagName("edge");
  for (let i = 0; i < edges.length; i++) {
    const el = edges[i]!;
    for (const end of ["source", "target"] as const) {
      const v = el.getAttribute(end);
      if (v === null || v === "") throw at(fileName, el, `<edge> without a ${end}`);
      if (!ids.has(v)) throw at(fileName, el, `edge ${end} "${v}" is not a declared node`);
    }
  }
}

function wrapLibraryError(fileName: string, e: unknown): ParseError {
  if (e instanceof ParseError) return e;
  return new ParseError(fileName, e instanceof Error ? e.message : String(e));
}

/**
 * Parse a GraphML document into a graphology Graph (node and edge `<data>` become
 * attributes, typed by their `<key>` declarations). Directed files give directed graphs.
 */
export function parseGraphml(text: string, fileName: string): Graph {
  const doc = parseXml(text, fileName);
  checkGraphXml(doc, fileName, "graphml");
  try {
    return parseGraphmlDocument(GraphClass, doc as unknown as string);
  } catch (e) {
    throw wrapLibraryError(fileName, e);
  }
}

/** Parse a GEXF (1.2 or 1.3) document into a graphology Graph. */
export function parseGexf(text: string, fileName: string): Graph {
  const doc = parseXml(text, fileName);
  checkGraphXml(doc, fileName, "gexf");
  try {
    return parseGexfDocument(GraphClass, doc as unknown as string);
  } catch (e) {
    throw wrapLibraryError(fileName, e);
  }
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

type GraphmlType = "boolean" | "int" | "double" | "string";

function attributeModel(records: Iterable<Attributes>): Map<string, GraphmlType> {
  const model = new Map<string, GraphmlType>();
  for (const attrs of records) {
    for (const [name, value] of Object.entries(attrs)) {
      let t: GraphmlType;
      if (typeof value === "boolean") t = "boolean";
      else if (typeof value === "number") t = Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? "int" : "double";
      else if (typeof value === "string") t = "string";
      else continue;
      const prev = model.get(name);
      if (prev === undefined || prev === t) model.set(name, t);
      else if ((prev === "int" && t === "double") || (prev === "double" && t === "int")) model.set(name, "double");
      else model.set(name, "string");
    }
  }
  return model;
}

/**
 * GraphML text for a graph: scalar node and edge attributes as typed `<data>` (other values
 * are skipped), nodes in graph order, edges in graph order with ids "e0", "e1", ….
 * graphology-graphml only parses, so the writer is ours.
 */
export function writeGraphml(graph: Graph): string {
  const nodeModel = attributeModel(graph.mapNodes((_k, a) => a));
  const edgeModel = attributeModel(graph.mapEdges((_k, a) => a));
  const nodeKeys = new Map<string, string>();
  const edgeKeys = new Map<string, string>();
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'];
  let d = 0;
  for (const [name, type] of nodeModel) {
    const id = `d${d++}`;
    nodeKeys.set(name, id);
    out.push(`  <key id="${id}" for="node" attr.name="${escapeXml(name)}" attr.type="${type}"/>`);
  }
  for (const [name, type] of edgeModel) {
    const id = `d${d++}`;
    edgeKeys.set(name, id);
    out.push(`  <key id="${id}" for="edge" attr.name="${escapeXml(name)}" attr.type="${type}"/>`);
  }
  const defaultType = graph.type === "directed" ? "directed" : "undirected";
  out.push(`  <graph edgedefault="${defaultType}">`);
  const data = (attrs: Attributes, keys: Map<string, string>) =>
    Object.entries(attrs)
      .filter(([name]) => keys.has(name))
      .filter(([, v]) => typeof v === "boolean" || typeof v === "number" || typeof v === "string")
      .map(([name, v]) => `<data key="${keys.get(name)}">${escapeXml(String(v))}</data>`)
      .join("");
  graph.forEachNode((key, attrs) => {
    const inner = data(attrs, nodeKeys);
    out.push(inner ? `    <node id="${escapeXml(key)}">${inner}</node>` : `    <node id="${escapeXml(key)}"/>`);
  });
  let e = 0;
  graph.forEachEdge((_key, attrs, source, target, _sa, _ta, undirected) => {
    const dir = graph.type === "mixed" && !undirected ? ' directed="true"' : "";
    const inner = data(attrs, edgeKeys);
    const open = `    <edge id="e${e++}" source="${escapeXml(source)}" target="${escapeXml(target)}"${dir}`;
    out.push(inner ? `${open}>${inner}</edge>` : `${open}/>`);
  });
  out.push("  </graph>", "</graphml>", "");
  return out.join("\n");
}

/**
 * GEXF 1.2 text for a graph, written by graphology-gexf (attributes x, y, z, size and color
 * become viz data). Edges are re-keyed "e0", "e1", … in graph order first, so the output
 * does not carry graphology's randomly seeded generated keys.
 */
export function writeGexf(graph: Graph): string {
  const copy = new GraphClass({ type: graph.type, multi: graph.multi, allowSelfLoops: true });
  copy.replaceAttributes({ ...graph.getAttributes() });
  graph.forEachNode((key, attrs) => {
    copy.addNode(key, { ...attrs });
  });
  let e = 0;
  graph.forEachEdge((_key, attrs, source, target, _sa, _ta, undirected) => {
    if (undirected) copy.addUndirectedEdgeWithKey(`e${e++}`, source, target, { ...attrs });
    else copy.addDirectedEdgeWithKey(`e${e++}`, source, target, { ...attrs });
  });
  return writeGexfString(copy, { pretty: true, version: "1.2" });
}

// ---------------------------------------------------------------------------------------
// Edge lists
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// By file name
// ---------------------------------------------------------------------------------------

/** Parse a graph file, choosing the format by the file name's extension (see {@link graphFormatOf}). */
export function parseGraphFile(text: string, fileName: string): Graph {
  switch (graphFormatOf(fileName)) {
    case "graphml":
      return parseGraphml(text, fileName);
    case "gexf":
      return parseGexf(text, fileName);
    case "edgelist":
      return parseEdgeList(text, fileName);
  }
}

/** Text of a graph in the format the file name's extension selects. */
export function writeGraphFile(graph: Graph, fileName: string): string {
  switch (graphFormatOf(fileName)) {
    case "graphml":
      return writeGraphml(graph);
    case "gexf":
      return writeGexf(graph);
    case "edgelist":
      return writeEdgeList(graph);
  }
}

/** Parse a graph file straight to CSR (see {@link csrFromGraph} for the node numbering). */
export function csrFromGraphFile(text: string, fileName: string, order: NodeOrder = "auto"): CsrFromGraphResult {
  return csrFromGraph(parseGraphFile(text, fileName), order);
}
