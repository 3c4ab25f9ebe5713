/**
 * The checkers every consensus run carries: safety (no two honest nodes finalize different
 * candidates for one instance), validity (a finalized candidate was proposed), liveness
 * (the share of honest decisions made by the deadline) and the rounds to 50, 99 and 100%
 * finality. Drivers report each decision once, when a slot first becomes final.
 *
 * Two counts of unsafety per run: `safetyViolations` counts decisions that differ from the
 * instance's FIRST decision (what the replay line names), so one early outlier makes every
 * later node a violation; {@link ConsensusChecker.conflictingDecisions} counts decisions that
 * differ from the instance's MAJORITY decision (ties to the lowest candidate), so one early
 * outlier counts 1. Severity = conflictingDecisions / decisions made.
 */

export interface Violation {
  readonly kind: "safety" | "validity";
  readonly instance: number;
  readonly node: number;
  readonly candidate: number;
  /** for safety: the candidate another honest node finalized first */
  readonly conflictsWith: number | null;
  readonly round: number;
}

export const FINALITY_MILESTONES = [0.5, 0.99, 1] as const;

export class ConsensusChecker {
  readonly finalizedAt: Int32Array;
  readonly decided: Int32Array;
  /** first finalized candidate per instance (−1 until someone decides) */
  readonly firstDecision: Int32Array;
  readonly honestSlots: number;
  safetyViolations = 0;
  validityViolations = 0;
  finalized = 0;
  /** the first few violations, for the replay report */
  readonly violations: Violation[] = [];
  /** round at which each milestone share was first reached (null until then) */
  readonly roundsTo: (number | null)[] = FINALITY_MILESTONES.map(() => null);

  constructor(
    readonly nodes: number,
    readonly instances: number,
    readonly candidates: number,
    readonly honest: Uint8Array,
    /** instances × candidates: 1 where the candidate was proposed (seen by someone) */
    readonly proposed: Uint8Array,
  ) {
    this.finalizedAt = new Int32Array(nodes * instances).fill(-1);
    this.decided = new Int32Array(nodes * instances).fill(-1);
    this.firstDecision = new Int32Array(instances).fill(-1);
    let honestNodes = 0;
    for (let i = 0; i < nodes; i++) honestNodes += honest[i]!;
    this.honestSlots = honestNodes * instances;
  }

  isRecorded(node: number, instance: number): boolean {
    return this.finalizedAt[node * this.instances + instance] !== -1;
  }

  /** An honest node finalized `candidate` for `instance` at `round`. */
  record(node: number, instance: number, candidate: number, round: number): void {
    const s = node * this.instances + instance;
    if (this.finalizedAt[s] !== -1 || this.honest[node] !== 1) return;
    this.finalizedAt[s] = round;
    this.decided[s] = candidate;
    this.finalized++;
    const valid = Number.isInteger(candidate) && candidate >= 0 && candidate < this.candidates && this.proposed[instance * this.candidates + candidate] === 1;
    if (!valid) {
      this.validityViolations++;
      this.note({ kind: "validity", instance, node, candidate, conflictsWith: null, round });
      return;
    }
    const first = this.firstDecision[instance]!;
    if (first === -1) this.firstDecision[instance] = candidate;
    else if (first !== candidate) {
      this.safetyViolations++;
      this.note({ kind: "safety", instance, node, candidate, conflictsWith: first, round });
    }
  }

  /** Close a round: update the finality milestones. */
  endRound(round: number): void {
    const share = this.share();
    FINALITY_MILESTONES.forEach((m, i) => {
      if (this.roundsTo[i] === null && share >= m) this.roundsTo[i] = round;
    });
  }

  /**
   * Honest decisions (of an in-range candidate) that differ from their instance's majority decision —
   * the most frequent decided candidate, ties to the lowest index — summed over instances.
   * O(slots); call once at the end of a run.
   */
  conflictingDecisions(): number {
    const { instances, candidates } = this;
    const counts = new Int32Array(instances * candidates);
    for (let s = 0; s < this.decided.length; s++) {
      const c = this.decided[s]!;
      if (c >= 0 && c < candidates && Number.isInteger(c)) counts[(s % instances) * candidates + c]!++;
    }
    let conflicting = 0;
    for (let k = 0; k < instances; k++) {
      let total = 0;
      let best = 0;
      for (let c = 0; c < candidates; c++) {
        const v = counts[k * candidates + c]!;
        total += v;
        if (v > best) best = v;
      }
      conflicting += total - best;
    }
    return conflicting;
  }

  share(): number {
    return this.honestSlots === 0 ? 0 : this.finalized / this.honestSlots;
  }

  private note(v: Violation): void {
    if (this.violations.length < 20) this.violations.push(v);
  }
}
