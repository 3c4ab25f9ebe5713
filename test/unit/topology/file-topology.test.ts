// `topology: { kind: file }` in scenarios: ids mapped and reported, disconnected graphs refused
// in one line unless allowed, self-loops and repeats dropped with a note, bad edge attributes
// named, paths relative to the scenario file (CLI), and the file read by the loader only.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { loadScenario } from "../../../src/sim/scenario/load.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { buildTopology, loadGraphFile } from "../../../src/topology/index.js";
import { createRng } from "../../../src/core/prng.js";
import { entropic } from "../../helpers/cli.js";

const fixtures = "test/fixtures/topologies";
const read = (path: string) => readFileSync(join(fixtures, path), "utf8");

function scenario(topology: Record<string, unknown>, files: Record<string, string>, extra: Record<string, unknown> = {}) {
  return validateScenario({ protocol: "snowball", topology, maxRounds: 100, ...extra, $files: files }, "s.yaml");
}

describe("topology kind: file", () => {
  it("maps ids to 0..n−1 in file order and reports them when they are not already 0..n−1", () => {
    const s = scenario({ kind: "file", path: "g.edges" }, { "g.edges": "b c\nc a\na b\n" });
    expect(s.sections.topologyFile).toMatchObject({ format: "edgelist", nodes: 3, edges: 3, components: 1, nodeIds: ["b", "c", "a"] });
    // Ids that are exactly 0..n−1 keep their numbers whatever the line order, and are not listed.
    const t = scenario({ kind: "file", path: "g.edges" }, { "g.edges": "2 1\n1 0\n0 2\n" });
    expect(t.sections.topologyFile).not.toHaveProperty("nodeIds");
    const csr = buildTopology(t.sections.topology as never, createRng(0, "topology"));
    expect(Array.from(csr.targets.subarray(csr.offsets[0]!, csr.offsets[1]!)).sort()).toEqual([1, 2]);
  });

  it("refuses a disconnected graph in one line that says how to allow it", () => {
    let message = "";
    try {
      scenario({ kind: "file", path: "d.edges" }, { "d.edges": read("disconnected-self-loop.edges") });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "s.yaml: invalid scenario: topology.path: d.edges: the graph is disconnected: 2 connected components (the largest has 3 of 6 nodes); set topology.allowDisconnected: true to run it anyway",
    );
    expect(message).not.toContain("\n");
  });

  it("runs a disconnected graph when allowed, with notes for it and for the dropped self-loop", () => {
    const s = scenario({ kind: "file", path: "d.edges", allowDisconnected: true }, { "d.edges": read("disconnected-self-loop.edges") });
    expect(s.notes).toEqual([
      "d.edges: 1 self-loop dropped (a node does not poll itself)",
      "d.edges: the graph is disconnected, 2 connected components (the largest has 3 of 6 nodes); running it as allowed",
    ]);
    expect(s.sections.topologyFile).toMatchObject({ nodes: 6, edges: 6, selfLoopsDropped: 1, components: 2 });
    expect(simulate(s, { recordSteps: false }).summary.nodes).toBe(6);
  });

  it("notes repeated edges (both directions of a directed pair) and keeps the first one's attributes", () => {
    const graphml = `<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="l" for="edge" attr.name="latency" attr.type="int"/>
<graph edgedefault="directed"><node id="a"/><node id="b"/>
<edge source="a" target="b"><data key="l">3</data></edge><edge source="b" target="a"><data key="l">9</data></edge></graph></graphml>`;
    const s = scenario({ kind: "file", path: "g.graphml" }, { "g.graphml": graphml });
    expect(s.notes).toEqual(["g.graphml: 1 repeated edge dropped (parallel edges or both directions of a pair; the first one's attributes count)"]);
    const loaded = loadGraphFile(graphml, "g.graphml");
    expect(Array.from(loaded.latency!)).toEqual([3, 3]);
  });

  it("format overrides the extension; an unknown extension without format is one clear error", () => {
    const s = scenario({ kind: "file", path: "graph.dat", format: "edgelist" }, { "graph.dat": "0 1\n1 2\n" });
    expect(s.sections.topologyFile).toMatchObject({ format: "edgelist", nodes: 3 });
    expect(() => scenario({ kind: "file", path: "graph.dat" }, { "graph.dat": "0 1\n" })).toThrow(/graph\.dat: unknown graph file type "\.dat"/);
  });

  it("names a bad edge attribute: latency must be whole ticks ≥ 1, loss a probability below 1", () => {
    expect(() => loadGraphFile("0 1 {'latency': 0.5}\n", "g.edges")).toThrow('g.edges: edge "0"–"1" (e0): latency must be a whole number of ticks in [1, 10^9]; got 0.5');
    expect(() => loadGraphFile("0 1 {'packet_loss': 1.0}\n", "g.edges")).toThrow(/loss must be a probability in \[0, 1\); got 1/);
    expect(() => loadGraphFile("0 1 {'loss': 'high'}\n", "g.edges")).toThrow(/loss must be a probability/);
  });

  it("a file the document does not carry is a one-line error naming the field", () => {
    expect(() => validateScenario({ protocol: "snowball", topology: { kind: "file", path: "missing.graphml" } }, "s.yaml")).toThrow(
      /^s\.yaml: invalid scenario: topology\.path: file "missing\.graphml" was not read/,
    );
    // loadScenario reads through the caller's reader only.
    const seen: string[] = [];
    loadScenario("protocol: snowball\ntopology: { kind: file, path: sub/g.edges }\n", "x.yaml", [], (p) => {
      seen.push(p);
      return "0 1\n1 2\n";
    });
    expect(seen).toEqual(["sub/g.edges"]);
  });

  it("a graph with no nodes is refused", () => {
    expect(() => scenario({ kind: "file", path: "e.edges" }, { "e.edges": "# nothing\n" })).toThrow("e.edges: the graph has no nodes");
  });
});

