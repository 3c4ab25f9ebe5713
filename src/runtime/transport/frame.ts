/**
 * Framing of the request/response protocol: one unsigned-varint length prefix and the
 * body (it-length-prefixed), one frame each way per stream. The reader refuses a frame
 * whose declared length exceeds the limit as soon as the prefix is read, so a peer
 * cannot make us buffer more than the limit (plus one network chunk).
 */
import * as lp from "it-length-prefixed";
import type { Uint8ArrayList } from "uint8arraylist";

/** Why bytes from a stream are not one acceptable frame. */
export type FrameFailure = "too-large" | "malformed" | "truncated";

/** The bytes on a stream are not one acceptable frame. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  constructor(
    readonly reason: FrameFailure,
    message: string,
  ) {
    super(message);
  }
}

/** `data` with its length prefix, ready to send. */
export function encodeFrame(data: Uint8Array): Uint8ArrayList {
  return lp.encode.single(data);
}

/**
 * Reads the first frame from `source` (bytes after it are left unread) and returns a copy
 * of its body. Throws {@link FrameError} when the declared length is over `maxBytes`
 * (`too-large`, before the body is buffered), when the prefix is not a varint of at most
 * 8 bytes (`malformed`), or when the source ends before a whole frame (`truncated`).
 * Errors of the source itself (a reset stream) pass through unchanged.
 */
export async function readFrame(source: AsyncIterable<Uint8Array | Uint8ArrayList>, maxBytes: number): Promise<Uint8Array> {
  try {
    for await (const frame of lp.decode(source, { maxDataLength: maxBytes })) {
      return frame.slice();
    }
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "InvalidDataLengthError") throw new FrameError("too-large", `frame larger than ${maxBytes} bytes`);
    if (name === "InvalidDataLengthLengthError" || name === "InvalidMessageLengthError") {
      throw new FrameError("malformed", "frame length prefix is not a valid varint");
    }
    if (name === "UnexpectedEOFError") throw new FrameError("truncated", "stream ended inside a frame");
    throw err;
  }
  throw new FrameError("truncated", "stream ended before a frame");
}
