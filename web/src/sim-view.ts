/** Simulation mode: run facts and progress, one small chart per observable, the network when traced. */
import type { SimView } from "../../src/web-shared/dashboard-model.js";
import { drawChart, formatNumber } from "./chart.js";
import { byId, el } from "./dom.js";
import { drawGraph } from "./graph.js";

const PALETTE = ["#4cc2ff", "#f5b940", "#3fcf8e", "#ff5c6c", "#b48cff", "#ff9f5a", "#5ad1c8", "#e06cc4"];

export function renderSim(sim: SimView | null): void {
  if (sim === null) return;
  renderRun(sim);
  renderObservables(sim);
  renderNetwork(sim);
}

function renderRun(sim: SimView): void {
  // A run may end before its step cap (agreement reached): then the bar fills.
  const share = sim.state === "finished" ? 1 : sim.maxSteps > 0 ? Math.min(1, sim.step / sim.maxSteps) : 0;
  const facts: [string, string][] = [
    ["state", sim.state],
    ["scenario", sim.scenario],
    ["protocol", sim.protocol],
    ["nodes", sim.nodes ? String(sim.nodes) : "–"],
    ["seed", String(sim.seed)],
    ["round", sim.maxSteps ? `${sim.step} of at most ${sim.maxSteps}` : String(sim.step)],
    ["pace", sim.stepMs ? `${sim.stepMs} ms / round` : "as fast as possible"],
  ];
  if (sim.outcome) facts.push(["outcome", sim.outcome]);
  for (const [key, value] of Object.entries(sim.summary ?? {})) {
    if (value === null || key === "steps") continue;
    facts.push([key, typeof value === "number" ? formatNumber(value) : String(value)]);
  }
  byId("run").replaceChildren(
    el("div", { class: "progress" }, el("div", { style: `width:${(share * 100).toFixed(1)}%` })),
    el(
      "dl",
      { class: "run-facts", "data-state": sim.state, "data-step": String(sim.step) },
      ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { class: k === "state" ? `state-${v}` : "", "data-fact": k }, v)]),
    ),
    ...(sim.error ? [el("p", { class: "error" }, sim.error)] : []),
    ...(sim.state === "idle" ? [el("p", { class: "empty" }, "Press Start to run the scenario.")] : []),
  );
}

const figures = new Map<string, { figure: HTMLElement; canvas: HTMLCanvasElement; value: HTMLElement }>();

function renderObservables(sim: SimView): void {
  const box = byId("observables");
  const names = sim.observables;
  if (names.length === 0) {
    if (!box.querySelector(".empty")) box.replaceChildren(el("p", { class: "empty" }, "The observables appear once a run starts."));
    figures.clear();
    return;
  }
  if (figures.size !== names.length || names.some((n) => !figures.has(n))) {
    figures.clear();
    box.replaceChildren(
      ...names.map((name) => {
        const value = el("b", {}, "");
        const canvas = el("canvas", { "data-chart": `observable-${name}` });
        const figure = el("figure", {}, el("figcaption", {}, el("span", {}, name), value), canvas);
        figures.set(name, { figure, canvas, value });
        return figure;
      }),
    );
  }
  names.forEach((name, i) => {
    const f = figures.get(name)!;
    const points = sim.rounds.map((r) => [r.step, r.observables[name] ?? null] as const);
    const last = sim.rounds[sim.rounds.length - 1]?.observables[name];
    f.value.textContent = last === undefined ? "" : formatNumber(last);
    drawChart(f.canvas, { series: [{ name, color: PALETTE[i % PALETTE.length]!, points }], legend: false, emptyText: "waiting for rounds" });
  });
}

function renderNetwork(sim: SimView): void {
  const panel = byId("sim-graph-panel");
  const graph = sim.graph;
  panel.hidden = graph === null;
  byId("sim-view").classList.toggle("no-graph", graph === null);
  if (graph === null) return;
  drawGraph(byId<HTMLCanvasElement>("sim-graph"), {
    nodes: graph.colour.map((c, i) => ({ fill: PALETTE[c % PALETTE.length]!, ...(graph.finalized[i] ? { ring: "#ffffff" } : {}) })),
    edges: graph.edges,
    ...(graph.x && graph.y ? { x: graph.x, y: graph.y } : {}),
  });
  byId("sim-graph-caption").textContent = `${graph.nodes}${graph.sampled ? ` of ${sim.nodes}` : ""} nodes · ${graph.edges.length} edges`;
  const legend = byId("sim-graph-legend");
  const key = graph.classes.join("\n");
  if (legend.dataset.key !== key) {
    legend.dataset.key = key;
    legend.replaceChildren(
      ...graph.classes.map((label, c) => el("span", {}, el("i", { style: `background:${PALETTE[c % PALETTE.length]}` }), label)),
      el("span", {}, el("i", { style: "border:2px solid #ffffff" }), "finalized"),
    );
  }
}
