/**
 * The cycle driver for consensus protocols (PeerSim's cycle model): in each round every
 * honest node, in a fresh random order, polls its sample of peers about every instance it
 * is still deciding, and digests the answers at once. Peers' answers are read directly
 * from the protocol's state table (no message objects); adversarial peers answer through
 * their strategy. Updates are in place, so a node polled later in a round sees earlier
 * nodes' new preferences, as in PeerSim.
 *
 * Messages are counted, not simulated: a poll of s peers costs s queries and one answer
 * per peer that answers; bytes are the payload words × 8 plus a 16-byte header per message.
 *
 * Set-up, sampling, evidence, observables and summary fields are shared with the event
 * driver (`world.ts`, `sampling.ts`, `evidence.ts`); this file is only the round loop.
 * The scenario's `network` section is ignored here.
 */
import type { Rng } from "../../core/prng.js";
import type { ConsensusProtocol, ConsensusState } from "../../protocols/consensus.js";
import type { Observables, ProtocolRun, RunEnvironment, RunInspector, RunResult } from "../../protocols/protocol.js";
import type { Csr } from "../../topology/csr.js";
import { SILENT } from "./adversary.js";
import type { ConsensusChecker } from "./checkers.js";
import { PeerSampler } from "./sampling.js";
import { ConsensusWorld } from "./world.js";

export { CONSENSUS_OBSERVABLES, CONSENSUS_OUTCOMES, MESSAGE_HEADER_BYTES } from "./world.js";
export { consensusDefinition } from "./definition.js";

export class ConsensusCycleRun<P> implements ProtocolRun {
  readonly world: ConsensusWorld<P>;
  readonly graph: Csr;
  readonly nodes: number;
  readonly maxSteps: number;
  readonly state: ConsensusState;
  readonly checker: ConsensusChecker;
  readonly adversarial: Uint8Array;
  readonly honestIds: Int32Array;
  readonly trust: Float64Array;
  steps = 0;
  updates = 0;
  messages = 0;
  bytes = 0;

  private readonly instances: number;
  private readonly candidates: number;
  private readonly width: number;
  private readonly ctx: { tick: number; rng: Rng; trust: Float64Array | undefined };
  private readonly schedule: Rng;
  private readonly sampler: PeerSampler;
  private readonly order: Int32Array;
  private readonly query: Float64Array;
  private readonly out: Float64Array;
  private readonly answers: Float64Array;
  private readonly from: Int32Array;
  /** equivocation tracking for adversarial answers: last round and candidate per (node, instance) */
  private readonly lastAnswerRound: Int32Array;
  private readonly lastAnswer: Int32Array;
  /** preferences by (node, instance), for protocols whose answers are their preferences */
  private readonly preferenceCache: Int8Array | null;
  private done = false;

  constructor(
    readonly protocol: ConsensusProtocol<P>,
    readonly params: P,
    env: RunEnvironment,
  ) {
    const world = new ConsensusWorld(protocol, params, env);
    this.world = world;
    this.graph = world.graph;
    const n = world.nodes;
    this.nodes = n;
    this.instances = world.instances;
    this.candidates = world.candidates;
    this.maxSteps = world.setting.maxRounds;
    this.width = world.width;
    this.adversarial = world.adversarial;
    this.honestIds = world.honestIds;
    this.state = world.state;
    this.checker = world.checker;
    this.trust = world.ledger.trust;
    this.ctx = { tick: 0, rng: env.rng("protocol"), trust: undefined };
    this.schedule = env.rng("schedule");
    this.sampler = new PeerSampler(this.graph, world.sampleSize, world.setting.sampling, env.rng("sampling"));
    this.order = this.honestIds.slice();
    const maxPeers = this.sampler.maxPeers;
    this.query = new Float64Array(this.width);
    this.out = new Float64Array(this.width);
    this.answers = new Float64Array(maxPeers * this.width);
    this.from = new Int32Array(maxPeers);
    this.lastAnswerRound = new Int32Array(n * this.instances).fill(-1);
    this.lastAnswer = new Int32Array(n * this.instances);
    // One byte per (node, instance): at 10^6 nodes the answers of a global sample hit a
    // 1 MB array that stays in cache, instead of several 4 MB protocol arrays (measured:
    // the cache misses dominated a 10^6-node round).
    if (protocol.answersArePreferences && this.candidates <= 127) {
      this.preferenceCache = new Int8Array(n * this.instances);
      for (let i = 0; i < n; i++) for (let k = 0; k < this.instances; k++) this.preferenceCache[i * this.instances + k] = this.state.preference(i, k);
    } else this.preferenceCache = null;
  }

