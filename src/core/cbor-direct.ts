/**
 * A direct writer of canonical DAG-CBOR for the values entropic's messages are made of:
 * plain objects with ASCII keys, arrays, safe integers, ASCII strings, byte strings,
 * booleans, null and CIDs. Anything else (floats, non-ASCII text, big integers, other
 * objects) returns undefined, and the caller encodes with @ipld/dag-cbor, which stays the
 * reference: a property test checks that every value this writes gets @ipld/dag-cbor's
 * bytes exactly.
 *
 * Hand-written because the library is measurably too slow for the node's hot messages
 * (poll requests and responses, signed answers, and the re-encoding that checks canonical
 * form on decode): cborg builds a token per value and sorts each map's entries with an
 * allocated comparator array before writing, and its allocations were the largest share
 * of a 100-node simulation's garbage (docs/node-simulator.md). Here a value is written
 * straight into one reused buffer, map keys sorted in place (DAG-CBOR's order: shorter
 * keys first, then bytewise; for ASCII keys that is length, then code units).
 */
import { CID } from "multiformats/cid";

/** CBOR's major types (RFC 8949 §3.1), shared with the reader (cbor-views.ts). */
export const MAJOR_UINT = 0;
export const MAJOR_NEGINT = 1;
export const MAJOR_BYTES = 2;
export const MAJOR_TEXT = 3;
export const MAJOR_ARRAY = 4;
export const MAJOR_MAP = 5;
export const MAJOR_SIMPLE = 7;
const TAG_CID = 42;
/** Deeper values are left to the library (which also names a circular reference). */
const MAX_DEPTH = 64;

/** The writer's buffer: reused (encoding is synchronous), grown when a value needs more. */
let buf = new Uint8Array(64 * 1024);
let pos = 0;

/**
 * A value written as a byte string that holds the value's own canonical DAG-CBOR: what
 * `{ a: encode(v) }` gives, without encoding `v` into bytes of its own first (a poll
 * response nests each signed answer this way). Only this writer knows it: a value holding
 * one must be written by {@link encodeDirect} ({@link encodeNested}).
 */
export class Nested {
  constructor(readonly value: unknown) {}
}

/**
 * Canonical DAG-CBOR bytes of `value`, or undefined when it is outside this writer's subset.
 * `alloc(n)` gives the `n` bytes the encoding is copied into (default: an array of its own;
 * poll messages are carved from an arena, core/arena.ts).
 */
export function encodeDirect(value: unknown, alloc?: (n: number) => Uint8Array): Uint8Array | undefined {
  pos = 0;
  if (!write(value, 0)) return undefined;
  if (alloc === undefined) return buf.slice(0, pos);
  const out = alloc(pos);
  out.set(buf.subarray(0, pos));
  return out;
}

/**
 * Whether `bytes` are exactly the canonical DAG-CBOR encoding of `value` (undefined when
 * the value is outside this writer's subset): compared in the writer's buffer, without
 * copying the encoding out (decode's canonical check needs no bytes of its own).
 */
export function encodesTo(value: unknown, bytes: Uint8Array): boolean | undefined {
  pos = 0;
  if (!write(value, 0)) return undefined;
  if (pos !== bytes.length) return false;
  for (let i = 0; i < pos; i++) if (buf[i] !== bytes[i]) return false;
  return true;
}

/** Canonical DAG-CBOR bytes of a value that holds {@link Nested} values; throws when it is outside the subset. */
export function encodeNested(value: unknown, what: string, alloc?: (n: number) => Uint8Array): Uint8Array {
  const out = encodeDirect(value, alloc);
  if (out === undefined) throw new RangeError(`${what}: a value with nested encodings must be in the direct writer's subset (cbor-direct.ts)`);
  return out;
}

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(buf.subarray(0, pos));
  buf = grown;
}

