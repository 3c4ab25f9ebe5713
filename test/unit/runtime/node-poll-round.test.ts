import { describe, expect, it } from "vitest";
import { type EarlyQuorum, type PollAsker, PollRound, type RoundAnswer, SKIPPED, snowballSettled } from "../../../src/runtime/node/poll-round.js";
import { request, Scheduler, type Task } from "../../../src/runtime/node/tasks.js";

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

/**
 * A fake poller on the node core's scheduler (tasks.ts): sample[x] is asked by a request
 * effect; `deliver` answers the requests whose delay is ≥ 0 in delay order (sample[x]
 * names `plan[x]`, a candidate per instance), or with null where `nulls` says so; a
 * delay of -1 never answers (a lost message).
 */
function fakeRound(plan: readonly (readonly number[])[], delays: readonly number[], batch: readonly number[], sample: readonly string[], quorum: EarlyQuorum | null, nulls: (x: number) => boolean = () => false) {
  const requests = new Map<string, number>();
  const scheduler = new Scheduler(
    {
      persist: () => undefined,
      read: () => undefined,
      request: (id, peer) => void requests.set(peer, id),
    },
    (err) => {
      throw err;
    },
  );
  const asker: PollAsker = {
    ask: function* (x): Task<RoundAnswer | null> {
      yield* request(`p${x}`, new Uint8Array(0), 1000);
      return nulls(x) ? null : { candidates: Int32Array.from(plan[x]!) };
    },
    peerIndex: (p) => Number(p.slice(1)),
    spawn: (t, done) => scheduler.spawn(t, done),
  };
  const round = new PollRound(asker, batch, sample, quorum);
  let ended = false;
  scheduler.spawn(round.collect(), (ok, err) => {
    if (!ok) throw err;
    ended = true;
  });
  scheduler.drain();
  /** Deliver the answers with delay ≥ 0 in delay order; how many were delivered before the round ended (all of them if it never did). */
  const deliver = (): number => {
    const order = sample.map((p) => Number(p.slice(1))).filter((x) => delays[x]! >= 0).sort((a, b) => delays[a]! - delays[b]! || a - b);
    let n = 0;
    for (const x of order) {
      if (ended) break;
      scheduler.complete(requests.get(`p${x}`)!, true, new Uint8Array(0));
      scheduler.drain();
      n++;
    }
    return n;
  };
  return { round, deliver, ended: () => ended, asked: () => requests.size };
}

const peers = Array.from({ length: 20 }, (_, x) => `p${x}`);

describe("PollRound: a poll ends once its outcome is settled", () => {
  it("ends when alphaConfidence answers agree on every instance, without waiting for the rest", () => {
    // 15 peers answer candidate 0 for both instances; 5 never answer (lost: they would hold the poll to its timeout)
    const plan = peers.map(() => [0, 0]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : -1));
    const f = fakeRound(plan, delays, [7, 8], peers, Q);
    expect(f.asked()).toBe(20);
    expect(f.deliver()).toBe(15);
    expect(f.ended()).toBe(true);
    expect(f.round.unheard).toBe(5);
    expect(f.round.responses.filter((r) => r !== null)).toHaveLength(15);
  });

  it("does not end before the 15th agreeing answer", () => {
    const plan = peers.map(() => [0]);
    const delays = peers.map((_, x) => (x < 14 ? 1 : -1));
    const f = fakeRound(plan, delays, [7], peers, Q);
    expect(f.deliver()).toBe(14);
    expect(f.ended()).toBe(false);
  });

  it("ends when alpha can no longer be reached (too many silent or split)", () => {
    // 6 peers fail fast (null answers), 14 never answer: alphaPreference 15 is out of reach after the 6th failure
    const plan = peers.map(() => [0]);
    const delays = peers.map((_, x) => (x < 6 ? 1 : -1));
    const f = fakeRound(plan, delays, [3], peers, Q, (x) => x < 6);
    f.deliver();
    expect(f.ended()).toBe(true);
    expect(f.round.unheard).toBe(14);
  });

  it("keeps waiting while one instance is still open", () => {
    // instance 0 is settled by 15 votes; instance 1 is split 10/5 with 5 answers out: candidate 0 can still reach 15
    const plan = peers.map((_, x) => [0, x < 10 ? 0 : 1]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : -1));
    const f = fakeRound(plan, delays, [1, 2], peers, Q);
    expect(f.deliver()).toBe(15);
    expect(f.ended()).toBe(false);
  });

  it("waits for every answer without a quorum rule (EMTD, T-MESH) and when the sample cannot reach alpha", () => {
    const plan = peers.map(() => [0]);
    const delays = peers.map((_, x) => (x < 15 ? 1 : 30));
    for (const [sample, quorum] of [
      [peers, null],
      [peers.slice(0, 10), Q],
    ] as const) {
      const f = fakeRound(plan, delays, [0], sample, quorum);
      expect(f.deliver()).toBe(sample.length);
      expect(f.ended()).toBe(true);
      expect(f.round.unheard).toBe(0);
      expect(f.round.responses.filter((r) => r !== null)).toHaveLength(sample.length);
    }
  });

  it("an instance no longer polled (SKIPPED) settles at once", () => {
    const plan = peers.map(() => [SKIPPED]);
    const delays = peers.map((_, x) => (x === 0 ? 1 : -1));
    const f = fakeRound(plan, delays, [0], peers, Q);
    f.deliver();
    expect(f.ended()).toBe(true);
    expect(f.round.unheard).toBe(19);
  });
});
