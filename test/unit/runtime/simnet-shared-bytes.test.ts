// The node simulator's shared-bytes mode (memory.ts and ledger/memory.ts `shareBytes`):
// receivers and disks keep the very arrays they were handed, and a simulated run is the
// same run, byte for byte, as with a private copy everywhere (which separate processes
// would have). A node that wrote to bytes it received or stored would make the two differ.
import { describe, expect, it } from "vitest";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { TOPICS } from "../../../src/runtime/ports.js";
import { memoryAddress, MemoryNetwork } from "../../../src/runtime/transport/memory.js";
import { runNodeScenario } from "../../../src/runtime/simnet/run.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe("shareBytes", () => {
  it("a memory ledger keeps and hands out the arrays it was given; by default it copies both ways", async () => {
    for (const shareBytes of [true, false]) {
      const ledger = new MemoryLedger({ shareBytes });
      await ledger.open();
      const bytes = Uint8Array.of(1, 2, 3);
      await ledger.commit({ vertices: [["v", bytes]], txs: [["t", bytes]] });
      const back = await ledger.getVertex("v");
      expect(back).toEqual(bytes);
      expect(back === bytes).toBe(shareBytes);
      expect((await ledger.getTx("t")) === bytes).toBe(shareBytes);
      for await (const [, v] of ledger.vertices()) expect(v === bytes).toBe(shareBytes);
    }
  });

  it("a memory network hands every receiver the sender's bytes; by default each its own copy", async () => {
    for (const shareBytes of [true, false]) {
      const network = new MemoryNetwork({ shareBytes });
      const [a, b, c] = ["a", "b", "c"].map((id) => network.createTransport(id));
      for (const t of [a!, b!, c!]) await t.start();
      await a!.dial(memoryAddress("b"));
      await a!.dial(memoryAddress("c"));
      const got: Uint8Array[] = [];
      for (const t of [b!, c!]) {
        t.onMessage((_topic, _from, data) => {
          got.push(data);
          return "accept";
        });
      }
      await a!.publish(TOPICS.vertex, Uint8Array.of(7));
      await settle();
      expect(got).toHaveLength(2);
      expect(got[0] === got[1]).toBe(shareBytes);
      const answer = Uint8Array.of(9, 9);
      b!.onRequest(async () => answer);
      const response = await a!.request("b", Uint8Array.of(1));
      expect(response).toEqual(answer);
      expect(response === answer).toBe(shareBytes);
      for (const t of [a!, b!, c!]) await t.stop();
    }
  });

  it("a driver: node run is the same run with and without shared bytes: crashes, torn writes and Byzantine processes included", async () => {
    for (const protocol of ["snowball", "tmesh"]) {
      const scenario = validateScenario({
        protocol,
        driver: "node",
        seed: 5,
        ...(protocol === "snowball" ? { params: { k: 5, alphaPreference: 4, alphaConfidence: 4 } } : {}),
        topology: { kind: "complete", n: 8 },
        network: { latency: { kind: "uniform", min: 1, max: 20 }, loss: 0.02, duplication: 0.02, partitions: [{ at: 300, heal: 900, split: 0.5 }] },
        node: {
          txs: 40,
          rate: 200,
          doubleSpends: 0.2,
          drain: 30_000,
          writeMs: 3,
          crashes: [{ node: 2, at: 250, restart: 700 }],
          byzantine: { equivocate: 1, garbage: 1, replay: 1 },
        },
      });
      const shared = await runNodeScenario(scenario);
      const copied = await runNodeScenario(scenario, { shareBytes: false });
      expect(JSON.stringify(shared.summary)).toBe(JSON.stringify(copied.summary));
      expect(shared.summary.decided.min).toBeGreaterThan(0);
      expect(shared.summary.crashes).toBe(1);
    }
  }, 120_000);
});
