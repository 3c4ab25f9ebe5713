/** Traces of runs for reports: recording (trace.ts), sampling (sample.ts), trace.json (codec.ts). */
export { FINAL_BIT, TRACE_DEFAULTS, TraceRecorder, type DensityFrame, type DensityTrace, type Trace, type TraceFrame, type TraceOptions } from "./trace.js";
export { MAX_TRACE_BYTES, TRACE_FORMAT, TRACE_VERSION, parseTrace, traceToJson } from "./codec.js";
export { sampleEdges, sampleNodes, type SampledEdges } from "./sample.js";
export { decodeBase64, encodeBase64 } from "./base64.js";
