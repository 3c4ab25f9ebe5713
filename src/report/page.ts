/**
 * One self-contained report page: the HTML shell, the stylesheet, ECharts (read from
 * node_modules and inlined), the report's data as inline JSON and the drawing script.
 * Nothing is fetched when it opens, so it works from a file:// URL, offline, and mailed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { CLIENT_SCRIPT } from "./client.js";
import type { ReportData } from "./model.js";

const require = createRequire(import.meta.url);

let echartsSource: string | null = null;

/** The ECharts browser bundle, read once per process. */
export function echartsBundle(): string {
  echartsSource ??= readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
  return echartsSource;
}

/** The ECharts version inlined, for the page footer. */
export function echartsVersion(): string {
  return (require("echarts/package.json") as { version: string }).version;
}

/** The page for `data`, as one HTML string. */
export function renderPage(data: ReportData): string {
  const rows = data.summary.map(([k, v]) => `<div class="kv"><dt>${escapeHtml(k)}</dt><dd title="${escapeHtml(v)}">${escapeHtml(v)}</dd></div>`).join("");
  const notes = data.notes.length ? `<aside class="notes"><ul>${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></aside>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(data.title)} · entropic report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <p class="brand">entropic ${data.kind === "run" ? "run" : "sweep"} report</p>
  <h1>${escapeHtml(data.title)}</h1>
  <p class="subtitle">${escapeHtml(data.subtitle)}</p>
</header>
<main>
<details class="summary" open><summary>Summary</summary><dl>${rows}</dl></details>
${notes}
<div id="charts"></div>
</main>
<footer>${escapeHtml(data.generator)} · charts by Apache ECharts ${escapeHtml(echartsVersion())} · self-contained: opens offline</footer>
<script type="application/json" id="entropic-data">${inlineJson(data)}</script>
<script>${scriptText(echartsBundle())}</script>
<script>${scriptText(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}

/** JSON that cannot close the script element it sits in (`<` is escaped as \u003c). */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = `
:root { --ink: #1d2733; --muted: #5b6776; --line: #e3e7ec; --bg: #f6f7f9; --card: #fff; --accent: #4C72B0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 22px 32px 14px; background: linear-gradient(120deg, #1d2733, #2f4a6d); color: #fff; }
header h1 { margin: 2px 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
.brand { margin: 0; text-transform: uppercase; letter-spacing: 0.12em; font-size: 11px; opacity: 0.75; }
.subtitle { margin: 0; opacity: 0.9; }
main { padding: 18px 32px 8px; max-width: 1500px; margin: 0 auto; }
h2 { font-size: 16px; margin: 22px 0 10px; color: var(--muted); font-weight: 600; }
.summary { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; }
.summary > summary { cursor: pointer; font-weight: 600; color: var(--muted); }
.summary dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 2px 24px; margin: 10px 0 4px; }
.kv { display: flex; gap: 10px; border-bottom: 1px dotted var(--line); padding: 3px 0; min-width: 0; }
.kv dt { color: var(--muted); flex: 0 0 auto; }
.kv dd { margin: 0 0 0 auto; font-variant-numeric: tabular-nums; text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.notes { margin: 12px 0 0; background: #fff8e6; border: 1px solid #f1dca7; border-radius: 10px; padding: 6px 16px; color: #6b5310; }
.notes ul { margin: 4px 0; padding-left: 18px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; margin-top: 14px; }
.grid.top { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
.grid.top > .card:only-child { grid-column: 1 / -1; }
.card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px 10px; min-width: 0; }
.card h3 { margin: 0; font-size: 14px; font-weight: 600; }
.card .note { margin: 2px 0 0; color: var(--muted); font-size: 12px; }
.plot { width: 100%; height: 260px; }
.plot.graph { height: 640px; }
.plot.density { height: 420px; }
.controls { display: flex; align-items: center; gap: 12px; margin-top: 6px; }
.controls input[type=range] { flex: 1; accent-color: var(--accent); }
.controls .step { font-variant-numeric: tabular-nums; color: var(--muted); min-width: 150px; text-align: right; }
.play { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 3px 10px; cursor: pointer; color: var(--ink); }
.counts .tally { margin-top: 10px; display: grid; gap: 9px; }
.counts .row { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; }
.counts .label { font-size: 13px; }
.counts .num { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 13px; }
.counts .track { grid-column: 1 / -1; height: 8px; background: #eef1f4; border-radius: 4px; overflow: hidden; }
.counts .bar { display: block; height: 100%; border-radius: 4px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 18px; }
@media (max-width: 1000px) { .grid.top { grid-template-columns: 1fr; } main, header { padding-left: 14px; padding-right: 14px; } }
`;