  /** Equivocation proofs so far. */
  get evidence(): number {
    return this.world.ledger.evidence;
  }

  step(): boolean {
    if (this.done) return false;
    const round = ++this.steps;
    this.ctx.tick = round;
    this.world.ledger.applyDue(round);
    this.ctx.trust = this.world.ledger.lowered ? this.trust : undefined; // absent = all trusted (TrustLedger.lowered)
    if (this.world.adversaryWatchesRounds) {
      this.world.countHonestPreferences();
      this.world.strategy.beginRound(this.world.honestCounts);
    }
    shuffle(this.order, this.schedule);
    const { state, checker, instances } = this;
    for (let o = 0; o < this.order.length; o++) {
      const node = this.order[o]!;
      for (let k = 0; k < instances; k++) {
        if (!state.wantsPoll(node, k)) continue;
        this.poll(node, k, round);
        if (state.isFinal(node, k) && !checker.isRecorded(node, k)) checker.record(node, k, state.preference(node, k), round);
      }
    }
    this.world.sheafRound(round);
    checker.endRound(round);
    this.done = checker.finalized === checker.honestSlots || round >= this.maxSteps;
    return !this.done;
  }

  private poll(node: number, instance: number, round: number): void {
    const { state, protocol, width, answers, from, out, query, world } = this;
    const peers = this.sampler.peers;
    const peerCount = this.sampler.sample(node);
    state.prepareQuery(node, instance, query);
    let count = 0;
    for (let a = 0; a < peerCount; a++) {
      const peer = peers[a]!;
      this.messages++;
      this.bytes += world.queryBytes;
      if (this.adversarial[peer] === 1) {
        const c = world.strategy.answer(node, state.preference(node, instance), instance, round);
        if (c === SILENT) continue;
        protocol.answerFor(c, this.candidates, out);
        this.watchEquivocation(peer, instance, c, round);
      } else if (this.preferenceCache) {
        answers[count] = this.preferenceCache[peer * this.instances + instance]!;
        from[count] = peer;
        count++;
        this.messages++;
        this.bytes += world.answerBytes;
        continue;
      } else {
        state.respond(peer, instance, query, out, this.ctx);
        if (protocol.exchange) world.noteFinal(peer, instance, round);
      }
      if (width === 1) answers[count] = out[0]!;
      else answers.set(out, count * width);
      from[count] = peer;
      count++;
      this.messages++;
      this.bytes += world.answerBytes;
    }
    state.onPoll(node, instance, answers, from, count, this.ctx);
    if (this.preferenceCache) this.preferenceCache[node * this.instances + instance] = state.preference(node, instance);
    this.updates++;
  }

  /**
   * Two different answers for one (instance, round) from one node prove equivocation (the
   * cycle driver sees every answer, as if all answers were signed and compared).
   */
  private watchEquivocation(peer: number, instance: number, candidate: number, round: number): void {
    const ledger = this.world.ledger;
    if (!ledger.wants(peer)) return;
    const s = peer * this.instances + instance;
    if (this.lastAnswerRound[s] === round && this.lastAnswer[s] !== candidate) {
      ledger.prove(peer, round + ledger.spec.delay);
    }
    this.lastAnswerRound[s] = round;
    this.lastAnswer[s] = candidate;
  }

  observe(): Observables {
    return this.world.observe(this.messages);
  }

  inspect(): RunInspector {
    return this.world.inspector();
  }

  result(): RunResult {
    return this.world.result(this.messages, this.bytes);
  }
}

function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
