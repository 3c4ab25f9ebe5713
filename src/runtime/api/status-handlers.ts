/**
 * The route handlers that report on the node: `GET /v1/status` (the facade's status as
 * JSON) and `GET /v1/metrics` (Prometheus text: the node's samples, the finality
 * histogram, signature counts and the server's own counters of slow and hostile clients).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "./context.js";
import type { MetricSample } from "./facade.js";
import { signatureSamples, toBaseUnits } from "./metrics.js";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./prometheus.js";
import { COMMON_HEADERS, sendJson } from "./responses.js";

export function getStatus(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
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

export function getMetrics(ctx: Context, _req: IncomingMessage, res: ServerResponse): void {
  const text = renderPrometheus([
    ...toBaseUnits(ctx.facade.metrics()),
    ctx.finality.snapshot(),
    ...signatureSamples(ctx.signatureCounts),
    ...serverSamples(ctx),
  ]);
  res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": PROMETHEUS_CONTENT_TYPE, "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}
