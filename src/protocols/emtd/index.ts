/**
 * `emtd`: EMTD as consensus (DESIGN.md §2) — per-(node, instance) Metropolis annealing of a
 * Potts spin over the candidates, with the seed's entropic and cost terms made concrete,
 * a choice of cooling schedules, reheating ("quantum tunnelling") and crystallisation.
 *
 * Sampling (a harness property, `sampling` in the scenario): with `neighbors` sampling a
 * node polls ALL its topology neighbours each round (the seed's literal EMTD), or `k` of
 * them when `k` is a number; with `global` sampling it polls `k` distinct nodes drawn
 * uniformly from the whole network each round (default {@link EMTD_GLOBAL_K}), so its
 * "neighbourhood" is a fresh random sample and the energy is a mean-field estimate.
 * `k: "all"` with global sampling has no meaning and is refused by the scenario validator.
 *
 * Each round a node polls its sample; an answer is the responder's current
 * candidate (one float64 word; NO_CANDIDATE = −1 from a peer that knows nothing). Answers
 * that are not a candidate index — NaN, non-integers, out of range, NO_CANDIDATE — are
 * ignored. An *answering neighbour* below is a responder with a valid answer and trust > 0.
 *
 * Local energy of node i holding candidate s, given its answering neighbours' spins σ_j:
 *
 *   H_i(s) = Σ_j J_ij·[s ≠ σ_j] + λ·S_i(s) + μ·cost(s)
 *
 * - coupling J_ij = bandwidth × trust_j, trust_j = ctx.trust[j] clamped to [0, 1]
 *   (absent: 1; NaN or negative: 0). A peer with trust 0 has no influence at all: it adds
 *   nothing to either term, is never proposed, and is never learnt from.
 * - S_i(s): Shannon entropy (natural log) of the candidate distribution over the
 *   neighbourhood {s} ∪ {σ_j}: each voice weighs its trust, the node itself 1, so
 *   p(c) = ([c = s] + Σ_j trust_j·[σ_j = c]) / (1 + Σ_j trust_j). With full trust this is
 *   the plain count distribution; it is 0 exactly when every answering neighbour holds s.
 * - cost(s) = [s ≠ σ_i]: the cost of switching (μ for a change, 0 for staying).
 *
 * The first term is the local Potts energy (physics/potts.ts `localPottsEnergy`); we call
 * it the node's *disagreement energy*. The *local energy* stored and observed is H_i(σ_i)
 * after the round's move (cost 0), which is 0 exactly when the disagreement energy is.
 *
 * A round (`onPoll`) of a node that holds a candidate:
 * 1. Proposal: the candidate of a uniformly sampled answering neighbour (`ctx.rng.nextInt`).
 *    Metropolis acceptance min(1, exp(−ΔH/T_i)), ΔH = H_i(proposal) − H_i(σ_i): a uniform
 *    draw (`ctx.rng.nextFloat`) is consumed only when ΔH > 0, as in the seed; accepted iff
 *    u < exp(−ΔH/T_i). No draws at all when nobody answered.
 * 2. Cooling: the node's schedule step counts the rounds it has polled for the instance;
 *    T_i = T(step). `geometric`: T0·alpha^t (the seed's per-visit decay). `logarithmic`:
 *    c / ln(t + 2) (Hajek; note it needs ≈ e^(c/tFreeze) rounds to freeze).
 *    `adaptive`: the geometric schedule whose step advances only when the local energy
 *    did not rise since the node's previous round (it fell, stayed, or is zero): a node
 *    whose energy rises holds its temperature. The round's move uses the temperature from
 *    before the round, so the first round runs at T(0).
 * 3. Crystallisation: a round where every answering neighbour holds σ_i (at least one
 *    answered) extends the node's zero-energy run; any other round, including one where
 *    nobody answered (no evidence), ends it. When T_i < tFreeze and the run has reached
 *    beta rounds, the node finalizes: irreversible, wantsPoll false, preference fixed,
 *    later polls are ignored without consuming randomness.
 * 4. Reheating (the seed's "quantum tunnelling"): a node frozen (T_i < tFreeze) with
 *    non-zero local energy for `reheatAfter` consecutive rounds restarts its schedule at
 *    T = reheatTemperature (default T0): step 0, schedule scaled by reheatTemperature/T(0)
 *    from then on. `reheat: false` switches it off. Reheats are counted per slot.
 *
 * Learning: a node that knows no candidate adopts the first answering neighbour's candidate
 * (in answer order) in its poll, as Avalanche fetches a tx it hears of; that round does
 * nothing else, and its schedule starts with the next one. So, unlike the contract's
 * default, `wantsPoll` is true for such a node (it must poll to join); it is false only
 * once final.
 *
 * Trust is maintained by the drivers from evidence (bad signatures, bad Merkle proofs,
 * equivocation: two conflicting signed answers for the same (instance, epoch)); evidence
 * lowers trust and so the coupling, which isolates the sender ("self-healing"). This
 * module only reads `ctx.trust`.
 *
 * Defaults: geometric T0 = 2, alpha = 0.9, tFreeze = 0.05, beta = 10, reheat after 10
 * frozen rounds; λ = μ = 0, i.e. plain Potts annealing — the seed's extra terms are opt-in.
 * With a geometric schedule finality can come no sooner than the first round with
 * T0·alpha^t < tFreeze (36 rounds with the defaults), however fast the spins agree.
 *
 * Safety is not guaranteed: annealing can freeze a split (metastable domains on rings and
 * clustered graphs; crystallised domain interiors pin the walls between them, and walls
 * between finalized domains reheat forever), which the simulators' checkers measure.
 * Global sampling removes the domains: every round's sample is fresh and uniform, so the
 * dynamics are mean-field, and finality needs β rounds in which all K answers agreed, after
 * the network has had 36 rounds to cool. Measured (docs/results.md §0, §2b): K = 20, β = 10
 * had no unsafe run at 2000 nodes (100 runs, 50/50) nor at 10⁵ (10 runs), finalizing at round
 * 36 with 2·K messages per node-round (1440 per decision, ~1.1–1.3× Snowball's).
 *
 * State: structure of arrays, slot = node × instances + instance.
 */
