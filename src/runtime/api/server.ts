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
import type { SignatureScheme } from "../../core/crypto.js";
import { DecodeError } from "../../core/errors.js";
import { parseConflictKey, verifyTx, type Tx } from "../../core/tx.js";
import { nodeSignatures } from "../crypto-node.js";
import type { NodeEvent, NodeFacade, SubmitResult } from "./facade.js";
import { txFromJson, txJsonSchema } from "./json.js";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./prometheus.js";
import { formatSseComment, formatSseEvent } from "./sse.js";
import { conflictViewToJson, txViewToJson, type ApiErrorBody, type ApiErrorCode, type SubmitResponse } from "./wire.js";

/** Largest request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Interval of the `: ping` comment on idle event streams. */
export const DEFAULT_EVENT_PING_MS = 15_000;
/** Bytes an event stream may have queued for a slow client before it is disconnected. */
export const DEFAULT_MAX_EVENT_BUFFER_BYTES = 1024 * 1024;
/** After refusing an oversized body, how long the rest is discarded before the socket is cut. */
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
  /** Checks transaction signatures before the node sees them (default Ed25519 on node:crypto). */
  readonly signatures?: SignatureScheme;
  /** Receives one line per internal error or dropped client; nothing is printed otherwise. */
  readonly logger?: (line: string) => void;
  /** Interval of keep-alive comments on event streams (default {@link DEFAULT_EVENT_PING_MS}). */
  readonly eventPingMs?: number;
  /** Queued bytes after which a slow event client is dropped (default {@link DEFAULT_MAX_EVENT_BUFFER_BYTES}). */
  readonly maxEventBufferBytes?: number;
}

export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Stop listening, end event streams and close every connection. */
  close(): Promise<void>;
}

interface Context {
  readonly facade: NodeFacade;
  readonly maxBodyBytes: number;
  readonly signatures: SignatureScheme;
  readonly log: (line: string) => void;
  readonly eventPingMs: number;
  readonly maxEventBufferBytes: number;
  /** open event streams, ended cleanly by close() */
  readonly eventStreams: Set<ServerResponse>;
}

type Handler = (ctx: Context, req: IncomingMessage, res: ServerResponse, param: string) => void | Promise<void>;

interface Route {
  /** matches the path; group 1, when present, is the (still percent-encoded) parameter */
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/v1\/tx$/, methods: { POST: submitTx } },
  { pattern: /^\/v1\/tx\/([^/]+)$/, methods: { GET: getTx } },
  { pattern: /^\/v1\/conflicts\/([^/]+)$/, methods: { GET: getConflict } },
  { pattern: /^\/v1\/status$/, methods: { GET: getStatus } },
  { pattern: /^\/v1\/metrics$/, methods: { GET: getMetrics } },
  { pattern: /^\/v1\/events$/, methods: { GET: streamEvents } },
  { pattern: /^\/v1\/health$/, methods: { GET: (_ctx, _req, res) => sendJson(res, 200, { ok: true }) } },
];

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

function sendError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
  issues?: ApiErrorBody["error"]["issues"],
): void {
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
 * Answer 413 and close: the rest of the body is read and thrown away (a client that is
 * still sending can then read the answer instead of hitting a reset), for a short grace
 * period at most, after which the socket is cut.
 */
function refuseTooLarge(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  sendError(res, 413, "too-large", `request body exceeds ${ctx.maxBodyBytes} bytes`, { Connection: "close" });
  req.removeAllListeners("data");
  req.on("data", () => {});
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), TOO_LARGE_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/** The body, or undefined when it was refused (413 already sent) or the client went away. */
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
      resolve(value);
    };
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
  if (!verifyTx(ctx.signatures, tx)) {
    sendError(res, 400, "bad-signature", "signature does not verify for the author");
    return;
  }

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

