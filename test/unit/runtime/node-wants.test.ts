import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, MAX_WANTS, WantList } from "../../../src/runtime/node/wants.js";
import { runSwarmSeed } from "../../../src/runtime/simnet/swarm.js";

describe("WantList", () => {
  it("keeps an unanswered want, asks it again later of the next peer, and drops it after MAX_ATTEMPTS", () => {
    const w = new WantList(100);
    w.want("tx", "t1", "b");
    const peers = ["a", "b", "c"];
    const first = w.take(0, 10, peers);
    expect([...first.keys()]).toEqual(["b"]);
    expect(first.get("b")!.txs).toEqual(["t1"]);
    expect(w.take(50, 10, peers).size).toBe(0); // not due yet
    expect(w.nextDue()).toBe(100);
    const second = w.take(100, 10, peers);
    expect([...second.keys()]).toEqual(["c"]); // the next peer
    const third = w.take(100 + 200, 10, peers);
    expect([...third.keys()]).toEqual(["a"]);
    let t = 300;
    for (let i = 3; i < MAX_ATTEMPTS; i++) {
      t += 30_000;
      expect(w.take(t, 10, peers).size).toBe(1);
    }
    expect(w.take(t + 30_000, 10, peers).size).toBe(0);
    expect(w.size).toBe(0);
    expect(w.dropped).toBe(1);
  });

  it("settles what arrived and sends a want whose peer is gone (or never named) to a connected one", () => {
    const w = new WantList(100);
    w.want("vertex", "v", "gone");
    w.want("set", "s", "");
    const batch = w.take(0, 10, ["p"]);
    expect(batch.get("p")).toEqual({ txs: [], vertices: ["v"], sets: ["s"] });
    w.settle("vertex", "v");
    w.settle("set", "s");
    expect(w.size).toBe(0);
    expect(w.nextDue()).toBeUndefined();
  });

  it("property: bounded, at most perPeer per kind per peer, each want asked at most MAX_ATTEMPTS times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("tx", "vertex", "set" as const), fc.integer({ min: 0, max: 40 }), fc.constantFrom("a", "b", "c", "")), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        (wants, perPeer) => {
          const w = new WantList(10);
          for (const [kind, id, peer] of wants) w.want(kind, String(id), peer);
          const asked = new Map<string, number>();
          for (let t = 0; t < 2_000_000; t += 5_000) {
            for (const batch of w.take(t, perPeer, ["a", "b", "c"]).values()) {
              for (const [kind, ids] of [["tx", batch.txs], ["vertex", batch.vertices], ["set", batch.sets]] as const) {
                expect(ids.length).toBeLessThanOrEqual(perPeer);
                for (const id of ids) asked.set(`${kind}/${id}`, (asked.get(`${kind}/${id}`) ?? 0) + 1);
              }
            }
          }
          for (const n of asked.values()) expect(n).toBeLessThanOrEqual(MAX_ATTEMPTS);
          expect(w.size).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("is bounded: wants beyond MAX_WANTS per kind are dropped and counted", () => {
    const w = new WantList(10);
    for (let i = 0; i < MAX_WANTS + 5; i++) w.want("tx", `t${i}`, "a");
    expect(w.size).toBe(MAX_WANTS);
    expect(w.dropped).toBe(5);
  });
});

describe("decided elsewhere, fetch lost (swarm seed 1132)", () => {
  it("a node that lost the fetch of a transaction decided by another node asks again and decides it", async () => {
    // Before wants.ts, one T-MESH node finalized a set during a partition; the others
    // learned of it from its vertex, their single fetch of the transaction was lost, and
    // they never decided it (liveness failed on 3 nodes).
    const r = await runSwarmSeed(1132);
    expect(r.output.summary.checks).toEqual({ safety: 0, validity: 0, liveness: 0, durability: 0, roots: 0, failures: 0, accusations: 0 });
  }, 60_000);
});
