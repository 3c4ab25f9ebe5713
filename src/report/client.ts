/**
 * The script a report page runs (inlined as text after ECharts): it reads the page's JSON
 * data (model.ts) and draws every chart. Kept as plain browser JavaScript in a string, so
 * the report needs no bundler and renders from a file:// URL with no network; the browser
 * tests (test/e2e/report*.test.ts) are its checks.
 *
 * Contract with tests and `entropic report --png`: every figure carries `data-chart`, and
 * `window.__entropicReport = { charts: { <name>: { series: [...] } }, ready }` where `ready`
 * turns true once every chart has finished rendering. The graph's entry also holds the
 * shown frame, its step and the node count per legend entry.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("entropic-data").textContent);
  var registry = { charts: {}, ready: false };
  window.__entropicReport = registry;
  var PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#8172B3", "#CCB974", "#64B5CD", "#DA8BC3", "#937860", "#8C8C8C", "#C44E52"];
  var pending = 0;
  var built = false;
  var all = [];

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function figure(name, title, note, wide) {
    var fig = el("figure", { "class": "card" + (wide ? " wide" : ""), "data-chart": name }, [
      el("h3", { text: title }),
      note ? el("p", { "class": "note", text: note }) : null,
    ]);
    var plot = el("div", { "class": "plot" });
    fig.appendChild(plot);
    return { fig: fig, plot: plot };
  }

  function seriesNames(chart) {
    var seen = [];
    (chart.getOption().series || []).forEach(function (s) {
      if (s.name !== undefined && seen.indexOf(s.name) < 0) seen.push(s.name);
    });
    return seen;
  }

  function settle() {
    if (built && pending === 0 && !registry.ready) {
      registry.ready = true;
      document.body.setAttribute("data-ready", "true");
    }
  }

  function chart(name, plot, option, extra) {
    var c = echarts.init(plot, null, { renderer: "canvas" });
    var done = false;
    pending++;
    c.on("finished", function () {
      if (!done) { done = true; pending--; settle(); }
    });
    c.setOption(option);
    var entry = extra || {};
    entry.series = seriesNames(c);
    registry.charts[name] = entry;
    all.push(c);
    return c;
  }

  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return "n/a";
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
    return String(Math.round(v * 1e4) / 1e4);
  }

  function decode(b64) {
    var s = atob(b64);
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  // ---- curves (per step) -----------------------------------------------------------

  function curveChart(parent, c) {
    var f = figure(c.name, c.title, c.note);
    parent.appendChild(f.fig);
    var multi = c.series.length > 1;
    chart(c.name, f.plot, {
      animation: false,
      color: PALETTE,
      grid: { left: 64, right: 18, top: multi ? 34 : 14, bottom: 42 },
      legend: multi ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "value", name: c.xLabel, nameLocation: "middle", nameGap: 26, min: "dataMin", max: "dataMax" },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: fmt } },
      series: c.series.map(function (s) {
        return { name: s.name, type: "line", data: s.points, showSymbol: s.points.length <= 40, symbolSize: 5, lineStyle: { width: 2 }, sampling: "lttb" };
      }),
    });
  }

  // ---- sweep charts: means with error bars ------------------------------------------

  function errorBar(params, api) {
    var lo = api.value(1);
    var hi = api.value(2);
    if (!isFinite(lo) || !isFinite(hi)) return null;
    var top = api.coord([api.value(0), hi]);
    var bottom = api.coord([api.value(0), lo]);
    var w = 5;
    var style = { stroke: api.visual("color"), lineWidth: 1.5, fill: null };
    return {
      type: "group",
      children: [
        { type: "line", shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style: style },
        { type: "line", shape: { x1: top[0] - w, y1: top[1], x2: top[0] + w, y2: top[1] }, style: style },
        { type: "line", shape: { x1: bottom[0] - w, y1: bottom[1], x2: bottom[0] + w, y2: bottom[1] }, style: style },
      ],
    };
  }

  function intervalChart(parent, c) {
    var f = figure(c.name, c.title, c.note);
    parent.appendChild(f.fig);
    var pct = function (v) { return Math.round(v * 1000) / 10 + "%"; };
    var series = [];
    c.series.forEach(function (s, i) {
      var color = PALETTE[i % PALETTE.length];
      series.push({ name: s.name, type: "line", data: s.mean, symbol: "circle", symbolSize: 7, itemStyle: { color: color }, lineStyle: { width: 1.5, opacity: 0.6 }, connectNulls: false, z: 3 });
      var bars = [];
      s.mean.forEach(function (m, k) {
        if (m !== null && s.low[k] !== null && s.high[k] !== null) bars.push([k, s.low[k], s.high[k]]);
      });
      series.push({ name: s.name, type: "custom", renderItem: errorBar, data: bars, itemStyle: { color: color }, encode: { x: 0, y: [1, 2] }, z: 2, tooltip: { show: false } });
    });
    var rotate = c.categories.length > 5 ? 25 : 0;
    chart(c.name, f.plot, {
      animation: false,
      grid: { left: 64, right: 18, top: 34, bottom: rotate ? 78 : 54 },
      legend: { top: 0, data: c.series.map(function (s) { return s.name; }) },
      tooltip: { trigger: "axis", valueFormatter: c.share ? pct : fmt },
      xAxis: { type: "category", data: c.categories, name: c.xLabel, nameLocation: "middle", nameGap: rotate ? 62 : 32, axisLabel: { interval: 0, rotate: rotate } },
      yAxis: c.share ? { type: "value", min: 0, max: 1, axisLabel: { formatter: pct } } : { type: "value", scale: true, axisLabel: { formatter: fmt } },
      series: series,
    });
  }

  // ---- the graph, with a round slider ----------------------------------------------

  function classColors(classes) {
    var next = 0;
    return classes.map(function (label) {
      if (label === "no candidate") return "#B8BEC6";
      if (label === "adversary") return "#C44E52";
      return PALETTE[next++ % (PALETTE.length - 1)];
    });
  }

  function slider(fig, name, count, initial, onChange, withPlay) {
    var label = el("span", { "class": "step" });
    var input = el("input", { type: "range", min: "0", max: String(count - 1), value: String(initial), step: "1", "data-slider": name, "aria-label": name + " frame" });
    var play = withPlay ? el("button", { type: "button", "class": "play", text: "▶ play" }) : null;
    var row = el("div", { "class": "controls" }, [play, input, label]);
    fig.appendChild(row);
    input.addEventListener("input", function () { onChange(Number(input.value), label); });
    var timer = null;
    if (play) {
      play.addEventListener("click", function () {
        if (timer) { clearTimeout(timer); timer = null; play.textContent = "▶ play"; return; }
        if (Number(input.value) >= count - 1) input.value = "0";
        play.textContent = "❚❚ pause";
        var tick = function () {
          onChange(Number(input.value), label);
          if (Number(input.value) >= count - 1) { timer = null; play.textContent = "▶ play"; return; }
          input.value = String(Number(input.value) + 1);
          timer = setTimeout(tick, 120);
        };
        tick();
      });
    }
    onChange(initial, label);
    return input;
  }

  function graphChart(parent, g, sidePanel) {
    var title = "Topology coloured by " + (g.classes[0] === "no candidate" ? "preferred candidate" : "node state");
    var note = "Filled, outlined: final. Faded: still deciding. " + g.drawn.toLocaleString("en") + " of " + g.nodes.toLocaleString("en") + " nodes, " +
      (g.edges.length / 2).toLocaleString("en") + " edges drawn · layout: " + g.layout;
    var f = figure("graph", title, note, true);
    f.plot.className = "plot graph";
    parent.appendChild(f.fig);
    var n = g.drawn;
    var frames = g.frames.map(function (fr) { return null; });
    var frameAt = function (k) { return frames[k] || (frames[k] = decode(g.frames[k].state)); };
    // Legend entries: every (class, final?) pair that occurs in some frame.
    var used = {};
    for (var k = 0; k < g.frames.length; k++) {
      var bytes = frameAt(k);
      for (var i = 0; i < n; i++) used[bytes[i]] = true;
    }
    var colors = classColors(g.classes);
    var anyFinal = Object.keys(used).some(function (b) { return (Number(b) & 128) !== 0; });
    var variants = Object.keys(used).map(Number).sort(function (a, b) { return ((a & 127) - (b & 127)) || (a - b); });
    var large = n > 2000;
    var size = n <= 60 ? 16 : n <= 300 ? 10 : n <= 2000 ? 6 : n <= 6000 ? 4 : 3;
    var m = g.edges.length / 2;
    var edgeData = new Array(m);
    for (var e = 0; e < m; e++) {
      var a = g.edges[2 * e], b = g.edges[2 * e + 1];
      edgeData[e] = { coords: [[g.x[a], g.y[a]], [g.x[b], g.y[b]]] };
    }
    var labelOf = function (v) {
      var base = g.classes[v & 127];
      if (!anyFinal) return base;
      return base + ((v & 128) ? " · final" : " · deciding");
    };
    var series = [{
      id: "edges", name: "edges", type: "lines", coordinateSystem: "cartesian2d", large: m > 2000, polyline: false, silent: true,
      lineStyle: { color: "#8d99a6", width: m > 20000 ? 0.4 : 0.8, opacity: m > 20000 ? 0.12 : m > 2000 ? 0.2 : 0.45 }, data: edgeData, z: 1,
    }];
    variants.forEach(function (v) {
      var final = (v & 128) !== 0;
      series.push({
        id: "v" + v, name: labelOf(v), type: "scatter", large: large, symbolSize: final || !anyFinal ? size : size * 0.85, z: final ? 3 : 2,
        itemStyle: { color: colors[v & 127], opacity: final || !anyFinal ? 1 : 0.42, borderColor: final && !large ? "#1d2733" : undefined, borderWidth: final && !large ? (size > 8 ? 1.5 : 0.8) : 0 },
        data: [],
      });
    });
    // The counts panel goes in first: it narrows the graph's card, which sizes the square.
    var tally = sidePanel ? countsPanel(sidePanel, n, g.nodes) : null;
    var square = function () {
      var w = f.plot.clientWidth, h = f.plot.clientHeight;
      var side = Math.max(100, Math.min(w - 24, h - (sidePanel ? 28 : 56)));
      return { left: (w - side) / 2, top: sidePanel ? 16 : 44, width: side, height: side };
    };
    var c = chart("graph", f.plot, {
      animation: false,
      // Beside a counts panel (which has the colours) the legend would only repeat it.
      legend: { show: !sidePanel, top: 0, type: "scroll", data: variants.map(labelOf) },
      tooltip: { trigger: "item", formatter: function (p) { return p.seriesName + (p.value && p.value.length > 2 ? "<br>node " + p.value[2] : ""); } },
      grid: square(),
      xAxis: { type: "value", show: false, min: -1.04, max: 1.04 },
      yAxis: { type: "value", show: false, min: -1.04, max: 1.04 },
      series: series,
    }, { frames: g.frames.length });
    var entry = registry.charts.graph;
    var show = function (k, label) {
      var bytes = frameAt(k);
      var buckets = {};
      variants.forEach(function (v) { buckets[v] = []; });
      // Large mode reads exactly two numbers per point: the node id rides along only below it.
      for (var i = 0; i < n; i++) buckets[bytes[i]].push(large ? [g.x[i], g.y[i]] : [g.x[i], g.y[i], g.ids[i]]);
      c.setOption({ series: variants.map(function (v) { return { id: "v" + v, data: buckets[v] }; }) });
      var counts = {};
      variants.forEach(function (v) { counts[labelOf(v)] = buckets[v].length; });
      entry.frame = k;
      entry.step = g.frames[k].step;
      entry.counts = counts;
      label.textContent = "step " + g.frames[k].step + " (" + (k + 1) + "/" + g.frames.length + ")";
      if (tally) tally(g.frames[k].step, variants.map(function (v) { return { label: labelOf(v), color: colors[v & 127], final: (v & 128) !== 0 || !anyFinal, count: buckets[v].length }; }));
    };
    window.addEventListener("resize", function () { c.setOption({ grid: square() }); });
    slider(f.fig, "graph", g.frames.length, g.frames.length - 1, show, true);
  }

  // The node count per legend entry at the shown step, beside the graph.
  function countsPanel(parent, drawn, total) {
    var card = el("section", { "class": "card counts" });
    var head = el("h3");
    var list = el("div", { "class": "tally" });
    card.appendChild(head);
    card.appendChild(el("p", { "class": "note", text: drawn === total ? "every node" : drawn.toLocaleString("en") + " sampled nodes of " + total.toLocaleString("en") }));
    card.appendChild(list);
    parent.appendChild(card);
    return function (step, rows) {
      head.textContent = "Nodes at step " + step;
      list.textContent = "";
      rows.forEach(function (r) {
        var share = drawn ? r.count / drawn : 0;
        var bar = el("span", { "class": "bar" });
        bar.style.width = (100 * share).toFixed(1) + "%";
        bar.style.background = r.color;
        bar.style.opacity = r.final ? "1" : "0.42";
        list.appendChild(el("div", { "class": "row" }, [
          el("span", { "class": "label", text: r.label }),
          el("span", { "class": "num", text: r.count.toLocaleString("en") + " · " + (100 * share).toFixed(1) + "%" }),
          el("span", { "class": "track" }, [bar]),
        ]));
      });
    };
  }

  // ---- a density matrix as two heatmaps ---------------------------------------------

  function densityChart(parent, d) {
    var f = figure("density", "Density matrix ρ of node " + d.node, "Real and imaginary parts, row-major; colour scale −1 … 1", true);
    f.plot.className = "plot density";
    parent.appendChild(f.fig);
    var idx = [];
    for (var i = 0; i < d.dim; i++) idx.push(String(i));
    var cells = function (arr) {
      var out = [];
      for (var r = 0; r < d.dim; r++) for (var col = 0; col < d.dim; col++) out.push([col, r, arr[r * d.dim + col]]);
      return out;
    };
    var label = { show: d.dim <= 8, formatter: function (p) { return p.value[2].toFixed(3); }, fontSize: d.dim <= 4 ? 14 : 10 };
    var axis = function (grid, name) {
      return { type: "category", gridIndex: grid, data: idx, name: name, nameLocation: "middle", nameGap: 24, splitArea: { show: true } };
    };
    var c = chart("density", f.plot, {
      animation: false,
      title: [
        { text: "Re ρ", left: "25%", top: 0, textAlign: "center", textStyle: { fontSize: 14 } },
        { text: "Im ρ", left: "73%", top: 0, textAlign: "center", textStyle: { fontSize: 14 } },
      ],
      tooltip: { formatter: function (p) { return p.seriesName + " [" + p.value[1] + ", " + p.value[0] + "] = " + p.value[2].toFixed(5); } },
      grid: [{ left: "7%", width: "36%", top: 30, bottom: 96 }, { left: "55%", width: "36%", top: 30, bottom: 96 }],
      xAxis: [axis(0, "column"), axis(1, "column")],
      yAxis: [Object.assign(axis(0, "row"), { inverse: true }), Object.assign(axis(1, "row"), { inverse: true })],
      visualMap: { min: -1, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 4, itemHeight: 220, inRange: { color: ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"] } },
      series: [
        { name: "Re ρ", type: "heatmap", xAxisIndex: 0, yAxisIndex: 0, data: [], label: label },
        { name: "Im ρ", type: "heatmap", xAxisIndex: 1, yAxisIndex: 1, data: [], label: label },
      ],
    }, { frames: d.frames.length });
    var entry = registry.charts.density;
    slider(f.fig, "density", d.frames.length, d.frames.length - 1, function (k, lab) {
      c.setOption({ series: [{ name: "Re ρ", data: cells(d.frames[k].re) }, { name: "Im ρ", data: cells(d.frames[k].im) }] });
      entry.frame = k;
      entry.step = d.frames[k].step;
      lab.textContent = "step " + d.frames[k].step + " (" + (k + 1) + "/" + d.frames.length + ")";
    }, false);
  }

  // ---- the page ----------------------------------------------------------------------

  var main = document.getElementById("charts");
  if (data.kind === "run") {
    var top = el("section", { "class": "grid top" });
    main.appendChild(top);
    if (data.graph) graphChart(top, data.graph, data.density ? null : top);
    if (data.density) densityChart(top, data.density);
    var curves = el("section", { "class": "grid" });
    main.appendChild(el("h2", { text: "Per-step observables" }));
    main.appendChild(curves);
    data.curves.forEach(function (c) { curveChart(curves, c); });
  } else {
    var grid = el("section", { "class": "grid" });
    main.appendChild(grid);
    data.charts.forEach(function (c) { intervalChart(grid, c); });
  }
  window.addEventListener("resize", function () { all.forEach(function (c) { c.resize(); }); });
  built = true;
  settle();
})();
`;
