import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../src/core/errors.js";
import { createRng } from "../../../src/core/prng.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { stepsToJsonl } from "../../../src/sim/output.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { FINAL_BIT, decodeBase64, encodeBase64, parseTrace, sampleEdges, sampleNodes, traceToJson, type Trace } from "../../../src/sim/trace/index.js";
import { csrFromAdjacency } from "../../../src/topology/csr.js";

const small = { kind: "watts-strogatz", n: 120, k: 6, p: 0.1 };

/** One scenario per protocol and driver, small enough to run twice in a test. */
const scenarios: Record<string, unknown> = {
  "emtd-seed": { protocol: "emtd-seed", rng: "python", seed: 5 },
  "tmesh-seed": { protocol: "tmesh-seed", rng: "python", params: { nodes: 9, steps: 50, dim: 3 } },
  snowball: { protocol: "snowball", topology: small, sampling: "global", maxRounds: 60 },
  emtd: { protocol: "emtd", topology: small, maxRounds: 60 },
  tmesh: { protocol: "tmesh", topology: small, maxRounds: 60, workload: { candidates: 3 } },
  "gossip-avg": { protocol: "gossip-avg", topology: small, maxRounds: 30 },
  "snowball (event driver)": { protocol: "snowball", topology: small, sampling: "global", maxRounds: 40, driver: "event", network: { signatures: false } },
};

function withoutTiming(summary: object): string {
  return JSON.stringify({ ...summary, simMs: 0 });
}

describe("traces", () => {
  for (const [name, doc] of Object.entries(scenarios)) {
    it(`${name}: a traced run gives the same results, and the trace fits the run`, () => {
      const scenario = validateScenario(doc);
      const plain = simulate(scenario);
      const traced = simulate(scenario, { trace: true });
      expect(withoutTiming(traced.summary)).toBe(withoutTiming(plain.summary));
      expect(stepsToJsonl(traced.steps)).toBe(stepsToJsonl(plain.steps));
      expect(plain.trace).toBeUndefined();
      const trace = traced.trace!;
      expect(trace.nodes).toBe(plain.summary.nodes);
      expect(trace.nodeIds.length).toBe(plain.summary.nodes);
      expect(trace.frames[0]!.step).toBe(0);
      expect(trace.frames[trace.frames.length - 1]!.step).toBe(plain.summary.steps);
      for (const f of trace.frames) {
        expect(f.state.length).toBe(trace.nodeIds.length);
        for (const b of f.state) expect(b & ~FINAL_BIT).toBeLessThan(trace.classes.length);
      }
      for (const e of trace.edges) expect(e).toBeLessThan(trace.nodeIds.length);
      // A trace survives trace.json unchanged.
      const json = traceToJson(trace);
      expect(traceToJson(parseTrace(json, "trace.json"))).toBe(json);
    });
  }

  it("snowball: at agreement every honest node is final on one candidate", () => {
    const out = simulate(validateScenario({ ...(scenarios.snowball as object), maxRounds: 300 }), { trace: true });
    expect(out.summary.outcome).toBe("agreement");
    const last = out.trace!.frames.at(-1)!.state;
    expect(new Set(last).size).toBe(1);
    expect(last[0]! & FINAL_BIT).toBe(FINAL_BIT);
    expect(out.trace!.frames[0]!.state.every((b) => (b & FINAL_BIT) === 0)).toBe(true);
    // Watts–Strogatz with k = 6 keeps 3 edges per node.
    expect(out.trace!.edges.length / 2).toBe(360);
  });

  it("tmesh and tmesh-seed record node 0's density matrix, a valid state at every frame", () => {
    for (const name of ["tmesh", "tmesh-seed"]) {
      const out = simulate(validateScenario(scenarios[name]), { trace: true });
      const density = out.trace!.density!;
      expect(density.node).toBe(0);
      expect(density.dim).toBe(3);
      expect(density.frames.length).toBeGreaterThan(1);
      for (const f of density.frames) {
        let tr = 0;
        for (let i = 0; i < 3; i++) tr += f.re[i * 3 + i]!;
        expect(tr).toBeCloseTo(1, 9);
      }
    }
    expect(simulate(validateScenario(scenarios.snowball), { trace: true }).trace!.density).toBeNull();
  });

  it("big runs are sampled down deterministically, connected from node 0, with the edges thinned", () => {
    const doc = { protocol: "snowball", topology: { kind: "watts-strogatz", n: 3000, k: 10, p: 0.1 }, sampling: "global", maxRounds: 5, seed: 2 };
    const options = { maxNodes: 500, maxEdges: 800 };
    const a = simulate(validateScenario(doc), { trace: options }).trace!;
    const b = simulate(validateScenario(doc), { trace: options }).trace!;
    expect(traceToJson(a)).toBe(traceToJson(b));
    expect(a.nodes).toBe(3000);
    expect(a.nodeIds.length).toBe(500);
    expect(a.nodeIds[0]).toBe(0);
    for (let i = 1; i < a.nodeIds.length; i++) expect(a.nodeIds[i]!).toBeGreaterThan(a.nodeIds[i - 1]!);
    expect(a.edges.length / 2).toBe(800);
    expect(a.edgesTotal).toBeGreaterThan(800);
  });

  it("the frame stride doubles so that at most maxFrames (+ the last) are kept", () => {
    const out = simulate(validateScenario({ protocol: "tmesh-seed", params: { nodes: 6, steps: 1000 } }), { trace: { maxFrames: 10 } });
    const t = out.trace!;
    expect(t.frames.length).toBeLessThanOrEqual(11);
    expect(t.frameStride).toBe(128);
    expect(t.frames.map((f) => f.step)).toEqual([0, 128, 256, 384, 512, 640, 768, 896, 1000]);
    expect(t.density!.frames.map((f) => f.step)).toEqual(t.frames.map((f) => f.step));
  });

  it("rejects bad options", () => {
    const s = validateScenario(scenarios["emtd-seed"]);
    expect(() => simulate(s, { trace: { maxNodes: 0 } })).toThrow(/maxNodes/);
    expect(() => simulate(s, { trace: { densityNode: 50 } })).toThrow(/densityNode/);
  });
});

