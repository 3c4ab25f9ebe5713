/**
 * The live node's HTTP API on `node:http` (README "HTTP API"). The server validates every
 * input, calls the {@link NodeFacade} and renders JSON; it never stores anything itself.
 * A request is refused (4xx, JSON error, the facade untouched) unless it is well formed:
 * the JSON transaction passes its strict schema AND its signature verifies here, before
 * the node sees it. No input makes a handler throw past the top-level catch, which turns
 * a facade failure into a 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { parseCid } from "../../core/codec.js";
import { DecodeError } from "../../core/errors.js";
import { parseConflictKey, type Tx } from "../../core/tx.js";
import { nodeSignatures } from "../crypto-node.js";
import type { MetricSample, NodeEvent, NodeFacade, SubmitResult } from "./facade.js";
import { txFromJson, txJsonSchema } from "./json.js";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./prometheus.js";
import { openApiDocument } from "./openapi.js";
import {
  finalityLatencyHistogram,
  signatureSamples,
  toBaseUnits,
  type Histogram,
  type SignatureCountsView,
} from "./metrics.js";
import { AddressGuard, type ThrottleReason } from "./guard.js";
import { formatSseComment, formatSseEvent } from "./sse.js";
import { conflictViewToJson, txViewToJson, type ApiErrorBody, type ApiErrorCode, type SubmitResponse } from "./wire.js";

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
/** After refusing an oversized or late body, how long the rest is discarded before the socket is cut. */
const TOO_LARGE_GRACE_MS = 1_000;
/** On close, how long event streams may take to flush their end before connections are cut. */
const CLOSE_GRACE_MS = 1_000;

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

export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Event streams open now. */
  eventStreamCount(): number;
  /** Stop listening, end event streams and close every connection. */
  close(): Promise<void>;
}

/** One open `/v1/events` stream. */
interface EventStream {
  readonly res: ServerResponse;
  /** queue one preformatted SSE block, or drop the client when it is too slow */
  send(chunk: string): void;
}

/** What the server itself counts (exposed on `/v1/metrics` beside the node's samples). */
interface ServerStats {
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

interface Context {
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

type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, param: string) => void | Promise<void>;

interface Route {
  /** the path as the OpenAPI document writes it (`{param}`) */
  readonly template: string;
  /** matches the path; group 1, when present, is the (still percent-encoded) parameter */
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
}

let openApiBody: string | undefined;

const ROUTES: readonly Route[] = [
  { template: "/v1/tx", pattern: /^\/v1\/tx$/, methods: { POST: submitTx } },
  { template: "/v1/tx/{cid}", pattern: /^\/v1\/tx\/([^/]+)$/, methods: { GET: getTx } },
  { template: "/v1/conflicts/{key}", pattern: /^\/v1\/conflicts\/([^/]+)$/, methods: { GET: getConflict } },
  { template: "/v1/status", pattern: /^\/v1\/status$/, methods: { GET: getStatus } },
  { template: "/v1/metrics", pattern: /^\/v1\/metrics$/, methods: { GET: getMetrics } },
  { template: "/v1/events", pattern: /^\/v1\/events$/, methods: { GET: streamEvents } },
  { template: "/v1/health", pattern: /^\/v1\/health$/, methods: { GET: (_ctx, _req, res) => sendJson(res, 200, { ok: true }) } },
  {
    template: "/v1/openapi.json",
    pattern: /^\/v1\/openapi\.json$/,
    methods: { GET: (_ctx, _req, res) => sendRawJson(res, (openApiBody ??= JSON.stringify(openApiDocument()))) },
  },
];

/** Every route the server answers, as `METHOD /template` (the OpenAPI test compares them with the document). */
export function apiRoutes(): string[] {
  return ROUTES.flatMap((r) => Object.keys(r.methods).map((m) => `${m} ${r.template}`));
}

// ---------------------------------------------------------------------------------------
// Responses

const COMMON_HEADERS = {
  // The dashboard is served from another port.
  "Access-Control-Allow-Origin": "*",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
} as const;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendRawJson(res: ServerResponse, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Error codes that mark a request malformed (they take the address's malformed budget). */
const MALFORMED_CODES: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>([
  "bad-json",
  "invalid",
  "bad-signature",
  "unsupported-media-type",
  "too-large",
  "method-not-allowed",
  "timeout",
  "bad-request",
]);

/** Set on a response that answered a malformed request. */
const MALFORMED = Symbol("malformed");
type Marked = ServerResponse & { [MALFORMED]?: true };

function markMalformed(res: ServerResponse): void {
  (res as Marked)[MALFORMED] = true;
}

function sendError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
  issues?: ApiErrorBody["error"]["issues"],
): void {
  if (MALFORMED_CODES.has(code)) markMalformed(res);
  const body: ApiErrorBody = { error: issues === undefined ? { code, message } : { code, message, issues } };
  sendJson(res, status, body, headers);
}

/** A client-supplied string, shortened for echoing in an error message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------
// Request bodies

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/**
 * Answer and close: the rest of the body is read and thrown away (a client that is still
 * sending can then read the answer instead of hitting a reset), for a short grace period
 * at most, after which the socket is cut.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendError(res, status, code, message, { ...headers, Connection: "close" });
  req.removeAllListeners("data");
  req.on("data", () => {});
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), TOO_LARGE_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

function refuseTooLarge(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  refuseBody(req, res, 413, "too-large", `request body exceeds ${ctx.maxBodyBytes} bytes`);
}

/**
 * The body, or undefined when it was refused (413 or 408 already sent) or the client went
 * away. The whole body must arrive within `bodyTimeoutMs` of the handler asking for it: a
 * client trickling bytes (or declaring more than it sends) gets 408 and the socket closes.
 */
function readBody(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > ctx.maxBodyBytes) {
    refuseTooLarge(ctx, req, res);
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(value);
    };
    const deadline = setTimeout(() => {
      if (settled) return;
      chunks.length = 0;
      ctx.stats.requestTimeouts++;
      refuseBody(req, res, 408, "timeout", `request body not received within ${ctx.bodyTimeoutMs} ms`);
      settle(undefined);
    }, ctx.bodyTimeoutMs);
    deadline.unref();
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > ctx.maxBodyBytes) {
        chunks.length = 0;
        refuseTooLarge(ctx, req, res);
        settle(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => settle(Buffer.concat(chunks, size)));
    req.on("error", () => settle(undefined));
    req.on("close", () => settle(undefined));
  });
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(";")[0]!.trim().toLowerCase() === "application/json";
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

