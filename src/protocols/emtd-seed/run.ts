/**
 * The EMTD seed's `EntropicLedger.run_epoch`, ported operation for operation.
 *
 * Faithfulness notes (each one changes results if altered):
 * - A node's state is [scalar, phase] starting at [0, 1]; the phase never changes in the
 *   seed. The energy is `0.5 * norm(s_i - s_j) ** 2`, i.e. 0.5·sqrt(d0² + d1²)², summed in
 *   neighbour order: `localEnergy` computes it so; the Metropolis step uses a form that is
 *   bit-identical given constant phases (see `metropolis` for why each shortcut is exact).
 * - Metropolis as the seed codes it: a uniform draw is consumed only when ΔE > 0, and the
 *   move is rejected when `u > exp(-ΔE / T)`.
 * - Sweeps visit nodes in index order, in place (a node sees the updates of nodes before it
 *   in the same sweep); every node proposes node 0's *current* scalar; each node's
 *   temperature is multiplied by the decay right after its own visit.
 * - Convergence is a sweep whose summed state change is below 1e-4; at most `maxSweeps`.
 */
import type { Csr } from "../../topology/csr.js";

/** A source of uniform draws in [0, 1): a seeded generator, or a recorded stream in tests. */
export interface UniformSource {
  nextFloat(): number;
}

/** What the seed records per sweep (mirrors the reference fixtures' `sweeps`). */
export interface EmtdSeedSweep {
  /** the temperature every node had during the sweep (all nodes cool in lock-step) */
  readonly temperatureDuring: number;
  /** nodes whose scalar changed in this sweep */
  readonly flips: number;
  /** nodes holding the input after the sweep */
  readonly adoptersAfter: number;
  /** the seed's convergence quantity: Σ ‖s_i(after) − s_i(before)‖ */
  readonly stateChangeSum: number;
}

export interface EmtdSeedConfig {
  readonly input: number;
  readonly decay: number;
  readonly temperature: number;
  readonly maxSweeps: number;
}

/** The seed's convergence threshold on a sweep's total state change. */
export const CONVERGENCE_THRESHOLD = 1e-4;

/**
 * Mutable run state in structure-of-arrays form, so 10^6 nodes stay compact. The arrays
 * are the run's own: callers read them, and only the methods below write them (the
 * adopter count and the sqrt-free energy loop rely on that; `phase` never changes).
 */
export class EmtdSeedState {
  readonly scalar: Float64Array;
  readonly phase: Float64Array;
  readonly temperature: Float64Array;
  /** whether node 0 accepted the injected input */
  injectAccepted = false;
  sweeps = 0;
  converged = false;
  updates = 0;
  readonly history: EmtdSeedSweep[] = [];
  /** `adopters()`, maintained incrementally: a full count is O(N) and was taken every sweep */
  private adopterCount: number;

  constructor(
    readonly graph: Csr,
    readonly config: EmtdSeedConfig,
    private readonly uniform: UniformSource,
  ) {
    const n = graph.n;
    this.scalar = new Float64Array(n);
    this.phase = new Float64Array(n).fill(1.0);
    this.temperature = new Float64Array(n).fill(config.temperature);
    this.adopterCount = config.input === 0 ? n : 0;
  }

