/** Devnet mode: peer graph, node table, throughput and latency charts, finalizations, double spends. */
import {
  type DashboardSnapshot,
  type DoubleSpendView,
  type Finalization,
  type NodeRow,
  mismatchedNodes,
  peerEdges,
} from "../../src/web-shared/dashboard-model.js";
import { drawChart, formatNumber } from "./chart.js";
import { byId, clockTime, el, formatDuration, shortId } from "./dom.js";
import { drawGraph } from "./graph.js";

const COLORS = { accent: "#4cc2ff", good: "#3fcf8e", warn: "#f5b940", bad: "#ff5c6c", offline: "#3a4654" };

/** What the last render drew, for tests (window.__entropicDashboard). */
export interface DevnetRendered {
  readonly nodes: number;
  readonly online: number;
  readonly edges: readonly (readonly [number, number])[];
  readonly oneWay: readonly (readonly [number, number])[];
  readonly mismatched: readonly number[];
}

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `rgb(${pa.map((v, i) => Math.round(v + (pb[i]! - v) * t)).join(",")})`;
}

export function renderDevnet(s: DashboardSnapshot): DevnetRendered {
  const odd = mismatchedNodes(s.nodes);
  const { edges, oneWay } = peerEdges(s.nodes);
  renderGraph(s.nodes, odd, edges, oneWay);
  renderTable(s.nodes, odd);
  renderCharts(s);
  renderStream(s.finalizations, s.nodes.length);
  renderSpends(s.doubleSpends, s.nodes);
  return {
    nodes: s.nodes.length,
    online: s.nodes.filter((n) => n.online).length,
    edges,
    oneWay,
    mismatched: [...odd].sort((a, b) => a - b),
  };
}

function renderGraph(nodes: readonly NodeRow[], odd: Set<number>, edges: [number, number][], oneWay: [number, number][]): void {
  const most = Math.max(1, ...nodes.map((n) => n.finalizedCount));
  drawGraph(byId<HTMLCanvasElement>("graph"), {
    nodes: nodes.map((n) => ({
      fill: n.online ? mix("#1d5e4c", COLORS.good, n.finalizedCount / most) : COLORS.offline,
      ...(odd.has(n.index) ? { ring: COLORS.bad } : n.online && n.pendingCount > 0 ? { ring: COLORS.warn } : {}),
      label: String(n.index),
      caption: n.online ? `${n.finalizedCount} final · ${n.peers.length} peers` : "offline",
    })),
    edges,
    oneWay,
  });
  const online = nodes.filter((n) => n.online).length;
  byId("graph-caption").textContent = `${online}/${nodes.length} online · ${edges.length} links${oneWay.length ? ` · ${oneWay.length} one-way` : ""}`;
  const legend = byId("graph-legend");
  if (legend.childElementCount === 0) {
    const item = (color: string, text: string, ring = false) =>
      el("span", {}, el("i", { style: ring ? `border:2px solid ${color}` : `background:${color}` }), text);
    legend.append(
      item(COLORS.good, "online (brighter = more finalized)"),
      item(COLORS.offline, "offline"),
      item(COLORS.warn, "pending transactions", true),
      item(COLORS.bad, "ledger root differs", true),
    );
  }
}

function renderTable(nodes: readonly NodeRow[], odd: Set<number>): void {
  const body = byId<HTMLTableElement>("nodes").tBodies[0]!;
  body.replaceChildren(
    ...nodes.map((n) =>
      el(
        "tr",
        { class: n.online ? "online" : "offline", "data-node": String(n.index), ...(n.error ? { title: n.error } : {}) },
        el("td", {}, String(n.index)),
        el("td", {}, shortId(n.peerId, 8, 6)),
        el("td", { class: "num" }, n.online ? String(n.peers.length) : "–"),
        el("td", { class: "num" }, n.online ? String(n.finalizedCount) : "–"),
        el("td", { class: "num" }, n.online ? String(n.pendingCount) : "–"),
        el(
          "td",
          { class: `mono${odd.has(n.index) ? " mismatch" : ""}`, title: n.ledgerRoot, "data-root": n.ledgerRoot },
          n.online ? n.ledgerRoot.slice(0, 12) : "–",
        ),
        el("td", { class: "num" }, n.online ? formatDuration(n.uptimeMs) : "–"),
      ),
    ),
  );
  const online = nodes.filter((n) => n.online);
  const roots = new Set(online.map((n) => n.ledgerRoot));
  const counts = new Set(online.map((n) => n.finalizedCount));
  byId("nodes-caption").textContent =
    roots.size <= 1
      ? "ledger roots agree"
      : odd.size > 0
        ? `ledger roots differ at equal finalized counts (nodes ${[...odd].sort((a, b) => a - b).join(", ")})`
        : `${roots.size} ledger roots while ${counts.size > 1 ? "nodes catch up" : "sets differ"}`;
}