// ---------------------------------------------------------------------------------------
// Handlers

async function submitTx(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isJsonContentType(req.headers["content-type"])) {
    sendError(res, 415, "unsupported-media-type", "Content-Type must be application/json");
    return;
  }
  const body = await readBody(ctx, req, res);
  if (body === undefined) return;

  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(body));
  } catch (error) {
    sendError(res, 400, "bad-json", `request body is not JSON: ${errorMessage(error)}`);
    return;
  }
  const parsed = txJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
    const summary = issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
    sendError(res, 400, "invalid", `invalid transaction: ${summary}`, {}, issues);
    return;
  }
  let tx: Tx;
  try {
    tx = txFromJson(parsed.data);
  } catch (error) {
    sendError(res, 400, "invalid", `invalid transaction: ${errorMessage(error)}`);
    return;
  }
  // The signature is checked once, by the node (NodeFacade.submitTx's contract), which
  // throws DecodeError("bad-signature"); checking it here too cost a second Ed25519
  // verification per submitted transaction (issue 11's walk through the code).
  let result: SubmitResult;
  try {
    result = await ctx.facade.submitTx(tx);
  } catch (error) {
    if (error instanceof DecodeError) {
      sendError(res, 400, error.reason === "bad-signature" ? "bad-signature" : "invalid", error.message);
      return;
    }
    throw error;
  }
  if (result.ok) {
    const reply: SubmitResponse = { cid: result.cid, conflict: result.conflict, status: result.status, isNew: result.isNew };
    sendJson(res, 202, reply);
  } else if (result.reason === "overloaded") {
    sendError(res, 503, "overloaded", result.detail, { "Retry-After": "1" });
  } else {
    sendError(res, 409, result.reason, result.detail);
  }
}

