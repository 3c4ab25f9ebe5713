import { describe, expect, it } from "vitest";
import {
  applyEvent,
  type DashboardSnapshot,
  emptySnapshot,
  LIMITS,
  mismatchedNodes,
  type NodeRow,
  peerEdges,
  type SimView,
} from "../../../src/web-shared/dashboard-model.js";

const row = (index: number, peers: number[], root = "r", online = true): NodeRow => ({
  index,
  api: `http://127.0.0.1:${index}`,
  peerId: `p${index}`,
  online,
  protocol: "snowball",
  peers: peers.map((p) => `p${p}`),
  finalizedCount: 0,
  pendingCount: 0,
  ledgerRoot: root,
  heads: 0,
  uptimeMs: 0,
});

const sim = (run: number): SimView => ({
  run,
  scenario: "s",
  protocol: "snowball",
  nodes: 10,
  seed: 0,
  observables: ["x"],
  state: "running",
  step: 0,
  maxSteps: 100,
  stepMs: 0,
  rounds: [],
  outcome: null,
  summary: null,
  graph: null,
});

describe("applyEvent", () => {
  it("keeps only the newest finalizations and metrics, without changing the old snapshot", () => {
    let s: DashboardSnapshot = emptySnapshot("devnet", "t", "snowball");
    const first = s;
    for (let i = 0; i < LIMITS.finalizations + 7; i++) {
      s = applyEvent(s, { type: "finalized", finalization: { node: 0, conflict: `k${i}`, cid: "c", latencyMs: 1, at: i } });
    }
    expect(s.finalizations).toHaveLength(LIMITS.finalizations);
    expect(s.finalizations[0]!.conflict).toBe("k7");
    expect(s.finalizations.at(-1)!.conflict).toBe(`k${LIMITS.finalizations + 6}`);
    expect(first.finalizations).toHaveLength(0);
  });

  it("replaces a double spend by id and keeps them in id order", () => {
    const view = (id: number, winner: string | null) => ({
      id,
      conflict: `k${id}`,
      cids: ["a", "b"] as const,
      sentTo: [0, 1] as const,
      startedAt: 0,
      outcomes: [],
      winner,
      split: false,
    });
    let s = emptySnapshot("devnet", "t", "x");
    s = applyEvent(s, { type: "double-spend", view: view(2, null) });
    s = applyEvent(s, { type: "double-spend", view: view(1, null) });
    s = applyEvent(s, { type: "double-spend", view: view(2, "a") });
    expect(s.doubleSpends.map((d) => [d.id, d.winner])).toEqual([
      [1, null],
      [2, "a"],
    ]);
  });

  it("appends rounds of the current run only", () => {
    let s = applyEvent(emptySnapshot("sim", "t", "x"), { type: "sim", sim: sim(2) });
    s = applyEvent(s, { type: "sim-rounds", run: 2, rounds: [{ step: 1, observables: { x: 1 } }], step: 1 });
    s = applyEvent(s, { type: "sim-rounds", run: 1, rounds: [{ step: 9, observables: { x: 9 } }], step: 9 });
    expect(s.sim!.rounds).toEqual([{ step: 1, observables: { x: 1 } }]);
    expect(s.sim!.step).toBe(1);
  });
});

describe("peerEdges", () => {
  it("splits mutual links from one-way ones and ignores peers outside the devnet", () => {
    const nodes = [row(0, [1, 2, 9]), row(1, [0]), row(2, [1])];
    expect(peerEdges(nodes)).toEqual({ edges: [[0, 1]], oneWay: [[0, 2], [2, 1]] });
  });
});

describe("mismatchedNodes", () => {
  const at = (index: number, root: string, finalizedCount: number, online = true): NodeRow => ({ ...row(index, [], root, online), finalizedCount });

  it("flags a root that differs from others at the same finalized count, and every root in a tie", () => {
    expect(mismatchedNodes([at(0, "a", 5), at(1, "a", 5), at(2, "b", 5)])).toEqual(new Set([2]));
    expect(mismatchedNodes([at(0, "a", 5), at(1, "b", 5)])).toEqual(new Set([0, 1]));
  });

  it("does not flag nodes that only lag, nor offline nodes", () => {
    expect(mismatchedNodes([at(0, "a", 5), at(1, "a", 5), at(2, "b", 4)])).toEqual(new Set());
    expect(mismatchedNodes([at(0, "a", 5), at(1, "a", 5), at(2, "z", 5, false)])).toEqual(new Set());
  });
});
