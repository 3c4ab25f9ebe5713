// What fresh memory costs on this machine: the first write to each page of a new buffer
// (a minor page fault each) against the same writes once the pages are mapped.
// process.resourceUsage() counts the faults. The reason a 100-node simulation's growing
// heap is expensive here: on this VM a minor fault costs microseconds (docs/node-simulator.md,
// ninth session).
//
//   node --import tsx bench/page-faults.ts
//
// One process, three rounds; the reference measured in the same run is the mapped pass.
// Results: bench/results/page-faults.md.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { refuseArguments } from "./lib/no-arguments.js";

refuseArguments("page-faults");

const PAGE = 4096;
const BYTES = 192 * 1024 * 1024; // 49,152 pages: far above malloc's mmap threshold, so fresh pages every round

interface Case {
  readonly nsPerPage: number;
  readonly faults: number;
}

/** Write one byte per page of `bytes`, timed, with the minor faults it took. */
function touch(bytes: Uint8Array, round: number): Case {
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let at = 0; at < bytes.length; at += PAGE) bytes[at] = round;
  const ns = ((performance.now() - t0) * 1e6) / (bytes.length / PAGE);
  return { nsPerPage: ns, faults: process.resourceUsage().minorPageFault - f0 };
}

// Each round: a new buffer (its pages not yet mapped: the first touch of each faults), then
// the same pages again (mapped: the reference, measured in the same round).
const rows: { round: number; fresh: Case; mapped: Case }[] = [];
for (let round = 1; round <= 3; round++) {
  const bytes = new Uint8Array(BYTES);
  rows.push({ round, fresh: touch(bytes, round), mapped: touch(bytes, round + 1) });
}

const usPerFault = (r: { fresh: Case; mapped: Case }): number => ((r.fresh.nsPerPage - r.mapped.nsPerPage) * (BYTES / PAGE)) / 1000 / Math.max(1, r.fresh.faults - r.mapped.faults);
const lines = [
  `# What fresh memory costs (${new Date().toISOString()}, \`node --import tsx bench/page-faults.ts\`)`,
  "",
  `Node ${process.version}, ${process.arch}. Per round a new ${BYTES / 2 ** 20} MiB buffer (${(BYTES / PAGE).toLocaleString("en")} pages of ${PAGE / 1024} KiB), one byte written per page: *fresh* is the first pass (each page faults in), *mapped* the second pass over the same pages (the reference: the same writes without faults). Faults are the process's minor page faults during the pass (process.resourceUsage()).`,
  "",
  "| round | fresh ns/page | fresh faults | mapped ns/page | mapped faults | fresh / mapped | µs per fault |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.round} | ${r.fresh.nsPerPage.toFixed(0)} | ${r.fresh.faults} | ${r.mapped.nsPerPage.toFixed(0)} | ${r.mapped.faults} | ${(r.fresh.nsPerPage / r.mapped.nsPerPage).toFixed(0)}× | ${usPerFault(r).toFixed(1)} |`),
  "",
  "µs per fault: the fresh pass's extra time over its extra faults. A 100-node simulation's heap grows to gigabytes, one fault per 4 KiB first touched (docs/node-simulator.md, ninth session). One measurement on a shared VM: expect ±20 % or more between runs.",
  "",
];
const out = resolve(dirname(fileURLToPath(import.meta.url)), "results", "page-faults.md");
writeFileSync(out, lines.join("\n"));
console.log(lines.join("\n"));
