/**
 * Default limits shared by every Transport implementation, so the in-memory and the
 * libp2p transport refuse the same things and one compliance suite covers both.
 */

/** Largest request body a responder accepts; a larger one is refused before it is read. */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
/** Largest response body an asker accepts (batched query answers can outgrow requests). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Largest pub/sub message body; larger ones are refused on publish and rejected on receipt. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** How long a request may take end to end before the asker gives up and the stream is reset. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** How long a dial may take. */
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
/**
 * The request/response protocol id. Version 2 multiplexes many requests on one
 * long-lived stream per peer and direction (frames tagged with request ids); version 1
 * used one stream per request and is no longer served.
 */
export const DEFAULT_REQUEST_PROTOCOL = "/entropic/query/2.0.0";
/**
 * Requests one peer may have outstanding on one stream: the asker queues beyond it, the
 * responder stops reading (Yamux flow control then holds the sender back).
 */
export const MAX_REQUESTS_IN_FLIGHT = 64;