async function getTx(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): Promise<void> {
  let cid: string;
  try {
    cid = parseCid(param).toString();
  } catch (error) {
    sendError(res, 400, "invalid", `malformed CID ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.readTx ? await ctx.facade.readTx(cid) : ctx.facade.getTx(cid);
  if (view === undefined) sendError(res, 404, "not-found", `no transaction ${cid}`);
  else sendJson(res, 200, txViewToJson(view));
}

async function getConflict(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): Promise<void> {
  try {
    parseConflictKey(param);
  } catch (error) {
    sendError(res, 400, "invalid", `malformed conflict key ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.readConflict ? await ctx.facade.readConflict(param) : ctx.facade.getConflict(param);
  if (view === undefined) sendError(res, 404, "not-found", `no conflict set ${param}`);
  else sendJson(res, 200, conflictViewToJson(view));
}

function getStatus(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, ctx.facade.status());
}

/** The server's own samples: slow and hostile clients, event streams. */
function serverSamples(ctx: Context): MetricSample[] {
  const c = (name: string, help: string, value: number, labels?: Record<string, string>): MetricSample =>
    labels === undefined ? { name, help, type: "counter", value } : { name, help, type: "counter", value, labels };
  return [
    c("entropic_http_request_timeouts_total", "Requests answered 408 because their headers or body did not arrive in time.", ctx.stats.requestTimeouts),
    c("entropic_http_connections_refused_total", "Connections refused by the per-address connection cap.", ctx.stats.connectionsRefused),
    c("entropic_event_streams_refused_total", "Event streams refused (503) by the concurrent-stream cap.", ctx.stats.streamsRefused),
    c(
      "entropic_http_malformed_requests_total",
      "Requests answered 400, 405, 408, 413, 415 or 431, or 404 for no route; each takes its address's malformed budget.",
      ctx.stats.malformed,
    ),
    c(
      "entropic_http_requests_rate_limited_total",
      "Requests and connections answered 429 (after the throttle delay), by the per-address budget exhausted.",
      ctx.stats.rateLimited.malformed,
      { reason: "malformed" },
    ),
    c("entropic_http_requests_rate_limited_total", "", ctx.stats.rateLimited.rate, { reason: "rate" }),
    c("entropic_event_streams_dropped_total", "Event clients disconnected for reading too slowly, by reason.", ctx.stats.streamsDroppedBuffer, { reason: "buffer" }),
    c("entropic_event_streams_dropped_total", "", ctx.stats.streamsDroppedStall, { reason: "stall" }),
    { name: "entropic_event_streams", help: "Event streams open.", type: "gauge", value: ctx.eventStreams.size },
  ];
}

function getMetrics(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
  const text = renderPrometheus([
    ...toBaseUnits(ctx.facade.metrics()),
    ctx.finality.snapshot(),
    ...signatureSamples(ctx.signatureCounts),
    ...serverSamples(ctx),
  ]);
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": PROMETHEUS_CONTENT_TYPE, "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * `text/event-stream` of the node's events. The server's one facade subscription formats
 * each event once and hands it to every stream; a stream never blocks it: a client whose
 * queue outgrows `maxEventBufferBytes`, or whose socket stays backed up for
 * `eventStallMs`, is disconnected instead. Beyond `maxEventStreams` open streams a new
 * one is answered 503.
 */
function streamEvents(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  if (ctx.eventStreams.size >= ctx.maxEventStreams) {
    ctx.stats.streamsRefused++;
    sendError(res, 503, "too-many-streams", `this node serves at most ${ctx.maxEventStreams} event streams at once; retry later`, {
      "Retry-After": "5",
    });
    return;
  }
  let closed = false;
  /** when the socket first refused more data without draining since, or undefined */
  let backedUpSince: number | undefined;
  const who = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
  const drop = (reason: "buffer" | "stall", detail: string): void => {
    if (reason === "buffer") ctx.stats.streamsDroppedBuffer++;
    else ctx.stats.streamsDroppedStall++;
    ctx.log(`api: event client ${who} too slow (${detail}), disconnected`);
    finish();
    res.destroy();
  };
  const stream: EventStream = {
    res,
    send(chunk: string): void {
      if (closed) return;
      if (res.writableLength > ctx.maxEventBufferBytes) {
        drop("buffer", `${res.writableLength} bytes queued`);
        return;
      }
      if (backedUpSince !== undefined && performance.now() - backedUpSince > ctx.eventStallMs) {
        drop("stall", `backed up for ${performance.now() - backedUpSince} ms`);
        return;
      }
      if (!res.write(chunk)) backedUpSince ??= performance.now();
    },
  };
  res.on("drain", () => {
    backedUpSince = undefined;
  });
  const ping = setInterval(() => stream.send(formatSseComment("ping")), ctx.eventPingMs);
  ping.unref();
  function finish(): void {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    ctx.eventStreams.delete(stream);
  }
  res.on("close", finish);
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
  ctx.eventStreams.add(stream);
  res.write(formatSseComment("connected"));
}

/** The server's one facade listener: the finality histogram, then every event stream. */
function onNodeEvent(ctx: Context, event: NodeEvent): void {
  if (event.type === "finalized") ctx.finality.observe(event.latencyMs / 1000);
  if (ctx.eventStreams.size === 0) return;
  let chunk: string;
  try {
    chunk = formatSseEvent(String(event.type), JSON.stringify(event));
  } catch (error) {
    ctx.log(`api: cannot send event: ${errorMessage(error)}`);
    return;
  }
  for (const stream of ctx.eventStreams) {
    try {
      stream.send(chunk);
    } catch (error) {
      ctx.log(`api: cannot send event: ${errorMessage(error)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Dispatch

function preflight(res: ServerResponse, route: Route): void {
  res.writeHead(204, {
    ...COMMON_HEADERS,
    "Access-Control-Allow-Methods": [...Object.keys(route.methods), "OPTIONS"].join(", "),
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
  });
  res.end();
}

async function dispatch(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const path = query < 0 ? url : url.slice(0, query);
  const method = req.method ?? "GET";
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (method === "OPTIONS") {
      preflight(res, route);
      return;
    }
    const handler = route.methods[method];
    if (handler === undefined) {
      const allow = [...Object.keys(route.methods), "OPTIONS"].join(", ");
      sendError(res, 405, "method-not-allowed", `${method} is not allowed on ${path}; allowed: ${allow}`, { Allow: allow });
      return;
    }
    let param = "";
    if (match[1] !== undefined) {
      try {
        param = decodeURIComponent(match[1]);
      } catch {
        sendError(res, 400, "invalid", `malformed percent-encoding in ${quote(match[1])}`);
        return;
      }
    }
    await handler(ctx, req, res, param);
    return;
  }
  markMalformed(res);
  sendError(res, 404, "not-found", `no route ${method} ${quote(path)}`);
}

function retryAfterS(ctx: Context): string {
  return String(Math.max(1, Math.ceil(ctx.throttleDelayMs / 1000)));
}

function throttleMessage(reason: ThrottleReason): string {
  return reason === "malformed" ? "too many malformed requests from this address; slow down" : "too many requests from this address; slow down";
}

/**
 * A request from a throttled address: nothing of it is read or routed; after the delay
 * it is answered 429 and the connection closes. The client that waits for answers is
 * thereby held to its concurrency per delay.
 */
function throttleRequest(ctx: Context, req: IncomingMessage, res: ServerResponse, reason: ThrottleReason): void {
  ctx.stats.rateLimited[reason]++;
  const socket = req.socket;
  socket.pause();
  const timer = setTimeout(() => {
    socket.resume();
    refuseBody(req, res, 429, "rate-limited", throttleMessage(reason), { "Retry-After": retryAfterS(ctx) });
  }, ctx.throttleDelayMs);
  timer.unref();
  res.once("close", () => clearTimeout(timer));
}

function onRequest(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  const address = req.socket.remoteAddress ?? "?";
  const refused = ctx.guard.admit(address);
  if (refused !== undefined) {
    throttleRequest(ctx, req, res, refused);
    return;
  }
  res.once("close", () => {
    if ((res as Marked)[MALFORMED] !== true) return;
    ctx.stats.malformed++;
    ctx.guard.malformed(address);
  });
  dispatch(ctx, req, res).catch((error: unknown) => {
    ctx.log(`api: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) res.destroy();
    else sendError(res, 500, "internal", `internal error: ${errorMessage(error)}`);
  });
}

/** A whole HTTP/1.1 error reply written straight to a socket (no request object exists). */
function rawError(status: string, body: ApiErrorBody, headers = ""): string {
  const text = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
    `Access-Control-Allow-Origin: *\r\n${headers}Connection: close\r\n\r\n${text}`
  );
}

/**
 * Requests Node's parser refuses (bad request line, oversized headers) still get a JSON
 * error; requests whose headers (or whole request) did not arrive in time get 408. Nothing
 * is written when a reply has already started on this socket.
 */
function onClientError(ctx: Context, error: NodeJS.ErrnoException, socket: Socket): void {
  const timeout = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
  if (timeout) ctx.stats.requestTimeouts++;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || error.code === "ECONNRESET" || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  ctx.stats.malformed++;
  ctx.guard.malformed(socket.remoteAddress ?? "?");
  socket.end(
    timeout
      ? rawError("408 Request Timeout", { error: { code: "timeout", message: `request headers not received within ${ctx.headersTimeoutMs} ms` } })
      : tooLarge
        ? rawError("431 Request Header Fields Too Large", { error: { code: "too-large", message: "request headers too large" } })
        : rawError("400 Bad Request", { error: { code: "bad-request", message: "malformed HTTP request" } }),
  );
  // A client that never reads the reply must not hold the socket either.
  setTimeout(() => socket.destroy(), TOO_LARGE_GRACE_MS).unref();
}

/** Caps open connections per remote address: one more is answered 503 at once and closed. */
function capConnectionsPerAddress(ctx: Context, server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "?";
    const count = open.get(address) ?? 0;
    if (count >= max) {
      ctx.stats.connectionsRefused++;
      socket.on("error", () => {});
      socket.end(
        rawError(
          "503 Service Unavailable",
          { error: { code: "too-many-connections", message: `at most ${max} open connections per client address; retry later` } },
          "Retry-After: 1\r\n",
        ),
      );
      setTimeout(() => socket.destroy(), TOO_LARGE_GRACE_MS).unref();
      // Node's HTTP machinery must not parse a request from it.
      socket.pause();
      return;
    }
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** A configured bound must be a positive number: a typo must not silently disable it. */
function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`api server: ${name} must be a positive number, got ${value}`);
  return value;
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
