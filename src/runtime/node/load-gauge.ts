/**
 * How loaded the poll loop is, and what follows from it: the poll timeout and whether new
 * client work is refused.
 *
 * Why (docs/throughput.md, "The 16-node collapse, diagnosed"): on an overloaded machine a
 * node's answers come late because its CPU is busy, not because its peers are gone. With a
 * fixed 1 s poll timeout, once rounds outlast it every answer times out, every poll fails,
 * the backlog grows and the next rounds are slower still: a metastable collapse to zero
 * finalized. Two standard remedies, both here:
 *
 * - **Adaptive timeout**, as avalanchego's `timeout.Manager` and TCP's retransmission timer
 *   (RFC 6298: SRTT + 4·RTTVAR): the larger of a coefficient (2) times an exponentially
 *   decaying average of observed answer latencies and that average plus 4 of their
 *   decaying standard deviations (half-life 10 s of clock time; RFC 6298's mean deviation
 *   is the cheap integer stand-in for it), clamped to [`pollTimeoutMs`,
 *   `maxPollTimeoutMs`]. Only answers that arrived are observed: a partitioned peer's
 *   silence does not stretch the timeout (avalanchego observes timeouts too; then a
 *   partition would slow every later poll). The floor is low (250 ms): a poll round whose
 *   outcome is still open waits for its last answer, so with a 1 s floor every round that
 *   lost an answer took a second. Measured 2026-12-05 (30 node cores, 100 sets, 1% loss):
 *   finality p50 2.6 → 1.7 s, p99 10.9 → 6.8 s, 30% fewer simulator events
 *   (docs/throughput.md, "The poll timeout's floor").
 * - **Admission control** by Little's law (queueing delay = backlog ÷ throughput): a
 *   client submission that opens a new set is refused as `overloaded` (HTTP 503 with
 *   Retry-After) while the undecided sets exceed what this node finalizes in
 *   `maxQueueDelayMs` at its recent rate (a decaying count, half-life 3 s), and at least
 *   `minAdmitted`. The offered load is then shed at the edge instead of growing a backlog
 *   no round can get through, and finality latency stays near `maxQueueDelayMs`. Gossip
 *   from peers is still taken: it is other nodes' admitted work, which every node must
 *   decide. (A first version keyed admission to the poll-round duration; on 16 processes
 *   sharing 2 cores a round is slow even with nothing pending — each answer waits for its
 *   process to be scheduled — so it shed 90% of a 20 tx/s load the network could carry.)
 *
 * Pure: time comes from the caller (the node's injected clock).
 */
export class LoadGauge {
  private latencyAvg = 0;
  /** decaying weighted sum of squared deviations (West's incremental weighted variance) */
  private latencySq = 0;
  private latencyWeight = 0;
  private latencyAt = 0;
  private roundAvg = 0;
  private rounds = 0;
  private finalizedDecayed = 0;
  private finalizedSeen = 0;
  private finalizedAt = 0;

  constructor(
    /** the floor of the poll timeout (the configured `pollTimeoutMs`) */
    readonly minTimeoutMs: number,
    /** its ceiling */
    readonly maxTimeoutMs: number,
    /** the queueing delay admission aims at (backlog ÷ recent finalization rate), ms; 0 = admit everything */
    readonly maxQueueDelayMs: number,
    /** undecided sets always admitted, whatever the rate (a burst at start, a network that just healed) */
    readonly minAdmitted: number,
    readonly coefficient = 2,
    readonly halfLifeMs = 10_000,
    /** half-life of the finalization rate: short, so admission follows a network that speeds up or stalls within seconds */
    readonly rateHalfLifeMs = 3000,
  ) {
    if (!(minTimeoutMs > 0 && maxTimeoutMs >= minTimeoutMs)) throw new RangeError(`poll timeout bounds must satisfy 0 < ${minTimeoutMs} <= ${maxTimeoutMs}`);
  }

  /** An answer arrived `latencyMs` after its request, at clock time `now`. */
  observeLatency(latencyMs: number, now: number): void {
    const decay = this.latencyWeight === 0 ? 0 : Math.pow(2, -Math.max(0, now - this.latencyAt) / this.halfLifeMs);
    const w = this.latencyWeight * decay;
    const before = this.latencyAvg;
    this.latencyAvg = (before * w + latencyMs) / (w + 1);
    this.latencySq = this.latencySq * decay + (latencyMs - before) * (latencyMs - this.latencyAvg);
    this.latencyWeight = w + 1;
    this.latencyAt = now;
  }

  /** The poll timeout now, ms. */
  timeoutMs(): number {
    const avg = this.latencyAvg;
    const sd = this.latencyWeight > 0 ? Math.sqrt(Math.max(0, this.latencySq) / this.latencyWeight) : 0;
    const rto = Math.max(this.coefficient * avg, avg + 4 * sd);
    return Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, Math.ceil(rto)));
  }

  /** A poll round took `ms` (an exponential moving average over rounds, weight 1/8; a metric). */
  observeRound(ms: number): void {
    this.roundAvg = this.rounds === 0 ? ms : this.roundAvg + (ms - this.roundAvg) / 8;
    this.rounds++;
  }

  /** The smoothed poll-round duration, ms (0 before the first round). */
  roundMs(): number {
    return this.roundAvg;
  }

  /** The node has finalized `total` sets so far (a counter), at clock time `now`. */
  observeFinalized(total: number, now: number): void {
    const decay = Math.pow(2, -Math.max(0, now - this.finalizedAt) / this.rateHalfLifeMs);
    this.finalizedDecayed = this.finalizedDecayed * decay + Math.max(0, total - this.finalizedSeen);
    this.finalizedSeen = total;
    this.finalizedAt = now;
  }

  /** Sets finalized per second lately (a steady rate r reads as r once a few half-lives have passed). */
  finalizedPerSecond(now: number): number {
    const decay = Math.pow(2, -Math.max(0, now - this.finalizedAt) / this.rateHalfLifeMs);
    return (this.finalizedDecayed * decay * Math.LN2 * 1000) / this.rateHalfLifeMs;
  }

  /** The backlog admission allows now: `minAdmitted`, or the recent rate × `maxQueueDelayMs`. */
  admissible(now: number): number {
    return Math.max(this.minAdmitted, Math.floor((this.finalizedPerSecond(now) * this.maxQueueDelayMs) / 1000));
  }

  /** Why a new set from a client is refused with `pending` undecided sets, or null when it is not. */
  overloaded(pending: number, now: number): string | null {
    if (this.maxQueueDelayMs <= 0) return null;
    const limit = this.admissible(now);
    if (pending < limit) return null;
    const rate = this.finalizedPerSecond(now);
    return `${pending} undecided conflict sets, and this node finalizes ${rate.toFixed(1)}/s lately: more would wait over ${this.maxQueueDelayMs / 1000} s; try again shortly`;
  }
}
