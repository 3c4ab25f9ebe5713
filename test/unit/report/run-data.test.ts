import { describe, expect, it } from "vitest";
import { layoutGraph } from "../../../src/report/layout.js";
import { inlineJson, renderPage } from "../../../src/report/page.js";
import { buildRunReport, MAX_CURVE_POINTS } from "../../../src/report/run-data.js";
import { buildSweepReport } from "../../../src/report/sweep-data.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { protocols } from "../../../src/sim/registry.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { aggregatePoint, digestRun } from "../../../src/sim/sweep.js";

function report(doc: unknown, trace = true) {
  const scenario = validateScenario(doc);
  const out = simulate(scenario, { trace });
  return { out, data: buildRunReport({ summary: out.summary, steps: out.steps, columns: protocols[scenario.protocol].observables, trace: out.trace ?? null, generator: "test" }) };
}

describe("run report data", () => {
  it("emtd-seed: a curve per observable plus derived entropy, magnetisation and free energy", () => {
    const { out, data } = report({ protocol: "emtd-seed", seed: 1 });
    const names = data.curves.map((c) => c.name);
    expect(names.slice(0, 5)).toEqual(["curve-energy", "curve-freeEnergy", "curve-shannonEntropy", "curve-meanTemperature", "curve-magnetization"]);
    for (const c of ["adoptedShare", "flips", "stateChange"]) expect(names).toContain(`curve-${c}`);
    const free = data.curves.find((c) => c.name === "curve-freeEnergy")!;
    expect(free.note).toMatch(/derived/);
    // F = H − T·N·S at step 0, from the recorded row.
    const o = out.steps[0]!.observables;
    const p = o.adoptedShare!;
    const s = p > 0 && p < 1 ? -p * Math.log(p) - (1 - p) * Math.log(1 - p) : 0;
    expect(free.series[0]!.points[0]![1]).toBeCloseTo(o.energy! - o.meanTemperature! * 50 * s, 4);
    expect(data.graph!.drawn).toBe(50);
    expect(data.density).toBeNull();
  });

  it("emtd: free energy from the Potts energy, temperature and preference entropy", () => {
    const { data } = report({ protocol: "emtd", topology: { kind: "ring", n: 60 }, maxRounds: 20 });
    expect(data.curves.map((c) => c.name)).toContain("curve-freeEnergy");
    expect(data.curves.map((c) => c.name)).toContain("curve-meanTemperature");
  });

  it("tmesh-seed: the density matrix and node 0's entropy and coherence", () => {
    const { data } = report({ protocol: "tmesh-seed", params: { nodes: 4, steps: 12 } });
    expect(data.density!.dim).toBe(2);
    expect(data.density!.frames.length).toBe(13);
    const node = data.curves.find((c) => c.name === "node-density")!;
    expect(node.series.map((s) => s.name)).toEqual(["S(ρ)", "l1 coherence"]);
    // Node 0 starts pure: S = 0, and a random pure qubit has coherence.
    expect(node.series[0]!.points[0]![1]).toBeCloseTo(0, 6);
    expect(node.series[1]!.points[0]![1]).toBeGreaterThan(0);
  });

  it("long runs: curves thinned to MAX_CURVE_POINTS, and the report says so", () => {
    const { data } = report({ protocol: "tmesh-seed", params: { nodes: 4, steps: 9000 } }, false);
    expect(data.curves[0]!.series[0]!.points.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(data.curves[0]!.series[0]!.points.at(-1)![0]).toBe(9000);
    expect(data.notes.join(" ")).toMatch(/thinned/);
    expect(data.notes.join(" ")).toMatch(/No trace/);
    expect(data.graph).toBeNull();
  });

  it("sampled runs say how much of the graph is drawn", () => {
    const scenario = validateScenario({ protocol: "snowball", topology: { kind: "watts-strogatz", n: 1500, k: 8, p: 0.1 }, sampling: "global", maxRounds: 3 });
    const out = simulate(scenario, { trace: { maxNodes: 400, maxEdges: 300 } });
    const data = buildRunReport({ summary: out.summary, steps: out.steps, columns: protocols.snowball.observables, trace: out.trace!, generator: "t" });
    expect(data.notes.join(" ")).toMatch(/400 of 1,500 nodes/);
    expect(data.notes.join(" ")).toMatch(/300 of the/);
  });
});

describe("sweep report data", () => {
  it("outcome shares with the sweep's Wilson intervals, and means with intervals", () => {
    const scenario = validateScenario({ protocol: "emtd-seed" });
    const points = [0.5, 0.95].map((decay) => {
      const s = { ...scenario, params: { ...scenario.params, decay } };
      return aggregatePoint({ decay }, [0, 1, 2, 3, 4, 5].map((seed) => digestRun(simulate({ ...s, seed }))), protocols["emtd-seed"].outcomes);
    });
    const data = buildSweepReport({ protocol: "emtd-seed", seeds: { from: 0, to: 5 }, points, generator: "t" });
    const outcomes = data.charts.find((c) => c.name === "sweep-outcomes")!;
    expect(outcomes.categories).toEqual(["decay=0.5", "decay=0.95"]);
    expect(outcomes.series.map((s) => s.name)).toEqual(["full_agreement", "injection_rejected", "split"]);
    const agree = outcomes.series[0]!;
    expect(agree.mean[0]).toBe(points[0]!.outcomeIntervals.full_agreement!.share);
    expect(agree.low[0]).toBe(points[0]!.outcomeIntervals.full_agreement!.low);
    const temperature = data.charts.find((c) => c.name === "sweep-final-meanTemperature")!.series[0]!;
    const o = points[1]!.observables.meanTemperature!;
    expect(temperature.high[1]! - temperature.mean[1]!).toBeCloseTo((1.959964 * o.sd!) / Math.sqrt(6), 9);
  });
});

describe("layout and page", () => {
  it("lays out deterministically inside [-1, 1]", () => {
    const edges = Int32Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i / 2 : (i / 2 + 1) % 100 | 0));
    const a = layoutGraph(100, edges, 7);
    const b = layoutGraph(100, edges, 7);
    expect(a.x).toEqual(b.x);
    for (const v of [...a.x, ...a.y]) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-12);
    expect(Math.max(...a.x.map(Math.abs), ...a.y.map(Math.abs))).toBeCloseTo(1, 9);
  });

  it("lays out 10^4 nodes and 5·10^4 edges within the budget", () => {
    const n = 10_000;
    const edges = new Int32Array(10 * n);
    for (let i = 0; i < n; i++) for (let d = 1; d <= 5; d++) edges.set([i, (i + d) % n], 2 * (5 * i + d - 1));
    const t0 = performance.now();
    const l = layoutGraph(n, edges, 1);
    const ms = performance.now() - t0;
    expect(l.method).toMatch(/Barnes–Hut/);
    expect(l.x.every(Number.isFinite)).toBe(true);
    // ~2 s idle on 2 cores; generous for a loaded CI machine
    expect(ms).toBeLessThan(15_000);
  }, 20_000);

  it("inlined data cannot close its script element", () => {
    expect(inlineJson({ a: "</script><script>alert(1)</script>" })).not.toMatch(/<\//);
    const { data } = report({ protocol: "emtd-seed", name: "</script><b>x" } as unknown as object);
    const html = renderPage({ ...data, title: "</script><b>x" });
    expect(html).toContain("&lt;/script&gt;&lt;b&gt;x");
    expect(html.match(/<script/g)!.length).toBe(html.match(/<\/script>/g)!.length);
  });
});
