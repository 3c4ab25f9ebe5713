import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../src/runtime/crypto-node.js";
import type { ConsensusProtocol, ConsensusState } from "../../src/protocols/consensus.js";
import { snowball, type SnowballParams } from "../../src/protocols/snowball/index.js";
import { simulate, type RunOutput } from "../../src/sim/cycle/driver.js";
import { ConsensusCycleRun } from "../../src/sim/consensus/cycle.js";
import { ConsensusEventRun } from "../../src/sim/event/run.js";
import { runFiles } from "../../src/sim/output.js";
import { protocols } from "../../src/sim/registry.js";
import { rngFactory } from "../../src/sim/rng-family.js";
import { validateScenario } from "../../src/sim/scenario/schema.js";
import { encodeStatement } from "../../src/core/conflict.js";
import { entropic } from "../helpers/cli.js";

const base = {
  protocol: "snowball",
  seed: 3,
  topology: { kind: "watts-strogatz", n: 300, k: 10, p: 0.1 },
  sampling: "global",
  workload: { instances: 1, candidates: 2, bias: 0.7 },
  maxRounds: 300,
  driver: "event",
};
const unsigned = { signatures: false };

function run(doc: Record<string, unknown>, clock?: () => number): RunOutput {
  return simulate(validateScenario(doc), { crypto: nodeCrypto, ...(clock ? { clock } : {}) });
}

function files(doc: Record<string, unknown>): Record<string, string> {
  const s = validateScenario(doc);
  return runFiles(simulate(s, { crypto: nodeCrypto }), protocols[s.protocol].observables);
}

/** A run object, for tests that look inside (checker, trust, fault injection). */
function create<R>(doc: Record<string, unknown>, protocol?: ConsensusProtocol<SnowballParams>): R {
  const s = validateScenario(doc);
  const env = { seed: s.seed, rng: rngFactory(s.rng, s.seed), sections: s.sections, crypto: nodeCrypto };
  if (protocol) return new ConsensusEventRun(protocol, s.params as SnowballParams, env) as R;
  return protocols[s.protocol].create(s.params as never, env) as R;
}

function finish(r: { step(): boolean }): void {
  while (r.step());
}

/** Snowball with a spy on what the protocol is handed. */
function spied() {
  const seen = { polls: 0, answers: 0, duplicateFrom: 0, overfull: 0, garbage: 0, responds: 0 };
  const protocol: ConsensusProtocol<SnowballParams> = {
    ...snowball,
    createState(layout, params) {
      const inner = snowball.createState(layout, params);
      const state: ConsensusState = {
        layout,
        introduce: (n, k, c) => inner.introduce(n, k, c),
        wantsPoll: (n, k) => inner.wantsPoll(n, k),
        prepareQuery: (n, k, q) => inner.prepareQuery(n, k, q),
        respond: (r, k, q, out, ctx) => {
          seen.responds++;
          inner.respond(r, k, q, out, ctx);
        },
        onPoll: (n, k, answers, from, count, ctx) => {
          seen.polls++;
          seen.answers += count;
          if (count > params.k) seen.overfull++;
          if (new Set(from.subarray(0, count)).size !== count) seen.duplicateFrom++;
          for (let a = 0; a < count; a++) if (!Number.isInteger(answers[a])) seen.garbage++;
          inner.onPoll(n, k, answers, from, count, ctx);
        },
        preference: (n, k) => inner.preference(n, k),
        isFinal: (n, k) => inner.isFinal(n, k),
      };
      return state;
    },
  };
  return { protocol, seen };
}

