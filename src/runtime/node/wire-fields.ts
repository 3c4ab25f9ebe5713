/**
 * What the wire's messages share: the size limits their strict decoders enforce, and the
 * byte-string forms of fields several messages carry (lists of 8-byte ids, float64 vectors).
 */
import { DecodeError } from "../../core/errors.js";
import { ID_BYTES } from "./wire-ids.js";

/** Instances one query may name. */
export const MAX_QUERY_INSTANCES = 4096;
/** Candidates per instance a query may list (exchange protocols). */
export const MAX_WIRE_CANDIDATES = 16;
/** Transactions in one gossip batch. */
export const MAX_TX_BATCH = 512;
/** Largest message of any kind. */
export const MAX_MESSAGE_BYTES = 4 << 20;
/** Blocks one fetch may ask for. */
export const MAX_FETCH = 1024;
/** Heads one announcement may carry. */
export const MAX_HEADS = 64;

/** A float64 vector as the bytes it is sent as: a view over it, not a copy. */
export function f64Bytes(v: Float64Array): Uint8Array {
  // Float64Array is little-endian on every platform Node supports (x64, arm64).
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** A received float64 vector; throws DecodeError unless it is whole words. */
export function bytesF64(b: Uint8Array, field: string, what: string): Float64Array {
  if (b.length % 8 !== 0) throw new DecodeError("invalid", what, `${field} must be a whole number of float64 words`);
  const copy = new Uint8Array(b); // aligned copy
  return new Float64Array(copy.buffer, 0, copy.length / 8);
}

/** How many 8-byte ids a received id list holds; throws DecodeError unless whole ids, at most `max`. */
export function checkIds(b: Uint8Array, field: string, what: string, max: number): number {
  if (b.length % ID_BYTES !== 0) throw new DecodeError("invalid", what, `${field} must be a whole number of ${ID_BYTES}-byte ids`);
  const n = b.length / ID_BYTES;
  if (n > max) throw new DecodeError("invalid", what, `${field} names ${n} ids, more than ${max}`);
  return n;
}
