/**
 * The event driver's poll bookkeeping: per (node, instance) slot, whether a poll is open,
 * its generation, how many answers it expects and has, and the answers kept so far, in
 * typed arrays sized at start. Counting per (poll, sample position) is what drops late
 * answers and second copies (README.md, "Queries and answers"): the protocol never sees a
 * duplicate.
 */
import type { Csr } from "../../topology/csr.js";

export class PollTable {
  /** per slot s = node·instances + k: 1 while a poll is open */
  readonly open: Uint8Array;
  /** per slot, the current poll's generation (answers to older ones are stale) */
  readonly gen: Int32Array;
  /** per slot, the peers the current poll asked */
  readonly expected: Int32Array;
  /** scratch handed to `onPoll`: the answers' words and their senders, in arrival order */
  readonly answers: Float64Array;
  readonly from: Int32Array;

  /** per slot, sample positions answered (valid answers and abstentions) */
  private readonly arrived: Int32Array;
  /** per slot, answers kept (abstentions carry no vote and are not kept) */
  private readonly received: Int32Array;
  /** per slot, where its answer region starts (in got, answerFrom and answerWords) */
  private readonly regionOf: (node: number, k: number) => number;
  /** per sample position, whether its answer was counted */
  private readonly got: Uint8Array;
  private readonly answerFrom: Int32Array;
  private readonly answerWords: Float64Array;

  /**
   * `everyNeighbour`: a poll asks every neighbour (`ALL_NEIGHBOURS`), so a slot's region is
   * degree(node) long, laid out like the CSR; otherwise every region is `maxPeers` long.
   */
  constructor(
    graph: Csr,
    nodes: number,
    private readonly instances: number,
    private readonly width: number,
    everyNeighbour: boolean,
    maxPeers: number,
  ) {
    const n = nodes;
    const slots = n * instances;
    this.open = new Uint8Array(slots);
    this.gen = new Int32Array(slots);
    this.expected = new Int32Array(slots);
    this.arrived = new Int32Array(slots);
    this.received = new Int32Array(slots);
    if (everyNeighbour) {
      const offsets = graph.offsets;
      const edges = offsets[n]!;
      this.regionOf = (node, k) => k * edges + offsets[node]!;
      this.got = new Uint8Array(Math.max(1, edges * instances));
    } else {
      this.regionOf = (node, k) => (node * instances + k) * maxPeers;
      this.got = new Uint8Array(slots * maxPeers);
    }
    this.answerFrom = new Int32Array(this.got.length);
    this.answerWords = new Float64Array(this.got.length * width);
    this.answers = new Float64Array(maxPeers * width);
    this.from = new Int32Array(maxPeers);
  }

  /** Open a poll on slot s of (node, k) that asks `count` peers; returns its generation. */
  begin(node: number, k: number, s: number, count: number): number {
    const gen = ++this.gen[s]!;
    this.open[s] = 1;
    this.expected[s] = count;
    this.arrived[s] = 0;
    this.received[s] = 0;
    const region = this.regionOf(node, k);
    this.got.fill(0, region, region + count);
    return gen;
  }

  /** Whether slot s has poll `gen` open (else an answer or timeout for it is stale). */
  isCurrent(s: number, gen: number): boolean {
    return this.open[s] === 1 && this.gen[s] === gen;
  }

  /** Whether the answer at sample `position` of (node, k)'s open poll was already counted. */
  counted(node: number, k: number, position: number): boolean {
    return this.got[this.regionOf(node, k) + position] === 1;
  }

  /**
   * Count the answer at sample `position` of (node, k)'s open poll on slot s, and keep its
   * `width` words (read from `payload` at `base`) when `keep` (abstentions are not kept).
   * Returns whether the poll now has every answer.
   */
  record(node: number, k: number, s: number, position: number, responder: number, keep: boolean, payload: Float64Array, base: number): boolean {
    const region = this.regionOf(node, k);
    this.got[region + position] = 1;
    this.arrived[s]!++;
    if (keep) {
      const width = this.width;
      const at = region + this.received[s]!++;
      this.answerFrom[at] = responder;
      if (width === 1) this.answerWords[at] = payload[base]!;
      else for (let w = 0; w < width; w++) this.answerWords[at * width + w] = payload[base + w]!;
    }
    return this.arrived[s] === this.expected[s];
  }

  /** Close (node, k)'s poll on slot s, copying the answers kept into `answers` and `from`; returns their count. */
  close(node: number, k: number, s: number): number {
    const count = this.received[s]!;
    const region = this.regionOf(node, k);
    const { width, answers, from } = this;
    for (let a = 0; a < count; a++) from[a] = this.answerFrom[region + a]!;
    if (width === 1) for (let a = 0; a < count; a++) answers[a] = this.answerWords[region + a]!;
    else answers.set(this.answerWords.subarray(region * width, (region + count) * width));
    this.open[s] = 0;
    return count;
  }

  /** A crash loses every poll the node has open: their answers will be dropped on arrival. */
  dropAll(node: number): void {
    for (let k = 0; k < this.instances; k++) this.open[node * this.instances + k] = 0;
  }
}
