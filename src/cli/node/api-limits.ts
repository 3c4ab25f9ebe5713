/**
 * `entropic node`'s per-client-address budgets of the HTTP API (src/runtime/api/guard.ts):
 * two token buckets per address, one for every request and one for malformed requests.
 * While either is empty the address is throttled (each request answered 429 after 1 s).
 *
 *   --api-rate-limit N        requests per second per address (default 2000)
 *   --api-rate-burst N        that bucket's size (default 4000)
 *   --api-malformed-limit N   malformed requests per second per address (default 20)
 *   --api-malformed-burst N   that bucket's size (default 200)
 *
 * Checked before the node starts: a bad value is one line and exit 2.
 */
import { UsageError } from "../../core/errors.js";
import type { BucketConfig } from "../../runtime/api/guard.js";
import { DEFAULT_MALFORMED_LIMIT, DEFAULT_RATE_LIMIT } from "../../runtime/api/options.js";

/** The raw flag values (commander's strings; the defaults are filled in by the flags). */
export interface ApiLimitOptions {
  readonly apiRateLimit: string;
  readonly apiRateBurst: string;
  readonly apiMalformedLimit: string;
  readonly apiMalformedBurst: string;
}

/** What the node's API server is given (`startApiServer`'s `rateLimit`, `malformedLimit`). */
export interface ApiLimits {
  readonly rateLimit: BucketConfig;
  readonly malformedLimit: BucketConfig;
}

/** The flags with their defaults, for `registerNode` (flag, value name, help, default). */
export const API_LIMIT_FLAGS: readonly (readonly [string, string, string])[] = [
  ["--api-rate-limit <per-second>", "HTTP API: requests per second per client address before it is answered 429", String(DEFAULT_RATE_LIMIT.perSecond)],
  ["--api-rate-burst <n>", "HTTP API: requests a client address may send at once (the bucket of --api-rate-limit)", String(DEFAULT_RATE_LIMIT.burst)],
  ["--api-malformed-limit <per-second>", "HTTP API: malformed requests per second per client address before it is answered 429", String(DEFAULT_MALFORMED_LIMIT.perSecond)],
  ["--api-malformed-burst <n>", "HTTP API: malformed requests a client address may send at once (the bucket of --api-malformed-limit)", String(DEFAULT_MALFORMED_LIMIT.burst)],
];

/** A rate: a finite number > 0 (fractions allowed: 0.5 is one request every 2 s). */
function rate(raw: string, flag: string): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of requests per second, got ${JSON.stringify(raw)}`);
  return n;
}

/** A bucket size: an integer ≥ 1. */
function burst(raw: string, flag: string): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of requests ≥ 1, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The API budgets the flags give.
 * @throws UsageError naming the flag, for a value that is not a positive rate or a bucket size ≥ 1
 */
export function parseApiLimits(o: ApiLimitOptions): ApiLimits {
  return {
    rateLimit: { perSecond: rate(o.apiRateLimit, "--api-rate-limit"), burst: burst(o.apiRateBurst, "--api-rate-burst") },
    malformedLimit: { perSecond: rate(o.apiMalformedLimit, "--api-malformed-limit"), burst: burst(o.apiMalformedBurst, "--api-malformed-burst") },
  };
}
