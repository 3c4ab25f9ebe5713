/**
 * The API's route table and the dispatch of one admitted request to its handler: path
 * matching, CORS preflight, 405 and 404, and decoding the path parameter. The table is
 * also what `apiRoutes()` reports, so the OpenAPI test can hold the document and the
 * server to the same set of routes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Handler } from "./context.js";
import { streamEvents } from "./event-streams.js";
import { openApiDocument } from "./openapi.js";
import { COMMON_HEADERS, markMalformed, quote, sendError, sendJson, sendRawJson } from "./responses.js";
import { getMetrics, getStatus } from "./status-handlers.js";
import { getConflict, getTx, submitTx } from "./tx-handlers.js";

interface Route {
  /** the path as the OpenAPI document writes it (`{param}`) */
  readonly template: string;
  /** matches the path; group 1, when present, is the (still percent-encoded) parameter */
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
}

// Rendered on first request and kept: the document is fixed for the life of the process.
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

function preflight(res: ServerResponse, route: Route): void {
  res.writeHead(204, {
    ...COMMON_HEADERS,
    "Access-Control-Allow-Methods": [...Object.keys(route.methods), "OPTIONS"].join(", "),
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
  });
  res.end();
}

/** Route one request and run its handler; a handler's failure propagates to the caller (a 500). */
export async function dispatch(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  // An unknown route is malformed (its 404 code is not in the malformed set: an unknown
  // transaction's 404 is an honest question).
  markMalformed(res);
  sendError(res, 404, "not-found", `no route ${method} ${quote(path)}`);
}
