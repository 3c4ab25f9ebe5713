import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../src/core/bytes.js";
import { cidOf, encode } from "../../../src/core/codec.js";
import type { Vertex } from "../../../src/core/vertex.js";
import { nodeHasher } from "../../../src/runtime/crypto-node.js";
import { DagIndex, LINKED_PARENTS } from "../../../src/runtime/node/dag.js";

const author = (n: number) => new Uint8Array(32).fill(n + 1);
const vertexOf = (a: number, height: number): [Vertex, ReturnType<typeof cidOf>] => {
  const v = { author: author(a), height, parents: [], decisions: [], signature: new Uint8Array(64) } as unknown as Vertex;
  return [v, cidOf(encode({ a, height }), nodeHasher)];
};
const SELF = 0;

describe("the DAG's parent links (bounded, in turn)", () => {
  it("links the own previous vertex and at most LINKED_PARENTS − 1 others, each author in turn, never one already linked at that height", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }), (others, newVertices) => {
        const dag = new DagIndex(toHex(author(SELF)));
        const heightOf = new Map<number, number>();
        const add = (a: number) => {
          const h = (heightOf.get(a) ?? 0) + 1;
          heightOf.set(a, h);
          dag.note(...vertexOf(a, h));
        };
        add(SELF);
        for (let a = 1; a <= others; a++) add(a);
        // round robin: every other author is linked once within ceil(others / 7) seals
        const seen = new Set<string>();
        const rounds = Math.ceil(others / (LINKED_PARENTS - 1));
        for (let r = 0; r < rounds; r++) {
          const ps = dag.parentsForNext();
          expect(ps.length).toBeLessThanOrEqual(LINKED_PARENTS);
          expect(ps[0]!.cid.toString()).toBe(dag.ownHead()!.cid.toString());
          for (const p of ps.slice(1)) {
            expect(seen.has(p.cid.toString())).toBe(false);
            seen.add(p.cid.toString());
          }
        }
        expect(seen.size).toBe(others);
        // nothing new: only the own vertex
        expect(dag.parentsForNext().length).toBe(1);
        // new vertices of some authors: exactly those (up to the bound) are linked next
        for (const a of newVertices) if (a >= 1 && a <= others) add(a);
        const fresh = new Set(newVertices.filter((a) => a >= 1 && a <= others));
        const next = dag.parentsForNext().slice(1);
        expect(next.length).toBe(Math.min(fresh.size, LINKED_PARENTS - 1));
      }),
      { numRuns: 100 },
    );
  });
});