function getTx(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): void {
  let cid: string;
  try {
    cid = parseCid(param).toString();
  } catch (error) {
    sendError(res, 400, "invalid", `malformed CID ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.getTx(cid);
  if (view === undefined) sendError(res, 404, "not-found", `no transaction ${cid}`);
  else sendJson(res, 200, txViewToJson(view));
}

function getConflict(ctx: Context, _req: IncomingMessage, res: ServerResponse, param: string): void {
  try {
    parseConflictKey(param);
  } catch (error) {
    sendError(res, 400, "invalid", `malformed conflict key ${quote(param)}: ${errorMessage(error)}`);
    return;
  }
  const view = ctx.facade.getConflict(param);
  if (view === undefined) sendError(res, 404, "not-found", `no conflict set ${param}`);
  else sendJson(res, 200, conflictViewToJson(view));
}

function getStatus(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, ctx.facade.status());
}

function getMetrics(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
  const text = renderPrometheus(ctx.facade.metrics());
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": PROMETHEUS_CONTENT_TYPE, "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * `text/event-stream` of the node's events. The facade calls the listener synchronously
 * from the engine, so the listener never throws and never blocks: when the client reads
 * too slowly for its queue to stay under the bound, it is disconnected instead.
 */
function streamEvents(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  let open = false;
  let closed = false;
  const send = (chunk: string): void => {
    if (!open || closed) return;
    if (res.writableLength > ctx.maxEventBufferBytes) {
      ctx.log(`api: event client ${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"} too slow, disconnected`);
      finish();
      res.destroy();
      return;
    }
    res.write(chunk);
  };
  const unsubscribe = ctx.facade.subscribe((event: NodeEvent) => {
    try {
      send(formatSseEvent(String(event.type), JSON.stringify(event)));
    } catch (error) {
      ctx.log(`api: cannot send event: ${errorMessage(error)}`);
    }
  });
  const ping = setInterval(() => send(formatSseComment("ping")), ctx.eventPingMs);
  ping.unref();
  function finish(): void {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    unsubscribe();
    ctx.eventStreams.delete(res);
  }
  res.on("close", finish);
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
  open = true;
  ctx.eventStreams.add(res);
  res.write(formatSseComment("connected"));
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
  sendError(res, 404, "not-found", `no route ${method} ${quote(path)}`);
}

function onRequest(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  dispatch(ctx, req, res).catch((error: unknown) => {
    ctx.log(`api: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) res.destroy();
    else sendError(res, 500, "internal", `internal error: ${errorMessage(error)}`);
  });
}

/** Requests Node's parser refuses (bad request line, oversized headers) still get a JSON error. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = JSON.stringify({
    error: tooLarge
      ? { code: "too-large", message: "request headers too large" }
      : { code: "bad-request", message: "malformed HTTP request" },
  } satisfies ApiErrorBody);
  socket.end(
    `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n${body}`,
  );
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
  const ctx: Context = {
    facade,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    signatures: options.signatures ?? nodeSignatures,
    log: options.logger ?? (() => {}),
    eventPingMs: options.eventPingMs ?? DEFAULT_EVENT_PING_MS,
    maxEventBufferBytes: options.maxEventBufferBytes ?? DEFAULT_MAX_EVENT_BUFFER_BYTES,
    eventStreams: new Set(),
  };
  const server: Server = createServer((req, res) => onRequest(ctx, req, res));
  // Answer `Expect: 100-continue` with 413 at once when the declared body is too big.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const declared = declaredLength(req);
    if (declared === undefined || !(declared > ctx.maxBodyBytes)) res.writeContinue();
    onRequest(ctx, req, res);
  });
  server.on("clientError", onClientError);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl(address),
    port: address.port,
    close(): Promise<void> {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
        server.closeIdleConnections();
        // End event streams cleanly, so clients see the end of the stream rather than a reset.
        const ended = [...ctx.eventStreams].map((res) => new Promise<void>((resolve) => res.end(resolve)));
        await Promise.race([Promise.all(ended), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
