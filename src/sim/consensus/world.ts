/**
 * What every consensus driver sets up the same way, and measures the same way: the
 * topology, who is adversarial, the protocol's state table with the workload's first
 * sightings, the checkers, the adversary strategy and the trust ledger; then the per-round
 * observables and the summary fields. The cycle driver and the event driver differ only
 * in how polls travel, so both build one {@link ConsensusWorld} and keep their own loop.
 */
import type { ConsensusProtocol, ConsensusState } from "../../protocols/consensus.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import type { Observables, RunEnvironment, RunInspector, RunResult, SummaryValue } from "../../protocols/protocol.js";
import type { Csr } from "../../topology/csr.js";
import { buildTopology } from "../../topology/index.js";
import { hyperedgeEventsOf, hyperedgesBetween } from "../../topology/hyperedge-file.js";
import { type AdversaryStrategy, type StrategyOptions, createStrategy, placeAdversaries } from "./adversary.js";
import { ConsensusChecker } from "./checkers.js";
import { TrustLedger } from "./evidence.js";
import type { ConsensusSetting } from "./setting.js";
import { drawFirstSight } from "./workload.js";

/** Bytes of framing we charge per message on top of its payload. */
export const MESSAGE_HEADER_BYTES = 16;

/** Observables every consensus run reports per round, before the protocol's own. */
export const CONSENSUS_OBSERVABLES = ["finalizedShare", "magnetization", "preferenceEntropy", "energy", "disagreement", "messages"] as const;

export const CONSENSUS_OUTCOMES = ["agreement", "safety_violation", "timeout"] as const;

export class ConsensusWorld<P> {
  readonly setting: ConsensusSetting;
  readonly graph: Csr;
  readonly nodes: number;
  readonly instances: number;
  readonly candidates: number;
  /** float64 words per answer */
  readonly width: number;
  /** the protocol's sample size (may be ALL_NEIGHBOURS) */
  readonly sampleSize: number;
  readonly adversarial: Uint8Array;
  readonly honest: Uint8Array;
  readonly honestIds: Int32Array;
  readonly state: ConsensusState;
  readonly checker: ConsensusChecker;
  readonly strategy: AdversaryStrategy;
  readonly ledger: TrustLedger;
  /** honest preference counts per (instance, candidate), refreshed by `countHonestPreferences` */
  readonly honestCounts: Int32Array;
  /** bytes of a query and of an (unsigned) answer */
  readonly queryBytes: number;
  readonly answerBytes: number;
  private readonly prefs: Int32Array;

