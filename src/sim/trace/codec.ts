/**
 * trace.json: a trace as JSON (frames as base64, a byte per node), and back. Parsing
 * treats the file as outside input: every field is checked, and every cross-reference
 * (frame lengths, class indices, edge ends, matrix sizes) must fit, or a ParseError names
 * what is wrong.
 */
import { z } from "zod";
import { ParseError } from "../../core/errors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { FINAL_BIT, type Trace } from "./trace.js";

export const TRACE_FORMAT = "entropic-trace";
export const TRACE_VERSION = 1;

/** Largest trace.json we read (10^4 nodes × 200 frames is ~3 MB). */
export const MAX_TRACE_BYTES = 256 * 1024 * 1024;

const count = z.number().int().min(0).max(2 ** 31 - 1);
const finite = z.number().finite();

const traceSchema = z.strictObject({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  protocol: z.string().min(1).max(200),
  nodes: count.min(1),
  nodeIds: z.array(count),
  classes: z.array(z.string().max(200)).min(1).max(127),
  edges: z.array(count),
  edgesTotal: count,
  frameStride: count.min(1),
  frames: z.array(z.strictObject({ step: count, state: z.string() })).min(1),
  density: z
    .strictObject({
      node: count,
      dim: z.number().int().min(1).max(64),
      frames: z.array(z.strictObject({ step: count, re: z.array(finite), im: z.array(finite) })),
    })
    .nullable(),
});

/** The trace as trace.json text (stable: the same trace gives the same bytes). */
export function traceToJson(trace: Trace): string {
  const doc: z.input<typeof traceSchema> = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    protocol: trace.protocol,
    nodes: trace.nodes,
    nodeIds: Array.from(trace.nodeIds),
    classes: [...trace.classes],
    edges: Array.from(trace.edges),
    edgesTotal: trace.edgesTotal,
    frameStride: trace.frameStride,
    frames: trace.frames.map((f) => ({ step: f.step, state: encodeBase64(f.state) })),
    density: trace.density && {
      node: trace.density.node,
      dim: trace.density.dim,
      frames: trace.density.frames.map((f) => ({ step: f.step, re: Array.from(f.re), im: Array.from(f.im) })),
    },
  };
  return `${JSON.stringify(doc)}\n`;
}

/** Parse trace.json text. @throws ParseError naming the file and the first problem found */
export function parseTrace(text: string, fileName: string): Trace {
  const fail = (detail: string): never => {
    throw new ParseError(fileName, detail);
  };
  if (text.length > MAX_TRACE_BYTES) fail(`trace larger than ${MAX_TRACE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`not an entropic trace: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const doc = parsed.data;
  const width = doc.nodeIds.length;
  if (width < 1 || width > doc.nodes) fail(`nodeIds holds ${width} ids for a run of ${doc.nodes} nodes`);
  for (let i = 0; i < width; i++) {
    if (doc.nodeIds[i]! >= doc.nodes) fail(`nodeIds[${i}] = ${doc.nodeIds[i]} is not a node of ${doc.nodes}`);
    if (i > 0 && doc.nodeIds[i]! <= doc.nodeIds[i - 1]!) fail(`nodeIds must be strictly ascending (at ${i})`);
  }
  if (doc.edges.length % 2 !== 0) fail("edges must hold pairs");
  for (let k = 0; k < doc.edges.length; k++) if (doc.edges[k]! >= width) fail(`edges[${k}] = ${doc.edges[k]} is not a recorded node position`);
  if (doc.edgesTotal < doc.edges.length / 2) fail(`edgesTotal ${doc.edgesTotal} is below the ${doc.edges.length / 2} edges recorded`);
  const frames = doc.frames.map((f, k) => {
    const state = decodeBase64(f.state);
    if (!state) return fail(`frames[${k}].state is not base64`);
    if (state.length !== width) fail(`frames[${k}] holds ${state.length} nodes, nodeIds ${width}`);
    for (let i = 0; i < state.length; i++) {
      if ((state[i]! & ~FINAL_BIT) >= doc.classes.length) fail(`frames[${k}]: node ${i} has class ${state[i]! & ~FINAL_BIT} of ${doc.classes.length}`);
    }
    if (k > 0 && f.step <= doc.frames[k - 1]!.step) fail(`frames must be in increasing step order (at ${k})`);
    return { step: f.step, state };
  });
  let density: Trace["density"] = null;
  if (doc.density) {
    const { node, dim } = doc.density;
    if (node >= doc.nodes) fail(`density.node ${node} is not a node of ${doc.nodes}`);
    density = {
      node,
      dim,
      frames: doc.density.frames.map((f, k) => {
        if (f.re.length !== dim * dim || f.im.length !== dim * dim) fail(`density.frames[${k}] is not ${dim}×${dim}`);
        return { step: f.step, re: Float64Array.from(f.re), im: Float64Array.from(f.im) };
      }),
    };
  }
  return {
    protocol: doc.protocol,
    nodes: doc.nodes,
    nodeIds: Int32Array.from(doc.nodeIds),
    classes: doc.classes,
    edges: Int32Array.from(doc.edges),
    edgesTotal: doc.edgesTotal,
    frameStride: doc.frameStride,
    frames,
    density,
  };
}
