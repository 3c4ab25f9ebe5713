import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { PythonRandom } from "../../../src/core/python-random.js";
import { buildTopology, complete, edgeCount, randomGeometric, ring, topologyKinds, topologySpecSchema, validateCsr, wattsStrogatz } from "../../../src/topology/index.js";

function issues(input: unknown): { path: string; message: string }[] {
  const r = topologySpecSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("topologySpecSchema", () => {
  it("accepts each kind and fills defaults", () => {
    expect(topologySpecSchema.parse({ kind: "random-geometric", n: 100, radius: 0.1 })).toEqual({ kind: "random-geometric", n: 100, radius: 0.1, dim: 2 });
    for (const spec of [
      { kind: "watts-strogatz", n: 50, k: 4, p: 0.1 },
      { kind: "erdos-renyi", n: 50, p: 0.1 },
      { kind: "barabasi-albert", n: 50, m: 2 },
      { kind: "random-geometric", n: 50, radius: 0.2, dim: 3 },
      { kind: "ring", n: 5 },
      { kind: "complete", n: 5 },
    ]) {
      expect(issues(spec)).toEqual([]);
    }
  });

  it("reports bad fields by path with a readable message", () => {
    expect(issues({ kind: "watts-strogatz", n: 10, k: 12, p: 0.1 })).toEqual([{ path: "k", message: "k must not exceed n" }]);
    expect(issues({ kind: "watts-strogatz", n: 10.5, k: 2, p: 2 })).toEqual([
      { path: "n", message: "n must be an integer" },
      { path: "p", message: "p must be a probability in [0, 1]" },
    ]);
    expect(issues({ kind: "barabasi-albert", n: 5, m: 5 })).toEqual([{ path: "m", message: "m must be smaller than n" }]);
    expect(issues({ kind: "ring", n: 2 })).toEqual([{ path: "n", message: "n must be at least 3" }]);
    expect(issues({ kind: "complete", n: 100_000 })).toEqual([{ path: "n", message: "n must be at most 46341" }]);
    expect(issues({ kind: "random-geometric", n: 5, radius: 0.1, dim: 4 })).toEqual([{ path: "dim", message: "dim must be 2 or 3" }]);
    expect(issues({ kind: "ring", n: 5, p: 0.1 })[0]!.message).toMatch(/Unrecognized key/);
    expect(issues({ kind: "torus", n: 5 })[0]!.path).toBe("kind");
  });
});

describe("buildTopology", () => {
  it("builds every kind as the matching generator does", () => {
    expect(topologyKinds.length).toBe(6);
    for (const kind of topologyKinds) {
      const spec = topologySpecSchema.parse(
        {
          "watts-strogatz": { kind, n: 60, k: 4, p: 0.2 },
          "erdos-renyi": { kind, n: 60, p: 0.1 },
          "barabasi-albert": { kind, n: 60, m: 2 },
          "random-geometric": { kind, n: 60, radius: 0.2 },
          ring: { kind, n: 60 },
          complete: { kind, n: 60 },
        }[kind],
      );
      validateCsr(buildTopology(spec, new Xoshiro128(1)));
    }
    const ws = buildTopology({ kind: "watts-strogatz", n: 50, k: 4, p: 0.1 }, new PythonRandom(0));
    expect(ws).toEqual(wattsStrogatz(50, 4, 0.1, new PythonRandom(0)));
    expect(buildTopology({ kind: "ring", n: 7 }, new Xoshiro128(1))).toEqual(ring(7));
    expect(edgeCount(buildTopology({ kind: "complete", n: 7 }, new Xoshiro128(1)))).toBe(edgeCount(complete(7)));
    const rgg = buildTopology({ kind: "random-geometric", n: 40, radius: 0.3, dim: 3 }, new Xoshiro128(2));
    expect(rgg.targets).toEqual(randomGeometric(40, 0.3, new Xoshiro128(2), 3).targets);
  });

  it("still rejects a spec that skipped the schema", () => {
    expect(() => buildTopology({ kind: "watts-strogatz", n: 5, k: 9, p: 0.1 }, new Xoshiro128(1))).toThrow(RangeError);
  });
});
