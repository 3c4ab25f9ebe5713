/**
 * The EMTD seed's `EntropicLedger.run_epoch`, ported operation for operation.
 *
 * Faithfulness notes (each one changes results if altered):
 * - A node's state is [scalar, phase] starting at [0, 1]; the phase never changes in the
 *   seed, but it stays in the arithmetic so the energy is computed exactly as
 *   `0.5 * norm(s_i - s_j) ** 2`, i.e. 0.5·sqrt(d0² + d1²)², summed in neighbour order.
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

/** Mutable run state in structure-of-arrays form, so 10^6 nodes stay compact. */
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

  constructor(
    readonly graph: Csr,
    readonly config: EmtdSeedConfig,
    private readonly uniform: UniformSource,
  ) {
    const n = graph.n;
    this.scalar = new Float64Array(n);
    this.phase = new Float64Array(n).fill(1.0);
    this.temperature = new Float64Array(n).fill(config.temperature);
  }

  /** `compute_local_hamiltonian` of node i if its scalar were `value`. */
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
    const current = this.localEnergy(i, this.scalar[i]!);
    const next = this.localEnergy(i, proposed);
    const deltaE = next - current;
    if (deltaE > 0) {
      const prob = Math.exp(-deltaE / this.temperature[i]!);
      if (this.uniform.nextFloat() > prob) return false;
    }
    this.scalar[i] = proposed;
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
      this.updateState(i, scalar[0]!);
      // norm(state - prev) with an unchanged phase is |Δscalar|, computed the seed's way.
      const d = scalar[i]! - before;
      total += Math.sqrt(d * d + 0 * 0);
      if (d !== 0) flips++;
      temperature[i] = temperature[i]! * decay;
    }
    if (total < CONVERGENCE_THRESHOLD) this.converged = true;
    this.sweeps++;
    this.history.push({ temperatureDuring, flips, adoptersAfter: this.adopters(), stateChangeSum: total });
    return !this.converged && this.sweeps < this.config.maxSweeps;
  }

  /** Nodes whose scalar equals the input exactly. */
  adopters(): number {
    const input = this.config.input;
    let count = 0;
    for (let i = 0; i < this.scalar.length; i++) if (this.scalar[i] === input) count++;
    return count;
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
