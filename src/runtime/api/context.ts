/**
 * The state one running API server shares with its parts: the resolved bounds, the
 * per-address guard, the open event streams and the server's own counters. Every handler
 * receives it, so it lives apart from the server that builds it (the handlers would
 * otherwise import the server, and the server them).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeFacade } from "./facade.js";
import type { AddressGuard, ThrottleReason } from "./guard.js";
import type { Histogram, SignatureCountsView } from "./metrics.js";

/** One open `/v1/events` stream. */
export interface EventStream {
  readonly res: ServerResponse;
  /** queue one preformatted SSE block, or drop the client when it is too slow */
  send(chunk: string): void;
}

/** What the server itself counts (exposed on `/v1/metrics` beside the node's samples). */
export interface ServerStats {
  /** 408s: headers or body not received in time */
  requestTimeouts: number;
  /** connections refused by the per-address cap */
  connectionsRefused: number;
  /** event streams refused by the stream cap */
  streamsRefused: number;
  /** event clients dropped for reading too slowly, by reason */
  streamsDroppedBuffer: number;
  streamsDroppedStall: number;
  /** requests answered with a malformed-request status (they take the address's malformed budget) */
  malformed: number;
  /** requests and connections answered 429, by the budget the address had exhausted */
  rateLimited: Record<ThrottleReason, number>;
}

export interface Context {
  readonly facade: NodeFacade;
  readonly maxBodyBytes: number;
  readonly log: (line: string) => void;
  readonly eventPingMs: number;
  readonly maxEventBufferBytes: number;
  readonly eventStallMs: number;
  readonly maxEventStreams: number;
  readonly bodyTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly guard: AddressGuard;
  readonly throttleDelayMs: number;
  /** open event streams, fed by the server's one facade subscription and ended cleanly by close() */
  readonly eventStreams: Set<EventStream>;
  readonly stats: ServerStats;
  readonly finality: Histogram;
  readonly signatureCounts: SignatureCountsView;
}

/** Answers one route; `param` is the route's decoded path parameter, "" when it has none. */
export type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, param: string) => void | Promise<void>;
