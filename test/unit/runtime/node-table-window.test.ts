// table.ts: the window of segments (an array from the oldest held segment to the newest) holds
// exactly what a model of allocations and releases says, and drops released segments.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { InstanceTable, SEGMENT } from "../../../src/runtime/node/table.js";

describe("InstanceTable's segment window", () => {
  it("property: holds() and segmentCount follow a model of allocate/release in any order", () => {
    const params = snowball.params.parse({ k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 3 });
    let runsThatDropped = 0;
    fc.assert(
      // Releases mostly pick among the oldest live instances (segments then empty in order, as sets are decided), sometimes anywhere.
      fc.property(fc.array(fc.oneof({ arbitrary: fc.constant(-1), weight: 1 }, { arbitrary: fc.nat({ max: 30 }), weight: 40 }, { arbitrary: fc.nat(), weight: 4 }), { minLength: 300, maxLength: 1500 }), (ops) => {
        const table = new InstanceTable(snowball as ConsensusProtocol<unknown>, params, 2);
        const live = new Set<number>();
        const released = new Set<number>();
        const segLive = new Map<number, number>();
        const dropped = new Set<number>();
        let next = 0;
        for (const op of ops) {
          if (op === -1 || live.size === 0) {
            // allocate (in runs, so that segments fill up)
            for (let k = 0; k < 40; k++) {
              const i = table.allocate();
              expect(i).toBe(next);
              next++;
              live.add(i);
              const key = Math.floor(i / SEGMENT);
              segLive.set(key, (segLive.get(key) ?? 0) + 1);
            }
          } else {
            const all = [...live];
            const i = all[op % all.length]!;
            table.release(i);
            live.delete(i);
            released.add(i);
            const key = Math.floor(i / SEGMENT);
            const n = segLive.get(key)! - 1;
            segLive.set(key, n);
            if (n === 0 && (key + 1) * SEGMENT <= next) dropped.add(key);
          }
        }
        for (const i of live) expect(table.holds(i)).toBe(true);
        for (const i of released) expect(table.holds(i)).toBe(false);
        expect(table.holds(next)).toBe(false);
        expect(table.holds(-1)).toBe(false);
        expect(table.segmentCount).toBe([...segLive.keys()].filter((k) => !dropped.has(k)).length);
        if (dropped.size > 0) runsThatDropped++;
      }),
      { numRuns: 60 },
    );
    expect(runsThatDropped).toBeGreaterThan(5); // the window's release path was exercised
  });

  it("property: a candidate's digest and 8-byte id are recognised at any offset of a flat array, and nothing else is", () => {
    const params = snowball.params.parse({ k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 3 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 5 }), fc.nat({ max: 31 }), (a, b, slots, flip) => {
        const table = new InstanceTable(snowball as ConsensusProtocol<unknown>, params, 2);
        const i = table.allocate();
        table.setCandidate(i, 0, a);
        table.setCandidate(i, 1, b);
        const flat = new Uint8Array(32 * (slots + 1));
        flat.set(a, 32 * slots);
        expect(table.candidateIsAt(i, 0, flat, 32 * slots)).toBe(true);
        expect(table.candidateIs(i, 0, a)).toBe(true);
        expect(table.candidateIdIs(i, 0, flat, 32 * slots)).toBe(true);
        const equal = a.every((x, k) => x === b[k]);
        expect(table.candidateIsAt(i, 1, flat, 32 * slots)).toBe(equal);
        const other = flat.slice();
        other[32 * slots + flip]! ^= 1;
        expect(table.candidateIsAt(i, 0, other, 32 * slots)).toBe(false);
        expect(table.candidateIdIs(i, 0, other, 32 * slots)).toBe(flip >= 8); // the id is the digest's first 8 bytes
        expect(table.candidateIsAt(i, 0, flat, 32 * slots + 1)).toBe(false); // past the end: refused, not read
        expect(table.candidateIs(i, 0, a.subarray(0, 31))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
