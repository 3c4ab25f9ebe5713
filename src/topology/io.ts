/**
 * Graph files by file name: the format a file's extension selects, and reading and writing
 * any supported format (GraphML, GEXF, plain edge lists) through it.
 *
 * Everything here is pure: parsers take the file's text and its name (for messages), writers
 * return text; reading and writing files happens in the CLI. A file that does not parse
 * raises {@link ParseError} naming the file and, where the parser knows it, line and column.
 *
 * Each format has its own module (graphml.ts, gexf.ts, edge-list.ts) and the CSR
 * conversions theirs (graph-csr.ts); this module re-exports their public names, so
 * `topology/io.js` (and through it the topology index) stays the one entry point for graph
 * files. Helpers the modules share among themselves (GraphClass, the strict XML checks)
 * are not re-exported: they are not part of the topology API.
 */
import { ParseError } from "../core/errors.js";
import { type CsrFromGraphResult, type NodeOrder, csrFromGraph } from "./graph-csr.js";
import type { Graph } from "./graphology.js";
import { parseGraphml, writeGraphml } from "./graphml.js";
import { parseGexf, writeGexf } from "./gexf.js";
import { parseEdgeList, writeEdgeList } from "./edge-list.js";

export type { Graph } from "./graphology.js";
export { type CsrFromGraphResult, type GraphFromCsrOptions, type NodeOrder, csrFromGraph, graphFromCsr } from "./graph-csr.js";
export { parseGraphml, writeGraphml } from "./graphml.js";
export { parseGexf, writeGexf } from "./gexf.js";
export { parseEdgeList, writeEdgeList } from "./edge-list.js";

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
