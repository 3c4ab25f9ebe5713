/**
 * GraphML in and out: parsed by graphology-graphml after the strict XML checks, written by
 * our own writer (graphology-graphml only parses).
 */
import type { Attributes } from "graphology-types";
import { parse as parseGraphmlDocument } from "graphology-graphml";
import { type Graph, GraphClass } from "./graphology.js";
import { checkGraphXml, parseXml, wrapLibraryError } from "./xml-strict.js";

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
