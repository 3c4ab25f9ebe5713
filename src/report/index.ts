/**
 * HTML reports of runs and sweeps: one self-contained page each (ECharts, data and script
 * inlined), and PNGs of its charts through headless Chromium.
 */
export { buildRunReport, MAX_CURVE_POINTS, type RunReportInput } from "./run-data.js";
export { buildSweepReport, type SweepReportInput } from "./sweep-data.js";
export { renderPage } from "./page.js";
export { layoutGraph, type Layout } from "./layout.js";
export { parseRounds, parseSummary, parseSweep, type SweepFile } from "./files.js";
export { GENERATOR, REPORT_FILE, SWEEP_FILE, TRACE_FILE, writeReportFromDir, writeRunReport, writeSweepReport } from "./write.js";
export { CHROMIUM_ARGS, REPORT_READY, chromiumPath, launchChromium, renderChartPngs, type PngOptions } from "./png.js";
export type * from "./model.js";
