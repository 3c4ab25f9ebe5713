/** `entropic report RUN_DIR [--png DIR]`: rebuild a folder's report.html, optionally its charts as PNGs. */
import type { Command } from "commander";
import { renderChartPngs } from "../../report/png.js";
import { writeReportFromDir } from "../../report/write.js";
import { checkInputDir, checkOutputDir } from "../files.js";

interface ReportOptions {
  png?: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write report.html for a run folder (sim --out) or a sweep folder (sweep --report); --png renders each chart")
    .argument("<dir>", "folder holding summary.json + rounds.jsonl (+ trace.json), or sweep.json")
    .option("--png <dir>", "also write every chart as <dir>/<chart>.png (needs Chromium: apt-get install -y chromium)")
    .action(async (dir: string, opts: ReportOptions) => {
      checkInputDir(dir, "report");
      // A bad --png folder is refused before anything is written; a missing Chromium only
      // after report.html, which needs no browser.
      if (opts.png) checkOutputDir(opts.png, "--png");
      const path = writeReportFromDir(dir);
      process.stdout.write(`report: ${path}\n`);
      if (opts.png) {
        const files = await renderChartPngs(path, opts.png);
        process.stdout.write(`png: ${files.length} charts in ${opts.png}\n`);
      }
    });
}
