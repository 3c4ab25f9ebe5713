/**
 * What an operator may configure on the HTTP API server, and the defaults of every bound
 * (README "HTTP API", "Limits"). Kept apart from the server so the CLI (`entropic node`'s
 * `--api-*` flags) and tests can read the defaults without pulling in the server itself.
 */
import type { SignatureCountsView } from "./metrics.js";

/** Largest request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Interval of the `: ping` comment on idle event streams. */
export const DEFAULT_EVENT_PING_MS = 15_000;
/** Bytes an event stream may have queued for a slow client before it is disconnected. */
export const DEFAULT_MAX_EVENT_BUFFER_BYTES = 1024 * 1024;
/** Time allowed to receive a request's headers (slowloris bound), default 10 s. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Time allowed to receive a request's body once its headers are in, default 10 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
/** Open connections allowed from one remote address, default 1024 (`entropic load` keeps up to 512 submissions in flight, each may hold a connection). */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 1024;
/** Concurrent `/v1/events` streams, default 128. */
export const DEFAULT_MAX_EVENT_STREAMS = 128;
/** How long an event stream may stay backed up (its socket refusing more) before the client is dropped. */
export const DEFAULT_EVENT_STALL_MS = 30_000;
/**
 * Requests per second one client address may send, and its burst (default 2000/s, burst
 * 4000: far above what honest bulk clients send; `bench:devnet` submits up to 1600 tx/s
 * spread over the nodes).
 */
export const DEFAULT_RATE_LIMIT = { perSecond: 2000, burst: 4000 } as const;
/**
 * Malformed requests per second one client address may send, and its burst (default
 * 20/s, burst 200). Malformed: answered 400, 405, 408, 413, 415 or 431, or 404 for a
 * route that does not exist (a 404 for an unknown transaction or set does not count).
 */
export const DEFAULT_MALFORMED_LIMIT = { perSecond: 20, burst: 200 } as const;
/** How long a throttled address waits for its 429 (default 1 s). */
export const DEFAULT_THROTTLE_DELAY_MS = 1_000;
/**
 * After refusing an oversized or late body (or answering a socket directly), how long the
 * rest is discarded before the socket is cut. Fixed, not an option: it only bounds how
 * long a refused client may hold a socket.
 */
export const TOO_LARGE_GRACE_MS = 1_000;

export interface ApiServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Largest accepted request body in bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  readonly maxBodyBytes?: number;
  /** Receives one line per internal error or dropped client; nothing is printed otherwise. */
  readonly logger?: (line: string) => void;
  /** Interval of keep-alive comments on event streams (default {@link DEFAULT_EVENT_PING_MS}). */
  readonly eventPingMs?: number;
  /** Queued bytes after which a slow event client is dropped (default {@link DEFAULT_MAX_EVENT_BUFFER_BYTES}). */
  readonly maxEventBufferBytes?: number;
  /**
   * Backed-up time after which an event client is dropped even under the byte bound: its
   * socket has refused more data (the kernel's buffers are full) for this long without
   * draining (default {@link DEFAULT_EVENT_STALL_MS}).
   */
  readonly eventStallMs?: number;
  /** Concurrent event streams; one more is answered 503 `too-many-streams` (default {@link DEFAULT_MAX_EVENT_STREAMS}). */
  readonly maxEventStreams?: number;
  /** Time to receive a request's headers, else 408 (default {@link DEFAULT_HEADERS_TIMEOUT_MS}). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a request's body after its headers, else 408 (default {@link DEFAULT_BODY_TIMEOUT_MS}). */
  readonly bodyTimeoutMs?: number;
  /** Open connections per remote address; one more is answered 503 `too-many-connections` (default {@link DEFAULT_MAX_CONNECTIONS_PER_IP}). */
  readonly maxConnectionsPerIp?: number;
  /**
   * Per-address request budget, a token bucket (default {@link DEFAULT_RATE_LIMIT}). Over
   * it, or over {@link malformedLimit}, the address is throttled: each of its requests is
   * answered 429 `rate-limited` after {@link throttleDelayMs}, unread, and its connection closed.
   */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  /** Per-address budget of malformed requests (default {@link DEFAULT_MALFORMED_LIMIT}). */
  readonly malformedLimit?: { readonly perSecond: number; readonly burst: number };
  /** Delay before a throttled address is answered 429 (default {@link DEFAULT_THROTTLE_DELAY_MS}). */
  readonly throttleDelayMs?: number;
  /**
   * The counts behind `entropic_signature_verifications_total` (default: the process-wide
   * `nodeSignatures.verifications`, which count every verification the node makes).
   */
  readonly signatureCounts?: SignatureCountsView;
}

/** A configured bound must be a positive number: a typo must not silently disable it. */
export function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`api server: ${name} must be a positive number, got ${value}`);
  return value;
}
