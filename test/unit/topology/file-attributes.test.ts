// What a topology file carries beyond its edges: per-edge latency and loss for the event
// driver (as Shadow's network graphs carry them), and T-MESH hyperedge events from JSONL.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../../src/runtime/crypto-node.js";
import { ConsensusCycleRun } from "../../../src/sim/consensus/cycle.js";
import type { ConsensusEventRun } from "../../../src/sim/event/run.js";
import type { MessageRecord } from "../../../src/sim/event/trace.js";
import { protocols } from "../../../src/sim/registry.js";
import { rngFactory } from "../../../src/sim/rng-family.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { loadGraphFile, parseHyperedgeEvents } from "../../../src/topology/index.js";

const fixtures = "test/fixtures/topologies";

/** A ring of n nodes as GraphML, with `attrs(i)` the data of edge i–(i+1). */
function ringGraphml(n: number, attrs: (i: number) => { latency?: number; packet_loss?: number }): string {
  const edges = Array.from({ length: n }, (_, i) => {
    const a = attrs(i);
    const data = [a.latency !== undefined ? `<data key="lat">${a.latency}</data>` : "", a.packet_loss !== undefined ? `<data key="pl">${a.packet_loss}</data>` : ""].join("");
    return `<edge source="v${i}" target="v${(i + 1) % n}">${data}</edge>`;
  });
  return `<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="lat" for="edge" attr.name="latency" attr.type="int"/><key id="pl" for="edge" attr.name="packet_loss" attr.type="double"/>
<graph edgedefault="undirected">${Array.from({ length: n }, (_, i) => `<node id="v${i}"/>`).join("")}${edges.join("")}</graph></graphml>`;
}

/** Run an event-driver scenario on a file topology, collecting its message trace. */
function runTraced(text: string, extra: Record<string, unknown>) {
  const s = validateScenario({
    protocol: "snowball",
    seed: 2,
    topology: { kind: "file", path: "ring.graphml" },
    driver: "event",
    maxRounds: 60,
    params: { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 5 },
    ...extra,
    network: { signatures: false, latency: { kind: "constant", ticks: 2 }, ...(extra.network as object) },
    $files: { "ring.graphml": text },
  });
  const records: MessageRecord[] = [];
  const run = protocols[s.protocol].create(s.params as never, { seed: s.seed, rng: rngFactory(s.rng, s.seed), sections: s.sections, crypto: nodeCrypto, onMessage: (m: MessageRecord) => records.push(m) } as never) as unknown as ConsensusEventRun<unknown>;
  while (run.step());
  return { records, run };
}

const linked = (n: number) => (r: MessageRecord) => (r.from - r.to + n) % n === 1 || (r.to - r.from + n) % n === 1;

describe("per-edge latency and loss (event driver)", () => {
  it("reads latency and packet_loss / loss from GraphML, GEXF and edge lists alike, per CSR entry", () => {
    const karate = ["networkx-karate.graphml", "networkx-karate.gexf", "networkx-karate.edges"].map((f) => loadGraphFile(readFileSync(join(fixtures, f), "utf8"), f));
    for (const g of karate) {
      expect(Array.from(g.latency!)).toEqual(Array.from(karate[0]!.latency!));
      expect(Array.from(g.loss!)).toEqual(Array.from(karate[0]!.loss!));
    }
    // generate.py: latency 1 + (u + v) mod 4, loss 0.02 on node 0's edges, none elsewhere.
    const g = karate[0]!;
    for (let u = 0; u < g.csr.n; u++) {
      for (let e = g.csr.offsets[u]!; e < g.csr.offsets[u + 1]!; e++) {
        const v = g.csr.targets[e]!;
        expect(g.latency![e]).toBe(1 + ((u + v) % 4));
        if (u === 0 || v === 0) expect(g.loss![e]).toBe(0.02);
        else expect(g.loss![e]).toBeNaN();
      }
    }
    const plain = loadGraphFile("0 1\n1 2\n", "p.edges");
    expect([plain.latency, plain.loss]).toEqual([null, null]);
    expect(loadGraphFile("0 1 {'loss': 0.25}\n", "l.edges").loss![0]).toBe(0.25);
  });

  it("a message along an edge takes the edge's latency; between unlinked nodes, the network's", () => {
    const n = 12;
    const { records } = runTraced(ringGraphml(n, (i) => ({ latency: 3 + (i % 3) })), { sampling: "global" });
    const along = records.filter(linked(n));
    const across = records.filter((r) => !linked(n)(r));
    expect(along.length).toBeGreaterThan(20);
    expect(across.length).toBeGreaterThan(20);
    for (const r of along) {
      const i = (r.to - r.from + n) % n === 1 ? r.from : r.to; // edge i joins i and i+1
      expect(r.arrival! - r.tick).toBe(3 + (i % 3));
    }
    for (const r of across) expect(r.arrival! - r.tick).toBe(2);
  });

  it("an edge's loss drops messages along it only; other edges and unlinked pairs use network.loss (0 here)", () => {
    const n = 12;
    // Edges 0–1 and 6–7 lose 60% of their messages; no others do.
    const { records, run } = runTraced(ringGraphml(n, (i) => (i === 0 || i === 6 ? { packet_loss: 0.6 } : {})), { sampling: "neighbors" });
    const lossy = (r: MessageRecord) => [r.from, r.to].sort((a, b) => a - b).join("-") === "0-1" || [r.from, r.to].sort((a, b) => a - b).join("-") === "6-7";
    const dropped = records.filter((r) => r.dropped === "loss");
    expect(dropped.length).toBe(run.droppedLoss);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every(lossy)).toBe(true);
    const onLossy = records.filter(lossy);
    const share = dropped.length / onLossy.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.8);
    // With the attributes gone, nothing is lost.
    expect(runTraced(ringGraphml(n, () => ({})), { sampling: "neighbors" }).run.droppedLoss).toBe(0);
  });
});

