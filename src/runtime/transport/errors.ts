/**
 * Why a dial or a request failed. These are network conditions, not user mistakes, so
 * they are plain errors (not EntropicError): the node retries, re-routes or gives up.
 */
export type TransportFailure =
  | "bad-address" // not a dialable address of this transport
  | "unreachable" // no connection could be made, or the peer is not known
  | "denied" // the peer is on this node's deny list
  | "timeout" // no answer within the time limit
  | "refused" // the remote reset the stream: oversize, malformed, handler failure, deny
  | "too-large" // the response exceeded the asker's limit
  | "stopped"; // this transport is not running

/** A failed dial or request; `reason` says which kind of failure. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly reason: TransportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
