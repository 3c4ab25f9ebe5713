/**
 * `gossip-avg`: push-pull gossip averaging (Boyd, Ghosh, Prabhakar & Shah, "Randomized
 * gossip algorithms", IEEE Trans. Inf. Theory 2006), the classical diffusion baseline.
 *
 * Each node holds a vector x ∈ Δ^d over the candidates, starting one-hot at the candidate
 * it first saw. An interaction with a random neighbour sets both to their average (the
 * asker sends x_i, the responder answers with its pre-update x_j, both average), which
 * conserves the network's sum and converges every x_i to the global mean. A node decides
 * argmax x_i (ties to the lowest index) once its vector has moved less than `tolerance`
 * (max-norm) for `beta` consecutive interactions it initiated. Averaging has no notion of
 * Byzantine peers: malformed vectors (NaN, negative entries, not summing to 1 within 1e-9)
 * are ignored and counted, nothing more.
 */
import { z } from "zod";
import { type ConsensusProtocol, type ConsensusState, type Layout, NO_CANDIDATE } from "../consensus.js";

export const gossipAvgParams = z
  .object({
    tolerance: z.number().gt(0).max(1).default(1e-3).describe("max-norm change below which a round counts as quiet"),
    beta: z.number().int().min(1).max(1_000_000).default(10).describe("consecutive quiet interactions to decide"),
  })
  .strict();

export type GossipAvgParams = z.infer<typeof gossipAvgParams>;

export class GossipAvgState implements ConsensusState {
  /** x per slot, d entries each */
  readonly x: Float64Array;
  readonly known: Uint8Array;
  readonly quiet: Int32Array;
  readonly finalized: Uint8Array;
  readonly decided: Int32Array;
  rejected = 0;

  constructor(
    readonly layout: Layout,
    readonly params: GossipAvgParams,
  ) {
    const slots = layout.nodes * layout.instances;
    this.x = new Float64Array(slots * layout.candidates);
    this.known = new Uint8Array(slots);
    this.quiet = new Int32Array(slots);
    this.finalized = new Uint8Array(slots);
    this.decided = new Int32Array(slots).fill(NO_CANDIDATE);
  }

  private slot(node: number, instance: number): number {
    return node * this.layout.instances + instance;
  }

  introduce(node: number, instance: number, candidate: number): void {
    const s = this.slot(node, instance);
    if (this.known[s] === 1) return;
    this.x[s * this.layout.candidates + candidate] = 1;
    this.known[s] = 1;
  }

  wantsPoll(node: number, instance: number): boolean {
    const s = this.slot(node, instance);
    return this.known[s] === 1 && this.finalized[s] === 0;
  }

  prepareQuery(node: number, instance: number, query: Float64Array): void {
    const d = this.layout.candidates;
    const base = this.slot(node, instance) * d;
    for (let c = 0; c < d; c++) query[c] = this.x[base + c]!;
  }

  respond(responder: number, instance: number, query: Float64Array, out: Float64Array): void {
    const s = this.slot(responder, instance);
    const d = this.layout.candidates;
    const base = s * d;
    for (let c = 0; c < d; c++) out[c] = this.x[base + c]!;
    if (this.finalized[s] === 1) return; // a decided node still answers, but no longer moves
    if (!this.isValid(query, 0)) {
      this.rejected++;
      return;
    }
    if (this.known[s] === 0) {
      for (let c = 0; c < d; c++) this.x[base + c] = query[c]!;
      this.known[s] = 1;
      return;
    }
    for (let c = 0; c < d; c++) this.x[base + c] = 0.5 * (this.x[base + c]! + query[c]!);
  }

  onPoll(node: number, instance: number, answers: Float64Array, _from: Int32Array, count: number): void {
    const s = this.slot(node, instance);
    const d = this.layout.candidates;
    const base = s * d;
    let moved = 0;
    for (let a = 0; a < count; a++) {
      if (!this.isValid(answers, a * d)) {
        this.rejected++;
        continue;
      }
      for (let c = 0; c < d; c++) {
        const next = 0.5 * (this.x[base + c]! + answers[a * d + c]!);
        moved = Math.max(moved, Math.abs(next - this.x[base + c]!));
        this.x[base + c] = next;
      }
    }
    if (count === 0) return;
    this.quiet[s] = moved < this.params.tolerance ? this.quiet[s]! + 1 : 0;
    if (this.quiet[s]! >= this.params.beta) {
      this.finalized[s] = 1;
      this.decided[s] = this.argmax(base);
    }
  }

  private isValid(v: Float64Array, offset: number): boolean {
    let sum = 0;
    for (let c = 0; c < this.layout.candidates; c++) {
      const e = v[offset + c]!;
      if (!(e >= 0 && e <= 1)) return false;
      sum += e;
    }
    return Math.abs(sum - 1) <= 1e-9;
  }

  private argmax(base: number): number {
    let best = 0;
    for (let c = 1; c < this.layout.candidates; c++) if (this.x[base + c]! > this.x[base + best]!) best = c;
    return best;
  }

  preference(node: number, instance: number): number {
    const s = this.slot(node, instance);
    if (this.finalized[s] === 1) return this.decided[s]!;
    return this.known[s] === 1 ? this.argmax(s * this.layout.candidates) : NO_CANDIDATE;
  }

  isFinal(node: number, instance: number): boolean {
    return this.finalized[this.slot(node, instance)] === 1;
  }

  observe(): Record<string, number> {
    return { rejectedVectors: this.rejected };
  }
}

export const gossipAvg: ConsensusProtocol<GossipAvgParams> = {
  name: "gossip-avg",
  description: "push-pull gossip averaging (Boyd et al. 2006), the classical diffusion baseline",
  params: gossipAvgParams,
  answerWidth: (d) => d,
  sampleSize: () => 1,
  exchange: true,
  answerFor: (candidate, d, out) => {
    for (let c = 0; c < d; c++) out[c] = c === candidate ? 1 : 0;
  },
  observables: ["rejectedVectors"],
  createState: (layout, params) => new GossipAvgState(layout, params),
};
