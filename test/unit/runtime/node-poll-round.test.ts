import { describe, expect, it } from "vitest";
import { type EarlyQuorum, type PollAsker, PollRound, type RoundAnswer, SKIPPED, snowballSettled } from "../../../src/runtime/node/poll-round.js";

const Q: EarlyQuorum = { alphaPreference: 15, alphaConfidence: 15, candidates: 4 };

/** votes for candidates 0..3 */
const v = (...c: number[]): Int32Array => Int32Array.from([...c, 0, 0, 0, 0].slice(0, 4));

describe("snowballSettled (the Snowball tree's poll outcome)", () => {
  it("is settled once one candidate holds alphaConfidence votes", () => {
    expect(snowballSettled(v(15, 0), 0, 5, Q)).toBe(true);
    expect(snowballSettled(v(2, 15, 1), 0, 2, Q)).toBe(true);
    expect(snowballSettled(v(0, 0, 0, 15), 0, 5, Q)).toBe(true);
  });
  it("is open while a candidate can still reach alphaPreference", () => {
    expect(snowballSettled(v(14, 0), 0, 6, Q)).toBe(false);
    expect(snowballSettled(v(10, 5), 0, 5, Q)).toBe(false); // candidate 0 may still reach 15
    expect(snowballSettled(v(7, 2, 3, 1), 0, 7, Q)).toBe(false); // root side {0,1}: 9 + 7 ≥ 15
  });
  it("is settled when no side of a level can reach alphaPreference any more", () => {
    // root: {0,1} = 17 ≥ 15 succeeds; level 2: 9 + 2 and 8 + 2 < 15 fail whatever comes
    expect(snowballSettled(v(9, 8), 0, 3, Q)).toBe(true);
    expect(snowballSettled(v(9, 6, 0, 0), 0, 0, Q)).toBe(true);
    expect(snowballSettled(v(5, 2, 4, 3), 0, 0, Q)).toBe(true); // 7 vs 7 at the root
    expect(snowballSettled(v(5, 2, 4, 3), 0, 8, Q)).toBe(false);
  });
  it("reads an instance's counts at its offset", () => {
    const votes = Int32Array.from([0, 0, 0, 0, 15, 0, 0, 0]);
    expect(snowballSettled(votes, 0, 15, Q)).toBe(false);
    expect(snowballSettled(votes, 4, 5, Q)).toBe(true);
  });
});

/** A fake poller: sample[x] answers with `plan[x]` (a candidate per instance) after `delay[x]` ms, or never (-1). */
function fakeAsker(plan: readonly (readonly number[])[], delays: readonly number[]) {
  const asked: string[] = [];
  const asker: PollAsker = {
    ask: (x) => {
      asked.push(`p${x}`);
      if (delays[x]! < 0) return new Promise<RoundAnswer | null>(() => {});
      return new Promise((resolve) => setTimeout(() => resolve({ candidates: Int32Array.from(plan[x]!) }), delays[x]));
    },
    peerIndex: (p) => Number(p.slice(1)),
  };
  return { asker, asked };
}

const peers = Array.from({ length: 20 }, (_, x) => `p${x}`);

describe("PollRound: a poll ends once its outcome is settled", () => {
  it("ends when alphaConfidence answers agree on every instance, without waiting for the rest", async () => {
    // 15 peers answer candidate 0 for both instances; 5 never answer (lost: they would hold the poll to its timeout)
    const plan = peers.map(() => [0, 0]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : -1));
    const { asker } = fakeAsker(plan, delays);
    const round = new PollRound(asker, [7, 8], peers, Q);
    const ended = await Promise.race([round.collect().then(() => "ended"), new Promise((r) => setTimeout(() => r("waiting"), 200))]);
    expect(ended).toBe("ended");
    expect(round.unheard).toBe(5);
    expect(round.responses.filter((r) => r !== null)).toHaveLength(15);
  });

  it("ends when alpha can no longer be reached (too many silent or split)", async () => {
    // 6 peers fail fast (null answers), 14 answer: alphaPreference 15 is out of reach after the 6th failure
    const plan = peers.map(() => [0]);
    const delays = peers.map((_, x) => (x < 6 ? 1 : -1));
    const { asker } = fakeAsker(plan, delays);
    const nullAsker: PollAsker = { ...asker, ask: (x, closed) => (x < 6 ? Promise.resolve(null) : asker.ask(x, closed)) };
    const round = new PollRound(nullAsker, [3], peers, Q);
    const ended = await Promise.race([round.collect().then(() => "ended"), new Promise((r) => setTimeout(() => r("waiting"), 200))]);
    expect(ended).toBe("ended");
    expect(round.unheard).toBe(14);
  });

  it("keeps waiting while one instance is still open", async () => {
    // instance 0 is settled by 15 votes; instance 1 is split 10/5 with 5 answers out: candidate 0 can still reach 15
    const plan = peers.map((_, x) => [0, x < 10 ? 0 : 1]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : -1));
    const { asker } = fakeAsker(plan, delays);
    const round = new PollRound(asker, [1, 2], peers, Q);
    const ended = await Promise.race([round.collect().then(() => "ended"), new Promise((r) => setTimeout(() => r("waiting"), 100))]);
    expect(ended).toBe("waiting");
  });

  it("waits for every answer without a quorum rule (EMTD, T-MESH) and when the sample cannot reach alpha", async () => {
    const plan = peers.map(() => [0]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : 30));
    for (const [sample, quorum] of [
      [peers, null],
      [peers.slice(0, 10), Q],
    ] as const) {
      const { asker } = fakeAsker(plan, delays);
      const round = new PollRound(asker, [0], sample, quorum);
      await round.collect();
      expect(round.unheard).toBe(0);
      expect(round.responses.filter((r) => r !== null)).toHaveLength(sample.length);
    }
  });

  it("an instance no longer polled (SKIPPED) settles at once", async () => {
    const plan = peers.map(() => [SKIPPED]);
    const delays = peers.map((_, x) => (x === 0 ? 1 : -1));
    const { asker } = fakeAsker(plan, delays);
    const round = new PollRound(asker, [0], peers, Q);
    await round.collect();
    expect(round.unheard).toBe(19);
  });
});