describe("trace sampling", () => {
  it("sampleNodes without a graph keeps node 0 and draws the rest uniformly", () => {
    const ids = sampleNodes(100, 10, createRng(1, "t"), null);
    expect(ids.length).toBe(10);
    expect(ids[0]).toBe(0);
    expect(new Set(ids).size).toBe(10);
  });

  it("sampleNodes restarts in another component when one runs out", () => {
    // Two triangles and an isolated node: BFS from 0 takes its triangle, then restarts.
    const g = csrFromAdjacency([[1, 2], [0, 2], [0, 1], [4, 5], [3, 5], [3, 4], []]);
    const ids = sampleNodes(7, 5, createRng(3, "t"), g);
    expect(ids.length).toBe(5);
    expect([...ids.subarray(0, 3)]).toEqual([0, 1, 2]);
  });

  it("sampleEdges keeps edges inside the sample once each, in order", () => {
    const g = csrFromAdjacency([[1, 3], [0, 2], [1, 3], [2, 0]]);
    const { pairs, total } = sampleEdges(g, 4, Int32Array.from([0, 1, 2]), 10, createRng(1, "t"));
    expect(total).toBe(2);
    expect([...pairs]).toEqual([0, 1, 1, 2]);
    const flat = sampleEdges(Int32Array.from([0, 3, 2, 1, 1, 2]), 4, Int32Array.from([1, 2, 3]), 10, createRng(1, "t"));
    // (0, 3) leaves the sample; (2, 1) and (1, 2) both map to positions (0, 1): flat input is taken as given
    expect([...flat.pairs]).toEqual([0, 1, 0, 1]);
  });
});

describe("base64", () => {
  it("agrees with Buffer and round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it("rejects anything but canonical padded base64, never throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const bytes = decodeBase64(text);
        if (bytes !== null) expect(encodeBase64(bytes)).toBe(text);
      }),
    );
    expect(decodeBase64("QQ")).toBeNull();
    expect(decodeBase64("QR==")).toBeNull();
    expect(decodeBase64("Q===")).toBeNull();
    expect(decodeBase64("QQ==")).toEqual(Uint8Array.of(65));
  });
});

describe("trace.json", () => {
  const good = traceToJson(simulate(validateScenario(scenarios.tmesh), { trace: true }).trace!);

  function parseOrError(text: string): Trace | Error {
    try {
      return parseTrace(text, "trace.json");
    } catch (error) {
      return error as Error;
    }
  }

  it("arbitrary text and arbitrary JSON give a trace or a ParseError, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseOrError(text);
        if (r instanceof Error) expect(r).toBeInstanceOf(ParseError);
      }),
    );
  });

  it("a trace with one field changed is refused or still consistent", () => {
    const doc = JSON.parse(good) as Record<string, unknown>;
    const keys = Object.keys(doc);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const r = parseOrError(JSON.stringify({ ...doc, [key]: value }));
        if (r instanceof Error) expect(r).toBeInstanceOf(ParseError);
        else for (const f of r.frames) expect(f.state.length).toBe(r.nodeIds.length);
      }),
    );
  });

  it("names the inconsistency", () => {
    const doc = JSON.parse(good) as { frames: { state: string }[]; edges: number[]; nodeIds: number[]; classes: string[] };
    const badFrame = { ...doc, frames: [{ step: 0, state: encodeBase64(Uint8Array.of(1, 2)) }] };
    expect(() => parseTrace(JSON.stringify(badFrame), "t.json")).toThrow(/frames\[0\] holds 2 nodes/);
    const badEdge = { ...doc, edges: [0, 10_000] };
    expect(() => parseTrace(JSON.stringify(badEdge), "t.json")).toThrow(/edges\[1\]/);
    const badClass = { ...doc, frames: [{ step: 0, state: encodeBase64(new Uint8Array(doc.nodeIds.length).fill(99)) }] };
    expect(() => parseTrace(JSON.stringify(badClass), "t.json")).toThrow(/class 99/);
    expect(() => parseTrace("{", "t.json")).toThrow(ParseError);
  });
});
