// Graph files that networkx and Gephi write load through a scenario (`topology: { kind: file }`)
// with the node and edge counts their writers report, and run. The networkx half regenerates
// the files with python3 (test/fixtures/topologies/generate.py) and skips with a notice where
// python3 or networkx is missing; the committed copies of the same files, and a Gephi-style
// GEXF written by hand to Gephi's export format, run everywhere.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../../src/runtime/crypto-node.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { loadScenario } from "../../../src/sim/scenario/load.js";

const fixtures = "test/fixtures/topologies";

/** networkx's own counts for each generated file (read back by networkx itself). */
const COUNTS_PY = `
import json, sys, networkx as nx
d = sys.argv[1]
out = {}
for name, read in [("networkx-karate.graphml", nx.read_graphml), ("networkx-karate.gexf", nx.read_gexf),
                   ("networkx-lesmis.gexf", nx.read_gexf)]:
    g = read(f"{d}/{name}"); out[name] = [g.number_of_nodes(), g.number_of_edges(), [str(n) for n in g.nodes()]]
for name, read in [("networkx-karate.edges", nx.read_edgelist), ("networkx-lesmis.edges", nx.read_weighted_edgelist)]:
    g = read(f"{d}/{name}"); out[name] = [g.number_of_nodes(), g.number_of_edges(), [str(n) for n in g.nodes()]]
print(json.dumps(out))
`;

function python(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("python3", args, { encoding: "utf8", timeout: 60_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
}

const probe = python(["-c", "import networkx"]);
const haveNetworkx = probe.ok;
if (!haveNetworkx) console.warn(`file-networkx.test: python3 with networkx not available (${probe.stderr.trim().split("\n").pop()}); the generated-file tests are skipped, the committed fixtures still run`);

/** Load `file` (in `dir`) as the topology of a short event-driver Snowball scenario and run it. */
function loadAndRun(dir: string, file: string, extra: Record<string, unknown> = {}) {
  const doc = {
    protocol: "snowball",
    seed: 3,
    topology: { kind: "file", path: file },
    params: { k: 10, alphaPreference: 7, alphaConfidence: 7, beta: 10 },
    workload: { bias: 0.7 },
    driver: "event",
    network: { signatures: false },
    maxRounds: 200,
    ...extra,
  };
  const scenario = loadScenario(JSON.stringify(doc), `${file}.scenario.json`, [], (path) => readFileSync(join(dir, path), "utf8"));
  const report = scenario.sections.topologyFile as { nodes: number; edges: number; nodeIds?: string[]; edgeLatency: boolean; edgeLoss: boolean };
  const summary = simulate(scenario, { crypto: nodeCrypto, recordSteps: false }).summary as Record<string, unknown>;
  return { scenario, report, summary };
}

const NETWORKX_FILES = ["networkx-karate.graphml", "networkx-karate.gexf", "networkx-karate.edges", "networkx-lesmis.gexf", "networkx-lesmis.edges"];

describe.skipIf(!haveNetworkx)("files networkx writes now (python3 + networkx)", () => {
  const dir = mkdtempSync(join(tmpdir(), "entropic-nx-"));
  it("generate.py writes them and networkx reads them back", () => {
    const gen = python([join(fixtures, "generate.py"), dir]);
    expect(gen.ok, gen.stderr).toBe(true);
  });
  it("each loads with networkx's node and edge counts and node order, and runs to agreement", () => {
    const read = python(["-c", COUNTS_PY, dir]);
    expect(read.ok, read.stderr).toBe(true);
    const counts = JSON.parse(read.stdout) as Record<string, [number, number, string[]]>;
    for (const file of NETWORKX_FILES) {
      const [nodes, edges, ids] = counts[file]!;
      const { report, summary } = loadAndRun(dir, file);
      expect(report.nodes, file).toBe(nodes);
      expect(report.edges, file).toBe(edges);
      // Ids exactly 0..n−1 keep their numbers; others are numbered in file order, as networkx lists them.
      if (report.nodeIds) expect(report.nodeIds, file).toEqual(ids);
      else expect(ids.map(Number).sort((a, b) => a - b), file).toEqual(ids.map((_, i) => i));
      expect(summary.nodes, file).toBe(nodes);
      expect(summary.outcome, file).toBe("agreement");
      expect(summary.safetyViolations, file).toBe(0);
    }
  });
  it("the karate files carry per-edge latency and loss in every format networkx writes", () => {
    for (const file of ["networkx-karate.graphml", "networkx-karate.gexf", "networkx-karate.edges"]) {
      const { report } = loadAndRun(dir, file);
      expect([report.edgeLatency, report.edgeLoss], file).toEqual([true, true]);
    }
  });
});

describe("committed fixtures (networkx 3.6.1 output, and a Gephi-style GEXF)", () => {
  // Counts as networkx reported them when the fixtures were made (karate club: 34/78; Les Misérables: 77/254).
  const expected: Record<string, [number, number]> = {
    "networkx-karate.graphml": [34, 78],
    "networkx-karate.gexf": [34, 78],
    "networkx-karate.edges": [34, 78],
    "networkx-lesmis.gexf": [77, 254],
    "networkx-lesmis.edges": [77, 254],
    "gephi-relays.gexf": [12, 18],
  };
  for (const [file, [nodes, edges]] of Object.entries(expected)) {
    it(`${file}: ${nodes} nodes, ${edges} edges, runs`, () => {
      const { report, summary } = loadAndRun(fixtures, file);
      expect([report.nodes, report.edges]).toEqual([nodes, edges]);
      expect(summary.outcome).toBe("agreement");
    });
  }

  it("the same graph in three formats gives the same run, byte for byte", () => {
    const runs = ["networkx-karate.graphml", "networkx-karate.gexf", "networkx-karate.edges"].map((f) => {
      const { summary } = loadAndRun(fixtures, f);
      const { topology: _t, topologyFile: _f, simMs: _ms, ...rest } = summary;
      return JSON.stringify(rest);
    });
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
  });

  it("Gephi's export: string ids ('0.0', …) numbered in file order, viz data ignored, weight and latency read", () => {
    const { report } = loadAndRun(fixtures, "gephi-relays.gexf");
    expect(report.nodeIds).toEqual(Array.from({ length: 12 }, (_, i) => `${i}.0`));
    expect(report.edgeLatency).toBe(true);
    expect(report.edgeLoss).toBe(true);
  });

  it("Les Misérables' names are the reported ids, in file order", () => {
    const { report } = loadAndRun(fixtures, "networkx-lesmis.gexf");
    expect(report.nodeIds!.slice(0, 3)).toEqual(["Napoleon", "Myriel", "MlleBaptistine"]);
    expect(new Set(report.nodeIds).size).toBe(77);
  });
});
