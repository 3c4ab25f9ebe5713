/**
 * Defences below the request level, where Node has no request object to answer: the cap
 * on open connections per address, and JSON replies to requests Node's parser refused or
 * timed out. Both write a whole HTTP/1.1 reply straight to the socket.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Context } from "./context.js";
import { TOO_LARGE_GRACE_MS } from "./options.js";
import type { ApiErrorBody } from "./wire.js";

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
export function onClientError(ctx: Context, error: NodeJS.ErrnoException, socket: Socket): void {
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
export function capConnectionsPerAddress(ctx: Context, server: Server, max: number): void {
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
