// The node's LRU (src/runtime/node/lru.ts) against a model: a Map whose insertion order is
// recency (a hit deletes and re-inserts the key), evicting its first key beyond capacity.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Lru } from "../../../src/runtime/node/lru.js";

type Op = { op: "get" | "peek" | "has" | "delete"; key: number } | { op: "set"; key: number; value: number } | { op: "clear" };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constantFrom("get" as const, "peek" as const, "has" as const, "delete" as const), key: fc.nat(9) }),
    fc.record({ op: fc.constant("set" as const), key: fc.nat(9), value: fc.integer() }),
    fc.constant({ op: "clear" as const }),
  ),
  { maxLength: 300 },
);

describe("Lru", () => {
  it("behaves as a recency-ordered map with a capacity, evictions reported in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), ops, (capacity, script) => {
        const evicted: [number, number][] = [];
        const modelEvicted: [number, number][] = [];
        const lru = new Lru<number, number>(capacity, (k, v) => evicted.push([k, v]));
        const model = new Map<number, number>();
        for (const o of script) {
          if (o.op === "set") {
            model.delete(o.key);
            model.set(o.key, o.value);
            while (model.size > capacity) {
              const [k, v] = model.entries().next().value as [number, number];
              model.delete(k);
              modelEvicted.push([k, v]);
            }
            lru.set(o.key, o.value);
          } else if (o.op === "get") {
            const v = model.get(o.key);
            if (v !== undefined) {
              model.delete(o.key);
              model.set(o.key, v);
            }
            expect(lru.get(o.key)).toBe(v);
          } else if (o.op === "peek") expect(lru.peek(o.key)).toBe(model.get(o.key));
          else if (o.op === "has") expect(lru.has(o.key)).toBe(model.has(o.key));
          else if (o.op === "delete") expect(lru.delete(o.key)).toBe(model.delete(o.key));
          else {
            lru.clear();
            model.clear();
          }
          expect(lru.size).toBe(model.size);
          expect([...lru.keys()]).toEqual([...model.keys()]);
        }
        expect(evicted).toEqual(modelEvicted);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a capacity that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new Lru(bad)).toThrow(RangeError);
  });
});
