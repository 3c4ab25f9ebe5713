// Issue 11, "fix what the walk through the code found": one test per finding, each of
// which failed on the engine before its fix (checked against the pre-split engine).
import { afterEach, describe, expect, it } from "vitest";
import { equalBytes, utf8 } from "../../../src/core/bytes.js";
import type { CryptoSuite } from "../../../src/core/crypto.js";
import { createRng } from "../../../src/core/prng.js";
import { conflictKey, createTx, encodeTx } from "../../../src/core/tx.js";
import type { ConsensusProtocol, ConsensusState } from "../../../src/protocols/consensus.js";
import { emtd } from "../../../src/protocols/emtd/index.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { tmesh } from "../../../src/protocols/tmesh/index.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { nodeCrypto, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { MemoryLedger } from "../../../src/runtime/ledger/memory.js";
import { TOPICS } from "../../../src/runtime/ports.js";
import { MemoryNetwork } from "../../../src/runtime/transport/memory.js";
import { NodeEngine } from "../../../src/runtime/node/engine.js";
import { NodeCore } from "../../../src/runtime/node/core.js";
import type { Ready } from "../../../src/runtime/node/ready.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { peerIdFromEd25519PublicKey, peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import type { SubmitResult } from "../../../src/runtime/api/facade.js";
import { DECIDED_UNKNOWN, InstanceTable, permuteVector, UNDECIDED } from "../../../src/runtime/node/table.js";
import { service, startAll, stopAll } from "../../../src/runtime/node/lifecycle.js";
import { isLiveCapable, LIVE_PROTOCOL_NAMES, liveProtocols } from "../../../src/runtime/node/protocols.js";
import { LIVE_PROTOCOLS } from "../../../src/cli/node/command.js";
import { protocols as simProtocols } from "../../../src/sim/registry.js";
import { encodeTxBatch } from "../../../src/runtime/node/wire.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));
const FAST = { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 };

let net: TestNet | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  if (net) await stopTestNet(net);
  net = undefined;
  for (const c of closers.splice(0).reverse()) await c();
});

/** A node core on its own (core.ts), stepped by hand: every write it asks for is visible in its Ready. */
function loneCore(crypto: CryptoSuite, maxCandidates = 4): NodeCore {
  return new NodeCore(
    { protocol: snowball as ConsensusProtocol<unknown>, params: snowball.params.parse({}), tuning: { ...FAST, maxCandidates } },
    { clock: new ManualClock(0), crypto, keys: nodeSignatures.generateKeyPair(new Uint8Array(32).fill(1)), rng: createRng(1, "walkthrough"), peerIdOf: peerIdFromEd25519PublicKey },
  );
}

/** The transactions (CIDs) a Ready asks to write. */
const written = (r: Ready): string[] => r.persist.flatMap((p) => (p.batch.txs ?? []).map(([cid]) => cid));

