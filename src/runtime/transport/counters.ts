/**
 * What a transport refused or failed at. Nothing a peer sends may crash a node, so each
 * failure is counted instead of thrown; tests and the status API read the counts.
 */
export interface TransportCounters {
  /** pub/sub messages handed to the message handler */
  messagesDelivered: number;
  messagesAccepted: number;
  messagesIgnored: number;
  messagesRejected: number;
  /** message handler threw or returned something that is not a Verdict (treated as ignore) */
  messageHandlerErrors: number;
  /** pub/sub messages over the size limit (rejected without calling the handler) */
  messagesOversize: number;
  /** traffic dropped because the peer is denied */
  deniedDrops: number;
  /** requests answered */
  requestsServed: number;
  /** inbound requests over the size limit (stream reset before the body was buffered) */
  requestsOversize: number;
  /** inbound requests that were not one well-formed frame */
  requestsMalformed: number;
  /** inbound requests that took longer than the time limit */
  requestsTimedOut: number;
  /** request handler threw, returned a non-byte value, or no handler was installed */
  requestHandlerErrors: number;
  /** failures inside the transport that were caught so they cannot crash the node */
  internalErrors: number;
}

/** A zeroed set of counters. */
export function createCounters(): TransportCounters {
  return {
    messagesDelivered: 0,
    messagesAccepted: 0,
    messagesIgnored: 0,
    messagesRejected: 0,
    messageHandlerErrors: 0,
    messagesOversize: 0,
    deniedDrops: 0,
    requestsServed: 0,
    requestsOversize: 0,
    requestsMalformed: 0,
    requestsTimedOut: 0,
    requestHandlerErrors: 0,
    internalErrors: 0,
  };
}
