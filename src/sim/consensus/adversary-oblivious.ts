/**
 * The oblivious balancing attacker (the "simple" adversary of Kniep, Laval, Sliwinski &
 * Wattenhofer, ESORICS 2024): it sees nothing of the honest state but the queries its own
 * nodes receive. A query names the asker's current preference (as an avalanchego query
 * names the block the asker prefers), so the adversary — one entity controlling all its
 * nodes — tallies the preferences named in the queries it received in a sliding window
 * (the previous round's queries plus the current round's so far), and answers every asker
 * with the candidate that tally says is least held. (Measured on Snowball at n = 2000:
 * the previous round alone, or the current round alone, make a weaker attacker; the cycle
 * driver updates nodes in place, so a round-old tally lags the state the informed
 * attacker reads at the start of each round.) It never answers per asker (it does not
 * answer "the opposite of what you told me"), and it never reads honest state directly.
 *
 * Ties in the estimate go to the candidate held by fewest honest nodes at first sight
 * (known from the workload, like the stubborn attacker's minority), then to the lowest
 * index. Queries from askers that hold no candidate carry no information and are not
 * counted. Deterministic: no randomness.
 */
import type { AdversaryStrategy } from "./adversary.js";

export function createObliviousBalance(candidates: number, initialHonestCounts: Int32Array): AdversaryStrategy {
  const instances = initialHonestCounts.length / candidates;
  /** queries tallied in the current round, and in the last round that had any (per instance) */
  const current = new Float64Array(instances * candidates);
  const previous = new Float64Array(instances * candidates);
  const blend = new Float64Array(instances * candidates);
  let round = -1;
  const initial = initialHonestCounts;
  const choose = (tally: Float64Array, instance: number): number => {
    const base = instance * candidates;
    let best = 0;
    for (let c = 1; c < candidates; c++) {
      const d = tally[base + c]! - tally[base + best]!;
      if (d < 0 || (d === 0 && initial[base + c]! < initial[base + best]!)) best = c;
    }
    return best;
  };
  return {
    beginRound() {},
    answer(_asker, askerPreference, instance, r) {
      if (r !== round) {
        // A new round: each instance queried last round takes last round's tally as its estimate.
        for (let k = 0; k < instances; k++) {
          const base = k * candidates;
          let any = 0;
          for (let c = 0; c < candidates; c++) any += current[base + c]!;
          if (any === 0) continue;
          for (let c = 0; c < candidates; c++) previous[base + c] = current[base + c]!;
        }
        current.fill(0);
        round = r;
      }
      if (askerPreference >= 0 && askerPreference < candidates) current[instance * candidates + askerPreference]! += 1;
      const base = instance * candidates;
      for (let c = 0; c < candidates; c++) blend[base + c] = current[base + c]! + previous[base + c]!;
      return choose(blend, instance);
    },
  };
}
