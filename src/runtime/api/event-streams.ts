/**
 * `GET /v1/events` and the fan-out behind it: the server's one facade listener formats
 * each node event once and hands it to every open stream. Kept together because the
 * bounds on slow clients (queued bytes, stall time, stream count) are what make the
 * fan-out safe: no stream may ever block the listener, which the node calls for every event.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, EventStream } from "./context.js";
import type { NodeEvent } from "./facade.js";
import { COMMON_HEADERS, errorMessage, sendError } from "./responses.js";
import { formatSseComment, formatSseEvent } from "./sse.js";

/**
 * `text/event-stream` of the node's events. The server's one facade subscription formats
 * each event once and hands it to every stream; a stream never blocks it: a client whose
 * queue outgrows `maxEventBufferBytes`, or whose socket stays backed up for
 * `eventStallMs`, is disconnected instead. Beyond `maxEventStreams` open streams a new
 * one is answered 503.
 */
export function streamEvents(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
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
export function onNodeEvent(ctx: Context, event: NodeEvent): void {
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
