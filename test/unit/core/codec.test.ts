import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import {
  DAG_CBOR_CODE,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  cidOf,
  decode,
  encode,
  isBlockCid,
  parseCid,
  signingBytes,
} from "../../../src/core/codec.js";
import { DecodeError, EncodeError, EntropicError, type DecodeFailure } from "../../../src/core/errors.js";
import { fromHex, toHex, utf8 } from "../../../src/core/bytes.js";
import { nodeHasher } from "../../../src/runtime/crypto-node.js";

function failure(f: () => unknown): DecodeFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.reason;
    throw e;
  }
  throw new Error("expected a DecodeError, got a value");
}

/** Values of the IPLD data model that DAG-CBOR round-trips exactly. */
const ipldValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
  ),
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("leaf"), tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 5 }),
  map: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie("value"), { maxKeys: 5 }),
})).value;

/** Byte strings biased towards CBOR headers, to reach deep into the decoder. */
const cborish = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x20, 0x38, 0x40, 0x41, 0x58, 0x5b, 0x60, 0x61, 0x78),
      fc.constantFrom(0x80, 0x81, 0x82, 0x9f, 0xa0, 0xa1, 0xa2, 0xbf, 0xc1, 0xd8, 0x2a, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 200 },
  )
  .map((xs) => new Uint8Array(xs));

