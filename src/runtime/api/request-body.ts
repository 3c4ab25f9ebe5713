/**
 * Reading a request body within the server's bounds: at most `maxBodyBytes`, complete
 * within `bodyTimeoutMs`, else refused (413 or 408) and the connection closed. Every
 * refusal that leaves a body unread goes through {@link refuseBody}, so a client still
 * sending always gets to read its answer and never holds the socket for long.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "./context.js";
import { TOO_LARGE_GRACE_MS } from "./options.js";
import { sendError } from "./responses.js";
import type { ApiErrorCode } from "./wire.js";

/** The request's `Content-Length`, or undefined when it declared none. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/**
 * Answer and close: the rest of the body is read and thrown away (a client that is still
 * sending can then read the answer instead of hitting a reset), for a short grace period
 * at most, after which the socket is cut.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): void {
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
export function readBody(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
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

/** Whether a `Content-Type` header names JSON (parameters such as `charset` are ignored). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(";")[0]!.trim().toLowerCase() === "application/json";
}
