/**
 * How the server answers an address its `AddressGuard` has throttled: after a
 * delay, with 429 and a closed connection, the request unread. The guard (guard.ts)
 * decides *whether* an address is throttled; this module decides what it is answered.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "./context.js";
import type { ThrottleReason } from "./guard.js";
import { refuseBody } from "./request-body.js";

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
export function throttleRequest(ctx: Context, req: IncomingMessage, res: ServerResponse, reason: ThrottleReason): void {
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
