/**
 * A run's report data: the summary table, a curve per observable (plus derived ones: free
 * energy, Shannon entropy, magnetisation where the run lacks them), the laid-out graph
 * with its frames, and the traced node's density matrix with its entropy and coherence.
 */
import type { CMatrix } from "../physics/complex.js";
import { vonNeumannEntropy } from "../physics/density.js";
import type { RunSummary, StepRecord } from "../sim/cycle/driver.js";
import { encodeBase64 } from "../sim/trace/base64.js";
import type { Trace } from "../sim/trace/trace.js";
import { layoutGraph } from "./layout.js";
import type { CurveChart, DensityData, GraphData, RunReportData, SeriesData } from "./model.js";

/** Most points a curve keeps; longer runs are thinned evenly (first and last kept). */
export const MAX_CURVE_POINTS = 4000;

/** Titles of known observables; others show their column name. */
const TITLES: Readonly<Record<string, string>> = {
  energy: "Energy H",
  freeEnergy: "Free energy F = H − T·N·S",
  shannonEntropy: "Shannon entropy S (nats)",
  preferenceEntropy: "Shannon entropy S of preferences (nats)",
  meanTemperature: "Mean temperature T",
  magnetization: "Magnetisation (majority share)",
  finalizedShare: "Finalized share",
  messages: "Messages (cumulative)",
  meanVonNeumann: "von Neumann entropy, mean (nats)",
  maxVonNeumann: "von Neumann entropy, max (nats)",
  entropyMean: "von Neumann entropy, mean (nats)",
  entropyVariance: "von Neumann entropy, variance",
  coherence: "Coherence mean Tr(ρ·ρ̄)",
  purityMean: "Purity Tr ρ², mean",
  spread: "Spread max |ρ_i − ρ_0|",
  adoptedShare: "Share holding the input",
  flips: "Flips per sweep",
  stateChange: "State change per sweep",
  disagreement: "Disagreeing edges (share)",
  meanLocalEnergy: "Mean local energy",
  reheats: "Reheats (cumulative)",
  frozenShare: "Frozen share",
  rejectedStates: "Rejected states",
  sheafConflicts: "Sheaf conflicts",
  rejectedVectors: "Rejected vectors",
};

/** Charts first in this order (the physics story), then the rest in column order. */
const ORDER = ["energy", "freeEnergy", "shannonEntropy", "preferenceEntropy", "meanTemperature", "magnetization", "finalizedShare", "messages", "meanVonNeumann", "entropyMean", "coherence"];

export interface RunReportInput {
  readonly summary: RunSummary;
  readonly steps: readonly StepRecord[];
  /** observable columns in order (rounds.jsonl's keys when unknown) */
  readonly columns: readonly string[];
  readonly trace: Trace | null;
  /** e.g. "entropic 0.1.0" */
  readonly generator: string;
}

export function buildRunReport(input: RunReportInput): RunReportData {
  const { summary, trace } = input;
  const notes: string[] = [];
  const curves = buildCurves(input, notes);
  let graph: GraphData | null = null;
  let density: DensityData | null = null;
  if (trace) {
    graph = buildGraph(trace, summary.seed);
    if (trace.nodeIds.length < trace.nodes) {
      notes.push(`The graph shows ${trace.nodeIds.length.toLocaleString("en")} of ${trace.nodes.toLocaleString("en")} nodes: a breadth-first sample from node 0 (seeded restarts), so the drawn part stays connected.`);
    }
    if (trace.edges.length / 2 < trace.edgesTotal) {
      notes.push(`${(trace.edges.length / 2).toLocaleString("en")} of the ${trace.edgesTotal.toLocaleString("en")} edges among drawn nodes are drawn (a seeded uniform sample).`);
    }
    if (trace.frameStride > 1) notes.push(`The round slider has a frame every ${trace.frameStride} steps (and the last step).`);
    if (trace.density && trace.density.frames.length) {
      density = {
        node: trace.density.node,
        dim: trace.density.dim,
        frames: trace.density.frames.map((f) => ({ step: f.step, re: Array.from(f.re, (v) => round(v) ?? 0), im: Array.from(f.im, (v) => round(v) ?? 0) })),
      };
      curves.push(densityCurve(trace.density.node, trace.density.dim, trace.density.frames));
    }
  } else {
    notes.push("No trace in this run folder, so no graph: run `entropic sim … --report` to record one.");
  }
  return {
    kind: "run",
    title: `${summary.scenario}`,
    subtitle: `${summary.protocol} · ${summary.nodes.toLocaleString("en")} nodes · seed ${summary.seed} · ${summary.outcome}`,
    summary: summaryRows(summary),
    notes,
    curves,
    graph,
    density,
    generator: input.generator,
  };
}

