/**
 * Energies of spin configurations on a graph: the interaction term of EMTD's Hamiltonian.
 *
 * Spins are candidate indices (Potts) or ±1 (Ising). Couplings J_ij are per directed CSR
 * entry, aligned with `g.targets`; when none are passed the graph's own `weights` are used,
 * and failing those every J_ij = 1. The CSR must be symmetric (each undirected edge stored
 * as i→j and j→i, as an undirected generator produces). Global energies count each
 * undirected edge once, from its i < j entry, so that entry's coupling is the edge's;
 * with symmetric couplings both entries agree. Self-loops carry no energy and are skipped.
 */
import type { Csr } from "../topology/csr.js";

function couplingOf(g: Csr, coupling: Float64Array | undefined): Float64Array | undefined {
  const J = coupling ?? g.weights;
  if (J !== undefined && J.length !== g.targets.length) {
    throw new RangeError(`coupling has ${J.length} entries, graph has ${g.targets.length} directed entries`);
  }
  return J;
}

function checkSpins(g: Csr, spins: Int32Array): void {
  if (spins.length !== g.n) throw new RangeError(`spins has ${spins.length} entries, graph has ${g.n} nodes`);
}

/**
 * Potts energy H = Σ_{edges {i,j}} J_ij·[σ_i ≠ σ_j]: the total coupling across disagreeing
 * edges, 0 exactly at consensus.
 */
export function pottsEnergy(g: Csr, spins: Int32Array, coupling?: Float64Array): number {
  checkSpins(g, spins);
  const J = couplingOf(g, coupling);
  const { n, offsets, targets } = g;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const si = spins[i]!;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const j = targets[k]!;
      if (j > i && spins[j]! !== si) e += J === undefined ? 1 : J[k]!;
    }
  }
  return e;
}

/**
 * Local energy of node i if it held `candidate`: Σ_j J_ij·[candidate ≠ σ_j] over i's
 * neighbours (its own row of couplings). With symmetric couplings, the change in
 * {@link pottsEnergy} when i moves from σ_i to s is local(s) − local(σ_i).
 */
export function localPottsEnergy(g: Csr, spins: Int32Array, i: number, candidate: number, coupling?: Float64Array): number {
  checkSpins(g, spins);
  if (!Number.isInteger(i) || i < 0 || i >= g.n) throw new RangeError(`node ${i} out of range [0, ${g.n})`);
  const J = couplingOf(g, coupling);
  const { offsets, targets } = g;
  let e = 0;
  for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
    const j = targets[k]!;
    if (j !== i && spins[j]! !== candidate) e += J === undefined ? 1 : J[k]!;
  }
  return e;
}

/**
 * Ising energy H = −Σ_{edges {i,j}} J_ij·σ_i·σ_j for spins ±1. For two candidates it is
 * an affine image of the Potts energy: H_Ising = 2·H_Potts − Σ J.
 * @throws RangeError if a spin is not ±1.
 */
export function isingEnergy(g: Csr, spins: Int32Array, coupling?: Float64Array): number {
  checkSpins(g, spins);
  for (let i = 0; i < spins.length; i++) {
    if (spins[i] !== 1 && spins[i] !== -1) throw new RangeError(`isingEnergy: spin ${i} is ${spins[i]}, expected ±1`);
  }
  const J = couplingOf(g, coupling);
  const { n, offsets, targets } = g;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const si = spins[i]!;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const j = targets[k]!;
      if (j > i) e -= (J === undefined ? 1 : J[k]!) * si * spins[j]!;
    }
  }
  return e;
}

/**
 * Magnetization as the share of nodes holding the most common candidate, in [1/d, 1]
 * (1 = consensus). An empty configuration has magnetization 0.
 * @throws RangeError if d is not a positive integer or a spin is outside [0, d).
 */
export function magnetization(spins: Int32Array, d: number): number {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`magnetization: d must be a positive integer, got ${d}`);
  if (spins.length === 0) return 0;
  const counts = new Int32Array(d);
  let best = 0;
  for (let i = 0; i < spins.length; i++) {
    const s = spins[i]!;
    if (s < 0 || s >= d) throw new RangeError(`magnetization: spin ${i} is ${s}, outside [0, ${d})`);
    const c = ++counts[s];
    if (c > best) best = c;
  }
  return best / spins.length;
}
