/**
 * `entropic dashboard --devnet` in headless Chromium, against three fake nodes that speak
 * the node HTTP API (test/helpers/fake-node-api.ts): the page shows the nodes and their
 * links, a double spend is submitted, resolved and shown on every node within a deadline,
 * a diverging ledger root is flagged, and nothing logs an error.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsDisabled, launchBrowser } from "../helpers/browser.js";
import { type DashboardProcess, startDashboard } from "../helpers/dashboard-process.js";
import { type FakeDevnet, startFakeDevnet } from "../helpers/fake-node-api.js";
import { countColours } from "../helpers/page-pixels.js";

/** How long a double spend may take from the click to every node's finalization on screen. */
const FINALITY_DEADLINE_MS = 10_000;

interface Probe {
  ready: boolean;
  connected: boolean;
  devnet: { nodes: number; online: number; edges: [number, number][]; oneWay: [number, number][]; mismatched: number[] } | null;
}

describe.skipIf(browserTestsDisabled())("dashboard, devnet mode, in Chromium", () => {
  let devnet: FakeDevnet;
  let dashboard: DashboardProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    devnet = await startFakeDevnet({ nodes: 3 });
    dashboard = await startDashboard(["--devnet", devnet.dir]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => {
      // The event stream is cut when the browser closes; anything else failing is a bug.
      if (!r.url().endsWith("/api/events")) problems.push(`request failed: ${r.url()}`);
    });
    await page.goto(dashboard.url);
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await devnet?.close();
  });

  const probe = () => page.evaluate(() => (globalThis as unknown as { __entropicDashboard: Probe }).__entropicDashboard);

  it("shows all three nodes online and the links between them", async () => {
    await page.waitForFunction(() => (globalThis as unknown as { __entropicDashboard: Probe }).__entropicDashboard.devnet?.online === 3, null, { timeout: 10_000 });
    const p = await probe();
    expect(p.connected).toBe(true);
    expect(p.devnet!.nodes).toBe(3);
    expect(p.devnet!.edges).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(p.devnet!.oneWay).toEqual([]);
    const rows = page.locator("#nodes tbody tr");
    await expect(rows.count()).resolves.toBe(3);
    for (let i = 0; i < 3; i++) {
      const title = await rows.nth(i).locator("td").nth(1).locator("span").getAttribute("title");
      expect(title).toBe(devnet.nodes[i]!.peerId);
    }
    expect(await page.locator("#mode").textContent()).toBe("devnet");
  });

  it("submits a double spend and shows its finalization on every node within the deadline", async () => {
    const started = Date.now();
    await page.click("#double-spend");
    const spend = page.locator(".spend[data-spend='1']");
    await spend.locator(".verdict.won").waitFor({ timeout: FINALITY_DEADLINE_MS });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(FINALITY_DEADLINE_MS);

    // the two transactions really went to two different nodes, with one author and nonce
    const [a, b] = [devnet.nodes[0]!.submitted, devnet.nodes[1]!.submitted];
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect([a[0]!.author, a[0]!.nonce]).toEqual([b[0]!.author, b[0]!.nonce]);

    const winner = await spend.getAttribute("data-winner");
    const cids = await spend.locator(".cand").evaluateAll((els) => els.map((e) => e.getAttribute("data-cid")));
    expect(cids).toHaveLength(2);
    expect(cids).toContain(winner);
    expect(await spend.locator(".cand.winner").getAttribute("data-cid")).toBe(winner);
    await expect(spend.locator(".per-node span").allTextContents()).resolves.toEqual(
      [0, 1, 2].map((n) => `node ${n}: ${winner === cids[0] ? "A" : "B"} final`),
    );

    const conflict = await spend.getAttribute("data-conflict");
    const line = page.locator(`#stream li[data-conflict='${conflict}']`);
    await expect(line.getAttribute("data-cid")).resolves.toBe(winner);
    await expect(line.locator(".nodes span").allTextContents()).resolves.toEqual(["0", "1", "2"]);
  });

  it("draws throughput and latency once a second has passed", async () => {
    await page.waitForFunction(() => {
      const s = (globalThis as unknown as { __entropicDashboard: { snapshot: { metrics: { finalized: number; p50: number | null }[] } } }).__entropicDashboard.snapshot;
      return s.metrics.some((m) => m.finalized >= 1 && m.p50 !== null);
    }, null, { timeout: 5000 });
    await page.waitForTimeout(100);
    expect(await page.locator("#latency-caption").textContent()).toMatch(/^p50 \d+(\.\d+)? m?s · p95/);
    expect(await countColours(page, "#latency-chart")).toBeGreaterThan(5);
    expect(await countColours(page, "#tps-chart")).toBeGreaterThan(5);
  });

  it("flags a node whose ledger root differs from the others'", async () => {
    devnet.nodes[2]!.rootOverride = "ab".repeat(32);
    await page.locator("#nodes tr[data-node='2'] td.mismatch").waitFor({ timeout: 5000 });
    expect((await probe()).devnet!.mismatched).toEqual([2]);
    expect(await page.locator("#nodes td.mismatch").count()).toBe(1);
    devnet.nodes[2]!.rootOverride = null;
    await page.locator("#nodes td.mismatch").waitFor({ state: "detached", timeout: 5000 });
  });

  it("renders a page that is not blank, with no console errors", async () => {
    const shot = await page.screenshot({ fullPage: true });
    expect(await countColours(page, shot)).toBeGreaterThan(50);
    expect(await countColours(page, "#graph")).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await dashboard.stop()).toBe(0);
    expect(dashboard.stderr()).toBe("");
  });
});
