/**
 * Canonical DAG-CBOR: the one wire and storage encoding of entropic, and CIDs over it.
 *
 * Every value has exactly one accepted encoding. `@ipld/dag-cbor`'s decoder is only
 * partly strict — measured on v10.0.2 / cborg 6.1 it REJECTS non-minimal integers,
 * indefinite lengths, unknown tags, simple values, NaN/Infinity and duplicate map keys,
 * but ACCEPTS unsorted map keys, float16/float32, integral floats (1.0), -0, `undefined`
 * (coerced to null) and invalid UTF-8 (replaced by U+FFFD), and it recurses without a
 * depth limit (200k nested arrays overflow the stack with a RangeError). So {@link decode}
 * adds three checks around it:
 *
 * 1. a size limit, checked before anything is parsed;
 * 2. an iterative structural pre-scan that bounds nesting depth (no recursion, O(n),
 *    never allocates per item) and rejects truncated or trailing data cheaply;
 * 3. canonicality by round trip: the decoded value must re-encode to the very same bytes.
 *    This is what makes "one value, one encoding, one CID" hold for every input.
 *
 * All failures surface as {@link DecodeError}; nothing else escapes.
 */
import * as dagCbor from "@ipld/dag-cbor";
import { CID } from "multiformats/cid";
import { Digest } from "multiformats/hashes/digest";
import { Arena } from "./arena.js";
import { equalBytes } from "./bytes.js";
import { encodeDirect, encodesTo } from "./cbor-direct.js";
import { decodeViews } from "./cbor-views.js";
import type { Hasher } from "./crypto.js";
import { DecodeError, EncodeError } from "./errors.js";

/** Multicodec code of DAG-CBOR. */
export const DAG_CBOR_CODE = 0x71;
/** Multihash code of sha2-256. */
export const SHA2_256_CODE = 0x12;
/** Default limit on the size of one encoded value: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1 << 20;
/** Default limit on container nesting (maps, lists, tags). A CID counts one level (tag 42). */
export const DEFAULT_MAX_DEPTH = 32;

/** A CID of a DAG-CBOR block hashed with sha2-256, CIDv1: the only kind entropic makes. */
export type BlockCid = CID<unknown, typeof DAG_CBOR_CODE, typeof SHA2_256_CODE, 1>;

export interface DecodeOptions {
  /** Refuse inputs longer than this many bytes (default {@link DEFAULT_MAX_BYTES}). */
  readonly maxBytes?: number;
  /** Refuse nesting deeper than this (default {@link DEFAULT_MAX_DEPTH}). */
  readonly maxDepth?: number;
  /** What is being decoded, for error messages ("tx", "vertex", ...). */
  readonly what?: string;
  /**
   * Check canonical form by round trip (default true). Only messages whose bytes are never
   * hashed, signed or stored may pass false: a request or response between two nodes is
   * read field by field and its signed parts are re-encoded before any signature check, so
   * a non-canonical encoding of it changes nothing, and the round trip (an encode per
   * decode, the largest CBOR cost on the poll path) buys nothing there.
   */
  readonly canonical?: boolean;
  /**
   * Byte strings as views into `bytes` rather than copies (default false; cbor-views.ts).
   * Only for a message the caller owns and never writes to: a view keeps all of it alive.
   */
  readonly views?: boolean;
}

/** Canonical DAG-CBOR bytes of a value of the IPLD data model; throws {@link EncodeError}. */
export function encode(value: unknown, what = "value", alloc?: (n: number) => Uint8Array): Uint8Array {
  // The direct writer covers entropic's messages; anything else goes to the library (cbor-direct.ts).
  const direct = encodeDirect(value, alloc);
  if (direct !== undefined) return direct;
  let out: Uint8Array;
  try {
    out = dagCbor.encode(value);
  } catch (e) {
    throw new EncodeError(what, e instanceof Error ? e.message : String(e));
  }
  // cborg may hand back a Buffer; give callers a plain Uint8Array view of the same memory.
  return out.constructor === Uint8Array ? out : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decode canonical DAG-CBOR within limits. Throws {@link DecodeError} (and nothing else)
 * with reason `too-large`, `too-deep`, `malformed` or `non-canonical`.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  const what = options.what ?? "value";
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(bytes instanceof Uint8Array)) throw new DecodeError("malformed", what, "input is not a Uint8Array");
  if (bytes.length > maxBytes) {
    throw new DecodeError("too-large", what, `${bytes.length} bytes exceeds the limit of ${maxBytes}`);
  }
  prescan(bytes, options.maxDepth ?? DEFAULT_MAX_DEPTH, what);
  let value = options.views === true ? decodeViews(bytes) : undefined;
  if (value === undefined) {
    try {
      value = dagCbor.decode(bytes);
    } catch (e) {
      throw new DecodeError("malformed", what, e instanceof Error ? e.message : String(e));
    }
  }
  if (options.canonical === false) return value;
  let same: boolean;
  try {
    same = encodesTo(value, bytes) ?? equalBytes(dagCbor.encode(value), bytes);
  } catch (e) {
    throw new DecodeError("non-canonical", what, e instanceof Error ? e.message : String(e));
  }
  if (!same) {
    throw new DecodeError(
      "non-canonical",
      what,
      "not the canonical DAG-CBOR encoding of its value (map key order, float width, integral float, -0, undefined or invalid UTF-8)",
    );
  }
  return value;
}

