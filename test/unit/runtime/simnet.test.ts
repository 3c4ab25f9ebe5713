// driver: node — real node engines on simulated time, network and disks.
import { describe, expect, it } from "vitest";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { runNodeScenario } from "../../../src/runtime/simnet/run.js";
import { runCheckers } from "../../../src/runtime/simnet/checkers.js";
import { drawSwarmScenario } from "../../../src/runtime/simnet/swarm.js";
import { ScenarioError } from "../../../src/core/errors.js";

const small = (extra: Record<string, unknown> = {}, node: Record<string, unknown> = {}) =>
  validateScenario({
    protocol: "snowball",
    driver: "node",
    seed: 7,
    params: { k: 5, alphaPreference: 4, alphaConfidence: 4 },
    topology: { kind: "complete", n: 6 },
    network: { latency: { kind: "uniform", min: 1, max: 20 }, loss: 0.02, duplication: 0.02, partitions: [{ at: 300, heal: 900, split: 0.5 }] },
    node: { txs: 40, rate: 200, doubleSpends: 0.2, drain: 30_000, ...node },
    ...extra,
  });

/** Every checker's count of violations, all zero. */
const NO_VIOLATIONS = { safety: 0, validity: 0, liveness: 0, durability: 0, roots: 0, failures: 0, accusations: 0 };

