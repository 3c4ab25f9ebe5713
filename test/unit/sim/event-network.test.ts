import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/core/errors.js";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { latencySampler, maxLatency, networkSchema, resolvePartition } from "../../../src/sim/event/network.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";

const base = { protocol: "snowball", topology: { kind: "complete", n: 50 }, sampling: "global", driver: "event" };

function pathsOf(doc: Record<string, unknown>): string[] {
  try {
    validateScenario({ ...base, ...doc });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).issues.map((i) => i.path);
  }
  throw new Error(`accepted ${JSON.stringify(doc)}`);
}

describe("network section", () => {
  it("fills defaults: constant 1-tick latency, no loss, poll every 10 ticks, signatures decided by n", () => {
    const net = networkSchema.parse({});
    expect(net).toEqual({ pollInterval: 10, latency: { kind: "constant", ticks: 1 }, loss: 0, duplication: 0, corruption: 0, partitions: [], statementMemory: 16 });
    expect(net.timeout).toBeUndefined(); // the driver resolves it to 3 × pollInterval
    expect(net.signatures).toBeUndefined();
  });

  it("driver defaults to cycle; a cycle scenario carries no network section unless given", () => {
    const s = validateScenario({ protocol: "snowball" });
    expect(s.sections.driver).toBe("cycle");
    expect(s.sections.network).toBeUndefined();
    expect(validateScenario({ ...base }).sections.driver).toBe("event");
  });

  it("accepts the documented example", () => {
    const s = validateScenario({
      ...base,
      network: {
        pollInterval: 10,
        timeout: 30,
        latency: { kind: "uniform", min: 1, max: 5 },
        loss: 0.01,
        duplication: 0.001,
        partitions: [
          { at: 100, heal: 400, split: 0.5 },
          { at: 600, heal: 700, groups: [[0, 9], [10, 19]] },
          { at: 800, heal: 900, split: [0.25, 0.5] },
        ],
        churn: { rate: 0.0002, session: { kind: "exponential", mean: 50 } },
        signatures: true,
      },
    });
    expect((s.sections.network as { partitions: unknown[] }).partitions).toHaveLength(3);
  });

  it("names the field of every bad network value", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ network: { latency: { kind: "constant", ticks: -1 } } }, "network.latency.ticks"],
      [{ network: { latency: { kind: "constant", ticks: 0 } } }, "network.latency.ticks"],
      [{ network: { latency: { kind: "constant", ticks: 1.5 } } }, "network.latency.ticks"],
      [{ network: { latency: { kind: "uniform", min: -2, max: 5 } } }, "network.latency.min"],
      [{ network: { latency: { kind: "uniform", min: 5, max: 2 } } }, "network.latency.max"],
      [{ network: { latency: { kind: "lognormal", median: 0.5, sigma: 1 } } }, "network.latency.median"],
      [{ network: { latency: { kind: "lognormal", median: 3, sigma: -1 } } }, "network.latency.sigma"],
      [{ network: { latency: { kind: "gamma" } } }, "network.latency.kind"],
      [{ network: { loss: 1 } }, "network.loss"],
      [{ network: { loss: -0.1 } }, "network.loss"],
      [{ network: { duplication: 1.5 } }, "network.duplication"],
      [{ network: { corruption: 2 } }, "network.corruption"],
      [{ network: { pollInterval: 0 } }, "network.pollInterval"],
      [{ network: { timeout: 0 } }, "network.timeout"],
      [{ network: { partitions: [{ at: 400, heal: 100, split: 0.5 }] } }, "network.partitions.0.heal"],
      [{ network: { partitions: [{ at: 100, heal: 100, split: 0.5 }] } }, "network.partitions.0.heal"],
      [{ network: { partitions: [{ at: -1, heal: 100, split: 0.5 }] } }, "network.partitions.0.at"],
      [{ network: { partitions: [{ at: 0, heal: 100, split: 1 }] } }, "network.partitions.0.split"],
      [{ network: { partitions: [{ at: 0, heal: 100 }] } }, "network.partitions.0.split"],
      [{ network: { partitions: [{ at: 0, heal: 100, split: 0.5, groups: [[0, 1]] }] } }, "network.partitions.0.split"],
      [{ network: { partitions: [{ at: 0, heal: 100, split: [0.5, 0.3] }] } }, "network.partitions.0.split.1"],
      [{ network: { partitions: [{ at: 0, heal: 100, groups: [[5, 2]] }] } }, "network.partitions.0.groups.0"],
      [{ network: { partitions: [{ at: 0, heal: 100, groups: [[0, 10], [5, 20]] }] } }, "network.partitions.0.groups.1"],
      [{ network: { churn: { rate: -1 } } }, "network.churn.rate"],
      [{ network: { churn: { rate: 0.1, session: { kind: "exponential", mean: 0 } } } }, "network.churn.session.mean"],
      [{ network: { signatures: "yes" } }, "network.signatures"],
      [{ network: { jitter: 3 } }, "network"],
      [{ driver: "discrete" }, "driver"],
    ];
    for (const [doc, path] of cases) expect(pathsOf(doc), JSON.stringify(doc)).toContain(path);
  });
});