  /**
   * `compute_local_hamiltonian` of node i if its scalar were `value`, in full: the seed's
   * 0.5·sqrt(d0² + d1²)² summed in neighbour order. Used for observables; the Metropolis
   * step uses the equivalent fused loop in `metropolis`.
   */
  localEnergy(i: number, value: number): number {
    const { offsets, targets } = this.graph;
    const phaseI = this.phase[i]!;
    let h = 0.0;
    for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) {
      const j = targets[e]!;
      const d0 = value - this.scalar[j]!;
      const d1 = phaseI - this.phase[j]!;
      const diff = Math.sqrt(d0 * d0 + d1 * d1);
      h += 0.5 * (diff * diff);
    }
    return h;
  }

  /** `update_state`: Metropolis on the scalar; returns whether the move was accepted. */
  updateState(i: number, proposed: number): boolean {
    this.updates++;
    return this.metropolis(i, proposed);
  }

  /**
   * The body of `update_state` (without the update count).
   *
   * Hand-tuned, because it is the whole cost of a sweep; each shortcut is exact:
   * - proposed === current: both energies are the same sums in the same order, so ΔE is
   *   exactly 0 (or NaN when they are infinite), `ΔE > 0` is false and the seed accepts
   *   without a draw. We skip both loops. The store keeps a −0/+0 proposal's sign as the
   *   seed's assignment would.
   * - Both energies in one neighbour loop: each is still its own left-to-right sum.
   * - No sqrt: phases are constant and equal (1.0), so d1 = +0 and d0² + d1² = fl(d0²)
   *   exactly, and fl(sqrt(fl(d0²)))² = fl(d0²) for every double d0 (sqrt(fl(x²)) = |x| in
   *   binary floating point when x² is normal; a short proof covers subnormal x², and 0,
   *   ∞ and NaN map to themselves). A property test pins this with fast-check.
   */
  private metropolis(i: number, proposed: number): boolean {
    const scalar = this.scalar;
    const current = scalar[i]!;
    if (proposed === current) {
      scalar[i] = proposed;
      return true;
    }
    const { offsets, targets } = this.graph;
    let hCurrent = 0.0;
    let hProposed = 0.0;
    for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) {
      const sj = scalar[targets[e]!]!;
      const dc = current - sj;
      const dp = proposed - sj;
      hCurrent += 0.5 * (dc * dc);
      hProposed += 0.5 * (dp * dp);
    }
    const deltaE = hProposed - hCurrent;
    if (deltaE > 0) {
      const prob = Math.exp(-deltaE / this.temperature[i]!);
      if (this.uniform.nextFloat() > prob) return false;
    }
    scalar[i] = proposed;
    const input = this.config.input;
    if (current === input) this.adopterCount--;
    if (proposed === input) this.adopterCount++;
    return true;
  }

  /** The injection that starts `run_epoch`. */
  inject(): void {
    this.injectAccepted = this.updateState(0, this.config.input);
  }

  /** One pass of the `while` loop; returns false once converged or capped. */
  sweep(): boolean {
    if (this.converged || this.sweeps >= this.config.maxSweeps) return false;
    const n = this.graph.n;
    const { scalar, temperature } = this;
    const decay = this.config.decay;
    const temperatureDuring = temperature[0]!;
    let total = 0;
    let flips = 0;
    for (let i = 0; i < n; i++) {
      const before = scalar[i]!;
      // Every node proposes node 0's current scalar; when it already holds it, nothing
      // changes and no draw is consumed (see `metropolis`), so only d = 0 remains.
      const proposed = scalar[0]!;
      if (proposed === before) scalar[i] = proposed;
      else {
        this.metropolis(i, proposed);
        // norm(state - prev) with an unchanged phase is |Δscalar|, computed the seed's way;
        // a zero d adds +0 to a non-negative total, which changes nothing, so it is skipped.
        const d = scalar[i]! - before;
        if (d !== 0) {
          total += Math.sqrt(d * d + 0 * 0);
          flips++;
        }
      }
      temperature[i] = temperature[i]! * decay;
    }
    this.updates += n;
    if (total < CONVERGENCE_THRESHOLD) this.converged = true;
    this.sweeps++;
    this.history.push({ temperatureDuring, flips, adoptersAfter: this.adopterCount, stateChangeSum: total });
    return !this.converged && this.sweeps < this.config.maxSweeps;
  }

  /** Nodes whose scalar equals the input exactly (kept up to date by every accepted move). */
  adopters(): number {
    return this.adopterCount;
  }

  /** Total interaction energy, each undirected edge once: ½ Σ_i H_i. */
  totalEnergy(): number {
    let sum = 0;
    for (let i = 0; i < this.graph.n; i++) sum += this.localEnergy(i, this.scalar[i]!);
    return sum / 2;
  }

  meanTemperature(): number {
    let sum = 0;
    for (let i = 0; i < this.temperature.length; i++) sum += this.temperature[i]!;
    return sum / this.temperature.length;
  }

  /** Outcome as the issue defines it. */
  outcome(): "full_agreement" | "injection_rejected" | "split" {
    if (this.adopters() === this.graph.n) return "full_agreement";
    if (!this.injectAccepted && this.allScalarsZero()) return "injection_rejected";
    return "split";
  }

  private allScalarsZero(): boolean {
    for (let i = 0; i < this.scalar.length; i++) if (this.scalar[i] !== 0) return false;
    return true;
  }
}
