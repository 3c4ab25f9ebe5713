// The output glitches of issue 9 §5, each checked where a user sees it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSweep } from "../../src/cli/sweep/format.js";
import type { PointAggregate } from "../../src/sim/sweep.js";
import { entropic } from "../helpers/cli.js";
import { entropicAsync } from "../helpers/cli-async.js";
import { type FakeDevnet, startFakeDevnet } from "../helpers/fake-node-api.js";

/** The column where the value starts on each `  name   value` line of a summary. */
function valueColumns(text: string): number[] {
  return text
    .split("\n")
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => /^ {2}\S+\s+/.exec(l)![0].length);
}

describe("entropic sim summary", () => {
  it("has no 'undefined' field (network on the cycle driver) and one value column, however long the names", () => {
    const r = entropic(["sim", "scenarios/snowball.yaml", "--set", "topology.n=200"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/undefined/);
    expect(r.stdout).toMatch(/messagesPerNodePerDecision/);
    const cols = valueColumns(r.stdout);
    expect(cols.length).toBeGreaterThan(10);
    expect(new Set(cols).size, r.stdout).toBe(1);
  });

  it("gives emtd-seed's finalStateNode0 as numbers [scalar, phase], not a string", () => {
    const r = entropic(["sim", "--json", "--seed", "0"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { finalStateNode0: unknown };
    expect(s.finalStateNode0).toEqual([3.14159, 1]);
    // and the human summary keeps the seed's own look
    expect(entropic(["sim", "--seed", "0"]).stdout).toMatch(/finalStateNode0 +\[3\.14159, 1\]/);
  });
});

describe("entropic sweep table", () => {
  it("keeps one value column when an observable's name is longer than the usual width", () => {
    const point: PointAggregate = {
      params: { decay: 0.5 },
      runs: 10,
      outcomes: { agreement: 1 },
      outcomeIntervals: { agreement: { count: 10, share: 1, low: 0.72, high: 1 } },
      steps: { "12": 10 },
      stepsMean: 12,
      observables: { finalizedShare: { mean: 1, sd: 0 }, aVeryLongObservableNameIndeed: { mean: 0.25, sd: 0.01 } },
      updates: 1000,
      simMs: 2,
      fields: {},
    };
    const lines = formatSweep("snowball", [point]).split("\n");
    const starts = lines.filter((l) => /^ {2}(agreement|finalizedShare|aVeryLong)/.test(l)).map((l) => /^ {2}\S+\s+/.exec(l)![0].length);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size, lines.join("\n")).toBe(1);
  });
});

describe("entropic tx double-spend says where it checked", () => {
  let devnet: FakeDevnet;
  let key: string;
  beforeAll(async () => {
    devnet = await startFakeDevnet({ nodes: 4, finalizeDelayMs: 50 });
    key = join(mkdtempSync(join(tmpdir(), "entropic-ds-")), "client.key");
  });
  afterAll(async () => {
    await devnet.close();
  });

  it("two --api: 'on both nodes', not 'on every node'", async () => {
    const r = await entropicAsync(["tx", "double-spend", "--api", devnet.nodes[0]!.api, "--api", devnet.nodes[1]!.api, "--key", key]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^decided [AB] on both nodes in \d+ ms$/m);
    expect(r.stdout).not.toMatch(/every node/);
    expect(r.stdout.match(/ final [AB]$/gm)).toHaveLength(2);
  });

  it("--devnet DIR: checks every node listed in devnet.json", async () => {
    const r = await entropicAsync(["tx", "double-spend", "--devnet", devnet.dir, "--key", key]);
    expect(r.status, r.stderr).toBe(0);
    for (const node of devnet.nodes) expect(r.stdout).toContain(`  ${node.api}  final `);
    const file = join(devnet.dir, "devnet.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(r.stdout).toMatch(new RegExp(`^decided [AB] on all 4 nodes of ${file} in \\d+ ms$`, "m"));
  });

  it("a node that never decides: exit 1 and one line saying so", async () => {
    await devnet.nodes[3]!.stop();
    const r = await entropicAsync(["tx", "double-spend", "--devnet", devnet.dir, "--key", key, "--wait", "1.5"]);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^entropic: double spend \S+: not decided on all 4 nodes of \S+devnet\.json after \d+ ms \(1 of 4 undecided; --wait 1\.5\)$/);
  });
});