describe("entropic sim with a topology file (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "entropic-topofile-"));
  mkdirSync(join(dir, "graphs"));
  writeFileSync(join(dir, "graphs", "relays.gexf"), read("gephi-relays.gexf"));
  writeFileSync(join(dir, "graphs", "split.edges"), read("disconnected-self-loop.edges"));
  writeFileSync(join(dir, "run.yaml"), "protocol: snowball\nseed: 1\ntopology: { kind: file, path: graphs/relays.gexf }\nmaxRounds: 100\nparams: { k: 5, alphaPreference: 4, alphaConfidence: 4, beta: 5 }\n");

  it("reads the path relative to the scenario file, from any working directory, and reports the ids", () => {
    const r = entropic(["sim", join(dir, "run.yaml"), "--json"], { cwd: tmpdir() });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { nodes: number; topologyFile: { nodeIds: string[]; edges: number } };
    expect(summary.nodes).toBe(12);
    expect(summary.topologyFile.edges).toBe(18);
    expect(summary.topologyFile.nodeIds[11]).toBe("11.0");
  });

  it("--set topology.path to another file: read relative to the scenario too; disconnected is exit 2 in one line", () => {
    const r = entropic(["sim", join(dir, "run.yaml"), "--set", "topology.path=graphs/split.edges"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/topology\.path: graphs\/split\.edges: the graph is disconnected: 2 connected components/);
    const ok = entropic(["sim", join(dir, "run.yaml"), "--set", "topology.path=graphs/split.edges", "--set", "topology.allowDisconnected=true", "--json"]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain("note: graphs/split.edges: 1 self-loop dropped");
  });

  it("a sweep over topology.path reads each file relative to the scenario and runs every point", () => {
    const r = entropic(["sweep", join(dir, "run.yaml"), "--seeds", "0..1", "--workers", "1", "--json", "--set", "topology.path=graphs/relays.gexf,graphs/split.edges", "--set", "topology.allowDisconnected=true"]);
    expect(r.status).toBe(0);
    const points = (JSON.parse(r.stdout) as { points: { params: Record<string, unknown>; runs: number }[] }).points;
    expect(points.map((p) => p.params["topology.path"])).toEqual(["graphs/relays.gexf", "graphs/split.edges"]);
    expect(points.map((p) => p.runs)).toEqual([2, 2]);
  });

  it("a missing file is exit 2 naming the field and the file", () => {
    const r = entropic(["sim", join(dir, "run.yaml"), "--set", "topology.path=graphs/nope.graphml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/topology\.path graphs\/nope\.graphml: .*nope\.graphml: no such file/);
  });
});
