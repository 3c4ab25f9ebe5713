/* eslint-disable max-lines -- TmeshState is one state machine over one memory layout (each
   (node, instance) slot's d×d density matrix in two flat arrays, and the eigen and swap
   workspaces its steps share); adoption, interaction, collapse, finality and the sheaf check
   read and write that layout in place in the simulators' hot loop, and split across modules
   they would need its internals exported. Its parameters are params.ts. */
/**
 * `tmesh`: T-M.E.S.H. as consensus — density-matrix gossip with a collapse step, von
 * Neumann finality, and a sheaf consistency check on hyperedges (DESIGN.md §2).
 *
 * ## State
 *
 * Each (node, instance) slot holds a d×d density matrix ρ over the d candidates, stored in
 * two flat Float64Arrays (real and imaginary parts, slot·d² offsets, row-major). A node that
 * first sees candidate c starts at |c⟩⟨c|; a node that knows nothing is *empty* (preference
 * NO_CANDIDATE) and adopts the first valid state it receives, as a query or as an answer
 * (adoption is not an interaction: no collapse, no finality count). As the contract asks
 * (consensus.ts, `wantsPoll`), an empty node still polls, so late joiners take part: its
 * query is an abstention (all zeros), which leaves the responder unchanged.
 *
 * ## Interaction (pair exchange)
 *
 * The asker i sends ρ_i as its query (2·d² words: re then im, row-major). The responder j
 * answers with its PRE-update ρ_j and applies the partial-swap gossip of Mazzarella,
 * Sarlette & Ticozzi (2015, "Consensus for quantum networks: symmetry from gossip
 * interactions", IEEE TAC 60(1)):
 *
 *   ρ_j ← Tr_i[U(ρ_j⊗ρ_i)U†],  U = exp(iθ·SWAP)
 *       = cos²θ·ρ_j + sin²θ·ρ_i + i·sinθ·cosθ·[ρ_i, ρ_j]
 *
 * (closed form in `physics/partial.ts`); the asker applies the same map with ρ_j. Without
 * collapse the two updates conserve ρ_i + ρ_j.
 *
 * ## Collapse (the documented choice)
 *
 * Partial-swap gossip conserves ρ_i + ρ_j, hence the network mean ρ̄, and drives every
 * node to ρ̄ (the symmetrization of Mazzarella et al.). From a split start ρ̄ is mixed, so
 * S(ρ) < ε is never reached: gossip alone cannot finalize. With `collapse:
 * "dephase-amplify"` (default) each participant, after every interaction, dephases in the
 * candidate basis (keeps the diagonal p) and amplifies: p_c ← p_c^m / Σ_c' p_c'^m (m > 1
 * sharpens toward the argmax; ties stay ties; the argmax never changes). Entries at or
 * below 4·d·ε_mach·max p are set to 0, as `physics/density.ts` `amplify` does.
 *
 * The honest consequence: after dephasing every state is diagonal, and states that start
 * as |c⟩⟨c| are diagonal already. Diagonal matrices commute, so the commutator term of the
 * partial swap vanishes identically and the exchange is the classical convex combination
 * p_j ← cos²θ·p_j + sin²θ·p_i of probability vectors. With collapse on, T-M.E.S.H. IS a
 * classical protocol: pairwise averaging of candidate distributions followed by
 * sharpening, i.e. a majority-amplification consensus (a close cousin of the k = 1
 * voter/Slush family); nothing quantum remains in honest runs, and the code takes an O(d)
 * path for diagonal pairs (bit-identical to the general O(d³) formula, tested). Coherences
 * appear only if a peer sends a non-diagonal state, and one collapse removes them.
 * `collapse: "none"` keeps the genuine quantum gossip; then entropy cannot fall on average
 * and finality is reached only by nodes that are (nearly) pure and meet (nearly) equal
 * states.
 *
 * ## Finality
 *
 * After each update the slot's von Neumann entropy S(ρ) (nats, eigenvalues ≤ 1e-10
 * dropped) is measured. An own interaction (a poll with at least one usable answer) that
 * leaves S < epsilon extends the slot's streak; any update (own or as responder) that
 * leaves S ≥ epsilon clears it. A streak of `beta` finalizes: irreversible, the decided
 * candidate is argmax diag(ρ) (ties to the lowest index), later answers and queries no
 * longer change ρ (the node still answers with it). A node that starts at |c⟩⟨c| has S = 0,
 * so β consecutive polls of like-minded peers finalize it — Snowflake with K = 1 — which is
 * why β matters for safety. Measured (test/unit/protocols/tmesh-network.test.ts; 50 nodes,
 * complete graph, 60/40): β = 5 never split in 100 seeds, β = 1 split in most. The
 * dynamics also need θ near π/4, where both sides take the exact average: far from it
 * sharpening outruns mixing (θ = 0.05 splits every seed; θ = 1.2, nearly a swap, splits
 * some).
 *
 * ## Partners, sampling and β
 *
 * A node polls `partners` peers per round (default 1, the seed's pairwise gossip), drawn
 * as the scenario's `sampling` says (topology neighbours or the whole network), and
 * interacts with each answer in turn; a round's streak step is taken once, after the last.
 * `beta` left out is {@link tmeshDefaultBeta}(n) = max(5, ⌈log₂ n⌉ + 2) — the finality
 * streak must grow with n, because a node that starts pure and meets β like-minded peers
 * in a row finalizes whichever side it is on, and the number of such early finalizers on
 * the losing side grows like n·q^β (measured in docs/results.md: β = 5 is unsafe at 10⁵).
 *
 * ## Trust
 *
 * An answer from a peer whose trust (`ctx.trust`, evidence of equivocation lowers it) is
 * 0 is ignored, like an abstention. With trust t in (0, 1) the peer's state counts for
 * t: the node interacts with t·ρ_peer + (1 − t)·ρ_own (a density matrix again), so an
 * untrusted peer pulls it proportionally less. The responder side of an exchange is not
 * weighed: the cycle and event drivers only let honest nodes ask.
 *
 * ## Malformed states
 *
 * Incoming matrices must be finite, Hermitian within 1e-9 (|ρ_ab − conj ρ_ba|, diagonal
 * imaginary parts within 1e-9 of 0), of trace 1 within 1e-9, and have no eigenvalue below
 * −1e-9 (checked by a Cholesky factorisation of ρ + 1e-9·I). Anything else is ignored and
 * counted (`rejectedStates`). An all-zero vector is not a state but an *abstention* (what
 * an empty or pruned node sends): ignored, not counted. Accepted states are replaced by
 * their Hermitian part divided by their trace.
 *
 * ## Sheaf check and pruning
 *
 * {@link TmeshState.sheafCheck} checks one hyperedge (a set of nodes that interacted
 * together) with the finalized-section sheaf of `physics/sheaf.ts` (incidence
 * construction): stalks are the members' finalized sections, one-hot; the overlap is the
 * set of instances that EVERY member has finalized and is not pruned on; ‖δx‖ on one
 * overlap instance is sqrt(|e| − Σ_c n_c²/|e|), 0 if all agree and ≥ 1 otherwise. An
 * instance whose ‖δx‖ exceeds `sheafEpsilon` is a {@link SheafConflict}: counted, logged
 * (the first `conflictLogLimit` entries) and pruned.
 *
 * What pruning means here, precisely: on that instance, the members whose finalized
 * candidate is not the hyperedge's majority (the unique most frequent candidate among the
 * members) are marked `pruned`; if the most frequent candidate is tied (e.g. any 1-vs-1
 * pair), no branch can be told apart and every member is pruned. A pruned slot
 * (1) keeps its decision — isFinal and preference are unchanged, finality is irreversible,
 * the checkers still see a safety violation; (2) answers with an abstention (all zeros)
 * instead of its state for that instance, so it stops pulling others toward its branch;
 * (3) leaves the cover for that instance: it is no longer part of any overlap, so the same
 * conflict is not detected again. The check compares honest finalized sections only (a
 * member that has not finalized an instance removes it from the overlap), so it is a
 * detector of safety violations that have already happened, not a Byzantine defence.
 *
 * Where to call it: on the pair of an exchange it is nearly blind. At θ = π/4 both sides
 * leave an exchange with the same state, or the asker at least halfway to a final
 * responder, so a pair that just interacted can never hold conflicting decisions (measured:
 * 0 detections in the β = 1 runs that split). Conflicts sit between nodes that do NOT
 * interact after deciding; hyperedge events that span them (a temporal hypergraph's
 * k-node meetings, or a periodic check over a neighbourhood) are what finds them.
 */
