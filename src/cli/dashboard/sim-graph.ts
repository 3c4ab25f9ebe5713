/**
 * The network picture of a live simulation: a deterministic sample of the run's nodes
 * (a connected patch, as the report's traces take), the edges among them and each one's
 * colour class and finalized flag now. Reads the run through its optional `inspect()`;
 * protocols without one simply have no picture.
 */
import { createRng } from "../../core/prng.js";
import type { ProtocolRun, RunInspector } from "../../protocols/protocol.js";
import { sampleEdges, sampleNodes } from "../../sim/trace/sample.js";
import type { SimGraph } from "./model.js";

/** Small enough to redraw several times a second and to send over SSE each time. */
export const LIVE_GRAPH_LIMITS = { maxNodes: 300, maxEdges: 1500 } as const;

export class LiveGraph {
  private readonly nodeIds: Int32Array;
  private edges: (readonly [number, number])[] | null = null;
  private readonly rng;

  private constructor(
    private readonly run: ProtocolRun,
    private readonly inspector: RunInspector,
    seed: number,
  ) {
    // Its own stream, so watching never shifts the run's draws.
    this.rng = createRng(seed, "dashboard");
    const topology = inspector.fixedEdges ? inspector.edges() : null;
    this.nodeIds = sampleNodes(run.nodes, LIVE_GRAPH_LIMITS.maxNodes, this.rng, topology && !(topology instanceof Int32Array) ? topology : null);
  }

  /** A picture of `run`, or null when its protocol offers no inspector. */
  static of(run: ProtocolRun, seed: number): LiveGraph | null {
    const inspector = run.inspect?.();
    return inspector ? new LiveGraph(run, inspector, seed) : null;
  }

  /** The picture now. */
  snapshot(): SimGraph {
    const { inspector, nodeIds } = this;
    // Fixed topologies are sampled once; met-so-far edges (tmesh-seed) grow, so re-read them.
    if (this.edges === null || !inspector.fixedEdges) {
      const sampled = sampleEdges(inspector.edges(), this.run.nodes, nodeIds, LIVE_GRAPH_LIMITS.maxEdges, this.rng);
      const edges: [number, number][] = [];
      for (let k = 0; k + 1 < sampled.pairs.length; k += 2) edges.push([sampled.pairs[k]!, sampled.pairs[k + 1]!]);
      this.edges = edges;
    }
    const colour = new Array<number>(nodeIds.length);
    const finalized = new Array<number>(nodeIds.length);
    for (let i = 0; i < nodeIds.length; i++) {
      colour[i] = inspector.classOf(nodeIds[i]!);
      finalized[i] = inspector.isFinal(nodeIds[i]!) ? 1 : 0;
    }
    return { nodes: nodeIds.length, edges: this.edges, classes: [...inspector.classes], colour, finalized, sampled: nodeIds.length < this.run.nodes };
  }
}