describe("walk-through fixes", () => {
  it("submitTx verifies the signature once and hashes the transaction's CID once", async () => {
    const tx = createTx(nodeSignatures, author, 1, utf8("pay once"));
    const bytes = encodeTx(tx);
    let verifies = 0;
    let hashes = 0;
    const crypto: CryptoSuite = {
      signatures: {
        generateKeyPair: (s) => nodeSignatures.generateKeyPair(s),
        sign: (k, m) => nodeSignatures.sign(k, m),
        verify: (p, m, s) => {
          if (equalBytes(s, tx.signature)) verifies++;
          return nodeSignatures.verify(p, m, s);
        },
      },
      hasher: {
        sha256: (b) => {
          if (equalBytes(b, bytes)) hashes++;
          return nodeCrypto.hasher.sha256(b);
        },
        shake256: (b, n) => nodeCrypto.hasher.shake256(b, n),
      },
    };
    const core = loneCore(crypto);
    core.step({ kind: "start", at: 0 });
    const r = core.step({ kind: "submit", tx, token: 1, at: 1 });
    const done = core.step({ kind: "persisted", id: r.persist[0]!.id, at: 2 });
    const result = done.results[0]!;
    expect(result.ok && (result.value as SubmitResult).ok && (result.value as SubmitResult & { isNew: boolean }).isNew).toBe(true);
    expect(verifies).toBe(1);
    expect(hashes).toBe(1);
  });

  it("a transaction for a full set is refused before it is written (gossip path, and within one batch)", async () => {
    const core = loneCore(nodeCrypto, 2);
    core.step({ kind: "start", at: 0 });
    // Three candidates of one conflict set in one batch: the set takes two, and only two are written.
    const txs = [1, 2, 3].map((k) => createTx(nodeSignatures, author, 5, utf8(`spend ${k}`)));
    const r = core.step({ kind: "gossip", topic: TOPICS.tx, from: "peer", data: encodeTxBatch(txs.map(encodeTx)), token: 1, at: 1 });
    expect(written(r)).toHaveLength(2);
    expect(core.state.counters.txRefused).toBe(1);
    const done = core.step({ kind: "persisted", id: r.persist[0]!.id, at: 2 });
    expect(done.verdicts).toEqual([{ token: 1, verdict: "accept" }]);
    expect(core.state.counters.txReceived).toBe(2);
    // A fourth, later: the set is full; nothing is written at all.
    const late = createTx(nodeSignatures, author, 5, utf8("spend 4"));
    const r2 = core.step({ kind: "gossip", topic: TOPICS.tx, from: "peer", data: encodeTxBatch([encodeTx(late)]), token: 2, at: 3 });
    expect(r2.persist).toEqual([]);
    expect(r2.verdicts).toEqual([{ token: 2, verdict: "ignore" }]);
    expect(core.state.counters.txRefused).toBe(2);
    expect(core.state.registry.get(conflictKey(late))!.candidates).toHaveLength(2);
  });

  it("a set's observables are its own, not averaged over its table segment", () => {
    const params = emtd.params.parse({ alpha: 0.7, beta: 4 });
    const table = new InstanceTable(emtd as ConsensusProtocol<unknown>, params, 2);
    const a = table.allocate();
    const b = table.allocate();
    table.introduce(a, 0);
    table.introduce(b, 0);
    const ctx = { tick: 0, rng: createRng(3, "t") };
    const answers = Float64Array.of(0, 0, 0);
    const from = Int32Array.of(1, 2, 3);
    for (let r = 0; r < 5; r++) table.onPoll(a, answers, from, 3, ctx);
    const T0 = (params as { T0: number }).T0;
    expect(table.observe(b).meanTemperature).toBe(T0); // never polled: still at T0
    expect(table.observe(a).meanTemperature).toBeLessThan(T0); // cooled by its five rounds
    expect(table.observe(a).meanTemperature).not.toBe(table.observe(b).meanTemperature);
  });

  it("an instance's answer version moves exactly when its preference, finality or decision may have", () => {
    const proto = snowball as ConsensusProtocol<unknown>;
    const table = new InstanceTable(proto, snowball.params.parse({ k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 3 }), 2);
    const a = table.allocate();
    const b = table.allocate();
    const v0 = table.version(a);
    table.introduce(a, 0); // a preference appears
    expect(table.preference(a)).toBe(0);
    expect(table.version(a)).not.toBe(v0);
    table.introduce(a, 1); // a second candidate: the preference stays
    const v1 = table.version(a);
    expect(table.version(a)).toBe(v1);
    const w = proto.answerWidth(2);
    const poll = (c: number) => {
      const answers = new Float64Array(3 * w);
      const one = new Float64Array(w);
      proto.answerFor(c, 2, one);
      for (let x = 0; x < 3; x++) answers.set(one, x * w);
      table.onPoll(a, answers, Int32Array.of(1, 2, 3), 3, { tick: 0, rng: createRng(1, "v") });
    };
    poll(0); // agrees with the preference, not final yet (beta 3)
    expect(table.preference(a)).toBe(0);
    expect(table.isFinal(a)).toBe(false);
    expect(table.version(a)).toBe(v1);
    poll(1);
    poll(1); // candidate 1 now has more successful polls: the preference moves
    expect(table.preference(a)).toBe(1);
    const v2 = table.version(a);
    expect(v2).not.toBe(v1);
    poll(1); // beta 3 consecutive: final
    expect(table.isFinal(a)).toBe(true);
    const v3 = table.version(a);
    expect(v3).not.toBe(v2);
    table.touch(a); // a decision recorded outside the protocol
    expect(table.version(a)).not.toBe(v3);
    const vb = table.version(b);
    table.release(a); // b keeps the segment alive: a's version moves, b's does not
    expect(table.version(a)).not.toBe(v3 + 1);
    expect(table.version(b)).toBe(vb);
  });

  it("the answer columns: epochs from the session's base under the shell's rule, candidate ids, decisions", () => {
    const table = new InstanceTable(snowball as ConsensusProtocol<unknown>, snowball.params.parse({}), 3);
    const base = 5 * 1_048_576;
    const a = table.allocate(base);
    // instances in a second segment too (SEGMENT = 256), so the columns are per segment
    for (let n = 0; n < 300; n++) table.allocate(base);
    const far = table.allocate(base);
    expect(table.epoch(a)).toBe(base);
    expect(table.openEpoch(a, 1)).toBe(base); // nothing signed yet at the base epoch
    expect(table.openEpoch(a, 1)).toBe(base); // the same candidate again: the same epoch
    expect(table.openEpoch(a, 0)).toBe(base + 1); // another candidate: a new epoch
    expect(table.lastSigned(a)).toBe(0);
    expect(table.epoch(far)).toBe(base);

    const digest = (k: number) => Uint8Array.from({ length: 32 }, (_, x) => (k * 40 + x) & 255);
    table.setCandidate(a, 0, digest(1));
    table.setCandidate(a, 2, digest(2));
    table.setCandidate(far, 0, digest(3));
    const out = new Uint8Array(20);
    table.copyCandidateId(a, 2, out, 4); // the id: the digest's first 8 bytes
    expect([...out.subarray(4, 12)]).toEqual([...digest(2).subarray(0, 8)]);
    table.copyCandidateId(far, 0, out, 12);
    expect([...out.subarray(12, 20)]).toEqual([...digest(3).subarray(0, 8)]);
    expect(table.candidateIs(a, 2, digest(2))).toBe(true);
    const late = digest(2);
    late[31] ^= 1; // the same id, another digest: another candidate
    expect(table.candidateIs(a, 2, late)).toBe(false);
    expect(table.candidateIs(a, 0, digest(2))).toBe(false);
    expect(() => table.setCandidate(a, 3, digest(4))).toThrow(/outside 0\.\.2/);
    expect(() => table.setCandidate(a, 1, digest(4).subarray(0, 8))).toThrow(/32 bytes/);

    expect(table.decided(a)).toBe(UNDECIDED);
    const v = table.version(a);
    table.decide(a, 2);
    expect(table.decided(a)).toBe(2);
    expect(table.version(a)).not.toBe(v); // a decision moves what is answered
    table.decide(far, -1); // decided for a candidate not held here
    expect(table.decided(far)).toBe(DECIDED_UNKNOWN);
    expect(table.holds(a)).toBe(true);
    table.release(a);
    expect(table.holds(a)).toBe(false); // its set left memory
    table.release(a); // a second release changes nothing
    expect(table.holds(far)).toBe(true);
    expect(table.holds(far + 1)).toBe(false); // never allocated
  });

  it("the protocols' PollContext.tick is the node's poll-round counter, not 0", async () => {
    const ticks: number[] = [];
    const spy: ConsensusProtocol<unknown> = {
      ...(snowball as ConsensusProtocol<unknown>),
      createState(layout, params): ConsensusState {
        const state = snowball.createState(layout, params as never);
        const onPoll = state.onPoll.bind(state);
        state.onPoll = (node, instance, answers, from, count, ctx) => {
          ticks.push(ctx.tick);
          onPoll(node, instance, answers, from, count, ctx);
        };
        return state;
      },
    };
    net = await startTestNet(spy, { k: 2, alphaPreference: 2, alphaConfidence: 2, beta: 6 }, 3, () => FAST);
    expect((await net.run(net.nodes[0]!.engine.submitTx(createTx(nodeSignatures, author, 9, utf8("tick"))))).ok).toBe(true);
    await net.until("every node decides", () => net!.nodes.every((x) => x.engine.status().finalizedCount === 1));
    expect(Math.max(...ticks)).toBeGreaterThan(0);
    const rounds = Math.max(...net.nodes.map((x) => x.engine.status().counters.pollRounds));
    expect(Math.max(...ticks)).toBeLessThanOrEqual(rounds);
  });

  it("a protocol without an answer layout is refused by the live node, in one line", async () => {
    const { answerLayout: _dropped, ...bare } = tmesh as ConsensusProtocol<unknown>;
    const seed = new Uint8Array(32).fill(3);
    const ledger = new MemoryLedger();
    await ledger.open();
    await expect(
      NodeEngine.open({
        protocol: bare,
        params: tmesh.params.parse({}),
        transport: new MemoryNetwork().createTransport(peerIdFromKeySeed(seed)),
        ledger,
        clock: systemClock,
        crypto: nodeCrypto,
        keys: nodeSignatures.generateKeyPair(seed),
        rng: createRng(1, "x"),
      }),
    ).rejects.toThrow(/^protocol tmesh has no answerLayout/);
  });

  it("every live protocol declares its answer layout, as wide as its answers", () => {
    for (const name of LIVE_PROTOCOL_NAMES) {
      const p = liveProtocols[name];
      expect(isLiveCapable(p)).toBe(true);
      for (let d = 1; d <= 6; d++) expect(p.answerLayout!(d).width).toBe(p.answerWidth(d));
    }
    expect(snowball.answerLayout!(4).kind).toBe("index");
    expect(emtd.answerLayout!(4).kind).toBe("index");
    expect(tmesh.answerLayout!(4).kind).toBe("matrix");
  });

  it("answers move between candidate orders by their layout, not by guessing from their width", () => {
    const map = [2, 0, 1, 3]; // target candidate x is source candidate map[x]
    const out = new Float64Array(1);
    permuteVector(Float64Array.of(2), out, map, { kind: "index", width: 1 }, 4);
    expect(out[0]).toBe(0);
    permuteVector(Float64Array.of(-1), out, map, { kind: "index", width: 1 }, 4);
    expect(out[0]).toBe(-1);
    // d = 2: a 2-word per-candidate vector and a 2d² = 8-word matrix; d = 1: 1 and 2 words.
    const shares = new Float64Array(2);
    permuteVector(Float64Array.of(0.25, 0.75), shares, [1, 0], { kind: "per-candidate", width: 2 }, 2);
    expect([...shares]).toEqual([0.75, 0.25]);
    const rho = new Float64Array(8);
    permuteVector(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), rho, [1, 0], tmesh.answerLayout!(2), 2);
    expect([...rho]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    expect(() => permuteVector(new Float64Array(3), new Float64Array(3), [0, 1], tmesh.answerLayout!(2), 2)).toThrow(RangeError);
  });

  it("one live-protocol registry: the CLI lists it, the simulators hold each of its protocols", () => {
    expect([...LIVE_PROTOCOLS]).toEqual(LIVE_PROTOCOL_NAMES);
    for (const name of LIVE_PROTOCOL_NAMES) expect(simProtocols[name].name).toBe(liveProtocols[name].name);
  });

  it("NodeEngine.create takes configuration and components apart; open(options) is the same node", async () => {
    const seed = new Uint8Array(32).fill(4);
    const hub = new MemoryNetwork();
    const transport = hub.createTransport(peerIdFromKeySeed(seed));
    const ledger = new MemoryLedger();
    await ledger.open();
    const engine = await NodeEngine.create(
      { protocol: tmesh as ConsensusProtocol<unknown>, params: tmesh.params.parse({}), tuning: { maxCandidates: 3 } },
      { transport, ledger, clock: systemClock, crypto: nodeCrypto, keys: nodeSignatures.generateKeyPair(seed), rng: createRng(1, "c") },
    );
    expect(engine.tuning.maxCandidates).toBe(3);
    const services = [service("transport", () => transport.start(), () => transport.stop()), engine];
    await startAll(services);
    expect((await engine.submitTx(createTx(nodeSignatures, author, 1, utf8("x")))).ok).toBe(true);
    await stopAll(services); // the engine first, then the transport
    expect(engine.status().protocol).toBe("tmesh");
    await ledger.close();
  });

  it("startAll stops what started, in reverse order, when a later service fails to start; stopAll stops every one", async () => {
    const log: string[] = [];
    const ok = (n: string) => service(n, () => void log.push(`start ${n}`), () => void log.push(`stop ${n}`));
    const bad = service("bad", () => {
      throw new Error("no port");
    }, () => void log.push("stop bad"));
    await expect(startAll([ok("a"), ok("b"), bad, ok("c")])).rejects.toThrow("no port");
    expect(log).toEqual(["start a", "start b", "stop b", "stop a"]);
    log.length = 0;
    const failing = service("f", () => undefined, () => {
      throw new Error("stuck");
    });
    const errors: string[] = [];
    await stopAll([ok("a"), failing, ok("c")], (name, err) => errors.push(`${name}: ${(err as Error).message}`));
    expect(log).toEqual(["stop c", "stop a"]);
    expect(errors).toEqual(["f: stuck"]);
  });
});
