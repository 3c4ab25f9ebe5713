// transient.ts: carved arrays are zero-filled, never share memory with one another, are
// aligned for their element type, and sizes outside the carving range are allocated alone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, transientBytes, transientInt32 } from "../../../src/core/transient.js";

describe("transient arrays", () => {
  it("property: every array is zero, of its length, and disjoint from the others (writing one changes no other)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 200 }), (specs) => {
        const arrays = specs.map(([int, n]) => (int ? transientInt32(n) : transientBytes(n)));
        arrays.forEach((a, k) => {
          expect(a.length).toBe(specs[k]![1]);
          expect(a.every((x) => x === 0)).toBe(true);
          if (a instanceof Int32Array) expect(a.byteOffset % 4).toBe(0);
          a.fill(k + 1);
        });
        arrays.forEach((a, k) => expect(a.every((x) => x === k + 1)).toBe(true));
      }),
    );
  });

  it("carves mid-sized arrays from shared chunks, and allocates small and large ones alone", () => {
    const a = transientBytes(100);
    const b = transientBytes(100);
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBe(CHUNK_BYTES);
    expect(transientBytes(64).buffer.byteLength).toBe(64);
    expect(transientBytes(CHUNK_BYTES).buffer.byteLength).toBe(CHUNK_BYTES);
    expect(transientBytes(CHUNK_BYTES).buffer).not.toBe(transientBytes(CHUNK_BYTES).buffer);
  });
});
