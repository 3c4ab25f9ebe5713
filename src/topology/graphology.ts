/**
 * graphology's Graph as entropic uses it: the type every graph-file function takes and
 * returns, and the class they build graphs with.
 */
import * as graphology from "graphology";
import type { AbstractGraph, GraphConstructor } from "graphology-types";

/** A graphology graph (any type: undirected, directed or mixed; simple or multi). */
export type Graph = AbstractGraph;

// graphology's declarations describe a CommonJS module whose default export is the class,
// so TypeScript types a default import as the whole module. Both builds (ESM and CJS) also
// expose the class as the named export `Graph`, which the declarations omit: read it from
// the namespace and type it with graphology-types' constructor interface.
export const GraphClass = (graphology as unknown as { Graph: GraphConstructor }).Graph;
