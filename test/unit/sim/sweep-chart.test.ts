// A sweep report over two swept fields: the first along x, one series per value of the
// second — never one zig-zag line over the flattened grid.
import { describe, expect, it } from "vitest";
import { buildSweepReport, sweepLayout } from "../../../src/report/sweep-data.js";
import { protocols } from "../../../src/sim/registry.js";
import { aggregatePoint, expandGrid, type RunDigest } from "../../../src/sim/sweep.js";

/** Digests whose steps and energy encode the grid point, so each value can be traced to its place. */
function digests(beta: number, bias: number): RunDigest[] {
  return [0, 1, 2].map((seed) => ({
    seed,
    outcome: seed === 0 && bias === 0.5 ? "timeout" : "agreement",
    steps: beta + Math.round(bias * 10) + seed,
    updates: 1,
    simMs: 0,
    final: { energy: beta * bias },
    fields: { roundsTo99: beta },
  }));
}

const grid = expandGrid([
  { name: "beta", values: [10, 15, 20] },
  { name: "workload.bias", values: [0.5, 0.6] },
]);
const points = grid.map((p) => aggregatePoint(p, digests(p.beta as number, p["workload.bias"] as number), protocols.snowball.outcomes));
const data = buildSweepReport({ protocol: "snowball", seeds: { from: 0, to: 2 }, points, generator: "t" });

describe("sweep chart model, 3×2 grid", () => {
  it("x: the first field's 3 values; one series per value of the second", () => {
    const layout = sweepLayout(points);
    expect(layout.xLabel).toBe("beta");
    expect(layout.categories).toEqual(["beta=10", "beta=15", "beta=20"]);
    expect(layout.groups.map((g) => g.label)).toEqual(["workload.bias=0.5", "workload.bias=0.6"]);
    // grid order is beta slowest: points 0,2,4 have bias 0.5
    expect(layout.groups.map((g) => g.at)).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
  });

  it("every chart has 2 series of 3 points, each point the right grid point's value", () => {
    const steps = data.charts.find((c) => c.name === "sweep-steps")!;
    expect(steps.categories).toHaveLength(3);
    expect(steps.series.map((s) => s.name)).toEqual(["workload.bias=0.5", "workload.bias=0.6"]);
    for (const s of steps.series) expect(s.mean).toHaveLength(3);
    // mean steps = beta + 10·bias + 1 (seeds 0, 1, 2)
    expect(steps.series[0]!.mean).toEqual([16, 21, 26]);
    expect(steps.series[1]!.mean).toEqual([17, 22, 27]);
    const energy = data.charts.find((c) => c.name === "sweep-final-energy")!;
    expect(energy.series.map((s) => s.mean)).toEqual([
      [5, 7.5, 10],
      [6, 9, 12],
    ]);
    for (const c of data.charts) {
      expect(c.series, c.name).toHaveLength(2);
      for (const s of c.series) for (const arr of [s.mean, s.low, s.high]) expect(arr, c.name).toHaveLength(3);
    }
  });

  it("outcome shares: one chart per outcome, series per value of the second field", () => {
    const names = data.charts.filter((c) => c.share).map((c) => c.name);
    expect(names).toEqual(protocols.snowball.outcomes.map((o) => `sweep-outcome-${o}`));
    const none = data.charts.find((c) => c.name === "sweep-outcome-timeout")!;
    expect(none.series.map((s) => s.mean)).toEqual([
      [1 / 3, 1 / 3, 1 / 3],
      [0, 0, 0],
    ]);
  });

  it("a single swept field stays one series over its values (outcomes as series)", () => {
    const one = expandGrid([{ name: "beta", values: [10, 15, 20] }]).map((p) => aggregatePoint(p, digests(p.beta as number, 0.6), protocols.snowball.outcomes));
    const d = buildSweepReport({ protocol: "snowball", seeds: { from: 0, to: 2 }, points: one, generator: "t" });
    expect(d.charts.find((c) => c.name === "sweep-steps")!.series).toHaveLength(1);
    expect(d.charts.find((c) => c.name === "sweep-outcomes")!.series.map((s) => s.name)).toEqual([...protocols.snowball.outcomes]);
  });

  it("three fields: the first along x, a series per combination of the other two", () => {
    const g3 = expandGrid([
      { name: "beta", values: [10, 20] },
      { name: "workload.bias", values: [0.5, 0.6] },
      { name: "k", values: [8, 12] },
    ]);
    const pts = g3.map((p) => aggregatePoint(p, digests(p.beta as number, p["workload.bias"] as number), protocols.snowball.outcomes));
    const layout = sweepLayout(pts);
    expect(layout.categories).toEqual(["beta=10", "beta=20"]);
    expect(layout.groups.map((g) => g.label)).toEqual(["workload.bias=0.5 k=8", "workload.bias=0.5 k=12", "workload.bias=0.6 k=8", "workload.bias=0.6 k=12"]);
  });
});
