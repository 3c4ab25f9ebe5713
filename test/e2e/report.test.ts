/**
 * The HTML report in a real browser (Debian Chromium through playwright-core): reports
 * written by the built CLI open from file:// with every non-file request refused (and
 * none attempted), log no console error, hold every expected chart with the expected
 * series, redraw the graph when the round slider moves, and render non-blank pixels.
 * Skipped only with ENTROPIC_NO_BROWSER=1; a missing Chromium fails with the install command.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsDisabled, launchBrowser } from "../helpers/browser.js";
import { entropic } from "../helpers/cli.js";
import { decodePng, distinctColours } from "../helpers/png.js";

interface Registry {
  ready: boolean;
  charts: Record<string, { series: string[]; frame?: number; step?: number; counts?: Record<string, number>; frames?: number }>;
}

interface Opened {
  page: Page;
  errors: string[];
  /** requests to anything but file: URLs (all refused) */
  network: string[];
}

const SNOWBALL = `protocol: snowball
seed: 3
topology: { kind: watts-strogatz, n: 2500, k: 8, p: 0.1 }
sampling: global
workload: { instances: 1, candidates: 2, bias: 0.55 }
maxRounds: 200
`;

const TMESH = `protocol: tmesh
seed: 1
topology: { kind: watts-strogatz, n: 200, k: 6, p: 0.1 }
workload: { instances: 1, candidates: 3, bias: 0.5 }
maxRounds: 120
`;

