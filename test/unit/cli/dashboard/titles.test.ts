import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDevnetSource } from "../../../../src/cli/dashboard/devnet-source.js";
import { startSimSource } from "../../../../src/cli/dashboard/sim-source.js";
import type { DashboardSource } from "../../../../src/cli/dashboard/store.js";
import { parseScenarioText } from "../../../../src/sim/scenario/load.js";
import { type FakeDevnet, startFakeDevnet } from "../../../helpers/fake-node-api.js";

/** The page header reads mode badge, then title: no word may come twice in a row ("devnet devnet"). */
function header(source: DashboardSource): string {
  return `${source.store.snapshot.mode} ${source.store.snapshot.title}`;
}
const repeated = (text: string) => /\b(\w+)\W+\1\b/i.exec(text)?.[0] ?? null;

describe("dashboard header", () => {
  let devnet: FakeDevnet | undefined;
  let source: DashboardSource | undefined;
  afterEach(async () => {
    await source?.close();
    await devnet?.close();
    source = devnet = undefined;
  });

  it("a devnet in ./devnet reads 'devnet folder devnet, 3 nodes', not 'devnet devnet devnet'", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "entropic-title-")), "devnet");
    mkdirSync(dir);
    devnet = await startFakeDevnet({ nodes: 3, dir });
    source = startDevnetSource(dir, { pollMs: 200 });
    expect(repeated(header(source))).toBeNull();
    expect(source.store.snapshot.title).toMatch(/3 nodes/);
  });

  it("a simulation names its scenario once", () => {
    const file = resolve(import.meta.dirname, "../../../../scenarios/snowball.yaml");
    source = startSimSource({ doc: parseScenarioText(readFileSync(file, "utf8"), "snowball.yaml"), source: "snowball.yaml", overrides: [], stepMs: 0 });
    expect(repeated(header(source))).toBeNull();
    expect(source.store.snapshot.title).toContain("snowball");
  });
});