import { type ConsensusProtocol, type ConsensusState, type Layout, NO_CANDIDATE, type PollContext } from "../consensus.js";
import { type CMatrix, zeros } from "../../physics/complex.js";
import { type EigenWorkspace, eigenWorkspace, hermitianEigenvaluesInto } from "../../physics/eigen.js";
import { partialSwapGossipInto } from "../../physics/partial.js";
import { oneHotCoboundaryNorm2 } from "../../physics/finalized-sheaf.js";
import { tmeshDefaultBeta, type TmeshParams, tmeshParams } from "./params.js";

/** Tolerance on Hermiticity, trace and negative eigenvalues of incoming states. */
export const STATE_TOLERANCE = 1e-9;

/** Eigenvalues at or below this are dropped from the von Neumann entropy (as `vonNeumannEntropy`). */
const ENTROPY_CUTOFF = 1e-10;

const MACHINE_EPS = 2.220446049250313e-16;

/** Trust clamped to [0, 1]; absent 1, NaN and negatives 0 (as EMTD reads it). */
function trustOf(t: number | undefined): number {
  if (t === undefined) return 1;
  return t > 0 ? (t < 1 ? t : 1) : 0;
}

export { tmeshDefaultBeta, type TmeshParams, tmeshParams } from "./params.js";

