/**
 * The oblivious balancing attacker sees only the queries it receives: its answers are a
 * function of the preferences named in those queries, never of honest state or of who asks.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/prng.js";
import { createStrategy } from "../../../src/sim/consensus/adversary.js";
import { createObliviousBalance } from "../../../src/sim/consensus/adversary-oblivious.js";
import type { AdversarySpec } from "../../../src/sim/consensus/setting.js";

const spec = (knowledge: "none" | "full"): AdversarySpec => ({ type: "balance", share: 0.1, knowledge, placement: "random" }) as AdversarySpec;

describe("oblivious balancing attacker", () => {
  it("answers the candidate least named in last round's and this round's queries", () => {
    const s = createObliviousBalance(2, Int32Array.from([5, 5]));
    // Round 1: seven askers prefer 0, three prefer 1.
    const prefs = [0, 0, 0, 1, 0, 0, 1, 0, 1, 0];
    prefs.forEach((p, i) => s.answer(i, p, 0, 1));
    // Round 2: the estimate is 7 : 3 (plus this query), so it pushes candidate 1.
    expect(s.answer(99, 0, 0, 2)).toBe(1);
    expect(s.answer(98, 1, 0, 2)).toBe(1);
    // Round 3: round 2 named 0 once and 1 once; ten queries naming 1 this round tip the tally to 1.
    for (let i = 0; i < 10; i++) s.answer(i, 1, 0, 3);
    expect(s.answer(50, 1, 0, 3)).toBe(0);
  });

  it("ignores who asks and the honest counts it is shown", () => {
    const a = createObliviousBalance(3, Int32Array.from([3, 3, 4]));
    const b = createObliviousBalance(3, Int32Array.from([3, 3, 4]));
    b.beginRound(Int32Array.from([1000, 0, 0])); // an honest-state view it must not use
    const seq = [0, 2, 2, 1, 0, 2, 2, 2, 1, 0, 0, 0];
    for (let r = 1; r <= 4; r++) {
      seq.forEach((p, i) => {
        expect(a.answer(i, p, 0, r)).toBe(b.answer(1000 + 7 * i, p, 0, r));
      });
    }
  });

  it("first round ties go to the candidate fewest honest nodes saw first; instances are separate", () => {
    const s = createObliviousBalance(2, Int32Array.from([6, 4, 3, 7]));
    expect(s.answer(0, -1, 0, 1)).toBe(1);
    expect(s.answer(0, -1, 1, 1)).toBe(0);
  });

  it("is what knowledge: none selects, and the informed attacker still reads honest counts", () => {
    const oblivious = createStrategy(spec("none"), 2, Int32Array.from([5, 5]), createRng(1, "x"));
    const reference = createObliviousBalance(2, Int32Array.from([5, 5]));
    for (let i = 0; i < 20; i++) expect(oblivious.answer(i, i % 3 === 0 ? 1 : 0, 0, 1 + Math.floor(i / 5))).toBe(reference.answer(i, i % 3 === 0 ? 1 : 0, 0, 1 + Math.floor(i / 5)));
    const informed = createStrategy(spec("full"), 2, Int32Array.from([5, 5]), createRng(1, "x"));
    informed.beginRound(Int32Array.from([10, 2]));
    expect(informed.answer(0, 1, 0, 1)).toBe(1);
    informed.beginRound(Int32Array.from([2, 10]));
    expect(informed.answer(0, 1, 0, 2)).toBe(0);
  });
});