describe("driver: node", () => {
  it("is a pure function of scenario and seed (same bytes out), and a different seed differs", async () => {
    const a = await runNodeScenario(small());
    const b = await runNodeScenario(small());
    expect(JSON.stringify(a.summary)).toBe(JSON.stringify(b.summary));
    const c = await runNodeScenario(small({ seed: 8 }));
    expect(JSON.stringify(c.summary)).not.toBe(JSON.stringify(a.summary));
    // the run did real work and passed every checker
    // every set decided except double spends left in an even split (owed no decision)
    expect(a.summary.decided.min).toBe(a.summary.workload.accepted - a.summary.rogueUndecided);
    expect(a.summary.rogueUndecided).toBeLessThan(a.summary.workload.doubleSpends);
    expect(a.summary.workload.doubleSpends).toBeGreaterThan(0);
    expect(a.summary.network.cut).toBeGreaterThan(0);
    expect(a.summary.network.lost).toBeGreaterThan(0);
    expect(Object.values(a.summary.checks).every((v) => v === 0)).toBe(true);
  }, 120_000);

  it("convicts no honest node when a round polls several standing batches", async () => {
    // 24 nodes, 60 sets arriving over 120 ms: each round asks about several batches (one
    // per round's arrivals). Until 2026-12-05 the asker compared its own preference for the
    // round's j-th instance with the answer's entry for the batch's j-th: beyond the first
    // batch, an answer naming nothing could count as a vote for the asker's preference,
    // and the same entry read right later proved a false "equivocation" (8 honest nodes
    // convicted in this run).
    const out = await runNodeScenario(
      validateScenario({
        protocol: "snowball",
        driver: "node",
        seed: 1,
        topology: { kind: "watts-strogatz", n: 24, k: 10, p: 0.1 },
        network: { latency: { kind: "uniform", min: 5, max: 30 }, loss: 0.01 },
        node: { txs: 60, rate: 500, doubleSpends: 0.1, drain: 30_000 },
      }),
    );
    expect(out.summary.decided.min).toBe(out.summary.workload.accepted - out.summary.rogueUndecided);
    expect(out.summary.checks).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("does not end before the last submission: the workload's times count from the end of the boot", async () => {
    // 20 nodes dialling over 30–50 ms links boot in ~70 ms of simulated time. Until
    // 2026-12-05 the run measured the last submission (here at 252 ms) from 0, not from the
    // end of the boot, so its done-check at 270 ms found nothing owed yet and ended the run
    // before the first submission: nothing accepted, every checker "passing". When a
    // submission was already in flight, it was answered during the shutdown and then owed
    // but undecided (swarm seed 1123: a liveness failure on every node).
    const out = await runNodeScenario(
      validateScenario({
        protocol: "snowball",
        driver: "node",
        seed: 3,
        params: { k: 5, alphaPreference: 4, alphaConfidence: 4 },
        topology: { kind: "complete", n: 20 },
        network: { latency: { kind: "uniform", min: 30, max: 50 } },
        node: { txs: 3, rate: 1000, start: 250, doubleSpends: 0, drain: 30_000 },
      }),
    );
    const s = out.summary;
    expect(s.lastFaultMs).toBeGreaterThan(252 + 50); // the boot's time counts
    expect(s.workload.accepted).toBe(3);
    expect(s.decided.min).toBe(3);
    expect(s.checks).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("a client whose node is killed before it answers sees its connection drop, not a wait without end", async () => {
    // Swarm seed 2058 (T-MESH, 9 nodes): node 8 is killed at 351 ms with a submission
    // unanswered. Its client waited forever; since the run no longer ends with a submission
    // in flight, that became a run to the deadline and a failure. Now it counts as refused.
    const out = await runNodeScenario(validateScenario(drawSwarmScenario(2058).doc));
    const s = out.summary;
    expect(s.crashes).toBe(1);
    expect(s.workload.connectionLost).toBe(1);
    expect(s.workload.refused).toBeGreaterThanOrEqual(1);
    expect(s.allDecidedAtMs).not.toBeNull();
    expect(s.checks).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("crashes with torn writes lose nothing finalized; restarted nodes catch up", async () => {
    const out = await runNodeScenario(
      small({}, { crashes: [{ node: 1, at: 250, restart: 700 }, { node: 3, at: 400, restart: 1200 }, { node: 1, at: 1300, restart: 1500 }], writeMs: 3 }),
    );
    const s = out.summary;
    expect(s.crashes).toBe(3);
    expect(s.checks).toEqual(NO_VIOLATIONS);
    expect(s.decided.min).toBe(s.workload.accepted - s.rogueUndecided);
  }, 120_000);

  it("a crash that lands while a restart is still booting kills that incarnation", async () => {
    // Swarm seed 5069 (T-MESH, 4 nodes): node 3 restarts at 801 ms and is killed again at
    // 810, while the new incarnation dials its peers. The restart then started an engine
    // the crash had taken away (a TypeError, reported as an unhandled failure); a crash
    // landing while the ledger was still opening was ignored, and that node ran on.
    const seed = await runNodeScenario(validateScenario(drawSwarmScenario(5069).doc));
    expect(seed.summary.crashes).toBe(3);
    expect(seed.summary.checks).toEqual(NO_VIOLATIONS);
    for (const offset of [0, 1, 4, 12]) {
      const out = await runNodeScenario(small({}, { crashes: [{ node: 1, at: 250, restart: 700 }, { node: 1, at: 700 + offset, restart: 1100 }], writeMs: 5 }));
      expect(out.summary.crashes, `second crash ${offset} ms into the restart`).toBe(2);
      expect(out.summary.checks, `second crash ${offset} ms into the restart`).toEqual(NO_VIOLATIONS);
    }
  }, 120_000);

  it("a set the poller holds and a peer lacks is fetched again when that peer's want was given up", async () => {
    // Swarm seed 20249 (EMTD, 8 nodes, `safe` mode): 20 sets submitted on the 3-node side of
    // a partition never reached the other 5. Those wanted them from the askers once, the
    // fetches fell in the partition or went to peers lacking them too, and the wants were
    // settled; the askers' standing polls were then answered *same* for ever, so nobody
    // wanted the sets again, and the 3 waited on a quorum they could never gather.
    const out = await runNodeScenario(validateScenario(drawSwarmScenario(20249).doc));
    expect(out.summary.decided.min).toBe(97);
    expect(out.summary.checks).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("a node restarted with a vertex whose parent it never stored fetches that parent", async () => {
    // Swarm seed 180163 (T-MESH, 18 nodes): node 10, down at the start, takes in the newest
    // vertices in its second life and wants their parents, then is killed before they arrive.
    // Restarted from its ledger, it held the same heads as its peers, so no announcement
    // named a vertex it lacked, and the wanted parents were forgotten with the process: 32
    // sets decided everywhere else stayed unknown to it for ever. Recovery now wants every
    // parent the ledger does not hold.
    const out = await runNodeScenario(validateScenario(drawSwarmScenario(180163).doc));
    expect(out.summary.crashes).toBe(3);
    expect(out.summary.decided.min).toBe(88);
    expect(out.summary.checks).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("Byzantine processes (equivocating, garbage, replaying) do not break safety", async () => {
    const out = await runNodeScenario(small({ topology: { kind: "complete", n: 7 } }, { byzantine: { equivocate: 1, garbage: 1, replay: 1 } }));
    expect(out.summary.checks.safety).toBe(0);
    expect(out.summary.checks.validity).toBe(0);
    expect(out.summary.checks.durability).toBe(0);
  }, 120_000);

  it("T-MESH and EMTD live cores run under the node driver", async () => {
    for (const protocol of ["tmesh", "emtd"]) {
      const out = await runNodeScenario(validateScenario({ protocol, driver: "node", seed: 3, topology: { kind: "complete", n: 5 }, node: { txs: 15, drain: 30_000 } }));
      expect(out.summary.checks.safety).toBe(0);
      expect(out.summary.decided.max).toBeGreaterThan(0);
    }
  }, 120_000);

  it("refuses what it cannot honour", () => {
    expect(() => validateScenario({ protocol: "gossip-avg", driver: "node" })).toThrow(/no live node/);
    expect(() => validateScenario({ protocol: "snowball", driver: "node", adversary: { type: "stubborn", share: 0.1 } })).toThrow(/node.byzantine/);
    expect(() => validateScenario({ protocol: "snowball", node: { txs: 5 } })).toThrow(/driver: node/);
    expect(() => validateScenario({ protocol: "snowball", driver: "node", network: { corruption: 0.1 } })).toThrow(/garbage/);
    expect(() => validateScenario({ protocol: "snowball", driver: "node", topology: { kind: "complete", n: 3 }, node: { crashes: [{ node: 5, at: 1, restart: 2 }] } })).toThrow(/does not exist/);
    // k = 20, alphaConfidence = 15 by default: 10 nodes have 9 peers each, no poll can finalize
    expect(() => validateScenario({ protocol: "snowball", driver: "node", topology: { kind: "complete", n: 10 } })).toThrow(/params\.alphaConfidence: 15 agreeing answers are needed to finalize, but a node has only 9 peers/);
    // Byzantine processes are peers too
    expect(() => validateScenario({ protocol: "snowball", driver: "node", params: { k: 5, alphaPreference: 4, alphaConfidence: 4 }, topology: { kind: "complete", n: 3 }, node: { byzantine: { garbage: 2 } } })).not.toThrow();
    return expect(runNodeScenario(small({}, { tuning: { pollEveryMs: 5 } }))).rejects.toBeInstanceOf(ScenarioError);
  });
});

describe("node-driver checkers", () => {
  const base = () => ({
    ledgers: [new Map([["a", "x"]]), new Map([["a", "x"]])],
    reported: [new Map([["a", "x"]]), new Map<string, string>()],
    upAtEnd: [true, true],
    roots: ["r", "r"],
    submitted: new Map([["a", new Set(["x", "y"])]]),
    accepted: new Set(["a"]),
    failures: [] as string[],
    unhandled: [] as string[],
    convictions: [new Set<string>(), new Set<string>()],
    honestPeers: ["p0", "p1"],
  });
  it("passes a clean record", () => {
    expect(runCheckers(base()).violations).toEqual([]);
  });
  it("finds conflicting decisions, unsubmitted ones, lost finals, missing decisions, diverging roots and failures", () => {
    const r = base();
    r.ledgers[1] = new Map([["a", "y"]]);
    expect(runCheckers(r).counts.safety).toBe(1);
    const v = base();
    v.ledgers = [new Map([["a", "z"]]), new Map([["a", "z"]])];
    v.reported = [new Map(), new Map()];
    expect(runCheckers(v).counts.validity).toBe(1);
    const d = base();
    d.ledgers[0] = new Map();
    expect(runCheckers(d).counts.durability).toBe(1);
    // "a" has two submitted twins: a double spend is owed no decision, so no liveness failure…
    expect(runCheckers(d).counts.liveness).toBe(0);
    expect(runCheckers(d).rogueUndecided).toBe(1);
    // …but a virtuous set is
    const l = base();
    l.submitted = new Map([["a", new Set(["x"])]]);
    l.ledgers[1] = new Map();
    l.reported = [new Map(), new Map()];
    expect(runCheckers(l).counts.liveness).toBe(1);
    const ro = base();
    ro.roots = ["r", "s"];
    expect(runCheckers(ro).counts.roots).toBe(1);
    const f = base();
    f.unhandled = ["boom"];
    expect(runCheckers(f).counts.failures).toBe(1);
    // a Byzantine peer convicted is the evidence path working; an honest one is a violation
    const a = base();
    a.convictions = [new Set(["byzantine-peer"]), new Set<string>()];
    expect(runCheckers(a).counts.accusations).toBe(0);
    a.convictions = [new Set(["byzantine-peer", "p1"]), new Set<string>()];
    expect(runCheckers(a).counts.accusations).toBe(1);
    expect(runCheckers(a).violations[0]!.detail).toBe("node 0 holds honest node 1 a proven equivocator");
  });
});

describe("swarm draws", () => {
  it("a seed always draws the same valid scenario", () => {
    for (let seed = 0; seed < 50; seed++) {
      const a = drawSwarmScenario(seed);
      expect(JSON.stringify(drawSwarmScenario(seed))).toBe(JSON.stringify(a));
      expect(() => validateScenario(a.doc)).not.toThrow();
    }
  });
});
