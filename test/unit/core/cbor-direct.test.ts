// cbor-direct.ts: the direct canonical DAG-CBOR writer gives @ipld/dag-cbor's bytes for
// every value it writes, and writes (does not hand back to the library) every value of
// its subset — so the check below cannot pass by the writer declining everything.
import * as dagCbor from "@ipld/dag-cbor";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { encodeDirect, encodeNested, encodesTo, Nested } from "../../../src/core/cbor-direct.js";
import { decode, encode } from "../../../src/core/codec.js";
import { Arena } from "../../../src/core/arena.js";

const asciiKey = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_ABZ0189"), maxLength: 6 });
const cidArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => CID.create(1, 0x71, createDigest(0x12, d)));
const safeInt = fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat(), fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -24, -25, -257, -(2 ** 32) - 1));

/** Values of the writer's subset. */
const subset = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    safeInt,
    fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }),
    cidArb,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(asciiKey, tie("value"), { maxKeys: 6 }),
  ),
})).value;

/** Anything the library may see: the subset and what the writer leaves to the library. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    subset,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 10 }), // any unicode, lone surrogates included
    fc.constant(-0),
    fc.constant(undefined),
    fc.bigInt(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function library(value: unknown): Uint8Array | Error {
  try {
    return dagCbor.encode(value);
  } catch (e) {
    return e as Error;
  }
}

describe("encodeDirect", () => {
  it("property: every value of its subset is written, with the library's exact bytes", () => {
    fc.assert(
      fc.property(subset, (v) => {
        const direct = encodeDirect(v);
        expect(direct).toBeDefined();
        expect(Buffer.from(direct!).toString("hex")).toBe(Buffer.from(library(v) as Uint8Array).toString("hex"));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: on any value it either declines or gives the library's bytes; never bytes the library would refuse", () => {
    fc.assert(
      fc.property(anyValue, (v) => {
        const direct = encodeDirect(v);
        if (direct === undefined) return;
        const lib = library(v);
        expect(lib).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(direct).toString("hex")).toBe(Buffer.from(lib as Uint8Array).toString("hex"));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: encodesTo(v, b) is whether b are the library's bytes of v (or undefined where it declines)", () => {
    fc.assert(
      fc.property(subset, subset, fc.nat(), (v, other, flip) => {
        const bytes = dagCbor.encode(v);
        expect(encodesTo(v, bytes)).toBe(true);
        const changed = bytes.slice();
        changed[flip % changed.length] ^= 1 << (flip % 8);
        expect(encodesTo(v, changed)).toBe(false);
        expect(encodesTo(v, dagCbor.encode(other))).toBe(Buffer.from(dagCbor.encode(other)).equals(Buffer.from(bytes)));
      }),
      { numRuns: 1000 },
    );
    expect(encodesTo(1.5, dagCbor.encode(1.5))).toBeUndefined();
  });

  it("declines what the library must judge, so codec.encode keeps the library's answer and errors", () => {
    for (const v of [1.5, -0, "é", { a: undefined }, { é: 1 }, 2n ** 70n, new Float64Array(2), new Map(), [1, 0.5]]) expect(encodeDirect(v)).toBeUndefined();
    expect(() => encode({ a: undefined }, "thing")).toThrow(/thing/);
    expect(encode({ a: 1.5, b: "é" })).toEqual(dagCbor.encode({ a: 1.5, b: "é" }));
  });

  it("property: a Nested value is written as the library writes the bytes of its own encoding", () => {
    fc.assert(
      fc.property(subset, subset, fc.uint8Array({ maxLength: 70_000 }), (outer, inner, pad) => {
        // nested values of every header length (< 24, < 256, < 65536 bytes and more)
        const value = { a: new Nested({ inner, pad }), n: [new Nested(inner), outer] };
        const expected = dagCbor.encode({ a: dagCbor.encode({ inner, pad }), n: [dagCbor.encode(inner), outer] });
        expect(Buffer.from(encodeNested(value, "test")).equals(Buffer.from(expected))).toBe(true);
      }),
      { numRuns: 300 },
    );
    for (const size of [0, 20, 300, 70_000]) {
      const pad = new Uint8Array(size).fill(7); // each byte-string header length, for certain
      expect(encodeNested({ a: new Nested({ pad }) }, "test")).toEqual(dagCbor.encode({ a: dagCbor.encode({ pad }) }));
    }
    expect(() => encodeNested({ a: new Nested(1.5) }, "answers")).toThrow(/answers: a value with nested encodings/);
  });

  it("property: with an allocator (poll messages, carved from an arena) the same bytes, in the array it gave", () => {
    const arena = new Arena(4096);
    fc.assert(
      fc.property(subset, (v) => {
        let given: Uint8Array | undefined;
        const out = encodeDirect(v, (n) => (given = arena.bytes(n)));
        expect(out).toBe(given);
        expect(out).toEqual(encodeDirect(v));
        expect(encode(v, "value", (n) => arena.bytes(n))).toEqual(encode(v));
      }),
    );
    // A message over 64 bytes is carved from a chunk (random values may all be smaller).
    const big = { p: [new Uint8Array(200).fill(7), "x".repeat(30)], t: "poll" };
    const carved = encodeDirect(big, (n) => arena.bytes(n))!;
    expect(carved.buffer.byteLength).toBe(4096);
    expect(carved).toEqual(encodeDirect(big));
  });

  it("its buffer grows for large values and is reused safely between calls", () => {
    const big = new Uint8Array(200_000).map((_, i) => i & 255);
    const a = encodeDirect({ big, n: 1 })!;
    const b = encodeDirect({ x: "small" })!;
    expect(a).toEqual(dagCbor.encode({ big, n: 1 }));
    expect(b).toEqual(dagCbor.encode({ x: "small" }));
    expect(decode(a, { maxBytes: 1 << 20 })).toEqual({ big, n: 1 }); // the canonical check on decode uses it too
  });
});
