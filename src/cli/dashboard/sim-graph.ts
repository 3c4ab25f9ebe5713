/**
 * The network picture of a live simulation: a deterministic sample of the run's nodes
 * (a connected patch, as the report's traces take), the edges among them and each one's
 * colour class and finalized flag now. Reads the run through its optional `inspect()`;
 * protocols without one simply have no picture.
 */
import { createRng } from "../../core/prng.js";
import type { ProtocolRun, RunInspector } from "../../protocols/protocol.js";
import { sampleEdges, sampleNodes } from "../../sim/trace/sample.js";
import { layoutGraph } from "../../report/layout.js";
import type { SimGraph } from "../../web-shared/dashboard-model.js";

/** Small enough to redraw several times a second and to send over SSE each time. */
export const LIVE_GRAPH_LIMITS = { maxNodes: 1000, maxEdges: 4000 } as const;

/**
 * ForceAtlas2 work (node-or-edge × iterations) for the live picture: a quarter of the
 * report's, ~0.5 s on an idle 2-core machine, since a run waits for it before its first round.
 */
const LAYOUT_WORK = 500_000;

export class LiveGraph {
  private readonly nodeIds: Int32Array;
  private edges: (readonly [number, number])[] | null = null;
  /** positions of the drawn nodes, and how many edges they were laid out with */
  private layout: { x: number[]; y: number[]; edges: number } | null = null;
  private readonly rng;
  private readonly seed: number;

  private constructor(
    private readonly run: ProtocolRun,
    private readonly inspector: RunInspector,
    seed: number,
  ) {
    // Its own stream, so watching never shifts the run's draws.
    this.rng = createRng(seed, "dashboard");
    this.seed = seed;
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
      this.relayout();
    }
    const colour = new Array<number>(nodeIds.length);
    const finalized = new Array<number>(nodeIds.length);
    for (let i = 0; i < nodeIds.length; i++) {
      colour[i] = inspector.classOf(nodeIds[i]!);
      finalized[i] = inspector.isFinal(nodeIds[i]!) ? 1 : 0;
    }
    const at = this.layout ? { x: this.layout.x, y: this.layout.y } : {};
    return { nodes: nodeIds.length, edges: this.edges, classes: [...inspector.classes], colour, finalized, sampled: nodeIds.length < this.run.nodes, ...at };
  }

  /**
   * Lay the drawn nodes out as the report does (ForceAtlas2 from a seeded start), once for a
   * fixed topology; for edges that grow (met-so-far), again only when their number has
   * doubled, so the picture stays still between layouts and the cost stays bounded.
   */
  private relayout(): void {
    const edges = this.edges!;
    if (edges.length === 0) return;
    if (this.layout && edges.length < 2 * this.layout.edges) return;
    const flat = new Int32Array(edges.length * 2);
    edges.forEach(([a, b], k) => {
      flat[2 * k] = a;
      flat[2 * k + 1] = b;
    });
    const { x, y } = layoutGraph(this.nodeIds.length, flat, this.seed, LAYOUT_WORK);
    const round = (v: number) => Math.round(v * 1e4) / 1e4;
    this.layout = { x: Array.from(x, round), y: Array.from(y, round), edges: edges.length };
  }
}
