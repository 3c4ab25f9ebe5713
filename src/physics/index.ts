/**
 * The physics layer: complex matrices, Hermitian eigen-decomposition, density matrices and
 * their entropies, partial trace and partial-swap gossip, cellular sheaves on hypergraph
 * covers, Potts/Ising energies and cooling schedules. Pure functions on typed arrays; no
 * I/O, clock or ambient randomness.
 */
export {
  type CMatrix,
  type Complex,
  zeros,
  identity,
  fromParts,
  toParts,
  clone,
  copyInto,
  add,
  addInto,
  sub,
  subInto,
  scale,
  scaleInto,
  mul,
  mulInto,
  adjoint,
  adjointInto,
  trace,
  traceOfProductRe,
  commutator,
  commutatorInto,
  kron,
  kronInto,
  outer,
  frobeniusNorm,
  maxAbsDiff,
  isHermitian,
} from "./complex.js";
export {
  type HermitianEigen,
  type EigenWorkspace,
  eigenWorkspace,
  hermitianEigenvalues,
  hermitianEigenvaluesInto,
  hermitianEigen,
  hermitianFunction,
  reconstruct,
} from "./eigen.js";
export {
  isDensityMatrix,
  normalizeTrace,
  maximallyMixed,
  purity,
  vonNeumannEntropy,
  fidelity,
  seedCoherence,
  pureDensity,
  dephase,
  amplify,
} from "./density.js";
export {
  type Subsystem,
  partialTrace,
  applyUnitary,
  swapOperator,
  partialSwapUnitary,
  partialSwapGossip,
  partialSwapGossipInto,
} from "./partial.js";
export { shannonEntropy, shannonEntropyOfCounts } from "./entropy.js";
export {
  type CoverConstruction,
  type SheafEdge,
  type HypergraphSheaf,
  type DenseMatrix,
  type SheafCohomology,
  validateSheaf,
  checkConstruction,
  cochainDims,
  coboundaryMatrix,
  applyCoboundary,
  extendSection,
  coboundaryNorm,
  sheafLaplacian,
  matrixRank,
  sheafCohomology,
} from "./sheaf.js";
export { type FinalizedSection, type SectionSheaf, finalizedSectionSheaf, oneHotCoboundaryNorm2 } from "./finalized-sheaf.js";
export { numpySum, numpyMean, numpyComplexSum } from "./summation.js";
export { pottsEnergy, localPottsEnergy, isingEnergy, magnetization } from "./potts.js";
export {
  type CoolingSchedule,
  type CoolingSpec,
  validateCooling,
  geometric,
  logarithmic,
  constant,
  coolingSchedule,
} from "./cooling.js";
