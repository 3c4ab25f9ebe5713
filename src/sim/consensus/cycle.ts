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
 */
import type { Rng } from "../../core/prng.js";
import { ALL_NEIGHBOURS, type ConsensusProtocol, type ConsensusState, NO_CANDIDATE } from "../../protocols/consensus.js";
import type { Observables, ProtocolDefinition, ProtocolRun, RunEnvironment, RunResult } from "../../protocols/protocol.js";
import type { Csr } from "../../topology/csr.js";
import { buildTopology } from "../../topology/index.js";
import { type AdversaryStrategy, SILENT, createStrategy, placeAdversaries } from "./adversary.js";
import { ConsensusChecker } from "./checkers.js";
import { type ConsensusSetting, consensusSections } from "./setting.js";
import { drawFirstSight } from "./workload.js";

/** Bytes of framing we charge per message on top of its payload. */
export const MESSAGE_HEADER_BYTES = 16;

/** Observables every consensus run reports per round, before the protocol's own. */
export const CONSENSUS_OBSERVABLES = ["finalizedShare", "magnetization", "preferenceEntropy", "energy", "disagreement", "messages"] as const;

export const CONSENSUS_OUTCOMES = ["agreement", "safety_violation", "timeout"] as const;

/** Wrap a consensus protocol as a scenario-runnable protocol definition (cycle driver). */
export function consensusDefinition<P>(protocol: ConsensusProtocol<P>): ProtocolDefinition<P> {
  return {
    name: protocol.name,
    description: protocol.description,
    params: protocol.params,
    outcomes: CONSENSUS_OUTCOMES,
    observables: [...CONSENSUS_OBSERVABLES, ...protocol.observables],
    sections: consensusSections,
    create: (params, env) => new ConsensusCycleRun(protocol, params, env),
  };
}

export class ConsensusCycleRun<P> implements ProtocolRun {
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
  evidence = 0;

  private readonly setting: ConsensusSetting;
  private readonly instances: number;
  private readonly candidates: number;
  private readonly width: number;
  private readonly sampleSize: number;
  private readonly strategy: AdversaryStrategy;
  private readonly ctx: { tick: number; rng: Rng; trust: Float64Array };
  private readonly schedule: Rng;
  private readonly sampler: Rng;
  private readonly order: Int32Array;
  private readonly peers: Int32Array;
  private readonly scratch: Int32Array;
  private readonly query: Float64Array;
  private readonly out: Float64Array;
  private readonly answers: Float64Array;
  private readonly from: Int32Array;
  private readonly honestCounts: Int32Array;
  private readonly prefs: Int32Array;
  /** equivocation tracking for adversarial answers: last round and candidate per (node, instance) */
  private readonly lastAnswerRound: Int32Array;
  private readonly lastAnswer: Int32Array;
  private readonly proven: Uint8Array;
  private readonly pendingPenalties: { round: number; node: number }[] = [];
  private readonly queryBytes: number;
  private readonly answerBytes: number;
  private done = false;
  private readonly stamps: Int32Array;
  private stampCounter = 0;