/** A hyperedge whose members' finalized sections disagree on an instance. */
export interface SheafConflict {
  /** the hyperedge's members (duplicates removed, in the order given) */
  readonly members: Int32Array;
  readonly instance: number;
  /** each member's finalized candidate for the instance, aligned with `members` */
  readonly candidates: Int32Array;
  /** the unique most frequent candidate, or NO_CANDIDATE when tied (then all were pruned) */
  readonly majority: number;
  /** ‖δx‖ on this instance */
  readonly norm: number;
  /** the tick passed to sheafCheck (−1 if none) */
  readonly tick: number;
}

/** The T-M.E.S.H. state table (structure of arrays, slot = node × instances + instance). */
export class TmeshState implements ConsensusState {
  readonly d: number;
  /** words per answer/query: 2·d² */
  readonly width: number;
  /** real parts of ρ, d² per slot, row-major */
  readonly re: Float64Array;
  /** imaginary parts of ρ, d² per slot, row-major */
  readonly im: Float64Array;
  /** 1 once the slot holds a state */
  readonly known: Uint8Array;
  /** consecutive own interactions with S(ρ) < epsilon */
  readonly streak: Int32Array;
  readonly finalized: Uint8Array;
  /** decided candidate (NO_CANDIDATE until final) */
  readonly decided: Int32Array;
  /** 1 when a sheaf check pruned the slot (see the module comment) */
  readonly pruned: Uint8Array;
  /** the finality streak in force: `params.beta`, or {@link tmeshDefaultBeta} of the layout's nodes */
  readonly beta: number;
  /** malformed incoming states ignored so far */
  rejectedStates = 0;
  /** sheaf conflicts detected so far (one per hyperedge and conflicting instance) */
  sheafConflicts = 0;
  /** slots pruned so far */
  prunedSlots = 0;
  /** the first `conflictLogLimit` conflicts */
  readonly conflicts: SheafConflict[] = [];

  private readonly d2: number;
  private readonly collapseOn: boolean;
  private readonly cos2: number;
  private readonly sin2: number;
  // Scratch, so an interaction allocates nothing.
  private readonly mine: CMatrix;
  private readonly theirs: CMatrix;
  private readonly next: CMatrix;
  private readonly evals: Float64Array;
  private readonly work: EigenWorkspace;
  private readonly diag: Float64Array;
  private readonly counts: Int32Array;
  /** whether the last accepted state (in `theirs`) is diagonal */
  private theirsDiagonal = false;
  private memberBuf: Int32Array = new Int32Array(8);
  private candBuf: Int32Array = new Int32Array(8);