import { type ConsensusProtocol, type ConsensusState, type Layout, NO_CANDIDATE, type PollContext } from "../consensus.js";
import type { CoolingSchedule } from "../../physics/cooling.js";
import { type EmtdParams, emtdParams, emtdSampleSize, emtdSchedule } from "./params.js";

export { EMTD_GLOBAL_K, type EmtdParams, emtdParams, emtdSampleSize, emtdSchedule } from "./params.js";

/** The terms of H_i(s) for one candidate s (see the module comment). */
export interface EnergyTerms {
  /** Σ_j J_ij·[s ≠ σ_j] */
  readonly interaction: number;
  /** S_i(s), natural log, before the λ weight */
  readonly entropy: number;
  /** [s ≠ σ_i], before the μ weight */
  readonly cost: number;
  /** interaction + λ·entropy + μ·cost */
  readonly total: number;
}

function trustOf(ctx: { readonly trust?: Float64Array } | undefined, peer: number): number {
  const t = ctx?.trust?.[peer];
  if (t === undefined) return 1;
  return t > 0 ? (t < 1 ? t : 1) : 0; // NaN and negatives: 0
}

/** EMTD's state table (structure of arrays, slot = node × instances + instance). */
export class EmtdState implements ConsensusState {
  /** current candidate σ per slot (NO_CANDIDATE until introduced or learnt) */
  readonly spin: Int32Array;
  /** schedule step per slot (rounds polled since the start or the last reheat; adaptive: rounds cooled) */
  readonly step: Int32Array;
  /** rounds polled while holding a candidate, per slot */
  readonly rounds: Int32Array;
  /** temperature per slot: the one the next round runs at */
  readonly temperature: Float64Array;
  /** local energy H_i(σ_i) measured in the slot's last round */
  readonly energy: Float64Array;
  /** consecutive rounds with zero disagreement energy */
  readonly zeroRun: Int32Array;
  /** consecutive frozen rounds with non-zero energy */
  readonly frozenRun: Int32Array;
  /** reheats so far per slot */
  readonly reheats: Int32Array;
  readonly finalized: Uint8Array;

  readonly schedule: CoolingSchedule;
  readonly reheatTemperature: number;
  /** factor applied to the schedule after a reheat: reheatTemperature / T(0) */
  readonly reheatScale: number;
  private readonly adaptive: boolean;

  // Per-poll scratch, one entry per candidate.
  private readonly counts: Int32Array;
  private readonly coupling: Float64Array;
  private readonly weight: Float64Array;
  /** answering neighbours' candidates, in answer order */
  private heard: Int32Array;
  private heardCount = 0;
  private couplingTotal = 0;
  private weightTotal = 0;