describe("latency", () => {
  it("draws integer ticks ≥ 1 from each distribution, deterministically", () => {
    const draw = (spec: Parameters<typeof latencySampler>[0], seed = 1) => {
      const f = latencySampler(spec, new Xoshiro128(seed));
      return Array.from({ length: 20_000 }, f);
    };
    expect(new Set(draw({ kind: "constant", ticks: 4 }))).toEqual(new Set([4]));
    const u = draw({ kind: "uniform", min: 2, max: 6 });
    expect(new Set(u)).toEqual(new Set([2, 3, 4, 5, 6]));
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(4, 1);
    const l = draw({ kind: "lognormal", median: 8, sigma: 0.5 });
    expect(l.every((t) => Number.isInteger(t) && t >= 1)).toBe(true);
    const sorted = [...l].sort((a, b) => a - b);
    expect(sorted[sorted.length / 2]).toBe(8);
    expect(draw({ kind: "lognormal", median: 8, sigma: 0.5 }, 7)).toEqual(draw({ kind: "lognormal", median: 8, sigma: 0.5 }, 7));
    expect(draw({ kind: "lognormal", median: 1, sigma: 2 }).every((t) => t >= 1)).toBe(true);
    expect(maxLatency({ kind: "uniform", min: 1, max: 5 })).toBe(5);
    expect(maxLatency({ kind: "lognormal", median: 3, sigma: 1 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("partitions", () => {
  it("split cuts [0, ⌊s·n⌋) from the rest; a list cuts more groups", () => {
    const half = resolvePartition({ at: 0, heal: 10, split: 0.5 }, 10, "p");
    expect([...half.group]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const thirds = resolvePartition({ at: 0, heal: 10, split: [0.3, 0.6] }, 10, "p");
    expect([...thirds.group]).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
  });

  it("groups are inclusive ranges; nodes in none form one more group", () => {
    const p = resolvePartition({ at: 0, heal: 10, groups: [[0, 2], [6, 7]] }, 10, "p");
    expect([...p.group]).toEqual([0, 0, 0, 2, 2, 2, 1, 1, 2, 2]);
  });

  it("a range past the last node is a scenario error naming the group", () => {
    expect(() => resolvePartition({ at: 0, heal: 10, groups: [[0, 4], [5, 10]] }, 10, "network.partitions.0")).toThrow(ScenarioError);
    try {
      resolvePartition({ at: 0, heal: 10, groups: [[0, 4], [5, 10]] }, 10, "network.partitions.0");
    } catch (error) {
      expect((error as ScenarioError).issues[0]!.path).toBe("network.partitions.0.groups.1");
    }
  });
});
