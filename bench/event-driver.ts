/**
 * Event driver throughput: snowball with global sampling on the event driver, run to 99%
 * finality, with wall time, events per second and peak memory per case; plus the signing
 * cost at 10^4 nodes (signatures on vs off, and node:crypto's default key cache vs one that
 * holds every node's key), and the cycle driver on the same scenario for reference.
 *
 *   node --import tsx bench/event-driver.ts [--quick]
 *
 * Each case runs in its own process (this file with `--case JSON`) so its maxRSS is its
 * own. Results go to bench/results/event-driver.json and a table on stdout.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { SignatureScheme } from "../src/core/crypto.js";
import { createNodeSignatureScheme, nodeCrypto, nodeHasher } from "../src/runtime/crypto-node.js";
import type { ProtocolRun, RunResult } from "../src/protocols/protocol.js";
import type { ConsensusChecker } from "../src/sim/consensus/checkers.js";
import { startRun } from "../src/sim/cycle/driver.js";
import { validateScenario } from "../src/sim/scenario/schema.js";

const root = resolve(import.meta.dirname, "..");
const self = resolve(import.meta.dirname, "event-driver.ts");

interface CaseSpec {
  readonly name: string;
  readonly nodes: number;
  readonly driver: "cycle" | "event";
  readonly signatures: boolean;
  /** "default": nodeCrypto (8192 cached key objects); "all": a cache holding every node's keys */
  readonly keyCache?: "default" | "all";
  readonly target: number;
}

interface CaseResult extends CaseSpec {
  readonly rounds: number;
  readonly reachedShare: number;
  readonly roundsTo50: number | null;
  readonly roundsTo99: number | null;
  readonly events: number | null;
  readonly messages: number;
  readonly setupMs: number;
  readonly simMs: number;
  readonly wallMs: number;
  readonly eventsPerSecond: number | null;
  readonly maxRssMB: number;
  readonly fields: RunResult["fields"];
  readonly crypto: { signMs: number; signs: number; verifyMs: number; verifies: number; keygenMs: number; keygens: number } | null;
}

function scenario(spec: CaseSpec): Record<string, unknown> {
  return {
    name: spec.name,
    protocol: "snowball",
    seed: 1,
    topology: { kind: "watts-strogatz", n: spec.nodes, k: 4, p: 0.1 },
    sampling: "global",
    workload: { instances: 1, candidates: 2, bias: 0.6 },
    maxRounds: 500,
    driver: spec.driver,
    network: { latency: { kind: "uniform", min: 1, max: 5 }, loss: 0.01, signatures: spec.signatures },
  };
}

/** Run one case in this process: step until the target share of honest decisions. */
function runCase(spec: CaseSpec): CaseResult {
  const started = performance.now();
  const s = validateScenario(scenario(spec));
  const acc = { signMs: 0, signs: 0, verifyMs: 0, verifies: 0, keygenMs: 0, keygens: 0 };
  const base: SignatureScheme = spec.keyCache === "all" ? createNodeSignatureScheme({ cacheSize: 2 * spec.nodes }) : nodeCrypto.signatures;
  const timed: SignatureScheme = {
    generateKeyPair(seed) {
      const t = performance.now();
      const kp = base.generateKeyPair(seed);
      acc.keygenMs += performance.now() - t;
      acc.keygens++;
      return kp;
    },
    sign(key, message) {
      const t = performance.now();
      const sig = base.sign(key, message);
      acc.signMs += performance.now() - t;
      acc.signs++;
      return sig;
    },
    verify(key, message, signature) {
      const t = performance.now();
      const ok = base.verify(key, message, signature);
      acc.verifyMs += performance.now() - t;
      acc.verifies++;
      return ok;
    },
  };
  const run = startRun(s, { crypto: { signatures: timed, hasher: nodeHasher } }) as ProtocolRun & { checker: ConsensusChecker; messages: number; events?: number };
  const t0 = performance.now();
  while (run.checker.share() < spec.target && run.step());
  const t1 = performance.now();
  const result = run.result();
  const events = run.events ?? null;
  return {
    ...spec,
    rounds: run.steps,
    reachedShare: run.checker.share(),
    roundsTo50: run.checker.roundsTo[0] ?? null,
    roundsTo99: run.checker.roundsTo[1] ?? null,
    events,
    messages: run.messages,
    setupMs: t0 - started,
    simMs: t1 - t0,
    wallMs: performance.now() - started,
    eventsPerSecond: events === null ? null : (events / (t1 - t0)) * 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    fields: result.fields,
    crypto: spec.signatures ? acc : null,
  };
}

if (process.argv[2] === "--case") {
  process.stdout.write(`${JSON.stringify(runCase(JSON.parse(process.argv[3]!) as CaseSpec))}\n`);
} else {
  const quick = process.argv.includes("--quick");
  const big = quick ? 20_000 : 100_000;
  const mid = quick ? 2_000 : 10_000;
  const cases: CaseSpec[] = [
    { name: `event, ${big} nodes, unsigned`, nodes: big, driver: "event", signatures: false, target: 0.99 },
    { name: `cycle, ${big} nodes (reference)`, nodes: big, driver: "cycle", signatures: false, target: 0.99 },
    { name: `event, ${mid} nodes, unsigned`, nodes: mid, driver: "event", signatures: false, target: 0.99 },
    { name: `event, ${mid} nodes, signed (nodeCrypto)`, nodes: mid, driver: "event", signatures: true, keyCache: "default", target: 0.99 },
    { name: `event, ${mid} nodes, signed (key cache ≥ n)`, nodes: mid, driver: "event", signatures: true, keyCache: "all", target: 0.99 },
  ];
  const results: CaseResult[] = [];
  for (const spec of cases) {
    process.stdout.write(`${spec.name} … `);
    const out = execFileSync(process.execPath, ["--import", "tsx", self, "--case", JSON.stringify(spec)], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
    const r = JSON.parse(out) as CaseResult;
    results.push(r);
    const rate = r.eventsPerSecond === null ? "" : `, ${(r.eventsPerSecond / 1e6).toFixed(2)}M events/s`;
    const crypto = r.crypto
      ? `; sign ${((r.crypto.signMs / r.crypto.signs) * 1000).toFixed(0)} µs × ${r.crypto.signs}, verify ${((r.crypto.verifyMs / r.crypto.verifies) * 1000).toFixed(0)} µs × ${r.crypto.verifies}, keygen ${(r.crypto.keygenMs / 1000).toFixed(1)} s`
      : "";
    process.stdout.write(
      `99% at round ${r.roundsTo99}: wall ${(r.wallMs / 1000).toFixed(1)} s (sim ${(r.simMs / 1000).toFixed(1)} s${rate}), ${r.maxRssMB.toFixed(0)} MB${crypto}\n`,
    );
  }
  const cpu = (await import("node:os")).cpus()[0]?.model ?? "unknown";
  const doc = {
    generated: "bench/event-driver.ts",
    quick,
    machine: { cpu, cores: (await import("node:os")).cpus().length, node: process.version },
    scenario: scenario({ name: "template", nodes: big, driver: "event", signatures: false, target: 0.99 }),
    note: "each case runs until 99% of honest decisions are final (not to 100%); simMs excludes set-up (topology, state); events/s = events / simMs",
    results,
  };
  mkdirSync(resolve(root, "bench/results"), { recursive: true });
  writeFileSync(resolve(root, "bench/results/event-driver.json"), `${JSON.stringify(doc, null, 2)}\n`);
  console.log("wrote bench/results/event-driver.json");
}