  constructor(
    readonly protocol: ConsensusProtocol<P>,
    readonly params: P,
    env: RunEnvironment,
  ) {
    this.setting = env.sections as unknown as ConsensusSetting;
    const { workload } = this.setting;
    this.graph = buildTopology(this.setting.topology, env.rng("topology"));
    const n = this.graph.n;
    this.nodes = n;
    this.instances = workload.instances;
    this.candidates = workload.candidates;
    this.maxSteps = this.setting.maxRounds;
    this.width = protocol.answerWidth(this.candidates);
    this.sampleSize = protocol.sampleSize(params);

    this.adversarial = placeAdversaries(this.graph, this.setting.adversary, env.rng("adversary"));
    const honest = new Uint8Array(n);
    let honestCount = 0;
    for (let i = 0; i < n; i++) {
      if (this.adversarial[i] === 1) continue;
      honest[i] = 1;
      honestCount++;
    }
    this.honestIds = new Int32Array(honestCount);
    for (let i = 0, h = 0; i < n; i++) if (honest[i] === 1) this.honestIds[h++] = i;

    this.state = protocol.createState({ nodes: n, instances: this.instances, candidates: this.candidates }, params);
    const first = drawFirstSight(n, workload, env.rng("workload"));
    const proposed = new Uint8Array(this.instances * this.candidates);
    this.honestCounts = new Int32Array(this.instances * this.candidates);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < this.instances; k++) {
        const c = first[i * this.instances + k]!;
        if (c < 0) continue;
        proposed[k * this.candidates + c] = 1;
        if (honest[i] === 1) {
          this.state.introduce(i, k, c);
          this.honestCounts[k * this.candidates + c]!++;
        }
      }
    }
    this.checker = new ConsensusChecker(n, this.instances, this.candidates, honest, proposed);
    this.strategy = createStrategy(this.setting.adversary, this.candidates, this.honestCounts.slice(), env.rng("adversary-strategy"));

    this.trust = new Float64Array(n).fill(1);
    this.ctx = { tick: 0, rng: env.rng("protocol"), trust: this.trust };
    this.schedule = env.rng("schedule");
    this.sampler = env.rng("sampling");
    this.order = this.honestIds.slice();
    let maxDegree = 0;
    for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, this.graph.offsets[i + 1]! - this.graph.offsets[i]!);
    const maxPeers = this.sampleSize === ALL_NEIGHBOURS ? maxDegree : this.sampleSize;
    this.peers = new Int32Array(Math.max(1, maxPeers));
    this.scratch = new Int32Array(Math.max(1, maxDegree));
    this.query = new Float64Array(this.width);
    this.out = new Float64Array(this.width);
    this.answers = new Float64Array(Math.max(1, maxPeers) * this.width);
    this.from = new Int32Array(Math.max(1, maxPeers));
    this.prefs = new Int32Array(n);
    this.lastAnswerRound = new Int32Array(n * this.instances).fill(-1);
    this.lastAnswer = new Int32Array(n * this.instances);
    this.proven = new Uint8Array(n);
    this.stamps = new Int32Array(this.setting.sampling === "global" ? n : 0);
    this.queryBytes = MESSAGE_HEADER_BYTES + (protocol.exchange ? 8 * this.width : 8);
    this.answerBytes = MESSAGE_HEADER_BYTES + 8 * this.width;
  }

  step(): boolean {
    if (this.done) return false;
    const round = ++this.steps;
    this.ctx.tick = round;
    this.applyEvidence(round);
    if (this.setting.adversary.type === "balance" && this.setting.adversary.knowledge === "full") {
      this.countHonestPreferences();
      this.strategy.beginRound(this.honestCounts);
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
    checker.endRound(round);
    this.done = checker.finalized === checker.honestSlots || round >= this.maxSteps;
    return !this.done;
  }

  private poll(node: number, instance: number, round: number): void {
    const { state, protocol, width, answers, from, out, query } = this;
    const peerCount = this.samplePeers(node);
    state.prepareQuery(node, instance, query);
    let count = 0;
    for (let a = 0; a < peerCount; a++) {
      const peer = this.peers[a]!;
      this.messages++;
      this.bytes += this.queryBytes;
      if (this.adversarial[peer] === 1) {
        const c = this.strategy.answer(node, state.preference(node, instance), instance, round);
        if (c === SILENT) continue;
        protocol.answerFor(c, this.candidates, out);
        this.watchEquivocation(peer, instance, c, round);
      } else {
        state.respond(peer, instance, query, out, this.ctx);
        if (protocol.exchange && state.isFinal(peer, instance) && !this.checker.isRecorded(peer, instance)) {
          this.checker.record(peer, instance, state.preference(peer, instance), round);
        }
      }
      if (width === 1) answers[count] = out[0]!;
      else answers.set(out, count * width);
      from[count] = peer;
      count++;
      this.messages++;
      this.bytes += this.answerBytes;
    }
    state.onPoll(node, instance, answers, from, count, this.ctx);
    this.updates++;
  }

  /** Fill `peers` with this round's sample for `node`; returns how many. */
  private samplePeers(node: number): number {
    const { offsets, targets } = this.graph;
    const start = offsets[node]!;
    const degree = offsets[node + 1]! - start;
    const size = this.sampleSize;
    const peers = this.peers;
    const rng = this.sampler;
    if (size === ALL_NEIGHBOURS) {
      for (let a = 0; a < degree; a++) peers[a] = targets[start + a]!;
      return degree;
    }
    if (this.setting.sampling === "global") {
      const others = this.nodes - 1;
      if (others <= 0) return 0;
      // Distinct peers when the population allows it (rejection is cheap because size ≪ n);
      // a per-node stamp marks this poll's picks in O(1) instead of rescanning the sample.
      const distinct = size <= others;
      const stamp = ++this.stampCounter;
      for (let a = 0; a < size; a++) {
        let p: number;
        do {
          p = rng.nextInt(others);
          if (p >= node) p++;
        } while (distinct && this.stamps[p] === stamp);
        this.stamps[p] = stamp;
        peers[a] = p;
      }
      return size;
    }
    if (degree === 0) return 0;
    if (degree <= size) {
      // Fewer neighbours than the sample: draw with replacement (documented in docs/consensus.md).
      for (let a = 0; a < size; a++) peers[a] = targets[start + rng.nextInt(degree)]!;
      return size;
    }
    const scratch = this.scratch;
    for (let a = 0; a < degree; a++) scratch[a] = targets[start + a]!;
    for (let a = 0; a < size; a++) {
      const j = a + rng.nextInt(degree - a);
      const t = scratch[a]!;
      scratch[a] = scratch[j]!;
      scratch[j] = t;
      peers[a] = scratch[a]!;
    }
    return size;
  }

  /** Two different signed answers for one (instance, round) from one node prove equivocation. */
  private watchEquivocation(peer: number, instance: number, candidate: number, round: number): void {
    if (!this.setting.trust.evidence || this.proven[peer] === 1) return;
    const s = peer * this.instances + instance;
    if (this.lastAnswerRound[s] === round && this.lastAnswer[s] !== candidate) {
      this.proven[peer] = 1;
      this.evidence++;
      this.pendingPenalties.push({ round: round + this.setting.trust.delay, node: peer });
    }
    this.lastAnswerRound[s] = round;
    this.lastAnswer[s] = candidate;
  }

  private applyEvidence(round: number): void {
    const keep: { round: number; node: number }[] = [];
    for (const p of this.pendingPenalties) {
      if (p.round <= round) this.trust[p.node] = this.trust[p.node]! * (1 - this.setting.trust.penalty);
      else keep.push(p);
    }
    this.pendingPenalties.length = 0;
    this.pendingPenalties.push(...keep);
  }

  private countHonestPreferences(): void {
    const { honestCounts, candidates, instances, state } = this;
    honestCounts.fill(0);
    for (let h = 0; h < this.honestIds.length; h++) {
      const node = this.honestIds[h]!;
      for (let k = 0; k < instances; k++) {
        const c = state.preference(node, k);
        if (c >= 0 && c < candidates) honestCounts[k * candidates + c]!++;
      }
    }
  }

  observe(): Observables {
    this.countHonestPreferences();
    const { candidates, instances, honestCounts } = this;
    let magnetization = 0;
    let entropy = 0;
    for (let k = 0; k < instances; k++) {
      let total = 0;
      let max = 0;
      for (let c = 0; c < candidates; c++) {
        const v = honestCounts[k * candidates + c]!;
        total += v;
        if (v > max) max = v;
      }
      if (total === 0) continue;
      magnetization += max / total;
      for (let c = 0; c < candidates; c++) {
        const p = honestCounts[k * candidates + c]! / total;
        if (p > 0) entropy -= p * Math.log(p);
      }
    }
    // Potts energy of instance 0 over honest edges: Σ [σ_i ≠ σ_j], each edge once.
    const { offsets, targets } = this.graph;
    for (let i = 0; i < this.nodes; i++) this.prefs[i] = this.adversarial[i] === 1 ? NO_CANDIDATE : this.state.preference(i, 0);
    let energy = 0;
    let edges = 0;
    for (let i = 0; i < this.nodes; i++) {
      const pi = this.prefs[i]!;
      if (pi === NO_CANDIDATE) continue;
      for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) {
        const j = targets[e]!;
        if (j <= i) continue;
        const pj = this.prefs[j]!;
        if (pj === NO_CANDIDATE) continue;
        edges++;
        if (pi !== pj) energy++;
      }
    }
    return {
      finalizedShare: this.checker.share(),
      magnetization: magnetization / instances,
      preferenceEntropy: entropy / instances,
      energy,
      disagreement: edges === 0 ? 0 : energy / edges,
      messages: this.messages,
      ...(this.state.observe ? this.state.observe(this.honestIds) : {}),
    };
  }

  result(): RunResult {
    const c = this.checker;
    const decisions = Math.max(1, this.honestIds.length * this.instances);
    const outcome = c.safetyViolations > 0 ? "safety_violation" : c.finalized === c.honestSlots ? "agreement" : "timeout";
    const first = c.violations[0];
    return {
      outcome,
      fields: {
        safetyViolations: c.safetyViolations,
        validityViolations: c.validityViolations,
        finalizedShare: c.share(),
        roundsTo50: c.roundsTo[0] ?? null,
        roundsTo99: c.roundsTo[1] ?? null,
        roundsTo100: c.roundsTo[2] ?? null,
        messagesPerNodePerDecision: this.messages / decisions,
        bytesPerNodePerDecision: this.bytes / decisions,
        honestNodes: this.honestIds.length,
        adversaries: this.nodes - this.honestIds.length,
        equivocationProofs: this.evidence,
        firstViolation: first
          ? `${first.kind}: node ${first.node} finalized ${first.candidate} for instance ${first.instance} at round ${first.round}` +
            (first.conflictsWith === null ? "" : ` (another honest node finalized ${first.conflictsWith})`)
          : null,
      },
    };
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