function header(major: number, n: number): void {
  ensure(9);
  const m = major << 5;
  if (n < 24) buf[pos++] = m | n;
  else if (n < 0x100) {
    buf[pos++] = m | 24;
    buf[pos++] = n;
  } else if (n < 0x10000) {
    buf[pos++] = m | 25;
    buf[pos++] = n >>> 8;
    buf[pos++] = n & 0xff;
  } else if (n < 0x100000000) {
    buf[pos++] = m | 26;
    buf[pos++] = n >>> 24;
    buf[pos++] = (n >>> 16) & 0xff;
    buf[pos++] = (n >>> 8) & 0xff;
    buf[pos++] = n & 0xff;
  } else {
    const hi = Math.floor(n / 0x100000000);
    const lo = n >>> 0;
    buf[pos++] = m | 27;
    buf[pos++] = hi >>> 24;
    buf[pos++] = (hi >>> 16) & 0xff;
    buf[pos++] = (hi >>> 8) & 0xff;
    buf[pos++] = hi & 0xff;
    buf[pos++] = lo >>> 24;
    buf[pos++] = (lo >>> 16) & 0xff;
    buf[pos++] = (lo >>> 8) & 0xff;
    buf[pos++] = lo & 0xff;
  }
}

function bytes(b: Uint8Array): void {
  header(MAJOR_BYTES, b.length);
  ensure(b.length);
  buf.set(b, pos);
  pos += b.length;
}

/** Writes an ASCII string; false (nothing usable written) for any other. */
function ascii(s: string): boolean {
  const n = s.length;
  header(MAJOR_TEXT, n);
  ensure(n);
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 0x7f) return false;
    buf[pos++] = c;
  }
  return true;
}

/** DAG-CBOR's map key order for ASCII keys: length first, then code units. */
function before(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/**
 * Sort map keys in place by {@link before}: an insertion sort, as messages' maps have a
 * handful of keys and `Array.prototype.sort` with a comparator allocated a work array per
 * map (12% of a 100-node simulation's allocations).
 */
function sortKeys(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && before(k, keys[j]!); j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
}

function write(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "number":
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) return false; // floats: the library's
      if (value >= 0) header(MAJOR_UINT, value);
      else header(MAJOR_NEGINT, -1 - value);
      return true;
    case "string":
      return ascii(value);
    case "boolean":
      ensure(1);
      buf[pos++] = value ? 0xf5 : 0xf4;
      return true;
    case "object": {
      if (value === null) {
        ensure(1);
        buf[pos++] = 0xf6;
        return true;
      }
      if (depth >= MAX_DEPTH) return false;
      if (value instanceof Uint8Array) {
        if (value.constructor !== Uint8Array && !isBufferLike(value)) return false;
        bytes(value);
        return true;
      }
      if (value instanceof Nested) {
        // Room for the longest byte-string header; the value is written after it, then moved
        // up against the header it turns out to need (canonical: the shortest).
        const start = pos;
        ensure(9);
        pos += 9;
        if (!write(value.value, depth + 1)) return false;
        const length = pos - start - 9;
        pos = start;
        header(MAJOR_BYTES, length);
        buf.copyWithin(pos, start + 9, start + 9 + length);
        pos += length;
        return true;
      }
      if (Array.isArray(value)) {
        header(MAJOR_ARRAY, value.length);
        for (let k = 0; k < value.length; k++) if (!write(value[k], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) {
        const rec = value as Record<string, unknown>;
        const keys = Object.keys(rec);
        sortKeys(keys);
        header(MAJOR_MAP, keys.length);
        for (const k of keys) {
          const v = rec[k];
          if (v === undefined) return false; // the library refuses it, with its own message
          if (!ascii(k) || !write(v, depth + 1)) return false;
        }
        return true;
      }
      const cid = CID.asCID(value);
      if (cid === null) return false;
      header(6, TAG_CID); // major type 6: a tag
      const b = cid.bytes;
      header(MAJOR_BYTES, b.length + 1);
      ensure(b.length + 1);
      buf[pos++] = 0; // DAG-CBOR's multibase identity prefix
      buf.set(b, pos);
      pos += b.length;
      return true;
    }
    default:
      return false;
  }
}

/** A Uint8Array subclass the library also writes as bytes (Node's Buffer). */
function isBufferLike(value: Uint8Array): boolean {
  return value.constructor.name === "Buffer";
}
