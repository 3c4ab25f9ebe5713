/**
 * The machine's pace: two fixed workloads that no project code runs in, timed in the same
 * run as a benchmark's cases, so that a figure from another day can be compared through
 * its ratio to them rather than as seconds.
 *
 * Why: this VM's speed drifts by 15–30% within an hour and by ~40% from one day to the
 * next (docs/node-simulator.md: the same build's 1,000-set run took 70–82 s one day and
 * 94–119 s the next). A node simulation spends its time in dependent reads across a heap
 * of gigabytes and in small JS objects (docs/node-simulator.md, ninth and eleventh
 * sessions), so the pace is measured on both:
 * - `chaseNs`: nanoseconds per dependent read in a random single cycle over 64 MiB
 *   (Sattolo's shuffle): what a cache and TLB miss costs here;
 * - `objectsNs`: nanoseconds per step of a loop that allocates a small object, keys it in
 *   a `Map` of 2^16 entries and reads another back: what V8's allocator, its young
 *   generation and a hash lookup cost here.
 * Each is the best of `rounds` passes (the one least disturbed by other processes).
 */
import { performance } from "node:perf_hooks";
import { createRng } from "../../src/core/prng.js";

export interface MachinePace {
  /** ns per dependent read over {@link CHASE_BYTES} */
  readonly chaseNs: number;
  /** ns per allocate-key-look-up step */
  readonly objectsNs: number;
  /** wall ms spent measuring */
  readonly ms: number;
}

/** Bytes of the pointer chase's cycle: beyond any cache here, and 16,384 pages of 4 KiB (beyond the TLB). */
export const CHASE_BYTES = 64 * 1024 * 1024;

/**
 * A random cyclic permutation of 0..n-1 (Sattolo's algorithm): following `next` from any
 * index visits every index once before returning, so no read can be predicted or cached.
 * `random` gives floats in [0, 1) (a seeded generator: the cycle is the same every run).
 */
export function singleCycle(n: number, random: () => number): Int32Array {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`a cycle needs at least 2 elements, got ${n}`);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * i); // j < i: Sattolo's rule, one cycle
    const t = next[i]!;
    next[i] = next[j]!;
    next[j] = t;
  }
  return next;
}

function chasePass(next: Int32Array, reads: number): number {
  let at = 0;
  const t0 = performance.now();
  for (let k = 0; k < reads; k++) at = next[at]!;
  const ns = ((performance.now() - t0) * 1e6) / reads;
  if (at < 0) throw new Error("unreachable"); // keeps the loop's result alive
  return ns;
}

interface Item {
  readonly id: number;
  readonly weight: number;
  readonly tag: string;
}

function objectsPass(steps: number): number {
  const map = new Map<number, Item>();
  const mask = (1 << 16) - 1;
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) {
    map.set(k & mask, { id: k, weight: k * 0.5, tag: k % 3 === 0 ? "a" : "b" });
    sum += map.get((k * 7919) & mask)?.weight ?? 0;
  }
  const ns = ((performance.now() - t0) * 1e6) / steps;
  if (Number.isNaN(sum)) throw new Error("unreachable");
  return ns;
}

/** Measure both workloads, best of `rounds` passes each (~4 s in all here). */
export function measureMachinePace(options: { rounds?: number; reads?: number; steps?: number } = {}): MachinePace {
  const rounds = options.rounds ?? 3;
  const reads = options.reads ?? 2_000_000;
  const steps = options.steps ?? 2_000_000;
  for (const [name, v] of [["rounds", rounds], ["reads", reads], ["steps", steps]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${v}`);
  }
  const t0 = performance.now();
  const rng = createRng(1, "bench/machine-pace"); // the same cycle in every run
  const next = singleCycle(CHASE_BYTES / 4, () => rng.nextFloat());
  chasePass(next, reads); // a warm-up for the compiler (the shuffle wrote every page: no faults are timed)
  let chaseNs = Infinity;
  let objectsNs = Infinity;
  for (let r = 0; r < rounds; r++) {
    chaseNs = Math.min(chaseNs, chasePass(next, reads));
    objectsNs = Math.min(objectsNs, objectsPass(steps));
  }
  return { chaseNs, objectsNs, ms: performance.now() - t0 };
}
