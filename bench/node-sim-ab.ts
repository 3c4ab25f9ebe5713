/**
 * Is a change to the node simulator faster? This VM's speed drifts by tens of percent within
 * minutes (docs/node-simulator.md, eleventh session), more than most changes move it, so runs
 * made one after the other cannot tell. Here the two builds run *at the same time*, one on
 * each of the machine's two cores, the same `driver: node` scenario, in pairs: both halves of
 * a pair see the same drift, and the pair's CPU ratio (this build over the base) is the
 * measurement. A pair is the unit of independence; the summary is the median ratio with its
 * exact order-statistic interval and the exact sign test (bench/lib/paired.ts).
 *
 *   npm run build && node --import tsx bench/node-sim-ab.ts --base <git rev> [--sets 300] [--pairs 5] [--protocol snowball]
 *
 * The base is checked out into a temporary git worktree beside this one (node_modules linked,
 * compiled with this checkout's TypeScript) and removed afterwards. Both sides run this
 * checkout's scenario file through each build's own `loadScenario` and `runNodeScenario`.
 * Running two at once, each is slower than alone (they share memory bandwidth, and V8's
 * collector threads lose the second core), so the absolute times here are not the target's.
 * Whether the two builds simulated the same run is reported too (their summaries compared).
 *
 * Results: bench/results/node-sim-ab.json and .md.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SIM_NODE_FLAGS } from "../src/runtime/simnet/heap-tuning.js";
import { NODE_SIM_SCENARIO as SCENARIO, strictOptions, timedNodeRun, wholeNumberOption } from "./lib/node-sim-case.js";
import { medianInterval, signTest } from "./lib/paired.js";

const root = resolve(import.meta.dirname, "..");
const self = resolve(import.meta.dirname, "node-sim-ab.ts");

interface CaseSpec {
  /** the checkout whose dist/ runs */
  readonly dir: string;
  readonly protocol: string;
  readonly sets: number;
}

interface CaseResult {
  readonly wallS: number;
  readonly cpuS: number;
  readonly events: number;
  /** the run's summary without its speed: equal summaries mean the same simulated run */
  readonly summary: string;
  readonly violations: number;
}

function usage(message: string): never {
  console.error(`node-sim-ab: ${message}`);
  process.exit(2);
}

async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const { out, wallS, cpuS } = await timedNodeRun(
    [
      { name: "protocol", value: spec.protocol },
      { name: "node.txs", value: spec.sets },
    ],
    spec.dir,
  );
  const s = out.summary;
  return {
    wallS,
    cpuS,
    events: s.events,
    summary: JSON.stringify(s),
    violations: Object.values(s.checks).reduce((a, b) => a + b, 0),
  };
}

/** The case processes running, killed with this one when it is interrupted. */
const running = new Set<ChildProcess>();

/** Run one case in a child process (the simulator's heap flags), resolving with its result. */
function child(spec: CaseSpec): Promise<CaseResult> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [...SIM_NODE_FLAGS, "--import", "tsx", self, "--case", JSON.stringify(spec)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    running.add(p);
    p.on("close", (code, signal) => {
      running.delete(p);
      if (code !== 0) return reject(new Error(`the case in ${spec.dir} died (${signal ?? `exit ${code}`}): ${err.trim().split("\n").pop() ?? ""}`));
      try {
        resolvePromise(JSON.parse(out) as CaseResult);
      } catch {
        reject(new Error(`the case in ${spec.dir} printed no result`));
      }
    });
  });
}

/** The full commit id `rev` names; a usage error when it names none. */
function commitOf(rev: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    usage(`--base "${rev}" is not a commit of this repository`);
  }
}

/** A worktree of `commit` with this checkout's node_modules, compiled; removed by the returned function. */
function prepareBase(commit: string): { dir: string; remove: () => void } {
  const parent = mkdtempSync(join(tmpdir(), "entropic-ab-"));
  const dir = join(parent, "base");
  execFileSync("git", ["worktree", "add", "--detach", dir, commit], { cwd: root, stdio: "ignore" });
  const remove = (): void => {
    try {
      execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: root, stdio: "ignore" });
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(parent, { recursive: true, force: true });
  };
  try {
    symlinkSync(resolve(root, "node_modules"), join(dir, "node_modules"), "dir");
    execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.build.json")], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    remove();
    throw new Error(`the base ${commit.slice(0, 7)} did not build: ${(err as Error).message.split("\n")[0]}`);
  }
  return { dir, remove };
}

