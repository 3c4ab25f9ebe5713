import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventQueue } from "../../../src/sim/event/queue.js";

/** The specification: a plain binary heap keyed by (tick, sequence number). */
class ReferenceHeap {
  private items: { tick: number; seq: number; id: number }[] = [];
  private seq = 0;
  push(id: number, tick: number): void {
    const item = { tick, seq: this.seq++, id };
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): { tick: number; id: number } | undefined {
    const h = this.items;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return { tick: top.tick, id: top.id };
  }
  get size(): number {
    return this.items.length;
  }
}

function less(a: { tick: number; seq: number }, b: { tick: number; seq: number }): boolean {
  return a.tick < b.tick || (a.tick === b.tick && a.seq < b.seq);
}

describe("event queue", () => {
  it("pops in (tick, insertion) order, exactly as a (tick, seq) binary heap", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 40 }) }), fc.constant({ pop: true })), { maxLength: 400 }),
        (ops) => {
          const q = new EventQueue(1, 16);
          const ref = new ReferenceHeap();
          let label = 0;
          const popped: [number, number][] = [];
          const expected: [number, number][] = [];
          for (const op of ops) {
            if ("push" in op) {
              const tick = q.now + op.push; // never in the past
              const ev = q.alloc(1);
              q.a[ev] = label;
              q.push(ev, tick);
              ref.push(label, tick);
              label++;
            } else if (q.size > 0) {
              const ev = q.pop();
              popped.push([q.now, q.a[ev]!]);
              q.release(ev);
              const r = ref.pop()!;
              expected.push([r.tick, r.id]);
            }
          }
          while (q.size > 0) {
            const ev = q.pop();
            popped.push([q.now, q.a[ev]!]);
            q.release(ev);
            const r = ref.pop()!;
            expected.push([r.tick, r.id]);
          }
          expect(popped).toEqual(expected);
          expect(ref.size).toBe(0);
          expect(q.peekTick()).toBe(Number.POSITIVE_INFINITY);
          expect(q.pop()).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("recycles slots, grows its pool, keeps payloads and references per slot", () => {
    const q = new EventQueue(3, 16);
    for (let round = 0; round < 5; round++) {
      const slots: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const ev = q.alloc(2);
        q.payload.set([i, i + 0.5, -i], ev * 3);
        q.refs[ev] = { i };
        q.push(ev, q.now + 1 + (i % 7));
        slots.push(ev);
      }
      let seen = 0;
      while (q.size > 0) {
        const ev = q.pop();
        const i = q.payload[ev * 3]!;
        expect(q.payload[ev * 3 + 1]).toBe(i + 0.5);
        expect((q.refs[ev] as { i: number }).i).toBe(i);
        q.release(ev);
        expect(q.refs[ev]).toBeUndefined();
        seen++;
      }
      expect(seen).toBe(1000);
    }
    expect(q.poolSize).toBe(1000); // the second round onwards reuses the first round's slots
    expect(q.scheduled).toBe(5000);
  });

  it("refuses to schedule in the past", () => {
    const q = new EventQueue(1);
    const a = q.alloc(1);
    q.push(a, 5);
    q.release(q.pop());
    expect(() => q.push(q.alloc(1), 4)).toThrow(/past/);
  });
});