describe("event driver: determinism", () => {
  const busy = {
    ...base,
    topology: { kind: "watts-strogatz", n: 120, k: 6, p: 0.2 },
    adversary: { type: "equivocate", share: 0.1 },
    network: {
      latency: { kind: "lognormal", median: 3, sigma: 0.6 },
      loss: 0.02,
      duplication: 0.05,
      corruption: 0.01,
      partitions: [{ at: 30, heal: 80, split: 0.4 }],
      churn: { rate: 0.002, session: { kind: "exponential", mean: 20 } },
    },
  };

  it("same scenario and seed: the same summary and rounds.jsonl, byte for byte", () => {
    const a = files(busy);
    expect(files(busy)).toEqual(a);
    const summary = JSON.parse(a["summary.json"]!) as Record<string, number>;
    // every fault was exercised
    for (const key of ["droppedLoss", "droppedPartition", "droppedInvalid", "duplicates", "droppedChurn", "crashes", "equivocationProofs"]) {
      expect(summary[key], key).toBeGreaterThan(0);
    }
    expect(files({ ...busy, seed: 4 })["rounds.jsonl"]).not.toBe(a["rounds.jsonl"]);
  });

  it("with a clock, only simMs differs", () => {
    let t = 0;
    const clock = () => (t += 1.5);
    const { simMs: _a, ...a } = run({ ...busy, network: { ...busy.network, signatures: false } }, clock).summary;
    const { simMs: _b, ...b } = run({ ...busy, network: { ...busy.network, signatures: false } }).summary;
    expect(_a).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });
});

describe("event driver against the cycle driver", () => {
  it("snowball, constant latency, no loss: both agree on the biased candidate in about the same rounds", () => {
    const doc = { ...base, topology: { kind: "watts-strogatz", n: 500, k: 10, p: 0.1 }, network: unsigned };
    const rounds: Record<string, number[]> = { cycle: [], event: [] };
    const messages: Record<string, number[]> = { cycle: [], event: [] };
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const driver of ["cycle", "event"] as const) {
        const r = create<ConsensusCycleRun<unknown> | ConsensusEventRun<unknown>>({ ...doc, seed, driver });
        expect(r).toBeInstanceOf(driver === "cycle" ? ConsensusCycleRun : ConsensusEventRun);
        finish(r);
        const res = r.result();
        expect(res.outcome, `${driver} seed ${seed}`).toBe("agreement");
        expect(r.checker.firstDecision[0]).toBe(0); // 70% first saw candidate 0
        rounds[driver]!.push(res.fields.roundsTo99 as number);
        messages[driver]!.push(res.fields.messagesPerNodePerDecision as number);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The event driver's polls take two 1-tick hops, so it may trail by about a round.
    expect(Math.abs(mean(rounds.event!) - mean(rounds.cycle!))).toBeLessThanOrEqual(2);
    expect(mean(messages.event!) / mean(messages.cycle!)).toBeGreaterThan(0.9);
    expect(mean(messages.event!) / mean(messages.cycle!)).toBeLessThan(1.15);
  });

  it("the cycle driver ignores the network section", () => {
    const cycle = { ...base, driver: "cycle" };
    const { network, ...withNetwork } = run({ ...cycle, network: { loss: 0.5, latency: { kind: "constant", ticks: 9 } } }).summary;
    expect(network).toBeDefined();
    expect(withNetwork).toEqual(run(cycle).summary);
  });
});