async function main(): Promise<void> {
  const v = strictOptions({ case: { type: "string" }, base: { type: "string" }, sets: { type: "string" }, pairs: { type: "string" }, protocol: { type: "string" }, out: { type: "string" } }, usage);
  if (v.case !== undefined) {
    process.stdout.write(JSON.stringify(await runCase(JSON.parse(v.case) as CaseSpec)));
    return;
  }
  if (v.base === undefined) usage("--base <git rev> is required: the build to compare this checkout's with");
  const sets = wholeNumberOption("sets", v.sets, 300, 1, 1_000_000, usage);
  const pairs = wholeNumberOption("pairs", v.pairs, 5, 1, 100, usage);
  const protocol = v.protocol ?? "snowball";
  if (!["snowball", "emtd", "tmesh"].includes(protocol)) usage(`unknown protocol "${protocol}" (have snowball, emtd, tmesh)`);
  const baseCommit = commitOf(v.base);
  if (!existsSync(resolve(root, "dist/runtime/simnet/run.js"))) {
    console.error("node-sim-ab: the compiled build is missing: run `npm run build` first");
    process.exit(1);
  }
  const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim() !== "";
  const thisBuild = `${head}${dirty ? " with uncommitted changes" : ""}`;
  process.stderr.write(`building the base ${v.base} ... `);
  const base = { ...prepareBase(baseCommit), commit: baseCommit };
  process.stderr.write(`${baseCommit.slice(0, 7)}\n`);
  const rows: { base: CaseResult; mine: CaseResult; ratio: number }[] = [];
  // Interrupted (Ctrl-C, a job's time limit): the temporary worktree goes too, not only on a normal end.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const p of running) p.kill("SIGKILL");
    base.remove();
    console.error(`node-sim-ab: stopped by ${signal}; its cases killed and the base's worktree removed`);
    process.exit(1);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (let k = 0; k < pairs; k++) {
      process.stderr.write(`pair ${k + 1}/${pairs}: ${sets} sets, both builds at once ... `);
      // Started in turn first: whichever starts first could get the better core or the page cache's warmth.
      const cases = [{ dir: base.dir, protocol, sets }, { dir: root, protocol, sets }];
      const [b, m] = k % 2 === 0 ? await Promise.all(cases.map(child)) : (await Promise.all([...cases].reverse().map(child))).reverse();
      rows.push({ base: b, mine: m, ratio: m.cpuS / b.cpuS });
      process.stderr.write(`CPU ${b.cpuS.toFixed(1)} s (base) / ${m.cpuS.toFixed(1)} s (this): ×${(m.cpuS / b.cpuS).toFixed(3)}\n`);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    base.remove();
  }
  const ratios = rows.map((r) => r.ratio);
  const mi = medianInterval(ratios);
  const faster = ratios.filter((r) => r < 1).length;
  const slower = ratios.filter((r) => r > 1).length;
  const p = faster + slower === 0 ? 1 : signTest(faster, faster + slower);
  const sameRun = rows.every((r) => r.base.summary === r.mine.summary);
  const violations = rows.reduce((a, r) => a + r.base.violations + r.mine.violations, 0);
  const at = new Date().toISOString();
  const command = `npm run build && node --import tsx bench/node-sim-ab.ts --base ${v.base} --sets ${sets} --pairs ${pairs} --protocol ${protocol}`;
  const outDir = resolve(v.out ?? resolve(root, "bench/results"));
  mkdirSync(outDir, { recursive: true });
  const summary = { median: mi.median, low: mi.low, high: mi.high, coverage: mi.coverage, faster, slower, signTestP: p, sameRun, violations };
  writeFileSync(resolve(outDir, "node-sim-ab.json"), `${JSON.stringify({ at, command, thisBuild, base: base.commit, scenario: SCENARIO, protocol, sets, summary, pairs: rows.map((r) => ({ base: { wallS: r.base.wallS, cpuS: r.base.cpuS, events: r.base.events }, mine: { wallS: r.mine.wallS, cpuS: r.mine.cpuS, events: r.mine.events }, ratio: r.ratio })) }, null, 2)}\n`);
  const pct = (x: number): string => `${x < 1 ? "−" : "+"}${Math.abs((x - 1) * 100).toFixed(1)}%`;
  const lines = [
    "# This build against a base, run at the same time (`driver: node`)",
    "",
    `Command: \`${command}\` (run ${at}). This build: ${thisBuild}; base: ${base.commit.slice(0, 7)}. Scenario: \`${SCENARIO}\` with ${protocol} and ${sets} sets. Each pair runs both builds at once, one process each (\`${SIM_NODE_FLAGS.join(" ")}\`), so both see the machine's drift; CPU is user + system of each process. Alone, each would be faster: these are ratios, not the target's times. The two start in turn first.`,
    "",
    "| pair | base CPU s | this CPU s | this / base | base events | this events |",
    "|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r, k) => `| ${k + 1} | ${r.base.cpuS.toFixed(1)} | ${r.mine.cpuS.toFixed(1)} | ${r.ratio.toFixed(3)} | ${r.base.events} | ${r.mine.events} |`),
    "",
    `**CPU, this build over the base: median ${mi.median.toFixed(3)} (${pct(mi.median)})**, ${pairs < 2 ? "no interval from one pair" : `${(mi.coverage * 100).toFixed(1)}% interval ${mi.low.toFixed(3)}–${mi.high.toFixed(3)} (exact, order statistics of ${pairs} pairs${mi.coverage < 0.95 ? ": too few pairs for 95%" : ""})`}. This build used less CPU in ${faster} pairs and more in ${slower}: exact two-sided sign test p = ${p.toPrecision(2)}${pairs < 6 ? ` (with ${pairs} pairs no split can reach p < 0.05)` : ""}.`,
    "",
    sameRun ? "The two builds simulated the same run in every pair (equal summaries)." : "The two builds simulated different runs (their summaries differ): the ratio compares different work.",
    violations === 0 ? "Every checker passed in every run." : `Checker violations: ${violations} across the runs.`,
    "",
  ];
  writeFileSync(resolve(outDir, "node-sim-ab.md"), lines.join("\n"));
  console.log(lines.join("\n"));
}

main().catch((err: unknown) => {
  console.error(`node-sim-ab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
