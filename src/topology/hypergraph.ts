/**
 * Temporal hypergraphs: interaction events among k nodes at random times, the T-M.E.S.H.
 * model of "simultaneous multi-agent information exchanges at time τ". With k = 2 the
 * events are the pairwise gossip contacts.
 */
import { type Rng, randomExponential } from "../core/prng.js";

/** Parameters of {@link temporalHypergraph}. */
export interface TemporalHypergraphSpec {
  /** number of nodes, ≥ 2 */
  readonly n: number;
  /** members per event, 2 ≤ k ≤ n */
  readonly k: number;
  /** expected events per unit time across the whole network (> 0) */
  readonly rate: number;
  /** events are generated in [0, horizon) */
  readonly horizon: number;
}

/**
 * Hyperedge events sorted by time, in structure-of-arrays form: event e happens at
 * `times[e]` among the nodes `members[e·k .. e·k + k)`.
 */
export interface TemporalHypergraph {
  readonly n: number;
  readonly k: number;
  readonly horizon: number;
  /** event times, strictly increasing in practice (non-decreasing in general), in [0, horizon) */
  readonly times: Float64Array;
  /** k distinct node ids per event, in draw order (members[e·k] can be read as the initiator) */
  readonly members: Int32Array;
}

/** Largest number of member entries (events × k) a hypergraph holds: 2^28, 1 GiB of ids. */
export const MAX_HYPERGRAPH_ENTRIES = 2 ** 28;

/**
 * Events at the times of a Poisson process with the given rate (exponential inter-arrival
 * times, mean 1/rate) up to `horizon`, each among k distinct nodes chosen uniformly at
 * random. The member tuple is uniform over ordered k-tuples, so every node is equally likely
 * in every position. Per event the draws are: one `nextFloat()` for the waiting time, then
 * the members — `nextInt(n)` with rejection of repeats when k is small, otherwise a partial
 * Fisher–Yates shuffle (`nextInt(n − i)` for i < k) of a persistent permutation. The final
 * waiting time that overshoots the horizon is drawn and discarded.
 */
export function temporalHypergraph(spec: TemporalHypergraphSpec, rng: Rng): TemporalHypergraph {
  const { n, k, rate, horizon } = spec;
  if (!Number.isInteger(n) || n < 2 || n > 0x7fffffff) throw new RangeError(`temporalHypergraph: n must be an integer in [2, 2147483647], got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`temporalHypergraph: k must be an integer in [2, n = ${n}], got ${k}`);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`temporalHypergraph: rate must be a finite number > 0, got ${rate}`);
  if (!(horizon >= 0) || !Number.isFinite(horizon)) throw new RangeError(`temporalHypergraph: horizon must be a finite number ≥ 0, got ${horizon}`);

  const expected = rate * horizon;
  if (expected * k > MAX_HYPERGRAPH_ENTRIES) {
    throw new RangeError(`temporalHypergraph: rate·horizon·k = ${expected * k} member entries expected, more than the limit ${MAX_HYPERGRAPH_ENTRIES}; lower rate or horizon`);
  }
  let capacity = Math.max(16, Math.min(Math.ceil(expected + 6 * Math.sqrt(expected) + 16), Math.floor((1 << 26) / k)));
  let times = new Float64Array(capacity);
  let members = new Int32Array(capacity * k);
  let count = 0;

  // Rejection is cheap while repeats are rare; past that a partial shuffle keeps each event O(k).
  const useRejection = k <= 16 && 4 * k <= n;
  const perm = useRejection ? undefined : Int32Array.from({ length: n }, (_, i) => i);

  let t = 0;
  for (;;) {
    t += randomExponential(rng, rate);
    if (!(t < horizon)) break;
    if (count === capacity) {
      const maxEvents = Math.floor(MAX_HYPERGRAPH_ENTRIES / k);
      if (capacity >= maxEvents) throw new RangeError(`temporalHypergraph: more than ${maxEvents} events; lower rate or horizon`);
      capacity = Math.min(2 * capacity, maxEvents);
      const nt = new Float64Array(capacity);
      nt.set(times);
      times = nt;
      const nm = new Int32Array(capacity * k);
      nm.set(members);
      members = nm;
    }
    times[count] = t;
    const base = count * k;
    if (perm === undefined) {
      let filled = 0;
      while (filled < k) {
        const x = rng.nextInt(n);
        let seen = false;
        for (let i = 0; i < filled; i++) {
          if (members[base + i] === x) {
            seen = true;
            break;
          }
        }
        if (!seen) members[base + filled++] = x;
      }
    } else {
      for (let i = 0; i < k; i++) {
        const j = i + rng.nextInt(n - i);
        const tmp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tmp;
        members[base + i] = perm[i]!;
      }
    }
    count++;
  }
  return { n, k, horizon, times: times.slice(0, count), members: members.slice(0, count * k) };
}

/** Number of events. */
export function eventCount(h: TemporalHypergraph): number {
  return h.times.length;
}

/** Members of event e (a view into `h.members`, not a copy). */
export function eventMembers(h: TemporalHypergraph, e: number): Int32Array {
  if (!Number.isInteger(e) || e < 0 || e >= h.times.length) throw new RangeError(`eventMembers: event ${e} out of range [0, ${h.times.length})`);
  return h.members.subarray(e * h.k, e * h.k + h.k);
}

/** First event index whose time is ≥ t (binary search). */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range `[start, end)` of the events with `from ≤ time < to`. */
export function eventsBetween(h: TemporalHypergraph, from: number, to: number): { start: number; end: number } {
  if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError("eventsBetween: bounds must be numbers");
  const start = lowerBound(h.times, from);
  return { start, end: Math.max(start, lowerBound(h.times, to)) };
}

/**
 * Events of integer tick `tick` when one tick lasts `tickDuration` time units: those with
 * `tick·d ≤ time < (tick+1)·d`. Consecutive ticks partition the events, so a driver that
 * walks ticks 0, 1, 2, … sees every event exactly once.
 */
export function eventsInTick(h: TemporalHypergraph, tick: number, tickDuration = 1): { start: number; end: number } {
  if (!Number.isInteger(tick)) throw new RangeError(`eventsInTick: tick must be an integer, got ${tick}`);
  if (!(tickDuration > 0) || !Number.isFinite(tickDuration)) throw new RangeError(`eventsInTick: tickDuration must be a finite number > 0, got ${tickDuration}`);
  return eventsBetween(h, tick * tickDuration, (tick + 1) * tickDuration);
}
