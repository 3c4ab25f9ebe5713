/**
 * A direct reader of DAG-CBOR whose byte strings come back as views into the input, for
 * the node's requests and responses: plain objects with text keys, arrays, safe integers,
 * text, byte strings, booleans and null. Anything else (floats, tags such as CIDs, big
 * integers, non-minimal lengths, duplicate or `__proto__` keys, invalid UTF-8) makes it
 * decline (undefined), and the caller decodes with @ipld/dag-cbor, which stays the
 * reference: a property test checks that whatever this reads, the library reads to an
 * equal value, and that it reads every value of its subset.
 *
 * Hand-written because copies are what the library's decoder costs on the poll path:
 * cborg copies every byte string (`slice`), and V8 allocates a typed array over 64 bytes
 * outside its heap at ~1.2–3.6 µs apiece (bench/typed-alloc.ts), against ~0.05 µs for a view.
 * Byte strings of a 100-node simulation's answers were the largest count of such
 * allocations (docs/node-simulator.md).
 *
 * A view keeps its whole input alive and sees any later write to it: callers pass messages
 * they own and never write, and copy what they keep long apart from the message (wire.ts
 * copies a response's keys and blocks).
 *
 * Bounds and nesting are the caller's prescan's (codec.ts `decode`): this reader still
 * declines rather than read past the end.
 */

import { MAJOR_ARRAY, MAJOR_BYTES, MAJOR_MAP, MAJOR_NEGINT, MAJOR_SIMPLE, MAJOR_TEXT, MAJOR_UINT } from "./cbor-direct.js";

/** The largest integer argument read here: the library reads integers from 2^53 up, and from -2^53 down, as bigints (left to it). */
const MAX_ARG = Number.MAX_SAFE_INTEGER - 1;

let src: Uint8Array = new Uint8Array(0);
let at = 0;
let declined = false;
/** the major type and argument of the head just read */
let major = 0;
let arg = 0;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The value `bytes` holds, with byte strings as views into `bytes`; undefined when it is outside the subset. */
export function decodeViews(bytes: Uint8Array): unknown {
  src = bytes;
  at = 0;
  declined = false;
  const value = read();
  const ok = !declined && at === bytes.length;
  src = new Uint8Array(0); // do not keep the caller's message alive
  return ok ? value : undefined;
}

/** Read one item's head into `major`/`arg`; false (declined) outside the subset. */
function head(): boolean {
  if (at >= src.length) return decline();
  const ib = src[at++]!;
  major = ib >>> 5;
  const minor = ib & 31;
  if (major === MAJOR_SIMPLE) {
    arg = minor; // 20 false, 21 true, 22 null, 23 undefined; floats and other simple values decline below
    return true;
  }
  if (minor < 24) {
    arg = minor;
    return true;
  }
  const n = minor === 24 ? 1 : minor === 25 ? 2 : minor === 26 ? 4 : minor === 27 ? 8 : 0;
  if (n === 0 || at + n > src.length) return decline(); // indefinite, reserved, or truncated
  let v = 0;
  if (n === 8) {
    const hi = ((src[at]! << 24) | (src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!) >>> 0;
    const lo = ((src[at + 4]! << 24) | (src[at + 5]! << 16) | (src[at + 6]! << 8) | src[at + 7]!) >>> 0;
    if (hi === 0 || hi >= 0x20_0000) return decline(); // not minimal, or beyond 2^53
    v = hi * 0x1_0000_0000 + lo;
  } else for (let k = 0; k < n; k++) v = v * 256 + src[at + k]!;
  at += n;
  // DAG-CBOR (and the library, strict) takes only the shortest form.
  if ((n === 1 && v < 24) || (n === 2 && v < 0x100) || (n === 4 && v < 0x1_0000) || v > MAX_ARG) return decline();
  arg = v;
  return true;
}

function decline(): false {
  declined = true;
  return false;
}

function read(): unknown {
  if (!head()) return undefined;
  switch (major) {
    case MAJOR_UINT:
      return arg;
    case MAJOR_NEGINT:
      return -1 - arg;
    case MAJOR_BYTES: {
      if (at + arg > src.length) return decline();
      const v = src.subarray(at, at + arg);
      at += arg;
      return v;
    }
    case MAJOR_TEXT:
      return text();
    case MAJOR_ARRAY: {
      const n = arg;
      if (n > src.length - at) return decline(); // each item takes a byte at least
      const out = new Array<unknown>(n);
      for (let k = 0; k < n; k++) {
        out[k] = read();
        if (declined) return undefined;
      }
      return out;
    }
    case MAJOR_MAP: {
      const n = arg;
      if (2 * n > src.length - at) return decline();
      const out: Record<string, unknown> = {};
      for (let k = 0; k < n; k++) {
        if (at >= src.length || src[at]! >>> 5 !== MAJOR_TEXT) return decline(); // DAG-CBOR keys are text
        if (!head()) return undefined;
        const key = text();
        // A duplicate is refused by the library (so is this input, there); `__proto__` would
        // set the prototype rather than make a key: both are left to it.
        if (key === undefined || key === "__proto__" || Object.prototype.hasOwnProperty.call(out, key)) return decline();
        out[key] = read();
        if (declined) return undefined;
      }
      return out;
    }
    case MAJOR_SIMPLE:
      if (arg === 20) return false;
      if (arg === 21) return true;
      if (arg === 22 || arg === 23) return null; // the library reads undefined as null
      return decline();
    default:
      return decline(); // tags (CIDs among them)
  }
}

/** The text of `arg` bytes at `at` (the head already read). */
function text(): string | undefined {
  const n = arg;
  if (at + n > src.length) {
    decline();
    return undefined;
  }
  let ascii = n <= 64;
  if (ascii) {
    let s = "";
    for (let k = 0; k < n; k++) {
      const c = src[at + k]!;
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      s += String.fromCharCode(c);
    }
    if (ascii) {
      at += n;
      return s;
    }
  }
  try {
    const s = utf8.decode(src.subarray(at, at + n));
    at += n;
    return s;
  } catch {
    decline(); // invalid UTF-8: the library replaces it; this reader does not guess how
    return undefined;
  }
}
