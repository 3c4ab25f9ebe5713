/**
 * Traces: what a report needs to draw a run — the topology (as edges; positions are the
 * report's business), and per recorded step each node's colour class and finalized flag,
 * plus one node's density matrix for protocols whose nodes hold one.
 *
 * Recording reads the run through its `RunInspector` and never writes to it, so a traced
 * run gives the same results, byte for byte, as an untraced one. Big runs are sampled
 * down (at most `maxNodes` nodes, `maxEdges` edges, `maxFrames` frames), deterministically
 * from the run's seed, and the trace says so.
 */
import { createRng } from "../../core/prng.js";
import type { ProtocolRun, RunInspector } from "../../protocols/protocol.js";
import { sampleEdges, sampleNodes } from "./sample.js";

/** Limits of a trace. Every field has a default. */
export interface TraceOptions {
  /** most nodes recorded (default 10^4); larger runs are sampled down */
  readonly maxNodes?: number;
  /** most edges among the recorded nodes (default 5·10^4) */
  readonly maxEdges?: number;
  /** most frames kept (default 200): the recording stride doubles whenever they overflow */
  readonly maxFrames?: number;
  /** the node whose density matrix is recorded, where nodes hold one (default 0) */
  readonly densityNode?: number;
}

export const TRACE_DEFAULTS = { maxNodes: 10_000, maxEdges: 50_000, maxFrames: 200, densityNode: 0 } as const;

/** Each frame byte holds a node's class in the low 7 bits and this bit when it is final. */
export const FINAL_BIT = 0x80;

/** One recorded step: a byte per recorded node (class | FINAL_BIT when final). */
export interface TraceFrame {
  readonly step: number;
  readonly state: Uint8Array;
}

/** One recorded step of the chosen node's d×d density matrix, row-major. */
export interface DensityFrame {
  readonly step: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export interface DensityTrace {
  readonly node: number;
  readonly dim: number;
  readonly frames: readonly DensityFrame[];
}

export interface Trace {
  readonly protocol: string;
  /** nodes in the run */
  readonly nodes: number;
  /** recorded node ids, ascending; fewer than `nodes` when sampled */
  readonly nodeIds: Int32Array;
  /** colour class labels, by class index */
  readonly classes: readonly string[];
  /** edges among recorded nodes as flat pairs of positions in `nodeIds` */
  readonly edges: Int32Array;
  /** edges among recorded nodes before thinning to `maxEdges` */
  readonly edgesTotal: number;
  /** steps between frames at the end of the run (frames at multiples of it, plus the last step) */
  readonly frameStride: number;
  readonly frames: readonly TraceFrame[];
  readonly density: DensityTrace | null;
}

/** Records frames of a run as it goes; `finish` returns the trace. */
export class TraceRecorder {
  private readonly inspector: RunInspector;
  private readonly nodeIds: Int32Array;
  private readonly maxFrames: number;
  private readonly maxEdges: number;
  private readonly densityNode: number;
  private readonly rng;
  private frames: TraceFrame[] = [];
  private densityFrames: DensityFrame[] = [];
  private densityDim = 0;
  private stride = 1;
  private lastStep = -1;

  constructor(
    private readonly run: ProtocolRun,
    private readonly protocol: string,
    seed: number,
    options: TraceOptions = {},
  ) {
    if (!run.inspect) throw new RangeError(`protocol ${protocol} cannot be traced (its run has no inspect())`);
    this.inspector = run.inspect();
    const maxNodes = positiveInteger("maxNodes", options.maxNodes ?? TRACE_DEFAULTS.maxNodes);
    this.maxEdges = positiveInteger("maxEdges", options.maxEdges ?? TRACE_DEFAULTS.maxEdges);
    this.maxFrames = Math.max(2, positiveInteger("maxFrames", options.maxFrames ?? TRACE_DEFAULTS.maxFrames));
    this.densityNode = options.densityNode ?? TRACE_DEFAULTS.densityNode;
    if (!(Number.isInteger(this.densityNode) && this.densityNode >= 0 && this.densityNode < run.nodes)) {
      throw new RangeError(`trace densityNode must be a node id in [0, ${run.nodes}), got ${this.densityNode}`);
    }
    // A stream of its own, apart from the family the run draws from (the python family has
    // only "topology" and "protocol"), so tracing never shifts the run's draws.
    this.rng = createRng(seed, "trace");
    const edges = this.inspector.fixedEdges ? this.inspector.edges() : null;
    const graph = edges && !(edges instanceof Int32Array) ? edges : null;
    this.nodeIds = sampleNodes(run.nodes, maxNodes, this.rng, graph);
  }

  /** Offer the state after `step` steps; kept when `step` is on the current stride. */
  record(step: number): void {
    if (step % this.stride !== 0 || step === this.lastStep) return;
    this.capture(step);
    if (this.frames.length > this.maxFrames) this.thin();
  }

  /** The trace, with the final state recorded (`step` = steps the run took). */
  finish(step: number): Trace {
    if (step !== this.lastStep) this.capture(step);
    const edges = sampleEdges(this.inspector.edges(), this.run.nodes, this.nodeIds, this.maxEdges, this.rng);
    return {
      protocol: this.protocol,
      nodes: this.run.nodes,
      nodeIds: this.nodeIds,
      classes: [...this.inspector.classes],
      edges: edges.pairs,
      edgesTotal: edges.total,
      frameStride: this.stride,
      frames: this.frames,
      density: this.densityFrames.length ? { node: this.densityNode, dim: this.densityDim, frames: this.densityFrames } : null,
    };
  }

  private capture(step: number): void {
    const { inspector, nodeIds } = this;
    const state = new Uint8Array(nodeIds.length);
    for (let i = 0; i < nodeIds.length; i++) {
      const node = nodeIds[i]!;
      state[i] = (inspector.classOf(node) & 0x7f) | (inspector.isFinal(node) ? FINAL_BIT : 0);
    }
    this.frames.push({ step, state });
    const rho = inspector.density?.(this.densityNode);
    if (rho) {
      this.densityDim = rho.n;
      this.densityFrames.push({ step, re: Float64Array.from(rho.re), im: Float64Array.from(rho.im) });
    }
    this.lastStep = step;
  }

  /** Double the stride and drop the frames off it (the first frame, step 0, always stays). */
  private thin(): void {
    this.stride *= 2;
    const on = (f: { step: number }) => f.step % this.stride === 0;
    this.frames = this.frames.filter(on);
    this.densityFrames = this.densityFrames.filter(on);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`trace ${name} must be a positive integer, got ${value}`);
  return value;
}