/**
 * Walk the CBOR item headers without recursion: checks that the input is exactly one
 * complete item, no length runs past the end, nesting stays within `maxDepth`, and no
 * indefinite-length or reserved encodings appear. It does not check canonical form.
 */
function prescan(bytes: Uint8Array, maxDepth: number, what: string): void {
  const len = bytes.length;
  // counts[d] = items still expected inside the container open at depth d; depth 0 is the root slot.
  const counts: number[] = [1];
  let depth = 0;
  let pos = 0;
  for (;;) {
    if (pos >= len) throw new DecodeError("malformed", what, `unexpected end of input at byte ${pos}`);
    const ib = bytes[pos++]!;
    const major = ib >>> 5;
    const minor = ib & 31;
    let arg: number;
    if (minor < 24) {
      arg = minor;
    } else if (minor <= 27) {
      const n = 1 << (minor - 24); // 1, 2, 4 or 8 bytes
      if (pos + n > len) throw new DecodeError("malformed", what, `truncated header at byte ${pos - 1}`);
      arg = 0;
      for (let i = 0; i < n; i++) arg = arg * 256 + bytes[pos + i]!; // inexact above 2^53: only ever too big
      pos += n;
    } else if (minor === 31) {
      throw new DecodeError("malformed", what, `indefinite-length item or break at byte ${pos - 1} (not DAG-CBOR)`);
    } else {
      throw new DecodeError("malformed", what, `reserved additional information ${minor} at byte ${pos - 1}`);
    }
    let children = 0;
    switch (major) {
      case 2: // byte string
      case 3: // text string
        if (arg > len - pos) throw new DecodeError("malformed", what, `string of ${arg} bytes runs past the end`);
        pos += arg;
        break;
      case 4: // array
        children = arg;
        break;
      case 5: // map
        children = 2 * arg;
        break;
      case 6: // tag
        children = 1;
        break;
      default: // 0, 1 integers; 7 simple values and floats: header only
        break;
    }
    if (children > 0) {
      if (children > len - pos) throw new DecodeError("malformed", what, `container of ${children} items runs past the end`);
      if (depth + 1 > maxDepth) throw new DecodeError("too-deep", what, `nesting deeper than ${maxDepth}`);
      counts[++depth] = children;
      continue;
    }
    // One item complete: close every container it completes.
    counts[depth]!--;
    while (depth > 0 && counts[depth] === 0) counts[--depth]!--;
    if (depth === 0 && counts[0] === 0) break;
  }
  if (pos !== len) throw new DecodeError("malformed", what, `${len - pos} trailing bytes after the value`);
}

/** A CIDv1 dag-cbor sha2-256 in bytes: version, codec, hash code, digest length (one varint byte each), the digest. */
const CID_BYTES = 4 + 32;

/**
 * Where {@link cidOf} writes its CIDs' bytes (core/arena.ts): views into shared chunks,
 * not arrays of their own. multiformats reads `.buffer` of every digest and CID it is
 * given (to make sure it is not a SharedArrayBuffer), and V8 keeps a typed array of 64
 * bytes or less on its heap until its `.buffer` is read, then moves it out: that move was
 * ~3 of the 3.8 µs `CID.create` took per CID here (0.85 µs this way; a 100-node
 * simulation makes a CID per block it receives). A chunk lives as long as one of its
 * CIDs does: 4 KiB, ~100 CIDs, so a CID kept long keeps at most that.
 */
const cidArena = new Arena(4096);

