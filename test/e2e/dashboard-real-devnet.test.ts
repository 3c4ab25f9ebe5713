/**
 * The dashboard against a real devnet (node processes, libp2p, LevelDB): a double spend
 * clicked in the page is decided, and the decision shows on every node within a deadline.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "../../src/cli/devnet/devnet.js";
import { NodeClient } from "../../src/runtime/api/client.js";
import { browserTestsDisabled, launchBrowser } from "../helpers/browser.js";
import { type DashboardProcess, startDashboard } from "../helpers/dashboard-process.js";

const FINALITY_DEADLINE_MS = 20_000;

describe.skipIf(browserTestsDisabled())("dashboard on a real devnet", () => {
  let devnet: Devnet;
  let dashboard: DashboardProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-dash-devnet-"));
    devnet = await startDevnet({ nodes: 3, protocol: "snowball", dir, params: { beta: 10 } });
    const clients = devnet.file.nodes.map((n) => new NodeClient(n.api));
    const t0 = Date.now();
    while ((await Promise.all(clients.map((c) => c.status()))).some((s) => s.peers.length < 2)) {
      if (Date.now() - t0 > 20_000) throw new Error("devnet did not mesh");
      await new Promise((r) => setTimeout(r, 100));
    }
    dashboard = await startDashboard(["--devnet", dir]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    await page.goto(dashboard.url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await devnet?.stop();
  });

  it("shows a double spend finalized on every node within the deadline, agreeing with the nodes' APIs", async () => {
    await page.waitForFunction(() => (globalThis as unknown as { __entropicDashboard: { devnet: { online: number } | null } }).__entropicDashboard.devnet?.online === 3, null, {
      timeout: 15_000,
    });
    const started = Date.now();
    await page.click("#double-spend");
    const spend = page.locator(".spend[data-spend='1']");
    await spend.locator(".verdict.won").waitFor({ timeout: FINALITY_DEADLINE_MS });
    expect(Date.now() - started).toBeLessThan(FINALITY_DEADLINE_MS);
    const winner = await spend.getAttribute("data-winner");
    const conflict = await spend.getAttribute("data-conflict");
    // what the page shows is what every node's API says
    for (const n of devnet.file.nodes) expect((await new NodeClient(n.api).getConflict(conflict!)).final).toBe(winner);
    expect(problems).toEqual([]);
  }, 60_000);
});
