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
 * - **Adaptive timeout**, as avalanchego's `timeout.Manager`: the timeout is a coefficient
 *   (2) times an exponentially decaying average of observed answer latencies (half-life
 *   10 s of clock time), clamped to [`pollTimeoutMs`, `maxPollTimeoutMs`]. Only answers
 *   that arrived are observed: a partitioned peer's silence does not stretch the timeout
 *   (avalanchego observes timeouts too; then a partition would slow every later poll).
 *   With the usual sub-second latencies the timeout stays at `pollTimeoutMs`, so runs that
 *   are not overloaded behave as before.
 * - **Admission control**: while the smoothed poll-round duration exceeds
 *   `overloadRoundMs`, client submissions are refused as `overloaded` (HTTP 503 with
 *   Retry-After), so the offered load is shed at the edge instead of growing a backlog
 *   that no round can get through. Gossip from peers is still taken: it is other nodes'
 *   admitted work, which every node must decide.
 *
 * Pure: time comes from the caller (the node's injected clock).
 */
export class LoadGauge {
  private latencyAvg = 0;
  private latencyWeight = 0;
  private latencyAt = 0;
  private roundAvg = 0;
  private rounds = 0;

  constructor(
    /** the floor of the poll timeout (the configured `pollTimeoutMs`) */
    readonly minTimeoutMs: number,
    /** its ceiling */
    readonly maxTimeoutMs: number,
    /** smoothed round duration beyond which client work is refused; 0 = never */
    readonly overloadRoundMs: number,
    readonly coefficient = 2,
    readonly halfLifeMs = 10_000,
  ) {
    if (!(minTimeoutMs > 0 && maxTimeoutMs >= minTimeoutMs)) throw new RangeError(`poll timeout bounds must satisfy 0 < ${minTimeoutMs} <= ${maxTimeoutMs}`);
  }

  /** An answer arrived `latencyMs` after its request, at clock time `now`. */
  observeLatency(latencyMs: number, now: number): void {
    const decay = this.latencyWeight === 0 ? 0 : Math.pow(2, -Math.max(0, now - this.latencyAt) / this.halfLifeMs);
    const w = this.latencyWeight * decay;
    this.latencyAvg = (this.latencyAvg * w + latencyMs) / (w + 1);
    this.latencyWeight = w + 1;
    this.latencyAt = now;
  }

  /** The poll timeout now, ms. */
  timeoutMs(): number {
    return Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, Math.ceil(this.coefficient * this.latencyAvg)));
  }

  /** A poll round took `ms` (an exponential moving average over rounds, weight 1/8). */
  observeRound(ms: number): void {
    this.roundAvg = this.rounds === 0 ? ms : this.roundAvg + (ms - this.roundAvg) / 8;
    this.rounds++;
  }

  /** The smoothed poll-round duration, ms (0 before the first round). */
  roundMs(): number {
    return this.roundAvg;
  }

  /** Why client work is refused now, or null when it is not. */
  overloaded(): string | null {
    if (this.overloadRoundMs <= 0 || this.roundAvg <= this.overloadRoundMs) return null;
    return `poll rounds take ${Math.round(this.roundAvg)} ms (limit ${this.overloadRoundMs} ms): the node cannot keep up; try again shortly`;
  }
}
