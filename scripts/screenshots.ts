/**
 * `npm run screenshots`: regenerates docs/img/report.png, the README's picture of a run
 * report. Runs a scenario through the built CLI (`entropic sim … --report`), opens the
 * report in headless Chromium (Debian's, through playwright-core) from its file:// URL
 * with every other request refused, and screenshots the top of the page.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { REPORT_READY, launchChromium } from "../src/report/png.js";

const root = resolve(import.meta.dirname, "..");
const out = join(root, "docs/img/report.png");

// EMTD annealing three conflicting candidates on a small-world graph: the picture shows
// the domains that freeze before the network agrees (this seed ends split, a safety
// violation the checker reports).
const SCENARIO = `name: emtd-annealing
description: EMTD on 1500 nodes, three candidates
protocol: emtd
seed: 3
topology: { kind: watts-strogatz, n: 1500, k: 8, p: 0.05 }
workload: { instances: 1, candidates: 3, bias: 0.4 }
maxRounds: 300
`;

const work = mkdtempSync(join(tmpdir(), "entropic-screenshots-"));
writeFileSync(join(work, "emtd-annealing.yaml"), SCENARIO);
const runDir = join(work, "run");
execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "sim", join(work, "emtd-annealing.yaml"), "--report", "--out", runDir], { stdio: ["ignore", "inherit", "ignore"] });

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(join(runDir, "report.html")).href);
  await page.waitForFunction(REPORT_READY, null, { timeout: 60_000 });
  // Show the run mid-way, while domains are still freezing, and fold the summary table away.
  await page.locator('[data-slider="graph"]').fill("30");
  await page.locator("details.summary > summary").click();
  // Down to the end of the first row of curves.
  const firstCurve = await page.locator('[data-chart^="curve-"]').first().boundingBox();
  const height = Math.ceil(firstCurve ? firstCurve.y + firstCurve.height + 18 : 1200);
  mkdirSync(join(root, "docs/img"), { recursive: true });
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1400, height }, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
