/** `entropic report RUN_DIR [--png DIR]`: rebuild a folder's report.html, optionally its charts as PNGs. */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { UsageError } from "../../core/errors.js";
import { chromiumPath, renderChartPngs } from "../../report/png.js";
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
      if (opts.png) {
        checkOutputDir(opts.png, "--png");
        if (!existsSync(chromiumPath())) throw new UsageError(`--png needs Chromium at ${chromiumPath()}: install it with \`apt-get install -y chromium\` (or set ENTROPIC_CHROMIUM)`);
      }
      const path = writeReportFromDir(dir);
      process.stdout.write(`report: ${path}\n`);
      if (opts.png) {
        const files = await renderChartPngs(path, opts.png);
        process.stdout.write(`png: ${files.length} charts in ${opts.png}\n`);
      }
    });
}
