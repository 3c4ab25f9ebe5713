/**
 * The dashboard's HTTP server: the built page (web/dist) plus a small API for it.
 *
 *   GET  /api/state          the whole picture (DashboardSnapshot JSON)
 *   GET  /api/events         server-sent events: `snapshot` first, then DashboardEvents by type
 *   POST /api/sim/start      {seed?, stepMs?} → SimView          (simulation mode)
 *   POST /api/sim/stop       → SimView                           (simulation mode)
 *   POST /api/double-spend   {a?, b?} → DoubleSpendView          (devnet mode)
 *
 * POSTs must be `application/json`: a browser cannot send that cross-origin without a
 * CORS preflight, which this server never grants, so other sites cannot drive it.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EntropicError, UsageError } from "../../core/errors.js";
import { formatSse } from "./sse.js";
import { MAX_STEP_MS } from "./sim-source.js";
import type { DashboardSource } from "./store.js";

/** The built page, next to dist/ and src/ in the package. */
export const defaultWebRoot = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

export interface DashboardServerOptions {
  /** 0 (default) picks a free port */
  readonly port?: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** folder of the built page (default web/dist of this package) */
  readonly webRoot?: string;
  /** SSE keep-alive comment period, ms (default 15 s) */
  readonly pingMs?: number;
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
  ".woff2": "font/woff2",
};

const simStartSchema = z.strictObject({
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  stepMs: z.number().int().min(0).max(MAX_STEP_MS).optional(),
});
const emptySchema = z.strictObject({});
const doubleSpendSchema = z.strictObject({
  a: z.number().int().min(0).optional(),
  b: z.number().int().min(0).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "unsupported-media-type", "send the body as application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "too-large", `body over ${MAX_BODY_BYTES} bytes`, { connection: "close" });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "bad-json", (error as Error).message);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, "invalid", `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** The file under `root` a URL path names, or null (outside the root, missing, a folder). */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const relative = decoded === "/" || decoded === "" ? "index.html" : decoded;
  const full = normalize(join(root, relative));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  if (!full.startsWith(base)) return null;
  try {
    return statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

/** Serve `source` and the page; resolves once listening. */
export async function startDashboardServer(source: DashboardSource, options: DashboardServerOptions = {}): Promise<DashboardServer> {
  const webRoot = options.webRoot ?? defaultWebRoot;
  if (!existsSync(join(webRoot, "index.html"))) {
    throw new UsageError(`the dashboard page is not built (${webRoot}index.html is missing): run \`npm run build\``);
  }
  const pingMs = options.pingMs ?? 15_000;
  const streams = new Set<ServerResponse>();
  const { store, actions } = source;

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write(formatSse("snapshot", store.snapshot));
    const unsubscribe = store.subscribe((event) => {
      // A page that stops reading must not make the server buffer without bound.
      if (res.writableLength > 8 << 20) return res.destroy();
      res.write(formatSse(event.type, event));
    });
    const ping = setInterval(() => res.write(": ping\n\n"), pingMs);
    streams.add(res);
    const done = () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    };
    req.on("close", done);
    res.on("close", done);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const post = async <T>(schema: z.ZodType<T>, action: ((body: T) => Promise<unknown>) | undefined, what: string) => {
      if (method !== "POST") throw new HttpError(405, "method-not-allowed", `${path} takes POST`, { allow: "POST" });
      if (!action) throw new HttpError(409, "wrong-mode", `${what} is not available in ${store.snapshot.mode} mode`);
      const body = await readJsonBody(req, schema);
      sendJson(res, 200, await action(body));
    };
    if (path === "/api/state" || path === "/api/events") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "method-not-allowed", `${path} takes GET`, { allow: "GET" });
      if (path === "/api/state") return sendJson(res, 200, store.snapshot);
      return openEvents(req, res);
    }
    if (path === "/api/sim/start") return post(simStartSchema, actions.startSim, "starting a simulation");
    if (path === "/api/sim/stop") return post(emptySchema, actions.stopSim && (() => actions.stopSim!()), "stopping a simulation");
    if (path === "/api/double-spend") return post(doubleSpendSchema, actions.doubleSpend, "a double spend");
    if (path.startsWith("/api/")) throw new HttpError(404, "not-found", `no route ${path}`);
    if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "method-not-allowed", "the page is read-only", { allow: "GET" });
    const file = resolveStatic(webRoot, path);
    if (file === null) throw new HttpError(404, "not-found", `no file ${path}`);
    const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
    // Vite names assets by content hash, so they never change; the page itself may.
    const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    res.writeHead(200, { "content-type": type, "cache-control": cache, "content-length": statSync(file).size, "x-content-type-options": "nosniff" });
    if (method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      const status = error instanceof EntropicError ? 400 : 502;
      sendJson(res, status, { error: { code: status === 400 ? "bad-request" : "failed", message: (error as Error).message } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    async close() {
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
