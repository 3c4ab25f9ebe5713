/**
 * Cycle driver at scale: 10^6 nodes, one binary instance, Snowball (global sampling, the
 * way Avalanche samples) and EMTD (all neighbours, and global sampling), each in its own process so peak
 * memory is its own. Targets (issue 3): 99% finality within 60 s and 1.5 GB.
 * Writes bench/results/consensus-cycle.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const n = quick ? 100_000 : 1_000_000;
const base = { seed: 0, topology: { kind: "watts-strogatz", n, k: 10, p: 0.1 }, workload: { instances: 1, candidates: 2, bias: 0.6 }, maxRounds: 300, observeEvery: 1000 };
const cases = [
  { label: "snowball, global sampling", doc: { ...base, protocol: "snowball", sampling: "global" } },
  { label: "emtd, all neighbours", doc: { ...base, protocol: "emtd", sampling: "neighbors" } },
  { label: "emtd, global sampling (the default since issue 10)", doc: { ...base, protocol: "emtd", sampling: "global" } },
];
const rows = [];
for (const c of cases) {
  const started = performance.now();
  const out = execFileSync(process.execPath, ["--import", "tsx", resolve(root, "bench/lib/run-one.ts"), JSON.stringify(c.doc)], { cwd: root, encoding: "utf8" });
  const wallMs = performance.now() - started;
  const r = JSON.parse(out) as { maxRssMB: number; summary: { simMs: number; steps: number } & Record<string, unknown> };
  const row = {
    label: c.label,
    nodes: n,
    rounds: r.summary.steps,
    roundsTo99: r.summary.roundsTo99,
    outcome: r.summary.outcome,
    simSeconds: r.summary.simMs / 1000,
    wallSeconds: wallMs / 1000,
    maxRssMB: r.maxRssMB,
    meetsTarget: r.summary.roundsTo99 !== null && wallMs <= 60_000 && r.maxRssMB <= 1536,
  };
  rows.push(row);
  console.log(`${c.label.padEnd(28)} n=${n}  99% at round ${String(row.roundsTo99)}  sim ${row.simSeconds.toFixed(1)} s  wall ${row.wallSeconds.toFixed(1)} s  maxRSS ${row.maxRssMB.toFixed(0)} MB  ${row.meetsTarget ? "meets" : "MISSES"} target (≤ 60 s, ≤ 1.5 GB)`);
}
mkdirSync(resolve(root, "bench/results"), { recursive: true });
writeFileSync(resolve(root, "bench/results/consensus-cycle.json"), `${JSON.stringify({ quick, cases: rows }, null, 2)}\n`);
console.log("wrote bench/results/consensus-cycle.json");
