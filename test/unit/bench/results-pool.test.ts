/**
 * The runner behind `npm run results` (bench/lib/results-pool.ts): seeds run in blocks of 25
 * across cells (so an interrupted run leaves whole blocks), every digest is cached with the
 * run's own CPU time, and a second pass reads everything back from the cache.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Cell, runCells } from "../../../bench/lib/results-pool.js";

const dir = mkdtempSync(join(tmpdir(), "entropic-results-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = (protocol: string) => ({ protocol, sampling: "global", topology: { kind: "watts-strogatz", n: 30, k: 4, p: 0.1 }, workload: { instances: 1, candidates: 2, bias: 0.6 }, maxRounds: 60 });
const cells: Cell[] = [
  { label: "snowball", doc: doc("snowball"), seeds: 30, cost: 0.2 },
  { label: "tmesh", doc: doc("tmesh"), seeds: 30, cost: 0.1 },
];

describe("results pool", () => {
  it("runs block by block, cheap cells first, records CPU time, and resumes from the cache", async () => {
    const cacheFile = join(dir, "cache.jsonl");
    const dist = resolve(import.meta.dirname, "../../../dist");
    const first = { ran: 0, cached: 0 };
    const digests = await runCells(cells, { dist, cacheFile, workers: 1, counts: first });
    expect(first).toEqual({ ran: 60, cached: 0 });
    expect(digests.map((d) => d.map((x) => x.seed))).toEqual([Array.from({ length: 30 }, (_, i) => i), Array.from({ length: 30 }, (_, i) => i)]);
    const lines = readFileSync(cacheFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { d: { seed: number; cpuMs?: number } });
    const seeds = lines.map((l) => l.d.seed);
    // One worker: block 0 of both cells (tmesh, the cheaper, first), then block 1.
    expect(seeds.slice(0, 50).every((s) => s < 25)).toBe(true);
    expect(seeds.slice(50).every((s) => s >= 25)).toBe(true);
    expect(seeds.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    if (process.platform === "linux") for (const l of lines) expect(l.d.cpuMs).toBeGreaterThanOrEqual(0);
    const again = { ran: 0, cached: 0 };
    const second = await runCells(cells, { dist, cacheFile, workers: 1, counts: again });
    expect(again).toEqual({ ran: 0, cached: 60 });
    expect(second).toEqual(digests);
  }, 120_000);
});
