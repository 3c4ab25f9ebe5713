/**
 * Strict XML for the graph file formats (GraphML, GEXF): parse with every xmldom report
 * raised as a located ParseError, check the tag nesting xmldom repairs silently, and check
 * the graph structure graphology's parsers take on trust, so a broken file is refused with
 * its line and column instead of loading as a different graph.
 */
import { DOMParser, type XmlDocument, type XmlElement } from "@xmldom/xmldom/lib/dom-parser.js";
import { ParseError } from "../core/errors.js";

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
export function parseXml(text: string, fileName: string): XmlDocument {
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
export function checkGraphXml(doc: XmlDocument, fileName: string, root: "graphml" | "gexf"): void {
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

/** An error from graphology's parsers as a ParseError naming the file (ours pass through). */
export function wrapLibraryError(fileName: string, e: unknown): ParseError {
  if (e instanceof ParseError) return e;
  return new ParseError(fileName, e instanceof Error ? e.message : String(e));
}
