/**
 * `entropic report --png`: every chart of a report page as a PNG, for papers. Debian's
 * Chromium, headless, driven by playwright-core (no browser download); playwright gives
 * each launch a fresh temporary profile. The page is opened from its file:// URL with
 * every other request refused, as a reader offline would see it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../core/errors.js";

/** Where Chromium is looked for (ENTROPIC_CHROMIUM overrides). */
export function chromiumPath(): string {
  return process.env.ENTROPIC_CHROMIUM ?? "/usr/bin/chromium";
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Launch headless Chromium. @throws UsageError telling how to install it when missing */
export async function launchChromium(): Promise<import("playwright-core").Browser> {
  const path = chromiumPath();
  if (!existsSync(path)) throw new UsageError(`--png needs Chromium at ${path}: install it with \`apt-get install -y chromium\` (or set ENTROPIC_CHROMIUM)`);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: path, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Page-side test for a drawn report (a string, because this package compiles without DOM types). */
export const REPORT_READY = "window.__entropicReport !== undefined && window.__entropicReport.ready === true";

export interface PngOptions {
  /** CSS pixels of the page's viewport (default 1400 × 1000) */
  readonly width?: number;
  readonly height?: number;
  /** device pixels per CSS pixel (default 2: sharp enough to print) */
  readonly scale?: number;
}

/**
 * Screenshot each `[data-chart]` figure of the report at `htmlPath` to `outDir`/<name>.png.
 * @returns the files written, in page order
 */
export async function renderChartPngs(htmlPath: string, outDir: string, options: PngOptions = {}): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: options.height ?? 1000 }, deviceScaleFactor: options.scale ?? 2 });
    await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(resolve(htmlPath)).href);
    await page.waitForFunction(REPORT_READY, null, { timeout: 60_000 });
    if (errors.length) throw new Error(`the report page failed: ${errors[0]}`);
    const names = await page.$$eval("[data-chart]", (els) => els.map((e) => e.getAttribute("data-chart")!));
    const files: string[] = [];
    for (const name of names) {
      const file = join(outDir, `${name.replace(/[^\w.-]/g, "_")}.png`);
      await page.locator(`[data-chart="${name}"]`).screenshot({ path: file });
      files.push(file);
    }
    return files;
  } finally {
    await browser.close();
  }
}
