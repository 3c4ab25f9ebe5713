/**
 * Charts for docs/claims.md: ECharts rendered server-side to SVG (no DOM), then to PNG by
 * the project's headless Chromium (src/report/png.ts `launchChromium`). Without Chromium the
 * SVG is written instead and its name returned.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as echarts from "echarts";
import { launchChromium } from "../../src/report/png.js";

export interface ChartSpec {
  /** file name without extension */
  readonly name: string;
  readonly width?: number;
  readonly height?: number;
  readonly option: Record<string, unknown>;
}

export function toSvg(spec: ChartSpec): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: spec.width ?? 900, height: spec.height ?? 460 });
  chart.setOption({ animation: false, backgroundColor: "#fff", ...spec.option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Render every chart into `dir`; returns the file name written per chart (png, or svg as a fallback). */
export async function writeCharts(specs: readonly ChartSpec[], dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const svgs = specs.map((s) => [s, toSvg(s)] as const);
  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    browser = await launchChromium();
  } catch (error) {
    process.stderr.write(`claims: no PNG (${(error as Error).message}); writing SVG\n`);
  }
  try {
    for (const [spec, svg] of svgs) {
      if (!browser) {
        writeFileSync(join(dir, `${spec.name}.svg`), svg);
        out.set(spec.name, `${spec.name}.svg`);
        continue;
      }
      const page = await browser.newPage({ viewport: { width: spec.width ?? 900, height: spec.height ?? 460 }, deviceScaleFactor: 2 });
      await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
      await page.locator("svg").first().screenshot({ path: join(dir, `${spec.name}.png`) });
      await page.close();
      out.set(spec.name, `${spec.name}.png`);
    }
  } finally {
    await browser?.close();
  }
  return out;
}
