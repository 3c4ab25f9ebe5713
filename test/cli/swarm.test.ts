// `entropic swarm` and `entropic sim` on a driver: node scenario, through the built CLI.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entropic } from "../helpers/cli.js";

function nodeScenario(): string {
  const file = join(mkdtempSync(join(tmpdir(), "entropic-node-sim-")), "node.json");
  const doc = { protocol: "snowball", driver: "node", params: { k: 4, alphaPreference: 3, alphaConfidence: 3 }, topology: { kind: "complete", n: 5 }, node: { txs: 10 } };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe("entropic swarm", () => {
  it("runs seeds on worker threads and reports them", () => {
    const r = entropic(["swarm", "--runs", "2", "--seed", "1", "--workers", "2"], { timeoutMs: 120_000, nodeArgs: ["--max-semi-space-size=32"] });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/swarm: 2 seeds \(1…2\) on 2 worker\(s\): 2 passed, 0 failed/);
  }, 150_000);

  it("replays one seed with its scenario and summary", () => {
    const r = entropic(["swarm", "--replay", "3"], { timeoutMs: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scenario: \{"name":"swarm-3"/);
    expect(r.stdout).toMatch(/checks +safety ok, validity ok, liveness ok, durability ok, roots ok, failures ok, accusations ok/);
  }, 150_000);

  it("refuses bad counts with a usage error", () => {
    const r = entropic(["swarm", "--runs", "zero"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--runs must be an integer/);
  });
});

describe("entropic sim with driver: node", () => {
  it("runs the live node cores and prints the checkers' verdicts", () => {
    const r = entropic(["sim", nodeScenario()], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/snowball on 5 live node cores \(driver: node, ideal signatures\)/);
    expect(r.stdout).toMatch(/decided +per node min 10 /);
  }, 150_000);

  it("refuses options the node driver cannot honour", () => {
    const r = entropic(["sim", nodeScenario(), "--report"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--report is not available for driver: node/);
  });
});
