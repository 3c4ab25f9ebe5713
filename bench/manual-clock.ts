// What a timer costs on the simulator's clock (src/runtime/clock.ts ManualClock), in the
// node simulator's pattern: every message is a timer (a latency of 5–30 whole ms) and
// every request arms a 250 ms timeout that its answer mostly cancels, ~10⁵ timers pending.
//
//   npm run build && node --import tsx bench/manual-clock.ts
//
// The clock is loaded from the compiled build (dist/), as `entropic sim` runs it: tsx's
// transform wraps every closure it creates with a name-setting call (esbuild's keepNames),
// which doubled the cost per timer here (the clock makes a closure per timer).
//
// The reference measured in the same run is the floor of any time-ordered queue: the same
// callbacks fired from a plain array in order (an append and an indexed read per timer,
// nothing compared). The ratio is the clock's cost per timer over it. A 100-node, 1,000-set
// simulation fires ~1.5 M timers. Results: bench/results/manual-clock.md.
import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRng } from "../src/core/prng.js";
import { refuseArguments } from "./lib/no-arguments.js";

refuseArguments("manual-clock");

const here = dirname(fileURLToPath(import.meta.url));
const built = resolve(here, "../dist/runtime/clock.js");
if (!existsSync(built)) {
  console.error("manual-clock: dist/runtime/clock.js is missing: run `npm run build` first");
  process.exit(1);
}
const { ManualClock } = (await import(pathToFileURL(built).href)) as typeof import("../src/runtime/clock.js");

/** Messages in flight at once: each one, when delivered, sends the next. */
const IN_FLIGHT = 40_000;
const FIRED = 3_000_000;

/** ns per fired timer on the ManualClock, and the timers pending at the end. */
function clockRun(): { ns: number; pending: number } {
  const rng = createRng(1, "manual-clock");
  const clock = new ManualClock(0);
  let fired = 0;
  const timeout = (): void => {
    fired++;
  };
  const deliver = (): void => {
    fired++;
    clock.after(5 + Math.floor(rng.nextFloat() * 26), deliver);
    const t = clock.after(250, timeout);
    if (rng.nextFloat() < 0.9) t.cancel(); // most requests are answered in time
  };
  for (let i = 0; i < IN_FLIGHT; i++) clock.after(Math.floor(rng.nextFloat() * 30), deliver);
  // warm-up: the pattern reaches its steady state (timeouts pending for 250 ms)
  while (fired < FIRED / 10) clock.advance(clock.nextDue()! - clock.now());
  fired = 0;
  const t0 = performance.now();
  while (fired < FIRED) clock.advance(clock.nextDue()! - clock.now());
  return { ns: ((performance.now() - t0) * 1e6) / fired, pending: clock.pending };
}

/** ns per callback fired from a plain array, in order: the reference. */
function fifoRun(): number {
  const rng = createRng(1, "manual-clock");
  const queue: (() => void)[] = [];
  let head = 0;
  let fired = 0;
  const deliver = (): void => {
    fired++;
    queue.push(deliver);
    // the same random draws as the clock's run, so both pay for them
    rng.nextFloat();
    rng.nextFloat();
  };
  for (let i = 0; i < IN_FLIGHT; i++) queue.push(deliver);
  const run = (n: number): void => {
    while (fired < n) {
      queue[head++]!();
      if (head > 1 << 20) {
        queue.splice(0, head);
        head = 0;
      }
    }
  };
  run(FIRED / 10);
  fired = 0;
  const t0 = performance.now();
  run(FIRED);
  return ((performance.now() - t0) * 1e6) / fired;
}

const rows: string[] = [];
for (let rep = 1; rep <= 3; rep++) {
  const c = clockRun();
  const f = fifoRun();
  rows.push(`| ${rep} | ${c.ns.toFixed(0)} | ${f.toFixed(0)} | ${(c.ns / f).toFixed(1)}× | ${c.pending.toLocaleString("en")} |`);
  console.log(`run ${rep}: ManualClock ${c.ns.toFixed(0)} ns per timer, plain array ${f.toFixed(0)} ns, ${(c.ns / f).toFixed(1)}×, ${c.pending} pending`);
}

const md = `# The simulator's clock, per timer (${new Date().toISOString()}, \`npm run build && node --import tsx bench/manual-clock.ts\`)

Node ${process.version}, ${process.arch}. ${IN_FLIGHT.toLocaleString("en")} messages in flight, each delivered after 5–30 whole ms and then sending
the next, each arming a 250 ms timeout that 90% of them cancel (the node simulator's pattern); ns per timer fired, over
${FIRED.toLocaleString("en")} of them after a warm-up. *Plain array*: the same callbacks fired in order from an array (the floor of any queue).

| run | ManualClock ns/timer | plain array ns/timer | ratio | timers pending at the end |
| ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

ManualClock keeps a bucket per due instant and a binary heap of the instants (docs/node-simulator.md, seventh session):
most timers cost an append and an indexed read. One measurement on a shared machine: expect ±20 % or more between runs.
`;
writeFileSync(resolve(here, "results/manual-clock.md"), md);
console.log("wrote bench/results/manual-clock.md");
