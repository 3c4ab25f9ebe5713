// The package's library entry point, as `import … from "entropic"` resolves it (dist/index.js).
import { describe, expect, it } from "vitest";

describe("library API", () => {
  it("exports the simulator and the live node, and simulate runs a validated scenario", async () => {
    const lib = await import("../../dist/index.js");
    for (const name of ["simulate", "validateScenario", "createNode", "NodeEngine", "NodeClient", "createTx", "protocols"]) {
      expect(typeof (lib as Record<string, unknown>)[name], name).not.toBe("undefined");
    }
    const scenario = lib.validateScenario({ protocol: "snowball", seed: 3, topology: { kind: "complete", n: 20 } });
    const a = lib.simulate(scenario);
    const b = lib.simulate(scenario);
    expect(a.summary.protocol).toBe("snowball");
    expect(JSON.stringify({ ...a.summary, simMs: 0 })).toBe(JSON.stringify({ ...b.summary, simMs: 0 }));
  });
});