describe.skipIf(browserTestsDisabled())("HTML report in Chromium", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), "entropic-report-"));
    writeFileSync(join(dir, "snowball.yaml"), SNOWBALL);
    writeFileSync(join(dir, "tmesh.yaml"), TMESH);
    const runs: string[][] = [
      ["sim", "--seed", "7", "--report", "--out", join(dir, "emtd-seed")],
      ["sim", join(dir, "snowball.yaml"), "--report", "--out", join(dir, "snowball")],
      ["sim", "scenarios/tmesh-seed.yaml", "--set", "steps=40", "--set", "nodes=8", "--report", "--out", join(dir, "tmesh-seed")],
      ["sim", join(dir, "tmesh.yaml"), "--report", "--out", join(dir, "tmesh")],
      ["sweep", "--seeds", "0..29", "--set", "decay=0.5,0.95", "--workers", "1", "--report", join(dir, "sweep")],
    ];
    for (const args of runs) {
      const r = entropic(args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/report/);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const network: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      network.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(dir, name, "report.html")).href);
    await page.waitForFunction("window.__entropicReport && window.__entropicReport.ready === true", null, { timeout: 30_000 });
    return { page, errors, network };
  }

  async function registry(page: Page): Promise<Registry> {
    return (await page.evaluate("window.__entropicReport")) as Registry;
  }

  /** Every [data-chart] element is registered and every registered chart is on the page. */
  async function chartNames(page: Page): Promise<string[]> {
    const names = await page.$$eval("[data-chart]", (els) => els.map((e) => e.getAttribute("data-chart")!));
    const reg = await registry(page);
    expect([...names].sort()).toEqual(Object.keys(reg.charts).sort());
    return names;
  }

  /** Left and right margins (pixels) of what is drawn on a white background. */
  function margins(png: Buffer): { left: number; right: number; width: number } {
    const { width, height, rgba } = decodePng(png);
    let minX = width;
    let maxX = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        if (rgba[o]! < 235 || rgba[o + 1]! < 235 || rgba[o + 2]! < 235) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
    }
    return { left: minX, right: width - 1 - maxX, width };
  }

  async function graphPixels(page: Page): Promise<Buffer> {
    return page.locator('[data-chart="graph"] .plot').screenshot();
  }

  it("emtd-seed: curves of energy, free energy, entropy, temperature, magnetisation; the graph drawn", async () => {
    const { page, errors, network } = await open("emtd-seed");
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    const names = await chartNames(page);
    const reg = await registry(page);
    for (const c of ["energy", "freeEnergy", "shannonEntropy", "meanTemperature", "magnetization", "adoptedShare", "flips", "stateChange"]) {
      expect(names).toContain(`curve-${c}`);
      expect(reg.charts[`curve-${c}`]!.series).toEqual([c]);
    }
    expect(reg.charts.graph!.series[0]).toBe("edges");
    expect(reg.charts.graph!.series.slice(1).every((s) => /^(initial state \(0\)|input adopted|other value)( · (final|deciding))?$/.test(s))).toBe(true);
    expect(distinctColours(await graphPixels(page))).toBeGreaterThan(20);
    await page.close();
  });

  it("snowball: consensus curves, and the round slider recolours the graph", async () => {
    const { page, errors, network } = await open("snowball");
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    const names = await chartNames(page);
    const reg = await registry(page);
    for (const c of ["finalizedShare", "magnetization", "preferenceEntropy", "energy", "disagreement", "messages"]) {
      expect(reg.charts[`curve-${c}`]!.series).toEqual([c]);
    }
    expect(names).not.toContain("density");
    const graph = reg.charts.graph!;
    expect(graph.series).toContain("edges");
    expect(graph.series).toContain("candidate 0 · final");
    expect(graph.series).toContain("candidate 1 · deciding");
    expect(graph.frame).toBe(graph.frames! - 1);
    const before = await graphPixels(page);
    expect(distinctColours(before)).toBeGreaterThan(20);
    // 2500 nodes are drawn in ECharts' large mode: the graph sits centred in its square.
    const m = margins(before);
    expect(m.left).toBeGreaterThan(0.05 * m.width);
    expect(Math.abs(m.left - m.right)).toBeLessThan(0.1 * m.width);

    await page.locator('[data-slider="graph"]').fill("0");
    const moved = (await registry(page)).charts.graph!;
    expect(moved.frame).toBe(0);
    expect(moved.step).toBe(0);
    // At round 0 nobody has decided; at the end most have.
    const finalAt = (counts: Record<string, number>) => Object.entries(counts).filter(([k]) => k.endsWith("final")).reduce((a, [, v]) => a + v, 0);
    expect(finalAt(moved.counts!)).toBe(0);
    expect(finalAt(graph.counts!)).toBeGreaterThan(0);
    const after = await graphPixels(page);
    expect(after.equals(before)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("tmesh-seed: von Neumann entropy and coherence curves, the density-matrix heatmap with its slider", async () => {
    const { page, errors, network } = await open("tmesh-seed");
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    await chartNames(page);
    const reg = await registry(page);
    for (const c of ["coherence", "entropyMean", "entropyVariance", "purityMean", "spread"]) expect(reg.charts[`curve-${c}`]!.series).toEqual([c]);
    expect(reg.charts["node-density"]!.series).toEqual(["S(ρ)", "l1 coherence"]);
    expect(reg.charts.density!.series).toEqual(["Re ρ", "Im ρ"]);
    expect(reg.charts.density!.frames).toBe(41);
    const heat = page.locator('[data-chart="density"] .plot');
    const last = await heat.screenshot();
    expect(distinctColours(last)).toBeGreaterThan(20);
    await page.locator('[data-slider="density"]').fill("0");
    expect((await registry(page)).charts.density!.step).toBe(0);
    expect((await heat.screenshot()).equals(last)).toBe(false);
    await page.close();
  });

  it("tmesh: consensus curves with von Neumann entropy, and node 0's density matrix", async () => {
    const { page, errors, network } = await open("tmesh");
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    await chartNames(page);
    const reg = await registry(page);
    for (const c of ["meanVonNeumann", "maxVonNeumann", "sheafConflicts", "finalizedShare", "messages"]) expect(reg.charts[`curve-${c}`]!.series).toEqual([c]);
    expect(reg.charts.density!.series).toEqual(["Re ρ", "Im ρ"]);
    expect(reg.charts.graph!.series).toContain("edges");
    expect(distinctColours(await graphPixels(page))).toBeGreaterThan(20);
    await page.close();
  });

  it("sweep: outcome shares and means as charts with error bars", async () => {
    const { page, errors, network } = await open("sweep");
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    const names = await chartNames(page);
    const reg = await registry(page);
    expect(reg.charts["sweep-outcomes"]!.series).toEqual(["full_agreement", "injection_rejected", "split"]);
    expect(reg.charts["sweep-steps"]!.series).toEqual(["steps"]);
    expect(names).toContain("sweep-final-meanTemperature");
    const shot = await page.locator('[data-chart="sweep-outcomes"] .plot').screenshot();
    expect(distinctColours(shot)).toBeGreaterThan(20);
    await page.close();
  });

  it("entropic report DIR rebuilds the same page, and --png writes every chart, not blank", async () => {
    const html = readFileSync(join(dir, "snowball", "report.html"), "utf8");
    const pngDir = join(dir, "snowball-png");
    const r = entropic(["report", join(dir, "snowball"), "--png", pngDir]);
    expect(r.status, r.stderr).toBe(0);
    // (compared as a boolean: a diff of two 1 MB pages helps nobody)
    expect(readFileSync(join(dir, "snowball", "report.html"), "utf8") === html).toBe(true);
    for (const name of ["graph", "curve-finalizedShare", "curve-messages"]) {
      const file = join(pngDir, `${name}.png`);
      expect(existsSync(file)).toBe(true);
      expect(distinctColours(readFileSync(file))).toBeGreaterThan(20);
    }
  }, 60_000);
});
