/**
 * A diagnostic model for the Kniep et al. reproduction, bench-side only: the oblivious
 * balancing attacker as it would be in SYNCHRONOUS rounds, where every undecided honest
 * node sends its K queries at the start of a round, naming its start-of-round preference,
 * and a rushing adversary reads all the queries its nodes received before answering any.
 *
 * entropic's cycle driver updates nodes one after another, so the query-only attacker of
 * src/sim/consensus/adversary-oblivious.ts can only tally queries that are up to a round
 * old. This model gives the attacker exactly the information of a synchronous round — the
 * preferences named in the queries it receives this round, no more — by drawing those
 * queries from the start-of-round state: each undecided honest node addresses
 * Binomial(K, a / (n − 1)) of its K queries to the a adversarial nodes. It is emulated
 * from honest state (so it is not oracle-free code); what it measures is the attacker whose
 * only knowledge is one round's queries, without the lag.
 */
import type { Rng } from "../../src/core/prng.js";
import type { AdversaryStrategy } from "../../src/sim/consensus/adversary.js";

/** What the model reads at the start of each round (the cycle driver's world). */
export interface SyncWorldView {
  readonly honestIds: Int32Array;
  readonly nodes: number;
  readonly state: { preference(node: number, instance: number): number; wantsPoll(node: number, instance: number): boolean };
}

export function createSynchronousOblivious(world: SyncWorldView, candidates: number, instances: number, adversaries: number, k: number, initialHonestCounts: Int32Array, rng: Rng): AdversaryStrategy {
  const tally = new Float64Array(instances * candidates);
  const p = adversaries / Math.max(1, world.nodes - 1);
  const choose = (instance: number): number => {
    const base = instance * candidates;
    let best = 0;
    for (let c = 1; c < candidates; c++) {
      const d = tally[base + c]! - tally[base + best]!;
      if (d < 0 || (d === 0 && initialHonestCounts[base + c]! < initialHonestCounts[base + best]!)) best = c;
    }
    return best;
  };
  return {
    beginRound() {
      tally.fill(0);
      for (const node of world.honestIds) {
        for (let inst = 0; inst < instances; inst++) {
          if (!world.state.wantsPoll(node, inst)) continue;
          const pref = world.state.preference(node, inst);
          if (pref < 0 || pref >= candidates) continue;
          let hits = 0;
          for (let q = 0; q < k; q++) if (rng.nextFloat() < p) hits++;
          tally[inst * candidates + pref]! += hits;
        }
      }
    },
    answer(_asker, _askerPreference, instance) {
      return choose(instance);
    },
  };
}

/**
 * The diagnostic beside it: the informed attacker fed the honest counts one round late
 * (at round r it answers from the counts at the start of round r − 1; first round: the
 * initial counts). Ties go as for the informed attacker (highest candidate index).
 */
export function createLaggedInformed(candidates: number, initialHonestCounts: Int32Array): AdversaryStrategy {
  let used = Int32Array.from(initialHonestCounts);
  let next = Int32Array.from(initialHonestCounts);
  return {
    beginRound(counts) {
      used = next;
      next = Int32Array.from(counts);
    },
    answer(_asker, _askerPreference, instance) {
      let best = candidates - 1;
      for (let c = candidates - 1; c >= 0; c--) if (used[instance * candidates + c]! < used[instance * candidates + best]!) best = c;
      return best;
    },
  };
}
