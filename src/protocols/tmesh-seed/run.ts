/**
 * The T-M.E.S.H. seed's `QuantumGraphNode` demo, ported operation for operation.
 *
 * Faithfulness notes:
 * - Each node starts in a random pure state |ψ⟩⟨ψ| with ψ = (randn(d) + i·randn(d)) / ‖·‖,
 *   real parts drawn before imaginary parts, node by node.
 * - Each step picks a pair (a, b) of distinct nodes uniformly; both get ½(ρ_a + ρ_b).
 * - After each step the seed's "global coherence" mean_n Tr(ρ_n · centroid) is recorded.
 * - The demo defines `validate_trace` but never calls it; `renormalize: true` applies it
 *   after every interaction (a no-op up to rounding, since mixing preserves the trace).
 *
 * Per-node entropy and purity are cached and recomputed only for the two nodes an
 * interaction changes (they share one matrix, so one eigen-decomposition per step).
 */
import { type CMatrix, add, scale } from "../../physics/complex.js";
import { normalizeTrace, pureDensity, purity, seedCoherence, vonNeumannEntropy } from "../../physics/density.js";

/** Draws the demo consumes: Gaussian deviates for the initial states, distinct pairs per step. */
export interface TmeshSeedDraws {
  normal(): number;
  distinctPair(n: number): readonly [number, number];
}

export interface TmeshSeedConfig {
  readonly steps: number;
  readonly renormalize: boolean;
}

export class TmeshSeedState {
  readonly rho: CMatrix[];
  readonly entropy: Float64Array;
  readonly purity: Float64Array;
  readonly coherenceHistory: number[] = [];
  readonly pairs: [number, number][] = [];
  steps = 0;
  updates = 0;

  constructor(
    initial: readonly CMatrix[],
    readonly config: TmeshSeedConfig,
    private readonly draws: Pick<TmeshSeedDraws, "distinctPair">,
  ) {
    if (initial.length < 2) throw new RangeError(`tmesh-seed needs at least 2 nodes, got ${initial.length}`);
    this.rho = initial.slice();
    this.entropy = new Float64Array(initial.length);
    this.purity = new Float64Array(initial.length);
    for (let i = 0; i < initial.length; i++) this.refresh(i);
  }

  /** Random pure initial states, drawn exactly in the demo's order. */
  static randomInitialStates(nodes: number, dim: number, draws: Pick<TmeshSeedDraws, "normal">): CMatrix[] {
    const states: CMatrix[] = [];
    for (let n = 0; n < nodes; n++) {
      const re = new Float64Array(dim);
      const im = new Float64Array(dim);
      for (let k = 0; k < dim; k++) re[k] = draws.normal();
      for (let k = 0; k < dim; k++) im[k] = draws.normal();
      // pureDensity normalises ψ the way `psi /= np.linalg.norm(psi)` does.
      states.push(pureDensity(re, im));
    }
    return states;
  }

  get nodes(): number {
    return this.rho.length;
  }

  /** One interaction event; returns false once the configured number of steps is done. */
  step(): boolean {
    if (this.steps >= this.config.steps) return false;
    const [a, b] = this.draws.distinctPair(this.rho.length);
    this.interact(a, b);
    this.pairs.push([a, b]);
    this.coherenceHistory.push(this.coherence());
    this.steps++;
    return this.steps < this.config.steps;
  }

  /** `interact`: both nodes take the convex mixture ½(ρ_a + ρ_b). */
  interact(a: number, b: number): void {
    let mixed = scale(add(this.rho[a]!, this.rho[b]!), 0.5);
    if (this.config.renormalize) mixed = normalizeTrace(mixed);
    this.rho[a] = mixed;
    this.rho[b] = mixed;
    this.updates += 2;
    this.refresh(a);
    this.entropy[b] = this.entropy[a]!;
    this.purity[b] = this.purity[a]!;
  }

  coherence(): number {
    return seedCoherence(this.rho);
  }

  /** Largest element-wise distance between any node's ρ and node 0's: 0 means identical states. */
  spread(): number {
    const first = this.rho[0]!;
    let max = 0;
    for (let i = 1; i < this.rho.length; i++) {
      const r = this.rho[i]!;
      if (r === first) continue;
      for (let k = 0; k < r.re.length; k++) {
        const d = Math.hypot(r.re[k]! - first.re[k]!, r.im[k]! - first.im[k]!);
        if (d > max) max = d;
      }
    }
    return max;
  }

  private refresh(i: number): void {
    this.entropy[i] = vonNeumannEntropy(this.rho[i]!);
    this.purity[i] = purity(this.rho[i]!);
  }
}

