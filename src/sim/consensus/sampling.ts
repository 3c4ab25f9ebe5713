/**
 * Peer sampling, shared by the cycle and event drivers: which peers a node polls.
 *
 * - `sampleSize = ALL_NEIGHBOURS`: every neighbour in the topology.
 * - `global` sampling: `sampleSize` distinct nodes other than the asker, uniformly from the
 *   whole network (with repetition only when the network is smaller than the sample).
 * - `neighbors` sampling: `sampleSize` distinct neighbours (partial Fisher–Yates); with
 *   fewer neighbours than the sample, `sampleSize` draws with replacement.
 *
 * The draw sequence is part of the drivers' replay contract: changing it changes every run.
 */
import type { Rng } from "../../core/prng.js";
import { ALL_NEIGHBOURS } from "../../protocols/consensus.js";
import { partialShuffle } from "../../protocols/shell.js";
import type { Csr } from "../../topology/csr.js";
import type { samplingModes } from "./setting.js";

export class PeerSampler {
  /** the last sample (valid up to the count `sample` returned) */
  readonly peers: Int32Array;
  /** most peers one sample can hold (≥ 1) */
  readonly maxPeers: number;
  private readonly scratch: Int32Array;
  private readonly global: boolean;
  /** global sampling: per node, the stamp of the last sample that picked it */
  private readonly stamps: Int32Array;
  private stampCounter = 0;

  constructor(
    readonly graph: Csr,
    readonly sampleSize: number,
    mode: (typeof samplingModes)[number],
    private readonly rng: Rng,
  ) {
    const n = graph.n;
    let maxDegree = 0;
    for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, graph.offsets[i + 1]! - graph.offsets[i]!);
    this.maxPeers = Math.max(1, sampleSize === ALL_NEIGHBOURS ? maxDegree : sampleSize);
    this.peers = new Int32Array(this.maxPeers);
    this.scratch = new Int32Array(Math.max(1, maxDegree));
    this.global = mode === "global";
    this.stamps = new Int32Array(this.global ? n : 0);
  }

  /** Fill `peers` with a fresh sample for `node`; returns how many. */
  sample(node: number): number {
    const { offsets, targets } = this.graph;
    const start = offsets[node]!;
    const degree = offsets[node + 1]! - start;
    const size = this.sampleSize;
    const peers = this.peers;
    const rng = this.rng;
    if (size === ALL_NEIGHBOURS) {
      for (let a = 0; a < degree; a++) peers[a] = targets[start + a]!;
      return degree;
    }
    if (this.global) {
      const others = this.graph.n - 1;
      if (others <= 0) return 0;
      // Distinct peers when the population allows it (rejection is cheap because size ≪ n);
      // a per-node stamp marks this sample's picks in O(1) instead of rescanning the sample.
      const distinct = size <= others;
      const stamps = this.stamps;
      if (this.stampCounter === 0x7fffffff) {
        stamps.fill(0);
        this.stampCounter = 0;
      }
      const stamp = ++this.stampCounter;
      for (let a = 0; a < size; a++) {
        let p: number;
        do {
          p = rng.nextInt(others);
          if (p >= node) p++;
        } while (distinct && stamps[p] === stamp);
        stamps[p] = stamp;
        peers[a] = p;
      }
      return size;
    }
    if (degree === 0) return 0;
    if (degree <= size) {
      // Fewer neighbours than the sample: draw with replacement (documented in docs/consensus.md).
      for (let a = 0; a < size; a++) peers[a] = targets[start + rng.nextInt(degree)]!;
      return size;
    }
    const scratch = this.scratch;
    for (let a = 0; a < degree; a++) scratch[a] = targets[start + a]!;
    partialShuffle(scratch, degree, size, rng); // the shell's sampling, as the live node's
    peers.set(scratch.subarray(0, size));
    return size;
  }
}
