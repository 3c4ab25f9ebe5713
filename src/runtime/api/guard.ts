/**
 * Per-address request budgets of the HTTP API (issue 14 §4: keep the consensus path
 * responsive under API abuse). The node's HTTP handling shares one event loop with
 * consensus; what an abusive client costs is the number of requests the node answers for
 * it, so the lever is how many it is answered at full cost.
 *
 * Each client address has two token buckets:
 *  - `requests`: every request takes a token (a generous bound, for floods of well-formed
 *    requests; honest bulk clients such as `entropic load` stay far below it);
 *  - `malformed`: every malformed request (bad JSON, schema failure, bad signature, bad
 *    CID or key, unknown route, wrong method, oversized or late request) takes a token
 *    (a tight bound: an honest client sends few of those).
 * While either bucket holds less than one token the address is throttled: each of its
 * requests is answered 429 `rate-limited`, unread and unrouted, only after a delay, and
 * the connection is closed (see throttle.ts). A client that waits for its answers, as most
 * do, is thereby slowed to its concurrency per delay instead of as fast as it is answered.
 *
 * The clock is injected (milliseconds, monotonic); the server passes `performance.now`.
 * The budgets are `startApiServer`'s `rateLimit` and `malformedLimit`; `entropic node` sets
 * them with `--api-rate-limit`/`--api-rate-burst` and `--api-malformed-limit`/`--api-malformed-burst`
 * (src/cli/node/api-limits.ts).
 */

export interface BucketConfig {
  /** tokens added per second */
  readonly perSecond: number;
  /** the bucket's size (and its content for an address not seen before) */
  readonly burst: number;
}

export interface GuardConfig {
  readonly requests: BucketConfig;
  readonly malformed: BucketConfig;
}

/** Why an address is throttled. */
export type ThrottleReason = "rate" | "malformed";

interface Entry {
  requests: number;
  malformed: number;
  /** clock time the tokens above were computed at */
  at: number;
}

/** Entries kept before idle ones are swept (a sweep runs at most once per second beyond it). */
const SWEEP_ABOVE = 4096;
/**
 * Hard bound on entries: beyond it the oldest is forgotten (its budget starts afresh).
 * Only a client rotating through more addresses than this while over budget reaches it,
 * and per-address budgets cannot stop that client anyway.
 */
export const MAX_GUARD_ENTRIES = 65_536;

export class AddressGuard {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = -Infinity;

  constructor(
    private readonly config: GuardConfig,
    private readonly now: () => number,
  ) {
    for (const [name, b] of [
      ["requests", config.requests],
      ["malformed", config.malformed],
    ] as const) {
      if (!(Number.isFinite(b.perSecond) && b.perSecond > 0)) throw new RangeError(`api guard: ${name} perSecond must be a positive number, got ${b.perSecond}`);
      if (!(Number.isFinite(b.burst) && b.burst >= 1)) throw new RangeError(`api guard: ${name} burst must be a number ≥ 1, got ${b.burst}`);
    }
  }

  /** Addresses with state now (the others are at full budget). */
  get size(): number {
    return this.entries.size;
  }

  private entry(address: string): Entry {
    const t = this.now();
    let e = this.entries.get(address);
    if (e === undefined) {
      this.sweep(t);
      if (this.entries.size >= MAX_GUARD_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      e = { requests: this.config.requests.burst, malformed: this.config.malformed.burst, at: t };
      this.entries.set(address, e);
      return e;
    }
    const dt = Math.max(0, t - e.at) / 1000;
    e.requests = Math.min(this.config.requests.burst, e.requests + dt * this.config.requests.perSecond);
    e.malformed = Math.min(this.config.malformed.burst, e.malformed + dt * this.config.malformed.perSecond);
    e.at = t;
    return e;
  }

  /** Whether `address` is throttled now, and why; takes nothing. */
  throttled(address: string): ThrottleReason | undefined {
    if (!this.entries.has(address)) return undefined;
    const e = this.entry(address);
    return e.malformed < 1 ? "malformed" : e.requests < 1 ? "rate" : undefined;
  }

  /**
   * A request from `address` arrives: undefined when it may be served (a request token is
   * taken), else why it is refused (nothing is taken).
   */
  admit(address: string): ThrottleReason | undefined {
    const e = this.entry(address);
    if (e.malformed < 1) return "malformed";
    if (e.requests < 1) return "rate";
    e.requests -= 1;
    return undefined;
  }

  /** A request from `address` was malformed: take a malformed token (none below zero). */
  malformed(address: string): void {
    const e = this.entry(address);
    e.malformed = Math.max(0, e.malformed - 1);
  }

  /** Forget addresses whose buckets have refilled (their state equals a fresh one). */
  private sweep(t: number): void {
    if (this.entries.size < SWEEP_ABOVE || t - this.lastSweep < 1000) return;
    this.lastSweep = t;
    const { requests, malformed } = this.config;
    for (const [address, e] of this.entries) {
      const dt = Math.max(0, t - e.at) / 1000;
      if (e.requests + dt * requests.perSecond >= requests.burst && e.malformed + dt * malformed.perSecond >= malformed.burst) this.entries.delete(address);
    }
  }
}
