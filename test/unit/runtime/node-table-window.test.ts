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
});