/** CIDv1 (dag-cbor, sha2-256) of already-encoded DAG-CBOR bytes, hashed synchronously. */
export function cidOf(bytes: Uint8Array, hasher: Hasher): BlockCid {
  const digest = hasher.sha256(bytes);
  if (digest.length !== 32) throw new RangeError(`a sha2-256 digest is 32 bytes, the hasher gave ${digest.length}`);
  const { buffer, offset } = cidArena.region(CID_BYTES);
  const out = new Uint8Array(buffer, offset, CID_BYTES);
  out[0] = 1;
  out[1] = DAG_CBOR_CODE;
  out[2] = SHA2_256_CODE;
  out[3] = 32;
  out.set(digest, 4);
  return new CID(1, DAG_CBOR_CODE, new Digest(SHA2_256_CODE, 32, out.subarray(4), out.subarray(2)), out) as BlockCid;
}

/**
 * The bytes a signature covers: the DAG-CBOR list `[domain, body]`. The domain tag
 * ("entropic/tx/v1", ...) keeps a signature for one kind of object from ever verifying as
 * another, and being a separate list element it cannot run into the body.
 */
export function signingBytes(domain: string, body: unknown): Uint8Array {
  return encode([domain, body], domain);
}

/** True when `value` is a CID we accept as a link: CIDv1, dag-cbor, sha2-256 with a 32-byte digest. */
export function isBlockCid(value: unknown): value is BlockCid {
  const cid = CID.asCID(value);
  return (
    cid !== null &&
    cid.version === 1 &&
    cid.code === DAG_CBOR_CODE &&
    cid.multihash.code === SHA2_256_CODE &&
    cid.multihash.size === 32
  );
}

/** Parse a CID string (base32 multibase, as `cid.toString()` prints) into a {@link BlockCid}. */
export function parseCid(text: string): BlockCid {
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (e) {
    throw new DecodeError("malformed", "cid", e instanceof Error ? e.message : String(e));
  }
  if (!isBlockCid(cid)) throw new DecodeError("invalid", "cid", "not a CIDv1 dag-cbor sha2-256 block CID");
  return cid;
}

// ---------------------------------------------------------------------------------------
// Field readers for the decoders of tx, vertex and statement: each throws an `invalid`
// DecodeError naming the field.

/** The decoded value as a plain map with exactly the given keys. */
export function expectRecord(value: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array || CID.asCID(value) !== null) {
    throw new DecodeError("invalid", what, "expected a map");
  }
  const rec = value as Record<string, unknown>;
  const present = Object.keys(rec);
  for (const k of present) {
    if (!keys.includes(k)) throw new DecodeError("invalid", what, `unknown field ${JSON.stringify(k)}`);
  }
  for (const k of keys) {
    if (!Object.hasOwn(rec, k)) throw new DecodeError("invalid", what, `missing field ${JSON.stringify(k)}`);
  }
  return rec;
}

export function expectBytes(value: unknown, field: string, what: string, length?: number, maxLength?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new DecodeError("invalid", what, `${field} must be bytes`);
  if (length !== undefined && value.length !== length) {
    throw new DecodeError("invalid", what, `${field} must be ${length} bytes, got ${value.length}`);
  }
  if (maxLength !== undefined && value.length > maxLength) {
    throw new DecodeError("invalid", what, `${field} of ${value.length} bytes exceeds ${maxLength}`);
  }
  return value;
}

export function expectUint(value: unknown, field: string, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new DecodeError("invalid", what, `${field} must be an unsigned integer below 2^53`);
  }
  return value;
}

export function expectString(value: unknown, field: string, what: string, maxLength: number): string {
  if (typeof value !== "string") throw new DecodeError("invalid", what, `${field} must be a string`);
  if (value.length > maxLength) throw new DecodeError("invalid", what, `${field} longer than ${maxLength}`);
  return value;
}

export function expectCid(value: unknown, field: string, what: string): BlockCid {
  if (!isBlockCid(value)) throw new DecodeError("invalid", what, `${field} must be a CIDv1 dag-cbor sha2-256 link`);
  return value;
}

export function expectList(value: unknown, field: string, what: string, maxLength: number): unknown[] {
  if (!Array.isArray(value)) throw new DecodeError("invalid", what, `${field} must be a list`);
  if (value.length > maxLength) throw new DecodeError("invalid", what, `${field} has ${value.length} entries, limit ${maxLength}`);
  return value;
}