  constructor(
    readonly protocol: ConsensusProtocol<P>,
    readonly params: P,
    env: RunEnvironment,
    strategyOptions?: StrategyOptions,
  ) {
    this.setting = env.sections as unknown as ConsensusSetting;
    const { workload } = this.setting;
    this.graph = buildTopology(this.setting.topology, env.rng("topology"));
    const n = this.graph.n;
    this.nodes = n;
    this.instances = workload.instances;
    this.candidates = workload.candidates;
    this.width = protocol.answerWidth(this.candidates);
    const samplingIssues = protocol.checkSampling?.(params, this.setting.sampling) ?? [];
    if (samplingIssues.length > 0) throw new RangeError(`${protocol.name}: ${samplingIssues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.sampleSize = protocol.sampleSize(params, this.setting.sampling);

    this.adversarial = placeAdversaries(this.graph, this.setting.adversary, env.rng("adversary"));
    const honest = new Uint8Array(n);
    let honestCount = 0;
    for (let i = 0; i < n; i++) {
      if (this.adversarial[i] === 0) {
        honest[i] = 1;
        honestCount++;
      }
    }
    this.honest = honest;
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
    this.strategy = createStrategy(this.setting.adversary, this.candidates, this.honestCounts.slice(), env.rng("adversary-strategy"), strategyOptions);
    this.ledger = new TrustLedger(n, this.setting.trust);
    this.prefs = new Int32Array(n);
    this.queryBytes = MESSAGE_HEADER_BYTES + (protocol.exchange ? 8 * this.width : 8);
    this.answerBytes = MESSAGE_HEADER_BYTES + 8 * this.width;
  }

  /** Whether the balancing attacker needs fresh honest counts every round. */
  get adversaryWatchesRounds(): boolean {
    return this.setting.adversary.type === "balance" && this.setting.adversary.knowledge === "full";
  }

  /** Refresh `honestCounts` from the honest nodes' current preferences. */
  countHonestPreferences(): void {
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

  /**
   * The sheaf check on this round's hyperedges, for protocols that have one (T-MESH): each
   * honest node meets its reachable neighbours (its closed neighbourhood, minus the peers
   * `reachable` rules out, e.g. across a partition), and the protocol checks that their
   * finalized sections agree on the overlap. A pair that has just exchanged states can
   * hardly disagree, so neighbourhoods, not poll pairs, are the hyperedges that find
   * conflicts (measured by the T-MESH tests). Costs O(edges) per round, only for such protocols.
   */
  sheafRound(round: number, reachable?: (a: number, b: number) => boolean): void {
    const check = (this.state as { sheafCheck?: (members: ArrayLike<number>, tick?: number) => number }).sheafCheck;
    if (!check) return;
    const members: number[] = [];
    // Hyperedge events from a file (scenario `hyperedges`) replace the neighbourhoods: the
    // events with time in [round − 1, round), each among its honest members that the first
    // honest member can reach.
    const events = hyperedgeEventsOf(this.setting.hyperedges);
    if (events) {
      const { start, end } = hyperedgesBetween(events, round - 1, round);
      for (let e = start; e < end; e++) {
        members.length = 0;
        for (let j = events.offsets[e]!; j < events.offsets[e + 1]!; j++) {
          const v = events.members[j]!;
          if (this.adversarial[v] === 1) continue;
          if (reachable && members.length > 0 && !reachable(members[0]!, v)) continue;
          members.push(v);
        }
        if (members.length > 1) check.call(this.state, members, round);
      }
      return;
    }
    const { offsets, targets } = this.graph;
    for (let h = 0; h < this.honestIds.length; h++) {
      const node = this.honestIds[h]!;
      members.length = 0;
      members.push(node);
      for (let e = offsets[node]!, end = offsets[node + 1]!; e < end; e++) {
        const peer = targets[e]!;
        if (this.adversarial[peer] === 1) continue;
        if (reachable && !reachable(node, peer)) continue;
        members.push(peer);
      }
      if (members.length > 1) check.call(this.state, members, round);
    }
  }

  /** Record `node`'s decision on `instance` if it has just become final. */
  noteFinal(node: number, instance: number, round: number): void {
    if (this.state.isFinal(node, instance) && !this.checker.isRecorded(node, instance)) {
      this.checker.record(node, instance, this.state.preference(node, instance), round);
    }
  }

  /** The observables of the current state; `messages` is the driver's running count. */
  observe(messages: number): Observables {
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
      messages,
      ...(this.state.observe ? this.state.observe(this.honestIds) : {}),
    };
  }

  /**
   * Per-node state for traces: colour = the preferred candidate of instance 0 (class 0 when
   * none yet, the last class for adversarial nodes), final = decided instance 0.
   */
  inspector(): RunInspector {
    const { state, adversarial, candidates } = this;
    const adversaryClass = candidates + 1;
    const density = state.density;
    return {
      classes: ["no candidate", ...Array.from({ length: candidates }, (_, c) => `candidate ${c}`), "adversary"],
      fixedEdges: true,
      edges: () => this.graph,
      classOf: (node) => (adversarial[node] === 1 ? adversaryClass : state.preference(node, 0) + 1),
      isFinal: (node) => adversarial[node] === 0 && state.isFinal(node, 0),
      ...(density ? { density: (node: number) => (state.preference(node, 0) === NO_CANDIDATE ? null : density.call(state, node, 0)) } : {}),
    };
  }

  /** The outcome and the summary fields every consensus driver reports, then `extra`. */
  result(messages: number, bytes: number, extra: Readonly<Record<string, SummaryValue>> = {}): RunResult {
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
        decisions: c.finalized,
        conflictingDecisions: c.conflictingDecisions(),
        roundsTo50: c.roundsTo[0] ?? null,
        roundsTo99: c.roundsTo[1] ?? null,
        roundsTo100: c.roundsTo[2] ?? null,
        messagesPerNodePerDecision: messages / decisions,
        bytesPerNodePerDecision: bytes / decisions,
        honestNodes: this.honestIds.length,
        adversaries: this.nodes - this.honestIds.length,
        equivocationProofs: this.ledger.evidence,
        firstViolation: first
          ? `${first.kind}: node ${first.node} finalized ${first.candidate} for instance ${first.instance} at round ${first.round}` +
            (first.conflictsWith === null ? "" : ` (another honest node finalized ${first.conflictsWith})`)
          : null,
        ...extra,
      },
    };
  }
}