function buildCurves(input: RunReportInput, notes: string[]): CurveChart[] {
  const { steps, summary } = input;
  const picked = thin(steps, MAX_CURVE_POINTS);
  if (picked.length < steps.length) notes.push(`Curves show ${picked.length} of ${steps.length} recorded steps (evenly thinned).`);
  const columns = [...input.columns];
  const values = new Map<string, (number | null)[]>();
  for (const c of columns) values.set(c, picked.map((s) => finiteOrNull(s.observables[c])));
  const xs = picked.map((s) => s.step);
  const derivedNotes = new Map<string, string>();

  // Derived quantities the protocol does not report itself.
  if (!values.has("shannonEntropy") && !values.has("preferenceEntropy") && values.has("adoptedShare")) {
    values.set("shannonEntropy", values.get("adoptedShare")!.map((p) => (p === null ? null : binaryEntropy(p))));
    derivedNotes.set("shannonEntropy", "derived: −p ln p − (1−p) ln(1−p), p = share holding the input");
  }
  if (!values.has("magnetization") && values.has("adoptedShare")) {
    values.set("magnetization", values.get("adoptedShare")!.map((p) => (p === null ? null : Math.max(p, 1 - p))));
    derivedNotes.set("magnetization", "derived: max(p, 1 − p), p = share holding the input");
  }
  const entropy = values.get("preferenceEntropy") ?? values.get("shannonEntropy");
  const energy = values.get("energy");
  const temperature = values.get("meanTemperature");
  if (!values.has("freeEnergy") && entropy && energy && temperature) {
    const n = typeof summary.honestNodes === "number" ? summary.honestNodes : summary.nodes;
    values.set(
      "freeEnergy",
      energy.map((h, i) => (h === null || temperature[i] === null || entropy[i] === null ? null : h - temperature[i]! * n * entropy[i]!)),
    );
    derivedNotes.set("freeEnergy", `derived (mean field): F = H − T·N·S with N = ${n} nodes and S the Shannon entropy per node`);
  }

  const names = [...ORDER.filter((c) => values.has(c)), ...[...values.keys()].filter((c) => !ORDER.includes(c))];
  return names.map((c) => {
    const series: SeriesData = { name: c, points: xs.map((x, i) => [x, round(values.get(c)![i] ?? null)] as const) };
    const note = derivedNotes.get(c);
    return { name: `curve-${c}`, title: TITLES[c] ?? c, xLabel: "step", series: [series], ...(note ? { note } : {}) };
  });
}

function buildGraph(trace: Trace, seed: number): GraphData {
  const layout = layoutGraph(trace.nodeIds.length, trace.edges, seed);
  return {
    nodes: trace.nodes,
    drawn: trace.nodeIds.length,
    x: Array.from(layout.x, (v) => Math.round(v * 1e4) / 1e4),
    y: Array.from(layout.y, (v) => Math.round(v * 1e4) / 1e4),
    ids: Array.from(trace.nodeIds),
    edges: Array.from(trace.edges),
    edgesTotal: trace.edgesTotal,
    classes: trace.classes,
    frames: trace.frames.map((f) => ({ step: f.step, state: encodeBase64(f.state) })),
    layout: layout.method,
  };
}

/** S(ρ) and the l1 coherence Σ_{i≠j} |ρ_ij| of the traced node, per frame. */
function densityCurve(node: number, dim: number, frames: NonNullable<Trace["density"]>["frames"]): CurveChart {
  const entropy: [number, number | null][] = [];
  const coherence: [number, number | null][] = [];
  for (const f of frames) {
    const rho: CMatrix = { n: dim, re: f.re, im: f.im };
    entropy.push([f.step, round(vonNeumannEntropy(rho))]);
    let l1 = 0;
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) if (i !== j) l1 += Math.hypot(f.re[i * dim + j]!, f.im[i * dim + j]!);
    coherence.push([f.step, round(l1)]);
  }
  return {
    name: "node-density",
    title: `Node ${node}: von Neumann entropy and coherence`,
    note: "S(ρ) in nats; l1 coherence Σ_{i≠j} |ρ_ij| (0 for a state diagonal in the candidate basis)",
    xLabel: "step",
    series: [
      { name: "S(ρ)", points: entropy },
      { name: "l1 coherence", points: coherence },
    ],
  };
}

function summaryRows(s: RunSummary): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(s)) {
    // undefined fields (an optional section left out) are not in summary.json either
    if (key === "final" || value === undefined) continue;
    rows.push([key, formatValue(value)]);
  }
  for (const [key, value] of Object.entries(s.final)) rows.push([`final ${key}`, formatValue(value)]);
  return rows;
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en") : v.toPrecision(6);
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Every k-th record, always keeping the first and the last. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const every = Math.ceil(items.length / (max - 1));
  const out = items.filter((_, i) => i % every === 0);
  if (out[out.length - 1] !== items[items.length - 1]) out.push(items[items.length - 1]!);
  return out;
}

function binaryEntropy(p: number): number {
  let h = 0;
  if (p > 0) h -= p * Math.log(p);
  if (p < 1) h -= (1 - p) * Math.log(1 - p);
  return h;
}

function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** Seven significant digits: plenty for a chart, and a much smaller page. */
function round(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return v === 0 ? 0 : Number(v.toPrecision(7));
}
