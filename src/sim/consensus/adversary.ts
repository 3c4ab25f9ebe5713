/**
 * Faulty and Byzantine nodes. An adversarial node does not run the protocol; the driver
 * asks its strategy what to answer and encodes the answer in the protocol's own language
 * (`ConsensusProtocol.answerFor`), so every protocol faces the same attacks.
 *
 * - crash: never answers.
 * - stubborn: always answers the candidate fewest honest nodes first saw.
 * - random: a uniformly random candidate per answer.
 * - equivocate: different answers to different askers in the same round (asker parity),
 *   which, with signed answers, is a provable equivocation. With `flipEachRound` (the
 *   event driver) the side an asker sees also alternates from round to round, so one
 *   receiver that asks twice can hold two conflicting statements: the event driver has
 *   no global view, each receiver compares only what it received itself.
 * - balance: the balancing attacker of Kniep, Sliwinski & Wattenhofer (ESORICS 2024):
 *   answers to keep honest preferences split. With full knowledge it answers the candidate
 *   currently held by the fewest honest nodes; with none (oblivious) it estimates the split
 *   only from the queries its nodes receive (adversary-oblivious.ts).
 */
import type { Rng } from "../../core/prng.js";
import type { Csr } from "../../topology/csr.js";
import { createObliviousBalance } from "./adversary-oblivious.js";
import type { AdversarySpec } from "./setting.js";

/** Strategy output meaning "no answer". */
export const SILENT = -2;

/** Choose which nodes are adversarial: a random sample, or the highest-degree nodes. */
export function placeAdversaries(graph: Csr, spec: AdversarySpec, rng: Rng): Uint8Array {
  const n = graph.n;
  const bad = new Uint8Array(n);
  if (spec.type === "none" || spec.share === 0) return bad;
  const count = Math.min(n - 1, Math.round(spec.share * n));
  if (spec.placement === "hubs") {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => graph.offsets[b + 1]! - graph.offsets[b]! - (graph.offsets[a + 1]! - graph.offsets[a]!) || a - b);
    for (let i = 0; i < count; i++) bad[order[i]!] = 1;
    return bad;
  }
  // Partial Fisher–Yates: the first `count` of a random permutation.
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
    bad[ids[i]!] = 1;
  }
  return bad;
}

/** What an adversarial node answers. */
export interface AdversaryStrategy {
  /** called once per round before any poll, with honest preference counts per instance (instance × candidates) */
  beginRound(honestCounts: Int32Array): void;
  /** candidate to answer `asker` about `instance`, or SILENT */
  answer(asker: number, askerPreference: number, instance: number, round: number): number;
}

/** Driver-specific strategy options. */
export interface StrategyOptions {
  /** equivocate: alternate the side shown to an asker every round ((asker + round) parity) */
  readonly flipEachRound?: boolean;
}

export function createStrategy(
  spec: AdversarySpec,
  candidates: number,
  initialHonestCounts: Int32Array,
  rng: Rng,
  options: StrategyOptions = {},
): AdversaryStrategy {
  if (spec.type === "balance" && spec.knowledge === "none") return createObliviousBalance(candidates, initialHonestCounts);
  const flip = options.flipEachRound === true;
  const instances = initialHonestCounts.length / candidates;
  const leastHeld = (counts: Int32Array, instance: number): number => {
    let best = candidates - 1;
    for (let c = candidates - 1; c >= 0; c--) if (counts[instance * candidates + c]! < counts[instance * candidates + best]!) best = c;
    return best;
  };
  const minority = Int32Array.from({ length: instances }, (_, k) => leastHeld(initialHonestCounts, k));
  let current = initialHonestCounts;
  return {
    beginRound(counts) {
      current = counts;
    },
    answer(asker, _askerPreference, instance, round) {
      switch (spec.type) {
        case "none":
        case "crash":
          return SILENT;
        case "stubborn":
          return minority[instance]!;
        case "random":
          return rng.nextInt(candidates);
        case "equivocate":
          return (flip ? (asker + round) % 2 : asker % 2) === 0 ? minority[instance]! : (minority[instance]! + 1) % candidates;
        case "balance":
          return leastHeld(current, instance);
      }
    },
  };
}