  constructor(
    readonly layout: Layout,
    readonly params: TmeshParams,
  ) {
    const { nodes, instances, candidates: d } = layout;
    if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`tmesh: candidates must be a positive integer, got ${d}`);
    if (!(Number.isInteger(nodes) && nodes >= 0 && Number.isInteger(instances) && instances >= 0)) {
      throw new RangeError(`tmesh: nodes and instances must be non-negative integers, got ${nodes} and ${instances}`);
    }
    const slots = nodes * instances;
    this.beta = params.beta ?? tmeshDefaultBeta(nodes);
    this.d = d;
    this.d2 = d * d;
    this.width = 2 * d * d;
    this.re = new Float64Array(slots * this.d2);
    this.im = new Float64Array(slots * this.d2);
    this.known = new Uint8Array(slots);
    this.streak = new Int32Array(slots);
    this.finalized = new Uint8Array(slots);
    this.decided = new Int32Array(slots).fill(NO_CANDIDATE);
    this.pruned = new Uint8Array(slots);
    this.collapseOn = params.collapse === "dephase-amplify";
    const c = Math.cos(params.theta);
    const s = Math.sin(params.theta);
    this.cos2 = c * c;
    this.sin2 = s * s;
    this.mine = zeros(d);
    this.theirs = zeros(d);
    this.next = zeros(d);
    this.evals = new Float64Array(d);
    this.work = eigenWorkspace(d);
    this.diag = new Float64Array(d);
    this.counts = new Int32Array(d);
  }

  private slot(node: number, instance: number): number {
    return node * this.layout.instances + instance;
  }

  introduce(node: number, instance: number, candidate: number): void {
    const d = this.d;
    if (!(Number.isInteger(candidate) && candidate >= 0 && candidate < d)) throw new RangeError(`tmesh: candidate must be an integer in [0, ${d}), got ${candidate}`);
    const s = this.slot(node, instance);
    if (this.known[s] === 1) return;
    const base = s * this.d2;
    this.re.fill(0, base, base + this.d2);
    this.im.fill(0, base, base + this.d2);
    this.re[base + candidate * d + candidate] = 1;
    this.known[s] = 1;
  }

  /** True until final — also while empty, since an empty node learns by polling. */
  wantsPoll(node: number, instance: number): boolean {
    return this.finalized[this.slot(node, instance)] === 0;
  }

  prepareQuery(node: number, instance: number, query: Float64Array): void {
    const s = this.slot(node, instance);
    if (this.known[s] === 1 && this.pruned[s] === 0) this.writeState(s, query);
    else query.fill(0, 0, this.width);
  }

  respond(responder: number, instance: number, query: Float64Array, out: Float64Array, _ctx?: PollContext): void {
    const s = this.slot(responder, instance);
    if (this.known[s] === 1 && this.pruned[s] === 0) this.writeState(s, out);
    else out.fill(0, 0, this.width);
    if (this.finalized[s] === 1) return; // decided: still answers, no longer moves
    if (this.isAbstention(query, 0)) return;
    if (!this.accept(query, 0)) {
      this.rejectedStates++;
      return;
    }
    if (this.known[s] === 0) {
      this.adopt(s, this.theirs);
      return;
    }
    const S = this.interact(s);
    if (!(S < this.params.epsilon)) this.streak[s] = 0;
  }

  onPoll(node: number, instance: number, answers: Float64Array, from: Int32Array, count: number, ctx?: PollContext): void {
    const s = this.slot(node, instance);
    if (this.finalized[s] === 1) return;
    const w = this.width;
    const trust = ctx?.trust;
    let interacted = false;
    let S = Infinity;
    for (let a = 0; a < count; a++) {
      const off = a * w;
      const t = trust === undefined ? 1 : trustOf(trust[from[a]!]);
      if (t === 0) continue; // isolated by evidence: an abstention
      if (this.isAbstention(answers, off)) continue;
      if (!this.accept(answers, off)) {
        this.rejectedStates++;
        continue;
      }
      if (this.known[s] === 0) {
        this.adopt(s, this.theirs);
        continue;
      }
      if (t < 1) this.discountTheirs(s, t);
      S = this.interact(s);
      interacted = true;
    }
    if (!interacted) return;
    if (S < this.params.epsilon) {
      if (++this.streak[s]! >= this.beta) {
        this.finalized[s] = 1;
        this.decided[s] = this.argmaxDiagonal(s);
      }
    } else {
      this.streak[s] = 0;
    }
  }

  preference(node: number, instance: number): number {
    const s = this.slot(node, instance);
    if (this.finalized[s] === 1) return this.decided[s]!;
    return this.known[s] === 1 ? this.argmaxDiagonal(s) : NO_CANDIDATE;
  }

  isFinal(node: number, instance: number): boolean {
    return this.finalized[this.slot(node, instance)] === 1;
  }

  /** A copy of ρ for (node, instance) (the zero matrix while the slot is empty). */
  density(node: number, instance: number): CMatrix {
    const s = this.slot(node, instance);
    const out = zeros(this.d);
    const base = s * this.d2;
    out.re.set(this.re.subarray(base, base + this.d2));
    out.im.set(this.im.subarray(base, base + this.d2));
    return out;
  }

  /**
   * Set ρ for (node, instance) — for tests, scenarios that start from mixed states, and
   * restoring a snapshot. The matrix must pass the same check as incoming states; its
   * Hermitian part is stored. Resets the finality streak.
   * @throws RangeError if ρ is not a valid d×d density matrix or the slot is final.
   */
  setDensity(node: number, instance: number, rho: CMatrix): void {
    const s = this.slot(node, instance);
    if (rho.n !== this.d) throw new RangeError(`tmesh: setDensity expects a ${this.d}×${this.d} matrix, got ${rho.n}×${rho.n}`);
    if (this.finalized[s] === 1) throw new RangeError(`tmesh: node ${node} has finalized instance ${instance}; its state can no longer change`);
    const words = new Float64Array(this.width);
    words.set(rho.re, 0);
    words.set(rho.im, this.d2);
    if (!this.accept(words, 0)) throw new RangeError(`tmesh: setDensity got a matrix that is not a density matrix within ${STATE_TOLERANCE}`);
    this.adopt(s, this.theirs);
  }

  /** S(ρ) of (node, instance) in nats; NaN while the slot is empty. */
  entropy(node: number, instance: number): number {
    const s = this.slot(node, instance);
    if (this.known[s] === 0) return NaN;
    this.load(s, this.mine);
    return this.entropyOf(this.mine);
  }

  /**
   * Check one hyperedge (see the module comment): for every instance that all `members`
   * have finalized and none has been pruned on, compare their finalized candidates; a
   * coboundary norm above `sheafEpsilon` is recorded as a {@link SheafConflict} and the
   * members off the majority (all of them on a tie) are pruned for that instance.
   * `members` is a set: repeated ids are ignored.
   * @param tick recorded with each conflict
   * @returns the number of conflicting instances found
   * @throws RangeError on a member that is not a node id
   */
  sheafCheck(members: ArrayLike<number>, tick = -1): number {
    const { nodes, instances } = this.layout;
    if (this.memberBuf.length < members.length) {
      this.memberBuf = new Int32Array(members.length);
      this.candBuf = new Int32Array(members.length);
    }
    const mem = this.memberBuf;
    let n = 0;
    for (let k = 0; k < members.length; k++) {
      const v = members[k]!;
      if (!(Number.isInteger(v) && v >= 0 && v < nodes)) throw new RangeError(`tmesh: sheafCheck member ${k} is ${v}, expected a node id in [0, ${nodes})`);
      let seen = false;
      for (let t = 0; t < n; t++) if (mem[t] === v) seen = true;
      if (!seen) mem[n++] = v;
    }
    if (n < 2) return 0;
    const cand = this.candBuf;
    let found = 0;
    for (let i = 0; i < instances; i++) {
      let shared = true;
      for (let t = 0; t < n; t++) {
        const s = mem[t]! * instances + i;
        if (this.finalized[s] === 0 || this.pruned[s] === 1) {
          shared = false;
          break;
        }
        cand[t] = this.decided[s]!;
      }
      if (!shared) continue;
      const norm = Math.sqrt(oneHotCoboundaryNorm2(cand, n, "incidence"));
      if (!(norm > this.params.sheafEpsilon)) continue;
      found++;
      this.sheafConflicts++;
      const majority = this.majority(cand, n);
      for (let t = 0; t < n; t++) {
        if (cand[t] === majority) continue;
        const s = mem[t]! * instances + i;
        this.pruned[s] = 1;
        this.prunedSlots++;
      }
      if (this.conflicts.length < this.params.conflictLogLimit) {
        this.conflicts.push({ members: mem.slice(0, n), instance: i, candidates: cand.slice(0, n), majority, norm, tick });
      }
    }
    return found;
  }

  observe(nodes: ArrayLike<number>, only?: ArrayLike<number>): Record<string, number> {
    const { instances } = this.layout;
    let sum = 0;
    let max = 0;
    let count = 0;
    const n = only === undefined ? instances : only.length;
    for (let k = 0; k < nodes.length; k++) {
      const base = nodes[k]! * instances;
      for (let j = 0; j < n; j++) {
        const s = base + (only === undefined ? j : only[j]!);
        if (this.known[s] === 0) continue;
        this.load(s, this.mine);
        const S = this.entropyOf(this.mine);
        sum += S;
        if (S > max) max = S;
        count++;
      }
    }
    const perInstance = { meanVonNeumann: count === 0 ? 0 : sum / count, maxVonNeumann: max };
    // The two counters are of the whole table, not of any instance.
    return only === undefined ? { ...perInstance, rejectedStates: this.rejectedStates, sheafConflicts: this.sheafConflicts } : perInstance;
  }

  // ---- internals -------------------------------------------------------------------

  /** The unique most frequent candidate among cand[0..n), or NO_CANDIDATE on a tie. */
  private majority(cand: Int32Array, n: number): number {
    const counts = this.counts;
    counts.fill(0);
    for (let t = 0; t < n; t++) counts[cand[t]!]!++;
    let best = NO_CANDIDATE;
    let top = 0;
    let tied = false;
    for (let c = 0; c < this.d; c++) {
      const v = counts[c]!;
      if (v > top) {
        top = v;
        best = c;
        tied = false;
      } else if (v === top && v > 0) {
        tied = true;
      }
    }
    return tied ? NO_CANDIDATE : best;
  }

  private writeState(s: number, out: Float64Array): void {
    const base = s * this.d2;
    const d2 = this.d2;
    for (let k = 0; k < d2; k++) {
      out[k] = this.re[base + k]!;
      out[d2 + k] = this.im[base + k]!;
    }
  }

  // Plain loops: subarray() would allocate a view per call, and fill()/set() on a few
  // words cost more in call overhead than they save.
  private load(s: number, m: CMatrix): void {
    const base = s * this.d2;
    const mr = m.re, mi = m.im, re = this.re, im = this.im;
    for (let k = 0; k < this.d2; k++) {
      mr[k] = re[base + k]!;
      mi[k] = im[base + k]!;
    }
  }

  private store(s: number, m: CMatrix): void {
    const base = s * this.d2;
    const mr = m.re, mi = m.im, re = this.re, im = this.im;
    for (let k = 0; k < this.d2; k++) {
      re[base + k] = mr[k]!;
      im[base + k] = mi[k]!;
    }
  }

  private clear(m: CMatrix): void {
    const mr = m.re, mi = m.im;
    for (let k = 0; k < this.d2; k++) {
      mr[k] = 0;
      mi[k] = 0;
    }
  }

  private isAbstention(words: Float64Array, off: number): boolean {
    for (let k = 0; k < this.width; k++) if (words[off + k] !== 0) return false;
    return true;
  }

  /**
   * Validate a 2·d²-word state at `off`; if valid, leave its Hermitian part in `theirs`.
   * Checks: finite entries, Hermitian within tolerance, trace 1 within tolerance, smallest
   * eigenvalue ≥ −tolerance.
   */
  private accept(words: Float64Array, off: number): boolean {
    const { d, d2 } = this;
    const tol = STATE_TOLERANCE;
    const m = this.theirs;
    let tr = 0;
    for (let a = 0; a < d; a++) {
      const aa = off + a * d + a;
      const ra = words[aa]!, ia = words[aa + d2]!;
      if (!(Number.isFinite(ra) && Math.abs(ia) <= tol)) return false;
      m.re[a * d + a] = ra;
      m.im[a * d + a] = 0;
      tr += ra;
      for (let b = a + 1; b < d; b++) {
        const ab = off + a * d + b, ba = off + b * d + a;
        const rab = words[ab]!, iab = words[ab + d2]!, rba = words[ba]!, iba = words[ba + d2]!;
        // NaN and ±Infinity fail here: the differences are NaN.
        if (!(Math.abs(rab - rba) <= tol && Math.abs(iab + iba) <= tol && Number.isFinite(rab) && Number.isFinite(iab))) return false;
        const r = 0.5 * (rab + rba), i = 0.5 * (iab - iba);
        m.re[a * d + b] = r;
        m.im[a * d + b] = i;
        m.re[b * d + a] = r;
        m.im[b * d + a] = -i;
      }
    }
    if (!(Math.abs(tr - 1) <= tol)) return false;
    this.theirsDiagonal = this.isDiagonal(m);
    if (this.theirsDiagonal) {
      for (let a = 0; a < d; a++) if (!(m.re[a * d + a]! >= -tol)) return false;
    } else if (!this.choleskyShifted(m, tol)) {
      return false;
    }
    if (tr !== 1) this.scaleBy(m, 1 / tr);
    return true;
  }

  /**
   * Whether m + tol·I is positive definite, i.e. every eigenvalue of the Hermitian m is
   * above −tol: a Cholesky factorisation (d³/6 complex multiply-adds) succeeds exactly then.
   * Several times cheaper than the Jacobi eigenvalues; uses the eigen workspace as scratch.
   */
  private choleskyShifted(m: CMatrix, tol: number): boolean {
    const d = this.d;
    const lr = this.work.re, li = this.work.im;
    for (let j = 0; j < d; j++) {
      let diag = m.re[j * d + j]! + tol;
      for (let k = 0; k < j; k++) diag -= lr[j * d + k]! * lr[j * d + k]! + li[j * d + k]! * li[j * d + k]!;
      if (!(diag > 0)) return false;
      const ljj = Math.sqrt(diag);
      lr[j * d + j] = ljj;
      li[j * d + j] = 0;
      for (let i = j + 1; i < d; i++) {
        // L_ij = (A_ij − Σ_k L_ik·conj(L_jk)) / L_jj
        let sr = m.re[i * d + j]!;
        let si = m.im[i * d + j]!;
        for (let k = 0; k < j; k++) {
          const ar = lr[i * d + k]!, ai = li[i * d + k]!, br = lr[j * d + k]!, bi = li[j * d + k]!;
          sr -= ar * br + ai * bi;
          si -= ai * br - ar * bi;
        }
        lr[i * d + j] = sr / ljj;
        li[i * d + j] = si / ljj;
      }
    }
    return true;
  }

  private scaleBy(m: CMatrix, f: number): void {
    const mr = m.re, mi = m.im;
    for (let k = 0; k < this.d2; k++) {
      mr[k] = mr[k]! * f;
      mi[k] = mi[k]! * f;
    }
  }

  /** theirs ← t·theirs + (1 − t)·ρ_s: a partly trusted peer's state, diluted by the node's own. */
  private discountTheirs(s: number, t: number): void {
    const theirs = this.theirs;
    const base = s * this.d2;
    for (let k = 0; k < this.d2; k++) {
      theirs.re[k] = t * theirs.re[k]! + (1 - t) * this.re[base + k]!;
      theirs.im[k] = t * theirs.im[k]! + (1 - t) * this.im[base + k]!;
    }
    this.theirsDiagonal = this.isDiagonal(theirs);
  }

  /** The slot takes `m` as its state (first sight or setDensity). */
  private adopt(s: number, m: CMatrix): void {
    this.store(s, m);
    this.known[s] = 1;
    this.streak[s] = 0;
  }

  /**
   * One side of an exchange: ρ_s ← Tr_partner[U(ρ_s⊗ρ_partner)U†] with the partner's state
   * in `theirs`, then the collapse. Returns S of the new state.
   */
  private interact(s: number): number {
    const mine = this.mine, theirs = this.theirs, next = this.next;
    this.load(s, mine);
    const diagonal = this.theirsDiagonal && this.isDiagonal(mine);
    if (diagonal) this.gossipDiagonal(next, mine, theirs);
    else partialSwapGossipInto(next, mine, theirs, this.params.theta);
    if (this.collapseOn) this.collapse(next);
    else this.renormalize(next);
    this.store(s, next);
    return this.entropyOf(next, diagonal || this.collapseOn);
  }

  /**
   * The partial swap for commuting (diagonal) states: the commutator vanishes, leaving
   * cos²θ·Tr(ρ_j)·ρ_i + sin²θ·Tr(ρ_i)·ρ_j on the diagonal — the same floating-point
   * operations `partialSwapGossipInto` performs on these entries, so the result is
   * bit-identical (up to the sign of zero) in O(d) instead of O(d³).
   */
  private gossipDiagonal(out: CMatrix, mine: CMatrix, theirs: CMatrix): void {
    const d = this.d;
    let tI = 0;
    let tJ = 0;
    for (let a = 0; a < d; a++) {
      tI += mine.re[a * d + a]!;
      tJ += theirs.re[a * d + a]!;
    }
    const wI = this.cos2 * tJ, wJ = this.sin2 * tI;
    this.clear(out);
    for (let a = 0; a < d; a++) out.re[a * d + a] = wI * mine.re[a * d + a]! + wJ * theirs.re[a * d + a]!;
  }

  private isDiagonal(m: CMatrix): boolean {
    const d = this.d;
    for (let a = 0; a < d; a++) {
      if (m.im[a * d + a] !== 0) return false;
      for (let b = 0; b < d; b++) if (a !== b && (m.re[a * d + b] !== 0 || m.im[a * d + b] !== 0)) return false;
    }
    return true;
  }

  /** Dephase (keep the real diagonal), then p ← p^m / Σ p^m with the numerical null space at 0. */
  private collapse(m: CMatrix): void {
    const d = this.d;
    const p = this.diag;
    let top = 0;
    for (let a = 0; a < d; a++) {
      const v = m.re[a * d + a]!;
      p[a] = v;
      if (v > top) top = v;
    }
    this.clear(m);
    const floor = 4 * d * MACHINE_EPS * top;
    const exponent = this.params.m;
    let total = 0;
    for (let a = 0; a < d; a++) {
      const v = p[a]! > floor ? (p[a]! / top) ** exponent : 0;
      p[a] = v;
      total += v;
    }
    for (let a = 0; a < d; a++) m.re[a * d + a] = p[a]! / total;
  }

  /**
   * Replace m by its Hermitian part divided by its real trace. Needed, not cosmetic: the
   * closed form returns trace Tr ρ_i · Tr ρ_j, so without it rounding errors in the traces
   * compound multiplicatively across exchanges (measured: 1.7e-11 after 117 exchanges of
   * 10 qubits, past the 1e-9 acceptance test after a few hundred).
   */
  private renormalize(m: CMatrix): void {
    const d = this.d;
    let tr = 0;
    for (let a = 0; a < d; a++) {
      m.im[a * d + a] = 0;
      tr += m.re[a * d + a]!;
      for (let b = a + 1; b < d; b++) {
        const r = 0.5 * (m.re[a * d + b]! + m.re[b * d + a]!);
        const i = 0.5 * (m.im[a * d + b]! - m.im[b * d + a]!);
        m.re[a * d + b] = r;
        m.re[b * d + a] = r;
        m.im[a * d + b] = i;
        m.im[b * d + a] = -i;
      }
    }
    if (tr !== 1) this.scaleBy(m, 1 / tr);
  }

  /** −Σ λ ln λ over eigenvalues > 1e-10 (nats); `diagonal` if m is known to be diagonal. */
  private entropyOf(m: CMatrix, diagonal = this.isDiagonal(m)): number {
    const d = this.d;
    const ev = this.evals;
    if (diagonal) for (let a = 0; a < d; a++) ev[a] = m.re[a * d + a]!;
    else hermitianEigenvaluesInto(ev, m, this.work);
    let h = 0;
    for (let a = 0; a < d; a++) {
      const l = ev[a]!;
      if (l > ENTROPY_CUTOFF) h -= l * Math.log(l);
    }
    return h;
  }

  private argmaxDiagonal(s: number): number {
    const d = this.d;
    const base = s * this.d2;
    let best = 0;
    for (let c = 1; c < d; c++) if (this.re[base + c * d + c]! > this.re[base + best * d + best]!) best = c;
    return best;
  }
}

export const tmesh: ConsensusProtocol<TmeshParams> = {
  name: "tmesh",
  description: "T-M.E.S.H.: partial-swap density-matrix gossip (Mazzarella–Sarlette–Ticozzi 2015) + dephase/amplify collapse, von Neumann finality, sheaf check",
  params: tmeshParams,
  answerWidth: (d) => 2 * d * d,
  answerLayout: (d) => ({ kind: "matrix", width: 2 * d * d }),
  sampleSize: (p) => p.partners,
  exchange: true,
  answerFor: (candidate, d, out) => {
    out.fill(0, 0, 2 * d * d);
    if (Number.isInteger(candidate) && candidate >= 0 && candidate < d) out[candidate * d + candidate] = 1;
  },
  observables: ["meanVonNeumann", "maxVonNeumann", "rejectedStates", "sheafConflicts"],
  createState: (layout, params) => new TmeshState(layout, params),
};