  constructor(
    readonly layout: Layout,
    readonly params: EmtdParams,
  ) {
    const { nodes, instances, candidates } = layout;
    if (!Number.isInteger(candidates) || candidates < 1) throw new RangeError(`emtd: candidates must be a positive integer, got ${candidates}`);
    const slots = nodes * instances;
    this.schedule = emtdSchedule(params);
    this.adaptive = params.schedule === "adaptive";
    this.reheatTemperature = params.reheatTemperature ?? params.T0;
    this.reheatScale = this.reheatTemperature / this.schedule.temperatureAt(0);
    this.spin = new Int32Array(slots).fill(NO_CANDIDATE);
    this.step = new Int32Array(slots);
    this.rounds = new Int32Array(slots);
    this.temperature = new Float64Array(slots).fill(this.schedule.temperatureAt(0));
    this.energy = new Float64Array(slots);
    this.zeroRun = new Int32Array(slots);
    this.frozenRun = new Int32Array(slots);
    this.reheats = new Int32Array(slots);
    this.finalized = new Uint8Array(slots);
    this.counts = new Int32Array(candidates);
    this.coupling = new Float64Array(candidates);
    this.weight = new Float64Array(candidates);
    this.heard = new Int32Array(16);
  }

  introduce(node: number, instance: number, candidate: number): void {
    const d = this.layout.candidates;
    if (!(Number.isInteger(candidate) && candidate >= 0 && candidate < d)) throw new RangeError(`emtd: candidate must be an integer in [0, ${d}), got ${candidate}`);
    const s = node * this.layout.instances + instance;
    if (this.spin[s] === NO_CANDIDATE) this.spin[s] = candidate;
  }

  /** True until final — also while the node knows nothing, since it learns by polling. */
  wantsPoll(node: number, instance: number): boolean {
    return this.finalized[node * this.layout.instances + instance] === 0;
  }

  prepareQuery(): void {}

  respond(responder: number, instance: number, _query: Float64Array, out: Float64Array, _ctx?: PollContext): void {
    out[0] = this.spin[responder * this.layout.instances + instance]!;
  }

  /** Tally a poll's answering neighbours into the scratch arrays. */
  private tally(answers: Float64Array, from: Int32Array, count: number, ctx: { readonly trust?: Float64Array } | undefined): void {
    const d = this.layout.candidates;
    const { counts, coupling, weight, params } = this;
    counts.fill(0);
    coupling.fill(0);
    weight.fill(0);
    if (this.heard.length < count) this.heard = new Int32Array(count);
    const heard = this.heard;
    let m = 0;
    let jTotal = 0;
    let wTotal = 0;
    for (let a = 0; a < count; a++) {
      const c = answers[a]!;
      if (!(c >= 0 && c < d && Number.isInteger(c))) continue; // NO_CANDIDATE, or garbage from a faulty peer
      const t = trustOf(ctx, from[a]!);
      if (t === 0) continue; // isolated by evidence: no influence
      const j = params.bandwidth * t;
      counts[c]!++;
      coupling[c] += j;
      weight[c] += t;
      jTotal += j;
      wTotal += t;
      heard[m++] = c;
    }
    this.heardCount = m;
    this.couplingTotal = jTotal;
    this.weightTotal = wTotal;
  }

  /** Σ_j J_ij·[s ≠ σ_j] over the tallied neighbours (exactly 0 when all hold s). */
  private interaction(s: number): number {
    return this.counts[s] === this.heardCount ? 0 : this.couplingTotal - this.coupling[s]!;
  }

  /** S_i(s) over the tallied neighbours plus the node itself holding s. */
  private entropy(s: number): number {
    const { weight } = this;
    const z = this.weightTotal + 1;
    let h = 0;
    for (let c = 0; c < weight.length; c++) {
      const p = (c === s ? weight[c]! + 1 : weight[c]!) / z;
      if (p > 0) h -= p * Math.log(p); // p > 0, not w > 0: a subnormal weight can underflow to p = 0
    }
    return h;
  }

  private hamiltonian(s: number, own: number): number {
    const { lambda, mu } = this.params;
    let h = this.interaction(s);
    if (lambda !== 0) h += lambda * this.entropy(s);
    if (s !== own) h += mu;
    return h;
  }

  /**
   * The terms of H_i(candidate) for `node` given a poll's answers, without changing any
   * state (the switching cost is relative to the node's current spin). For tests, reports
   * and adversaries that want to know what a node would compute.
   */
  energyTerms(
    node: number,
    instance: number,
    candidate: number,
    answers: Float64Array,
    from: Int32Array,
    count: number,
    ctx?: { readonly trust?: Float64Array },
  ): EnergyTerms {
    const d = this.layout.candidates;
    if (!(Number.isInteger(candidate) && candidate >= 0 && candidate < d)) throw new RangeError(`emtd: candidate must be an integer in [0, ${d}), got ${candidate}`);
    this.tally(answers, from, count, ctx);
    const own = this.spin[node * this.layout.instances + instance]!;
    const interaction = this.interaction(candidate);
    const entropy = this.entropy(candidate);
    const cost = candidate !== own ? 1 : 0;
    return { interaction, entropy, cost, total: interaction + this.params.lambda * entropy + this.params.mu * cost };
  }

