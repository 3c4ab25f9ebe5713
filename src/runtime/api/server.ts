/**
 * The live node's HTTP API on `node:http` (README "HTTP API"): this module starts and
 * stops the server and wires each request through admission (throttle.ts), routing
 * (router.ts) and the handlers; the other parts live beside it. The server validates every
 * input, calls the {@link NodeFacade} and renders JSON; it never stores anything itself.
 * A request is refused (4xx, JSON error, the facade untouched) unless it is well formed:
 * the JSON transaction passes its strict schema AND its signature verifies, before the
 * node acts on it. No input makes a handler throw past the top-level catch, which turns
 * a facade failure into a 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { nodeSignatures } from "../crypto-node.js";
import { capConnectionsPerAddress, onClientError } from "./connections.js";
import type { Context } from "./context.js";
import { onNodeEvent } from "./event-streams.js";
import type { NodeFacade } from "./facade.js";
import { AddressGuard } from "./guard.js";
import { finalityLatencyHistogram } from "./metrics.js";
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_EVENT_PING_MS,
  DEFAULT_EVENT_STALL_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MALFORMED_LIMIT,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_MAX_EVENT_BUFFER_BYTES,
  DEFAULT_MAX_EVENT_STREAMS,
  DEFAULT_RATE_LIMIT,
  DEFAULT_THROTTLE_DELAY_MS,
  positive,
  type ApiServerOptions,
} from "./options.js";
import { declaredLength } from "./request-body.js";
import { errorMessage, isMarkedMalformed, sendError } from "./responses.js";
import { dispatch } from "./router.js";
import { throttleRequest } from "./throttle.js";

/** On close, how long event streams may take to flush their end before connections are cut. */
const CLOSE_GRACE_MS = 1_000;

export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Event streams open now. */
  eventStreamCount(): number;
  /** Stop listening, end event streams and close every connection. */
  close(): Promise<void>;
}

/**
 * Every request's entry: a throttled address is answered 429 and nothing more; otherwise
 * the request is routed, a reply marked malformed is charged to the address once it is
 * done, and a handler failure becomes a 500 (or a cut connection once a reply has begun).
 */
function onRequest(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  const address = req.socket.remoteAddress ?? "?";
  const refused = ctx.guard.admit(address);
  if (refused !== undefined) {
    throttleRequest(ctx, req, res, refused);
    return;
  }
  res.once("close", () => {
    if (!isMarkedMalformed(res)) return;
    ctx.stats.malformed++;
    ctx.guard.malformed(address);
  });
  dispatch(ctx, req, res).catch((error: unknown) => {
    ctx.log(`api: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) res.destroy();
    else sendError(res, 500, "internal", `internal error: ${errorMessage(error)}`);
  });
}

function baseUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Serve the HTTP API of `facade`. Resolves once listening; `close()` ends every
 * connection, event streams included.
 */
export async function startApiServer(facade: NodeFacade, options: ApiServerOptions = {}): Promise<ApiServer> {
  const signatureCounts = options.signatureCounts ?? nodeSignatures.verifications;
  const ctx: Context = {
    facade,
    maxBodyBytes: positive("maxBodyBytes", options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    log: options.logger ?? (() => {}),
    eventPingMs: positive("eventPingMs", options.eventPingMs ?? DEFAULT_EVENT_PING_MS),
    maxEventBufferBytes: positive("maxEventBufferBytes", options.maxEventBufferBytes ?? DEFAULT_MAX_EVENT_BUFFER_BYTES),
    eventStallMs: positive("eventStallMs", options.eventStallMs ?? DEFAULT_EVENT_STALL_MS),
    maxEventStreams: positive("maxEventStreams", options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS),
    headersTimeoutMs: positive("headersTimeoutMs", options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: positive("bodyTimeoutMs", options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS),
    guard: new AddressGuard(
      {
        requests: options.rateLimit ?? DEFAULT_RATE_LIMIT,
        malformed: options.malformedLimit ?? DEFAULT_MALFORMED_LIMIT,
      },
      () => performance.now(),
    ),
    throttleDelayMs: positive("throttleDelayMs", options.throttleDelayMs ?? DEFAULT_THROTTLE_DELAY_MS),
    eventStreams: new Set(),
    stats: {
      requestTimeouts: 0,
      connectionsRefused: 0,
      streamsRefused: 0,
      streamsDroppedBuffer: 0,
      streamsDroppedStall: 0,
      malformed: 0,
      rateLimited: { rate: 0, malformed: 0 },
    },
    finality: finalityLatencyHistogram(),
    signatureCounts,
  };
  const maxConnectionsPerIp = positive("maxConnectionsPerIp", options.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP);
  const server: Server = createServer(
    {
      // Node checks these on a timer; check often enough that the bounds hold to ~25%.
      headersTimeout: ctx.headersTimeoutMs,
      // The whole request (headers and body); the handler's own body deadline is the tighter one.
      requestTimeout: ctx.headersTimeoutMs + ctx.bodyTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(ctx.headersTimeoutMs / 4))),
    },
    (req, res) => onRequest(ctx, req, res),
  );
  capConnectionsPerAddress(ctx, server, maxConnectionsPerIp);
  // Answer `Expect: 100-continue` with 413 at once when the declared body is too big.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const declared = declaredLength(req);
    if (declared === undefined || !(declared > ctx.maxBodyBytes)) res.writeContinue();
    onRequest(ctx, req, res);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => onClientError(ctx, error, socket));

  const unsubscribe = facade.subscribe((event) => onNodeEvent(ctx, event));
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      unsubscribe();
      reject(error);
    };
    server.once("error", failed);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl(address),
    port: address.port,
    eventStreamCount: () => ctx.eventStreams.size,
    close(): Promise<void> {
      closing ??= (async () => {
        unsubscribe();
        const stopped = new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
        server.closeIdleConnections();
        // End event streams cleanly, so clients see the end of the stream rather than a reset.
        const ended = [...ctx.eventStreams].map(({ res }) => new Promise<void>((resolve) => res.end(resolve)));
        await Promise.race([Promise.all(ended), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