describe("event driver: network faults", () => {
  it("loses the configured share of messages; lost answers end polls by timeout", () => {
    const { summary } = run({ ...base, network: { ...unsigned, loss: 0.1 } });
    const sent = summary.final.messages!;
    const lost = summary.droppedLoss as number;
    const sd = Math.sqrt(sent * 0.1 * 0.9);
    expect(Math.abs(lost - 0.1 * sent)).toBeLessThan(5 * sd);
    expect(summary.pollTimeouts as number).toBeGreaterThan(0);
    expect(summary.droppedPartition).toBe(0);
    expect(summary.safetyViolations).toBe(0);
    const clean = run({ ...base, network: unsigned }).summary;
    expect(clean.droppedLoss).toBe(0);
    expect(clean.pollTimeouts).toBe(0);
  });

  it("a 50/50 partition stalls snowball with global sampling, stays safe, and agreement follows the heal", () => {
    const n = 400;
    const doc = { ...base, topology: { kind: "watts-strogatz", n, k: 10, p: 0.1 }, workload: { bias: 0.5 } };
    const split = run({ ...doc, network: { ...unsigned, partitions: [{ at: 0, heal: 300, split: 0.5 }] } }).summary;
    expect(split.droppedPartition as number).toBeGreaterThan(0);
    expect(split.safetyViolations).toBe(0);
    expect(split.outcome).toBe("agreement");
    // Half the answers cannot reach αp = 15 of K = 20: nobody decides before the heal (tick 300 = round 30).
    expect(split.roundsTo50 as number).toBeGreaterThan(30);
    // The same partition given as explicit ranges is the same run.
    const groups = run({ ...doc, network: { ...unsigned, partitions: [{ at: 0, heal: 300, groups: [[0, n / 2 - 1], [n / 2, n - 1]] }] } }).summary;
    expect(groups).toEqual({ ...split, network: groups.network });
    // A partition scheduled after the run has ended drops nothing.
    const late = run({ ...doc, network: { ...unsigned, partitions: [{ at: 100_000, heal: 100_001, split: 0.5 }] } }).summary;
    expect(late.droppedPartition).toBe(0);
  });

  it("duplicates: a duplicated query is answered twice, the protocol never sees a duplicate answer", () => {
    const { protocol, seen } = spied();
    const r = create<ConsensusEventRun<SnowballParams>>({ ...base, network: { ...unsigned, duplication: 0.2 } }, protocol);
    finish(r);
    expect(r.result().outcome).toBe("agreement");
    expect(r.duplicates).toBeGreaterThan(0);
    expect(r.staleAnswers).toBeGreaterThan(0);
    expect(seen.duplicateFrom).toBe(0);
    expect(seen.overfull).toBe(0);
    // Every completed poll asked K = 20 peers; the surplus of answers computed is the duplicated queries.
    expect(seen.polls).toBe(r.updates);
    expect(seen.responds).toBeGreaterThan(r.updates * 20);
  });

  it("churn: nodes crash and restart keeping their state; safety holds and the run still agrees", () => {
    const { summary } = run({ ...base, network: { ...unsigned, churn: { rate: 0.002, session: { kind: "exponential", mean: 30 } } } });
    expect(summary.crashes as number).toBeGreaterThan(10);
    expect(summary.droppedChurn as number).toBeGreaterThan(0);
    expect(summary.safetyViolations).toBe(0);
    expect(summary.outcome).toBe("agreement");
  });

  it("crashed adversaries never answer: polls wait for their timeout", () => {
    const { summary } = run({ ...base, adversary: { type: "crash", share: 0.2 }, network: unsigned });
    expect(summary.pollTimeouts as number).toBeGreaterThan(0);
    expect(summary.safetyViolations).toBe(0);
  });
});