function renderCharts(s: DashboardSnapshot): void {
  const points = s.metrics.slice(-120);
  const last = points[points.length - 1];
  const rel = (t: number) => (last ? (t - last.t) / 1000 : 0);
  const formatX = (x: number) => (Math.abs(x) < 0.5 ? "now" : `${Math.round(x)}s`);
  drawChart(byId<HTMLCanvasElement>("tps-chart"), {
    series: [{ name: "finalized tx/s", color: COLORS.accent, style: "bars", points: points.map((p) => [rel(p.t), p.tps]) }],
    formatX,
    yMin: 0,
    emptyText: "waiting for the first second of data",
  });
  const recent = points.slice(-10);
  const rate = recent.length ? recent.reduce((a, p) => a + p.tps, 0) / recent.length : 0;
  byId("tps-caption").textContent = last ? `${formatNumber(rate)} tx/s (10 s mean) · ${last.finalized} finalized` : "";
  drawChart(byId<HTMLCanvasElement>("latency-chart"), {
    series: [
      { name: "p50", color: COLORS.good, points: points.map((p) => [rel(p.t), p.p50]) },
      { name: "p95", color: COLORS.warn, points: points.map((p) => [rel(p.t), p.p95]) },
      { name: "p99", color: COLORS.bad, points: points.map((p) => [rel(p.t), p.p99]) },
    ],
    formatX,
    formatY: formatMs,
    yMin: 0,
    emptyText: "no finalizations in the window yet",
  });
  byId("latency-caption").textContent =
    last && last.p50 !== null ? `p50 ${formatMs(last.p50)} · p95 ${formatMs(last.p95!)} · p99 ${formatMs(last.p99!)} (30 s window)` : "";
}

/** "850 ms", "4.2 s" */
function formatMs(ms: number): string {
  if (ms === 0) return "0";
  return ms >= 1000 ? `${+(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

interface StreamEntry {
  conflict: string;
  cid: string;
  first: number;
  nodes: Set<number>;
  latencies: number[];
  cids: Set<string>;
}

function renderStream(finalizations: readonly Finalization[], nodeCount: number): void {
  // One line per conflict set, newest first, with the nodes that finalized it so far.
  const byConflict = new Map<string, StreamEntry>();
  for (const f of finalizations) {
    let entry = byConflict.get(f.conflict);
    if (!entry) {
      entry = { conflict: f.conflict, cid: f.cid, first: f.at, nodes: new Set(), latencies: [], cids: new Set() };
      byConflict.set(f.conflict, entry);
    }
    entry.nodes.add(f.node);
    entry.latencies.push(f.latencyMs);
    entry.cids.add(f.cid);
  }
  const entries = [...byConflict.values()].reverse().slice(0, 80);
  const list = byId("stream");
  if (entries.length === 0) {
    list.replaceChildren(el("li", { class: "empty" }, "no finalizations yet"));
  } else {
    list.replaceChildren(
      ...entries.map((e) =>
        el(
          "li",
          { "data-conflict": e.conflict, "data-cid": e.cid, class: e.cids.size > 1 ? "error" : "" },
          el("span", { class: "time" }, clockTime(e.first)),
          shortId(e.cid, 8, 8),
          el("span", { class: "nodes", title: `finalized on ${e.nodes.size} of ${nodeCount} nodes` }, ...[...e.nodes].sort((a, b) => a - b).map((n) => el("span", {}, String(n)))),
          el("span", { class: "lat" }, formatMs(Math.max(...e.latencies))),
        ),
      ),
    );
  }
  byId("stream-caption").textContent = `${finalizations.length} events · ${byConflict.size} conflict sets`;
}

function renderSpends(spends: readonly DoubleSpendView[], nodes: readonly NodeRow[]): void {
  const box = byId("spends");
  if (spends.length === 0) return;
  box.replaceChildren(
    ...[...spends].reverse().map((d) => {
      const verdict = d.split
        ? el("span", { class: "verdict split" }, "SPLIT: nodes finalized different transactions")
        : d.winner
          ? el("span", { class: "verdict won" }, `${d.winner === d.cids[0] ? "A" : "B"} won on all ${d.outcomes.length} nodes`)
          : el("span", { class: "verdict pending" }, `resolving… ${d.outcomes.filter((o) => o.final).length}/${nodes.length} final`);
      const cand = (i: 0 | 1) =>
        [
          el("span", {}, `${i === 0 ? "A" : "B"} → node ${d.sentTo[i]}`),
          el("span", { class: `cand ${d.winner === null ? "" : d.winner === d.cids[i] ? "winner" : "loser"}`, "data-cid": d.cids[i] }, shortId(d.cids[i], 10, 10)),
        ] as const;
      return el(
        "div",
        { class: "spend", "data-spend": String(d.id), "data-winner": d.winner ?? "", "data-conflict": d.conflict },
        el("header", {}, el("span", {}, `#${d.id} `, shortId(d.conflict, 8, 4)), verdict),
        el("div", { class: "cands" }, ...cand(0), ...cand(1)),
        el(
          "div",
          { class: "per-node" },
          ...d.outcomes.map((o) => {
            const side = o.final === d.cids[0] ? "a" : o.final === d.cids[1] ? "b" : "";
            const text = o.final ? `node ${o.node}: ${side.toUpperCase()} final` : o.preferred ? `node ${o.node}: prefers ${o.preferred === d.cids[0] ? "A" : "B"}` : `node ${o.node}: –`;
            return el("span", { class: side, "data-node": String(o.node) }, text);
          }),
        ),
        d.error ? el("div", { class: "error" }, d.error) : null,
      );
    }),
  );
}
