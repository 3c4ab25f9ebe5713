// arena.ts: kept arrays carved from one owner's chunks are zero, private, aligned; small and large ones are allocated alone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Arena, ARENA_CHUNK_BYTES } from "../../../src/core/arena.js";

describe("Arena", () => {
  it("property: every array and region is zero, of its length, aligned, and disjoint from the others", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 6000 })), { minLength: 1, maxLength: 150 }), (specs) => {
        const arena = new Arena();
        const arrays = specs.map(([kind, n]) => {
          if (kind === 0) return arena.int32(n);
          if (kind === 1) return arena.bytes(n);
          const { buffer, offset } = arena.region(n);
          expect(offset % 8).toBe(0);
          return new Uint8Array(buffer, offset, n);
        });
        arrays.forEach((a, k) => {
          expect(a.length).toBe(specs[k]![1]);
          expect(a.every((x) => x === 0)).toBe(true);
          expect(a.byteOffset % 8).toBe(0);
          a.fill(k + 1);
        });
        arrays.forEach((a, k) => expect(a.every((x) => x === k + 1)).toBe(true));
      }),
    );
  });

  it("carves mid-sized arrays from its own chunks; small and large ones stand alone", () => {
    const a = new Arena();
    const b = new Arena();
    const x = a.bytes(100);
    const y = a.int32(100);
    expect(x.buffer).toBe(y.buffer);
    expect(x.buffer.byteLength).toBe(ARENA_CHUNK_BYTES);
    expect(b.bytes(100).buffer).not.toBe(x.buffer); // one owner's chunks are its own
    expect(a.bytes(64).buffer.byteLength).toBe(64);
    expect(a.region(ARENA_CHUNK_BYTES / 4 + 1).buffer.byteLength).toBe(ARENA_CHUNK_BYTES / 4 + 1);
    expect(a.chunks).toBe(1);
    for (let k = 0; k < 5; k++) a.region(ARENA_CHUNK_BYTES / 4);
    expect(a.chunks).toBe(2); // four quarters fill a chunk; a fifth starts the next
  });
});
