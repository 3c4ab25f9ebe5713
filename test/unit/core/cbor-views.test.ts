// cbor-views.ts: whatever the views reader reads, @ipld/dag-cbor reads to an equal value
// (byte strings compared by content); it declines (undefined) rather than differ; and it
// reads every value of its subset, with byte strings as views into the input — so the
// equivalence cannot pass by the reader declining everything.
import * as dagCbor from "@ipld/dag-cbor";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { decodeViews } from "../../../src/core/cbor-views.js";
import { decode, encode } from "../../../src/core/codec.js";
import { DecodeError } from "../../../src/core/errors.js";

/** No lone surrogates (their UTF-8 is not valid). */
const wellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const key = fc.string({ maxLength: 6 });
const safeInt = fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer(), fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 2, -(2 ** 53) + 1, -24, -25, -257, -(2 ** 32) - 1));

/** Values of the reader's subset (no floats, CIDs or big integers). */
const subset = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    safeInt,
    fc.string({ maxLength: 80 }).filter(wellFormed),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(key.filter((k) => k !== "__proto__" && wellFormed(k)), tie("value"), { maxKeys: 6 }),
  ),
})).value;

/** Values outside it, for inputs the reader must leave to the library. */
const beyond = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => CID.create(1, 0x71, createDigest(0x12, d))),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 64n), max: -(2n ** 53n) - 1n }),
);

function library(bytes: Uint8Array): unknown {
  try {
    return dagCbor.decode(bytes);
  } catch (e) {
    return e as Error;
  }
}

/** Byte strings as plain arrays, so that a view and a copy compare equal. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && !(v instanceof CID)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe("decodeViews", () => {
  it("property: every value of its subset is read, equal to the library's reading, byte strings as views", () => {
    fc.assert(
      fc.property(subset, (v) => {
        const bytes = dagCbor.encode(v);
        const read = decodeViews(bytes);
        expect(read).toBeDefined();
        expect(plain(read)).toEqual(plain(library(bytes)));
        const views = (x: unknown): void => {
          if (x instanceof Uint8Array) expect(x.buffer).toBe(bytes.buffer);
          else if (Array.isArray(x)) x.forEach(views);
          else if (x !== null && typeof x === "object") Object.values(x).forEach(views);
        };
        views(read);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: on any bytes, what it reads the library reads alike (or it declines)", () => {
    const mutated = fc.tuple(fc.oneof(subset, fc.array(fc.oneof(subset, beyond), { maxLength: 3 })), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 })).map(([v, edits]) => {
      const b = dagCbor.encode(v).slice();
      for (const [at, x] of edits) if (b.length > 0) b[at % b.length] = x;
      return b;
    });
    let reads = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 40 })), (bytes) => {
        const read = decodeViews(bytes);
        if (read === undefined) return;
        reads++;
        const lib = library(bytes);
        expect(lib).not.toBeInstanceOf(Error);
        expect(plain(read)).toEqual(plain(lib));
      }),
      { numRuns: 5000 },
    );
    expect(reads).toBeGreaterThan(500); // the comparison ran on many inputs, not on none (~a third are read)
  });

  it("declines what it leaves to the library: floats, CIDs, big integers, non-minimal heads, duplicate and __proto__ keys, invalid UTF-8", () => {
    const declined = (hex: string): void => expect(decodeViews(Uint8Array.from(Buffer.from(hex, "hex")))).toBeUndefined();
    for (const v of [1.5, CID.parse("bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"), 2n ** 60n, -(2n ** 60n)]) expect(decodeViews(dagCbor.encode(v))).toBeUndefined();
    declined("1817"); // 23 in two bytes
    declined("190017"); // 23 in three
    declined("1b0000000000000017"); // 23 in nine
    declined("a2616101616102"); // {"a": 1, "a": 2}
    declined("a1695f5f70726f746f5f5f01"); // {"__proto__": 1}
    declined("62c328"); // invalid UTF-8
    declined("f7".repeat(1) + "00"); // trailing data
    declined("5f"); // indefinite byte string
    declined("45010203"); // a byte string running past the end
    expect(decodeViews(Uint8Array.from([0xf7]))).toBeNull(); // undefined reads as null, as in the library
    expect(library(Uint8Array.from([0xf7]))).toBeNull();
  });

  it("codec.decode with views reads the same values as without, and still refuses non-canonical input", () => {
    const msg = { a: new Uint8Array(100).fill(7), b: [1, "x", null], t: "answer" };
    const bytes = encode(msg);
    expect(plain(decode(bytes, { views: true }))).toEqual(plain(decode(bytes)));
    expect((decode(bytes, { views: true }) as { a: Uint8Array }).a.buffer).toBe(bytes.buffer);
    const unsorted = Uint8Array.from(Buffer.from("a2616201616101", "hex")); // {"b": 1, "a": 1}
    expect(() => decode(unsorted, { views: true })).toThrow(DecodeError);
    expect(decode(unsorted, { views: true, canonical: false })).toEqual({ b: 1, a: 1 });
  });
});
