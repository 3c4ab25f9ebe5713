/**
 * How the API writes its replies: JSON bodies with the common headers, JSON errors, and
 * the mark that tells the server a reply answered a malformed request (so it can charge
 * the address's malformed budget once the reply is done, whichever part sent it).
 */
import type { ServerResponse } from "node:http";
import type { ApiErrorBody, ApiErrorCode } from "./wire.js";

export const COMMON_HEADERS = {
  // The dashboard is served from another port.
  "Access-Control-Allow-Origin": "*",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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

export function sendRawJson(res: ServerResponse, text: string): void {
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

export function markMalformed(res: ServerResponse): void {
  (res as Marked)[MALFORMED] = true;
}

/** Whether `res` answered a malformed request (see {@link markMalformed}). */
export function isMarkedMalformed(res: ServerResponse): boolean {
  return (res as Marked)[MALFORMED] === true;
}

export function sendError(
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
export function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
