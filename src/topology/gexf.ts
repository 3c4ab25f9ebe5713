/**
 * GEXF in and out, through graphology-gexf: parsed after the strict XML checks, written
 * with deterministic edge keys.
 */
import { parse as parseGexfDocument, write as writeGexfString } from "graphology-gexf";
import { type Graph, GraphClass } from "./graphology.js";
import { checkGraphXml, parseXml, wrapLibraryError } from "./xml-strict.js";

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