describe("event driver: signed answers", () => {
  const small = { ...base, topology: { kind: "watts-strogatz", n: 150, k: 10, p: 0.1 } };

  it("signatures default on for n ≤ 10^4 and need an injected scheme", () => {
    const s = validateScenario(small);
    const env = { seed: 0, rng: rngFactory("xoshiro", 0), sections: s.sections };
    expect(() => protocols.snowball.create(s.params as never, env)).toThrow(/needs a signature scheme, but none was injected/);
    const big = validateScenario({ ...small, topology: { kind: "ring", n: 10_001 } });
    const run = protocols.snowball.create(big.params as never, { ...env, sections: big.sections }) as ConsensusEventRun<unknown>;
    expect(run.signing).toBe(false);
    const forced = validateScenario({ ...small, network: { signatures: false } });
    expect((protocols.snowball.create(forced.params as never, { ...env, sections: forced.sections }) as ConsensusEventRun<unknown>).signing).toBe(false);
  });

  it("damaged answers fail to decode or verify: dropped and counted, never a crash", () => {
    const { summary } = run({ ...small, network: { corruption: 0.05 } });
    expect(summary.signatures).toBe(true);
    expect(summary.corrupted as number).toBeGreaterThan(0);
    expect(summary.droppedInvalid).toBe(summary.corrupted);
    expect(summary.statementsVerified as number).toBeGreaterThan(summary.statementsSigned as number);
    expect(summary.safetyViolations).toBe(0);
    expect(summary.outcome).toBe("agreement");
  });

  it("unsigned, damaged answers reach the protocol as garbage, which it survives", () => {
    const { protocol, seen } = spied();
    const r = create<ConsensusEventRun<SnowballParams>>({ ...small, network: { signatures: false, corruption: 0.05 } }, protocol);
    finish(r);
    expect(r.droppedInvalid).toBe(0);
    expect(seen.garbage).toBe(r.corrupted);
    expect(r.result().fields.safetyViolations).toBe(0);
  });

  it("forged, misattributed and inconsistent statements are dropped (fault injection)", () => {
    // Answers take 40 ticks to come back, so at tick 20 every open poll still waits for all of them.
    const r = create<ConsensusEventRun<SnowballParams>>({ ...small, network: { latency: { kind: "constant", ticks: 20 }, timeout: 100 } });
    r.step();
    r.step();
    const book = r.book!;
    const polling: number[] = [];
    for (const node of r.honestIds) if (r.isPolling(node, 0)) polling.push(node);
    expect(polling.length).toBeGreaterThanOrEqual(5);
    const [a, b, c, d, e] = polling as [number, number, number, number, number];
    const peer = (node: number) => (node + 1) % r.nodes;
    const statementOf = (signer: number, candidate: number) => book.sign(signer, 0, 99, candidate).bytes;
    expect(r.injectAnswer(a, 0, peer(a), [0], Uint8Array.of(0xa1, 0x00))).toBe(true); // not a statement
    expect(r.injectAnswer(b, 0, peer(b), [0], statementOf(peer(b) + 1, 0))).toBe(true); // someone else's signature
    expect(r.injectAnswer(c, 0, peer(c), [1], statementOf(peer(c), 0))).toBe(true); // vouches for 0, carries 1
    const st = book.check(book.sign(peer(d), 0, 99, 0))!;
    const forged = encodeStatement({ ...st, signature: st.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) });
    expect(r.injectAnswer(d, 0, peer(d), [0], forged)).toBe(true); // bad signature
    expect(r.injectAnswer(e, 0, peer(e), [0], statementOf(peer(e), 0))).toBe(true); // genuine
    const before = { invalid: r.droppedInvalid, stale: r.staleAnswers };
    r.step();
    expect(r.droppedInvalid - before.invalid).toBe(4);
    expect(r.staleAnswers - before.stale).toBe(0);
    // The genuine one took position 0 of e's poll: the real answer for it arrives stale.
    r.step();
    r.step();
    r.step();
    expect(r.staleAnswers - before.stale).toBeGreaterThanOrEqual(1);
    finish(r);
    expect(r.result().fields.safetyViolations).toBe(0);
  });

  it("equivocating adversaries are caught by receivers comparing statements, and lose trust", () => {
    const r = create<ConsensusEventRun<unknown>>({ ...small, adversary: { type: "equivocate", share: 0.1 } });
    finish(r);
    const proofs = r.result().fields.equivocationProofs as number;
    expect(proofs).toBeGreaterThan(0);
    expect(proofs).toBeLessThanOrEqual(15);
    let distrusted = 0;
    for (let i = 0; i < r.nodes; i++) {
      if (r.trust[i]! < 1) {
        expect(r.adversarial[i]).toBe(1);
        distrusted++;
      }
    }
    expect(distrusted).toBeGreaterThan(0);
    expect(distrusted).toBeLessThanOrEqual(proofs);
    // Unsigned answers prove nothing.
    const plain = run({ ...small, adversary: { type: "equivocate", share: 0.1 }, network: unsigned }).summary;
    expect(plain.equivocationProofs).toBe(0);
  });

  it("honest exchange protocols never sign two candidates for one epoch", () => {
    const { summary } = run({
      ...small,
      protocol: "gossip-avg",
      params: {},
      topology: { kind: "complete", n: 60 },
      sampling: "neighbors",
      workload: { instances: 2, candidates: 3, bias: 0.5 },
      network: { latency: { kind: "uniform", min: 1, max: 8 } },
    });
    expect(summary.equivocationProofs).toBe(0);
    expect(summary.droppedInvalid).toBe(0);
    expect(summary.statementsSigned as number).toBeGreaterThan(0);
  });
});

describe("entropic sim with driver: event", () => {
  it("runs through the CLI with signatures from node:crypto", () => {
    const r = entropic(["sim", "scenarios/snowball.yaml", "--set", "driver=event", "--set", "topology.n=200", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary.driver).toBe("event");
    expect(summary.signatures).toBe(true);
    expect(summary.outcome).toBe("agreement");
    expect(summary.events as number).toBeGreaterThan(0);
  });
});
