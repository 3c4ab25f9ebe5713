/**
 * Framing of the multiplexed request/response protocol. Many requests share one
 * long-lived stream, so every frame names the request it belongs to:
 *
 *     kind (1 byte) | id (uint32, big-endian) | body length (unsigned varint) | body
 *
 * `kind` is 0 request, 1 response, 2 error (the body is a short UTF-8 reason). The
 * decoder is incremental (bytes arrive in arbitrary chunks) and never holds more than the
 * bytes it was given and has not decoded yet, nor buffers a body over its limit: a frame whose declared length is over the limit for
 * its kind is reported as soon as its header is read, and its body is skipped as it
 * arrives without being kept. Bytes that cannot be a frame throw {@link FrameError}
 * (`malformed`); the caller resets the stream, as it cannot find the next frame boundary.
 */
import { Uint8ArrayList } from "uint8arraylist";

/** Bytes on a request stream that cannot be frames; the stream must be reset. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  /** always `malformed`: oversize frames are reported, not thrown */
  readonly reason = "malformed";
}

/** What a frame carries. */
export type RpcFrameKind = "request" | "response" | "error";

const KIND_BYTES: Record<RpcFrameKind, number> = { request: 0, response: 1, error: 2 };
const KINDS: readonly RpcFrameKind[] = ["request", "response", "error"];

/** Largest request id; ids wrap around after it. */
export const MAX_RPC_ID = 0xffff_ffff;
/** Longest body-length varint accepted: 8 bytes (lengths below 2^56). */
const MAX_VARINT_BYTES = 8;
/** kind + id + the longest varint */
const MAX_HEADER_BYTES = 1 + 4 + MAX_VARINT_BYTES;

/** One decoded frame (the body is a copy the receiver may keep). */
export interface RpcFrame {
  readonly kind: RpcFrameKind;
  readonly id: number;
  readonly body: Uint8Array;
}

/** A frame whose declared body length is over the limit of its kind; its body is skipped. */
export interface RpcOversize {
  readonly kind: RpcFrameKind;
  readonly id: number;
  readonly length: number;
}

/** What the decoder found in the bytes pushed to it, in order. */
export type RpcDecoded = ({ readonly type: "frame" } & RpcFrame) | ({ readonly type: "oversize" } & RpcOversize);

/**
 * Largest body accepted per kind; a kind that is absent may not appear on this stream
 * (a request on an asker's stream, say) and makes the bytes malformed.
 */
export type RpcFrameLimits = Partial<Record<RpcFrameKind, number>>;

/** The header of a frame, ready to send before its body. */
function encodeHeader(kind: RpcFrameKind, id: number, length: number): Uint8Array {
  const header = new Uint8Array(MAX_HEADER_BYTES);
  header[0] = KIND_BYTES[kind];
  new DataView(header.buffer).setUint32(1, id);
  let at = 5;
  let rest = length;
  while (rest >= 0x80) {
    header[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  header[at++] = rest;
  return header.subarray(0, at);
}

/**
 * One frame, ready to send. The body is not copied (it is sent as given), so the caller
 * must not change it until the stream has taken it.
 */
export function encodeRpcFrame(kind: RpcFrameKind, id: number, body: Uint8Array): Uint8ArrayList {
  if (!Number.isInteger(id) || id < 0 || id > MAX_RPC_ID) throw new RangeError(`frame id must be a uint32, got ${id}`);
  return new Uint8ArrayList(encodeHeader(kind, id, body.byteLength), body);
}

/** A parsed header: where its body starts in the buffer and how long it is. */
interface Header {
  readonly kind: RpcFrameKind;
  readonly id: number;
  readonly length: number;
  readonly size: number;
}

/**
 * Incremental decoder of one direction of a stream. Feed it chunks with {@link append}
 * and take what they complete with {@link next}, one at a time, so a reader that cannot
 * keep up leaves the rest as bytes (not as decoded objects) until it can; {@link push}
 * does both at once.
 */
export class RpcFrameDecoder {
  private readonly buffer = new Uint8ArrayList();
  /** bytes of an oversize body still to be discarded */
  private skipping = 0;

  constructor(private readonly limits: RpcFrameLimits) {}

  /**
   * True while a frame has begun but not ended (its header, body or skipped body is
   * incomplete). Meaningful once {@link next} has returned undefined.
   */
  get midFrame(): boolean {
    return this.skipping > 0 || this.buffer.byteLength > 0;
  }

  /** True while the body of an oversize frame (already reported) is being discarded. */
  get skippingOversize(): boolean {
    return this.skipping > 0;
  }

  /** Takes the next chunk of the stream (an oversize body is dropped here as it arrives). */
  append(chunk: Uint8Array | Uint8ArrayList): void {
    if (this.skipping === 0) {
      this.buffer.append(chunk);
    } else if (chunk.byteLength <= this.skipping) {
      this.skipping -= chunk.byteLength;
    } else {
      const rest = chunk.subarray(this.skipping);
      this.skipping = 0;
      this.buffer.append(rest);
    }
  }

  /**
   * The next complete frame or oversize notice, or undefined until more bytes arrive.
   * Throws {@link FrameError} (`malformed`) on an unknown or unexpected kind or a varint
   * longer than 8 bytes; the decoder is then unusable.
   */
  next(): RpcDecoded | undefined {
    const header = this.header();
    if (header === undefined) return undefined;
    const end = header.size + header.length;
    if (header.length > this.limits[header.kind]!) {
      const available = this.buffer.byteLength - header.size;
      if (available < header.length) {
        this.skipping = header.length - available;
        this.buffer.consume(this.buffer.byteLength);
      } else {
        this.buffer.consume(end);
      }
      return { type: "oversize", kind: header.kind, id: header.id, length: header.length };
    }
    if (this.buffer.byteLength < end) return undefined;
    const body = this.buffer.slice(header.size, end);
    this.buffer.consume(end);
    return { type: "frame", kind: header.kind, id: header.id, body };
  }

  /** {@link append} then every {@link next}: what `chunk` completes, in order. */
  push(chunk: Uint8Array | Uint8ArrayList): RpcDecoded[] {
    this.append(chunk);
    const out: RpcDecoded[] = [];
    for (let item = this.next(); item !== undefined; item = this.next()) out.push(item);
    return out;
  }

  /** The header at the start of the buffer, or undefined while it is incomplete. */
  private header(): Header | undefined {
    const buffer = this.buffer;
    if (buffer.byteLength === 0) return undefined;
    const kind = KINDS[buffer.get(0)];
    if (kind === undefined || this.limits[kind] === undefined) {
      throw new FrameError(`unexpected frame kind ${buffer.get(0)}`);
    }
    if (buffer.byteLength < 6) return undefined;
    const id = ((buffer.get(1) << 24) | (buffer.get(2) << 16) | (buffer.get(3) << 8) | buffer.get(4)) >>> 0;
    let length = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (5 + i >= buffer.byteLength) return undefined;
      const byte = buffer.get(5 + i);
      length += (byte & 0x7f) * scale;
      if (byte < 0x80) return { kind, id, length, size: 6 + i };
      scale *= 0x80;
    }
    throw new FrameError("frame length prefix is not a valid varint");
  }
}