describe("hyperedge events from JSONL (T-MESH)", () => {
  it("parses events, sorts them by time (stable), maps the topology file's ids, and names bad lines", () => {
    const index = new Map([["a", 0], ["b", 1], ["c", 2]]);
    const h = parseHyperedgeEvents('# meetings\n{"time": 2.5, "members": ["a", "b", "c"]}\n\n{"time": 0.5, "members": ["c", "a"]}\n{"time": 2.5, "members": ["b", "a"]}\n', "m.jsonl", 3, index);
    expect(Array.from(h.times)).toEqual([0.5, 2.5, 2.5]);
    expect(Array.from(h.offsets)).toEqual([0, 2, 5, 7]);
    expect(Array.from(h.members)).toEqual([2, 0, 0, 1, 2, 1, 0]);
    const bad = (text: string) => () => parseHyperedgeEvents(text, "m.jsonl", 3);
    expect(bad('{"time": 1, "members": [0, 3]}')).toThrow("m.jsonl:1: member 3 is not a node id in [0, 2]");
    expect(bad('\n{"time": -1, "members": [0, 1]}')).toThrow("m.jsonl:2: time must be a finite number ≥ 0; got -1");
    expect(bad('{"time": 1, "members": [0]}')).toThrow("m.jsonl:1: members must be a list of at least 2 node ids");
    expect(bad('{"time": 1, "members": [0, 0]}')).toThrow("m.jsonl:1: member 0 appears twice");
    expect(bad('{"time": 1, "members": [0, 1], "weight": 2}')).toThrow('m.jsonl:1: unknown field "weight"');
    expect(bad("{time: 1}")).toThrow(/^m\.jsonl:1: not JSON/);
    expect(() => parseHyperedgeEvents('{"time": 1, "members": ["a", "z"]}', "m.jsonl", 3, index)).toThrow('m.jsonl:1: member "z" is not a node of the topology file');
  });

  it("only tmesh takes them", () => {
    expect(() => validateScenario({ protocol: "snowball", hyperedges: { path: "m.jsonl" }, $files: { "m.jsonl": "" } })).toThrow(
      /hyperedges: only tmesh runs a sheaf check on hyperedges; snowball has no use for them/,
    );
  });

  it("the sheaf check runs on exactly the events of each round, replacing the neighbourhoods", () => {
    const events = readFileSync(join(fixtures, "karate-meetings.jsonl"), "utf8");
    const s = validateScenario({
      protocol: "tmesh",
      seed: 1,
      topology: { kind: "file", path: "karate.graphml" },
      hyperedges: { path: "meetings.jsonl" },
      maxRounds: 40,
      $files: { "karate.graphml": readFileSync(join(fixtures, "networkx-karate.graphml"), "utf8"), "meetings.jsonl": events },
    });
    const run = protocols.tmesh.create(s.params as never, { seed: s.seed, rng: rngFactory(s.rng, s.seed), sections: s.sections }) as ConsensusCycleRun<unknown>;
    const state = run.world.state as unknown as { sheafCheck: (m: ArrayLike<number>, tick?: number) => number };
    const calls: string[] = [];
    const original = state.sheafCheck.bind(state);
    state.sheafCheck = (members, tick) => {
      calls.push(`${tick}:${Array.from(members).join(",")}`);
      return original(members, tick);
    };
    while (run.step());
    const expected: string[] = [];
    for (const line of events.split("\n").filter((l) => l.startsWith("{"))) {
      const e = JSON.parse(line) as { time: number; members: number[] };
      const round = Math.floor(e.time) + 1;
      if (round <= run.steps) expected.push(`${round}:${e.members.join(",")}`);
    }
    expect(run.steps).toBeGreaterThan(5);
    expect(calls.length).toBeGreaterThan(10);
    expect(calls).toEqual(expected);
  });
});
