import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entropic } from "../helpers/cli.js";

function withoutTimings(json: string): unknown {
  const value = JSON.parse(json) as Record<string, unknown>;
  delete value.simMs;
  return value;
}

describe("entropic sim", () => {
  it("runs the built-in EMTD seed demo with no arguments", () => {
    const r = entropic(["sim"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/emtd-seed/);
    expect(r.stdout).toMatch(/outcome\s+(full_agreement|injection_rejected|split)/);
  });

  it("--json prints the summary contract", () => {
    const r = entropic(["sim", "--json", "--seed", "3"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ["protocol", "nodes", "seed", "steps", "outcome", "updates", "simMs"]) expect(s).toHaveProperty(key);
    expect(s.protocol).toBe("emtd-seed");
    expect(s.nodes).toBe(50);
    expect(s.seed).toBe(3);
    expect(typeof s.simMs).toBe("number");
  });

  it("tmesh-seed adds finalCoherence and finalEntropyMean", () => {
    const r = entropic(["sim", "scenarios/tmesh-seed.yaml", "--json"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s.protocol).toBe("tmesh-seed");
    expect(typeof s.finalCoherence).toBe("number");
    expect(typeof s.finalEntropyMean).toBe("number");
  });

  it("--out writes summary.json, rounds.jsonl and rounds.csv, byte-identical across runs apart from timings", () => {
    const a = mkdtempSync(join(tmpdir(), "entropic-a-"));
    const b = mkdtempSync(join(tmpdir(), "entropic-b-"));
    for (const dir of [a, b]) expect(entropic(["sim", "--seed", "5", "--set", "nodes=400", "--set", "decay=0.5", "--out", dir]).status).toBe(0);
    expect(readdirSync(a).sort()).toEqual(["rounds.csv", "rounds.jsonl", "summary.json"]);
    for (const f of ["rounds.csv", "rounds.jsonl"]) expect(readFileSync(join(b, f))).toEqual(readFileSync(join(a, f)));
    expect(withoutTimings(readFileSync(join(b, "summary.json"), "utf8"))).toEqual(withoutTimings(readFileSync(join(a, "summary.json"), "utf8")));
    const csv = readFileSync(join(a, "rounds.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("step,energy,meanTemperature,adoptedShare,flips,stateChange");
    const jsonl = readFileSync(join(a, "rounds.jsonl"), "utf8").trim().split("\n");
    expect(jsonl).toHaveLength(csv.length - 1);
  });

  it("--set overrides parameters and is validated", () => {
    const ok = entropic(["sim", "--json", "--set", "nodes=120"]);
    expect(JSON.parse(ok.stdout).nodes).toBe(120);
    const bad = entropic(["sim", "--set", "decay=2"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/params\.decay/);
  });

  it("bad flags and values exit 2 with one line", () => {
    for (const args of [["sim", "--bogus"], ["sim", "--seed", "minus"], ["sim", "--set", "novalue"], ["sim", "missing.yaml"], ["nonsense"]]) {
      const r = entropic(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });

  it("an invalid scenario file is reported by path with allowed values", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-s-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "protocol: tmesh-seed\nrng: mt\nparams:\n  dim: 1\n");
    const r = entropic(["sim", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rng: .*xoshiro/);
    expect(r.stderr).toMatch(/params\.dim: .*>=\s*2/);
  });

  it("driver: node runs on a worker thread: the same summary as in-process, and a failure inside it is one line with its exit status", async () => {
    const sets = ["--set", "node.txs=12", "--set", "topology.n=20", "--set", "network.partitions=[]"];
    // A V8 flag on node's command line: a worker given execArgv explicitly refuses it.
    const r = entropic(["sim", "scenarios/node-100.yaml", "--json", ...sets], { nodeArgs: ["--max-semi-space-size=32"] });
    expect(r.status, r.stderr).toBe(0);
    const viaWorker = JSON.parse(r.stdout) as Record<string, unknown>;
    const { resolveScenario } = await import("../../src/cli/scenario-input.js");
    const { runNodeScenario } = await import("../../src/runtime/simnet/run.js");
    const scenario = resolveScenario("scenarios/node-100.yaml", undefined, [
      { name: "node.txs", value: 12 },
      { name: "topology.n", value: 20 },
      { name: "network.partitions", value: [] },
    ] as never);
    const inProcess = await runNodeScenario(scenario);
    expect(viaWorker).toEqual(JSON.parse(JSON.stringify(inProcess.summary)));
    // Checked inside the run (the worker): an unknown tunable is still a usage error, on one line.
    const bad = entropic(["sim", "scenarios/node-100.yaml", ...sets, "--set", "node.tuning.bogus=3"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/node\.tuning\.bogus: unknown engine tunable/);
  }, 120_000);

  it("--help works on every command", () => {
    for (const args of [["--help"], ["sim", "--help"], ["sweep", "--help"]]) {
      const r = entropic(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: entropic/);
    }
  });
});

describe("entropic sweep", () => {
  it("--json aggregates a grid over seeds with outcome shares and a steps histogram", () => {
    const r = entropic(["sweep", "--seeds", "0..39", "--set", "decay=0.5,0.95", "--json", "--workers", "2"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { points: { params: Record<string, unknown>; runs: number; outcomes: Record<string, number>; steps: Record<string, number> }[] };
    expect(out.points).toHaveLength(2);
    expect(out.points.map((p) => p.params)).toEqual([{ decay: 0.5 }, { decay: 0.95 }]);
    for (const p of out.points) {
      expect(p.runs).toBe(40);
      const shareSum = Object.values(p.outcomes).reduce((a, b) => a + b, 0);
      expect(shareSum).toBeCloseTo(1, 12);
      expect(Object.values(p.steps).reduce((a, b) => a + b, 0)).toBe(40);
      expect(Object.keys(p.outcomes).sort()).toEqual(["full_agreement", "injection_rejected", "split"]);
    }
  });

  it("gives the same aggregate with one worker or two (apart from timings)", () => {
    const strip = (s: string) => JSON.stringify((JSON.parse(s) as { points: Record<string, unknown>[] }).points.map(({ simMs: _s, ...rest }) => rest));
    const one = entropic(["sweep", "--seeds", "0..29", "--json", "--workers", "1"]);
    const two = entropic(["sweep", "--seeds", "0..29", "--json", "--workers", "2"]);
    expect(strip(two.stdout)).toBe(strip(one.stdout));
  });

  it("matches single runs", () => {
    const sweep = JSON.parse(entropic(["sweep", "--seeds", "4..4", "--json"]).stdout) as { points: { outcomes: Record<string, number> }[] };
    const single = JSON.parse(entropic(["sim", "--seed", "4", "--json"]).stdout) as { outcome: string };
    expect(sweep.points[0]!.outcomes[single.outcome]).toBe(1);
  });

  it("rejects a bad seed range and a bad grid value", () => {
    expect(entropic(["sweep", "--seeds", "9..2"]).status).toBe(2);
    expect(entropic(["sweep", "--seeds", "0..3", "--set", "decay=0.5,7"]).status).toBe(2);
    expect(entropic(["sweep"]).status).toBe(2);
  });
});