  onPoll(node: number, instance: number, answers: Float64Array, from: Int32Array, count: number, ctx: PollContext): void {
    const s = node * this.layout.instances + instance;
    if (this.finalized[s] === 1) return;
    this.tally(answers, from, count, ctx);
    const m = this.heardCount;
    const own = this.spin[s]!;
    if (own === NO_CANDIDATE) {
      if (m > 0) this.spin[s] = this.heard[0]!; // learn; the schedule starts next round
      return;
    }

    // 1. Metropolis move.
    let next = own;
    if (m > 0) {
      const proposal = this.heard[ctx.rng.nextInt(m)]!;
      if (proposal !== own) {
        const dH = this.hamiltonian(proposal, own) - this.hamiltonian(own, own);
        if (dH <= 0 || ctx.rng.nextFloat() < Math.exp(-dH / this.temperature[s]!)) next = proposal;
      }
    }
    this.spin[s] = next;
    const agreed = m > 0 && this.counts[next] === m;
    const h = agreed ? 0 : this.hamiltonian(next, next);

    // 2. Cooling.
    const { params } = this;
    const rose = this.rounds[s]! > 0 && h > this.energy[s]!;
    this.rounds[s]!++;
    if (!(this.adaptive && rose)) this.step[s]!++;
    this.energy[s] = h;
    const T = (this.reheats[s] === 0 ? 1 : this.reheatScale) * this.schedule.temperatureAt(this.step[s]!);
    this.temperature[s] = T;

    // 3. Crystallisation.
    this.zeroRun[s] = agreed ? this.zeroRun[s]! + 1 : 0;
    const frozen = T < params.tFreeze;
    if (frozen && this.zeroRun[s]! >= params.beta) {
      this.finalized[s] = 1;
      return;
    }

    // 4. Reheating.
    if (frozen && m > 0 && !agreed) {
      const run = ++this.frozenRun[s]!;
      if (params.reheat && run >= params.reheatAfter) {
        this.reheats[s]!++;
        this.step[s] = 0;
        this.frozenRun[s] = 0;
        this.temperature[s] = this.reheatTemperature;
      }
    } else {
      this.frozenRun[s] = 0;
    }
  }

  preference(node: number, instance: number): number {
    return this.spin[node * this.layout.instances + instance]!;
  }

  isFinal(node: number, instance: number): boolean {
    return this.finalized[node * this.layout.instances + instance] === 1;
  }

  /**
   * Means over the given nodes and every instance: temperature, local energy H_i(σ_i) (as
   * last measured), reheats per slot, and the share of slots frozen (T < tFreeze; final
   * slots included). Slots that never polled count with T(0) and energy 0. No nodes: zeros.
   */
  observe(nodes: ArrayLike<number>, only?: ArrayLike<number>): Record<string, number> {
    const { instances } = this.layout;
    const { tFreeze } = this.params;
    let t = 0;
    let e = 0;
    let r = 0;
    let f = 0;
    let n = 0;
    const count = only === undefined ? instances : only.length;
    for (let k = 0; k < nodes.length; k++) {
      const base = nodes[k]! * instances;
      for (let j = 0; j < count; j++) {
        const s = base + (only === undefined ? j : only[j]!);
        const T = this.temperature[s]!;
        t += T;
        e += this.energy[s]!;
        r += this.reheats[s]!;
        if (T < tFreeze) f++;
        n++;
      }
    }
    if (n === 0) return { meanTemperature: 0, meanLocalEnergy: 0, reheats: 0, frozenShare: 0 };
    return { meanTemperature: t / n, meanLocalEnergy: e / n, reheats: r / n, frozenShare: f / n };
  }
}

export const emtd: ConsensusProtocol<EmtdParams> = {
  name: "emtd",
  description: "EMTD as consensus: Metropolis annealing of a Potts spin with entropy and switching-cost terms, trust-weighted couplings, cooling schedules, reheating, crystallisation",
  params: emtdParams,
  answerWidth: () => 1,
  answerLayout: () => ({ kind: "index", width: 1 }),
  sampleSize: (p, sampling) => emtdSampleSize(p, sampling),
  checkSampling: (p, sampling) =>
    sampling === "global" && p.k === "all"
      ? [{ path: "params.k", message: 'k: "all" polls every topology neighbour, which has no meaning with sampling: global (the sample is drawn from the whole network); give a number, or use sampling: neighbors' }]
      : [],
  exchange: false,
  answersArePreferences: true,
  answerFor: (candidate, _d, out) => {
    out[0] = candidate;
  },
  observables: ["meanTemperature", "meanLocalEnergy", "reheats", "frozenShare"],
  createState: (layout, params) => new EmtdState(layout, params),
};
