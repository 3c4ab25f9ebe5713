/**
 * `entropic dashboard --sim` in headless Chromium: start a small simulation from the page,
 * watch its rounds advance and its charts and network fill in, stop it, and see it stay
 * stopped; no console errors.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsDisabled, launchBrowser } from "../helpers/browser.js";
import { type DashboardProcess, startDashboard } from "../helpers/dashboard-process.js";
import { countColours } from "../helpers/page-pixels.js";

describe.skipIf(browserTestsDisabled())("dashboard, simulation mode, in Chromium", () => {
  let dashboard: DashboardProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // 400 nodes deciding by Snowball with β = 100 (about 100 rounds), one round every 60 ms:
    // some 6 s to the end, time enough to watch rounds advance and to stop it midway.
    dashboard = await startDashboard(["--sim", "scenarios/snowball.yaml", "--set", "topology.n=400", "--set", "params.beta=100", "--step-ms", "60"]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(dashboard.url);
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  const facts = () => page.locator("#run .run-facts");
  const step = async () => Number(await facts().getAttribute("data-step"));

  it("waits idle for Start, then runs with rounds advancing", async () => {
    await facts().waitFor();
    expect(await facts().getAttribute("data-state")).toBe("idle");
    expect(await page.locator("#mode").textContent()).toBe("sim");
    await page.click("#sim-start");
    await page.locator("#run .run-facts[data-state='running']").waitFor({ timeout: 5000 });
    await page.locator("#run .run-facts:not([data-step='0']):not([data-step='1']):not([data-step='2'])").waitFor({ timeout: 5000 });
    const first = await step();
    await page.waitForTimeout(400);
    expect(await step()).toBeGreaterThan(first);
    // one chart per observable of the protocol, and the sampled network
    const charts = await page.locator("#observables canvas").evaluateAll((els) => els.map((e) => e.getAttribute("data-chart")));
    expect(charts).toEqual(expect.arrayContaining(["observable-finalizedShare", "observable-magnetization", "observable-energy"]));
    expect(await countColours(page, "canvas[data-chart='observable-magnetization']")).toBeGreaterThan(5);
    expect(await page.locator("#sim-graph-panel").isVisible()).toBe(true);
    expect(await countColours(page, "#sim-graph")).toBeGreaterThan(5);
  });

  it("stops on Stop and stays stopped", async () => {
    await page.click("#sim-stop");
    await page.locator("#run .run-facts[data-state='stopped']").waitFor({ timeout: 5000 });
    const at = await step();
    await page.waitForTimeout(500);
    expect(await step()).toBe(at);
    expect(await page.locator("#sim-stop").isDisabled()).toBe(true);
  });

  it("runs again to the end with a seed typed into the page", async () => {
    await page.fill("#sim-seed", "7");
    await page.selectOption("#sim-pace", "0");
    await page.click("#sim-start");
    await page.locator("#run .run-facts[data-state='finished']").waitFor({ timeout: 15_000 });
    expect(await page.locator("#run dd[data-fact='seed']").textContent()).toBe("7");
    expect(await page.locator("#run dd[data-fact='outcome']").textContent()).toBe("agreement");
    expect(problems).toEqual([]);
  });
});
