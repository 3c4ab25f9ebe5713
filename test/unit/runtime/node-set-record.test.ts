import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeSetRecord, encodeSetRecord, type SetRecord } from "../../../src/runtime/node/set-record.js";

const record = (text: fc.Arbitrary<string>): fc.Arbitrary<SetRecord> =>
  fc
    .record({
      key: text,
      pairs: fc.array(fc.tuple(text, fc.nat(1e9)), { minLength: 1, maxLength: 4 }),
      firstSeen: fc.nat(1e9),
      final: fc.option(fc.tuple(text, fc.nat(1e9)), { nil: undefined }),
    })
    .map(({ key, pairs, firstSeen, final }) => ({
      key,
      candidates: pairs.map(([c]) => c),
      seenAt: pairs.map(([, t]) => t),
      firstSeen,
      ...(final !== undefined ? { final: final[0], finalizedAt: final[1] } : {}),
    }));

describe("set records (set-record.ts)", () => {
  it("encode to the UTF-8 bytes of their JSON and decode back, ASCII (the carved path) or not", () => {
    for (const text of [fc.string({ unit: "grapheme-ascii" }), fc.string({ unit: "binary" })]) {
      fc.assert(
        fc.property(record(text), (r) => {
          const bytes = encodeSetRecord(r);
          const json = JSON.stringify({ k: r.key, c: r.candidates, s: r.seenAt, t: r.firstSeen, x: r.final, f: r.finalizedAt, r: undefined });
          expect(bytes).toEqual(new TextEncoder().encode(json));
          expect(decodeSetRecord(bytes)).toEqual(r);
        }),
        { numRuns: 200 },
      );
    }
  });

  it("carved records keep their own bytes: many in a row, across chunks, each decodes to itself", () => {
    const made = Array.from({ length: 2000 }, (_, i) => {
      const r: SetRecord = { key: `key-${i}`, candidates: [`cid-${i}-a`, `cid-${i}-b`], seenAt: [i, i + 1], firstSeen: i, final: `cid-${i}-a`, finalizedAt: i + 2 };
      return { r, bytes: encodeSetRecord(r) };
    });
    for (const { r, bytes } of made) expect(decodeSetRecord(bytes)).toEqual(r);
  });
});