describe("codec: encode/decode", () => {
  it("round-trips IPLD values and their bytes", () => {
    fc.assert(
      fc.property(ipldValue, (v) => {
        const bytes = encode(v);
        const back = decode(bytes);
        expect(back).toEqual(v);
        expect(encode(back)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips CIDs (tag 42)", () => {
    const cid = cidOf(encode({ a: 1 }), nodeHasher);
    const back = decode(encode({ link: cid })) as { link: CID };
    expect(CID.equals(back.link, cid)).toBe(true);
  });

  it("returns plain Uint8Arrays", () => {
    expect(encode({ a: 1 }).constructor).toBe(Uint8Array);
  });

  it("refuses values outside the data model with EncodeError", () => {
    expect(() => encode(undefined)).toThrow(EncodeError);
    expect(() => encode({ a: undefined })).toThrow(EncodeError);
    expect(() => encode(Number.NaN)).toThrow(EncodeError);
    expect(() => encode(Infinity)).toThrow(EncodeError);
  });

  it("DecodeError is an EntropicError with a stable code", () => {
    const e = (() => {
      try {
        decode(new Uint8Array([0xff]));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e).toBeInstanceOf(EntropicError);
    expect((e as DecodeError).code).toBe("DECODE_ERROR");
    expect((e as DecodeError).reason).toBe("malformed");
    expect((e as DecodeError).message).toMatch(/cannot decode value: malformed/);
  });
});

describe("codec: strictness", () => {
  // Each of these the plain @ipld/dag-cbor decoder ACCEPTS; entropic must not.
  const nonCanonical: [string, string][] = [
    ["unsorted map keys", "a2616202616101"],
    ["bytewise instead of length-first key order", "a262616101616202"],
    ["float16", "f93e00"],
    ["float32", "fa3fc00000"],
    ["integral float64 (1.0)", "fb3ff0000000000000"],
    ["negative zero", "fb8000000000000000"],
    ["undefined", "f7"],
    ["invalid UTF-8", "62c328"],
  ];
  for (const [name, hex] of nonCanonical) {
    it(`rejects ${name} as non-canonical`, () => {
      expect(failure(() => decode(fromHex(hex)))).toBe("non-canonical");
    });
  }

  // These the dag-cbor decoder already rejects (or our pre-scan rejects first).
  const malformed: [string, string][] = [
    ["empty input", ""],
    ["non-minimal integer", "1801"],
    ["non-minimal length", "5801ff"],
    ["indefinite-length list", "9f01ff"],
    ["indefinite-length map", "bf616101ff"],
    ["stray break", "ff"],
    ["unknown tag", "c101"],
    ["tag 42 without the 0x00 prefix", "d82a4401711220"],
    ["simple value 16", "f0"],
    ["NaN", "fb7ff8000000000000"],
    ["Infinity", "fb7ff0000000000000"],
    ["duplicate map key", "a2616101616102"],
    ["non-string map key", "a10101"],
    ["truncated string", "6461"],
    ["truncated list", "8201"],
    ["trailing bytes", "0101"],
    ["reserved additional info", "1c"],
    ["8-byte length far past the end", "5bffffffffffffffff00"],
  ];
  for (const [name, hex] of malformed) {
    it(`rejects ${name} as malformed`, () => {
      expect(failure(() => decode(fromHex(hex)))).toBe("malformed");
    });
  }

  it("accepts integers beyond 2^53 only as BigInt (the decoders of tx etc. refuse them)", () => {
    expect(decode(fromHex("1b0020000000000000"))).toBe(2n ** 53n);
  });

  it("refuses oversized input before parsing it", () => {
    // 0xff everywhere would be malformed at byte 0; the size check must come first.
    expect(failure(() => decode(new Uint8Array(DEFAULT_MAX_BYTES + 1).fill(0xff)))).toBe("too-large");
    expect(failure(() => decode(new Uint8Array(11).fill(0xff), { maxBytes: 10 }))).toBe("too-large");
    const ok = encode(new Uint8Array(DEFAULT_MAX_BYTES - 5));
    expect(ok.length).toBe(DEFAULT_MAX_BYTES);
    expect((decode(ok) as Uint8Array).length).toBe(DEFAULT_MAX_BYTES - 5);
  });

  it("bounds nesting without recursing: 500k nested lists fail fast with too-deep", () => {
    const deep = new Uint8Array(500_001).fill(0x81);
    deep[500_000] = 0x00;
    const t0 = process.hrtime.bigint();
    expect(failure(() => decode(deep))).toBe("too-deep");
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(1000);
    // plain @ipld/dag-cbor would overflow the stack here (RangeError), not a DecodeError
  });

  it("accepts nesting up to the limit exactly", () => {
    let v: unknown = 0;
    for (let i = 0; i < DEFAULT_MAX_DEPTH; i++) v = [v];
    expect(decode(encode(v))).toEqual(v);
    expect(failure(() => decode(encode([v])))).toBe("too-deep");
    expect(decode(encode([[1]]), { maxDepth: 2 })).toEqual([[1]]);
    expect(failure(() => decode(encode([[[1]]]), { maxDepth: 2 }))).toBe("too-deep");
    // empty containers do not open a level
    expect(decode(encode([[]]), { maxDepth: 1 })).toEqual([[]]);
  });

  it("claimed container sizes beyond the input fail before allocation", () => {
    expect(failure(() => decode(fromHex("9bffffffffffffffff00")))).toBe("malformed");
    expect(failure(() => decode(fromHex("bb00000000ffffffff00")))).toBe("malformed");
  });

  it("fuzz: arbitrary bytes either decode canonically or throw DecodeError, never anything else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), cborish), (bytes) => {
        let value: unknown;
        try {
          value = decode(bytes, { maxDepth: 8 });
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        expect(encode(value)).toEqual(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it("fuzz: mutated valid encodings either decode canonically or throw DecodeError", () => {
    fc.assert(
      fc.property(ipldValue, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(3), (v, at, byte, kind) => {
        const good = encode(v);
        let bad: Uint8Array;
        const i = at % good.length;
        if (kind === 0) {
          bad = good.slice();
          bad[i] = byte;
        } else if (kind === 1) {
          bad = good.slice(0, i);
        } else if (kind === 2) {
          bad = new Uint8Array([...good.subarray(0, i), byte, ...good.subarray(i)]);
        } else {
          bad = new Uint8Array([...good.subarray(0, i), ...good.subarray(i + 1)]);
        }
        let value: unknown;
        try {
          value = decode(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        expect(encode(value)).toEqual(bad);
      }),
      { numRuns: 3000 },
    );
  });

  it("decodes a Buffer like a Uint8Array", () => {
    expect(decode(Buffer.from(encode({ a: [1, 2] })))).toEqual({ a: [1, 2] });
  });

  it("refuses a non-Uint8Array input with DecodeError", () => {
    expect(failure(() => decode("a1" as unknown as Uint8Array))).toBe("malformed");
  });
});

describe("codec: CIDs", () => {
  it("cidOf is CIDv1 dag-cbor sha2-256 and matches multiformats' own sha256", async () => {
    const bytes = encode({ hello: "entropic", n: [1, 2, 3] });
    const ours = cidOf(bytes, nodeHasher);
    const theirs = CID.create(1, DAG_CBOR_CODE, await sha256.digest(bytes));
    expect(ours.equals(theirs)).toBe(true);
    expect(ours.toString()).toBe(theirs.toString());
    expect(ours.toString().startsWith("bafyrei")).toBe(true);
    expect(isBlockCid(ours)).toBe(true);
  });

  it("cidOf's CIDs, carved from shared chunks, each equal multiformats' own, across chunk boundaries", async () => {
    // 300 CIDs of 36 bytes cross several 4 KiB chunks; each must keep its own bytes.
    const made = Array.from({ length: 300 }, (_, i) => {
      const bytes = encode({ i });
      return { bytes, cid: cidOf(bytes, nodeHasher) };
    });
    for (const { bytes, cid } of made) {
      const theirs = CID.create(1, DAG_CBOR_CODE, await sha256.digest(bytes));
      expect(cid.equals(theirs)).toBe(true);
      expect(cid.bytes).toEqual(theirs.bytes);
      expect(cid.multihash.digest).toEqual(theirs.multihash.digest);
      expect(CID.decode(cid.bytes).equals(theirs)).toBe(true);
    }
  });

  it("parseCid round-trips and refuses other CID kinds", async () => {
    const cid = cidOf(encode(1), nodeHasher);
    expect(parseCid(cid.toString()).equals(cid)).toBe(true);
    const raw = CID.create(1, 0x55, await sha256.digest(utf8("x")));
    expect(failure(() => parseCid(raw.toString()))).toBe("invalid");
    expect(isBlockCid(raw)).toBe(false);
    expect(isBlockCid(CID.parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"))).toBe(false);
    expect(failure(() => parseCid("not a cid"))).toBe("malformed");
  });
});

describe("codec: signingBytes", () => {
  it("separates domains and is the DAG-CBOR list [domain, body]", () => {
    const body = { a: 1 };
    const a = signingBytes("entropic/tx/v1", body);
    const b = signingBytes("entropic/vertex/v1", body);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(decode(a)).toEqual(["entropic/tx/v1", body]);
  });
});
