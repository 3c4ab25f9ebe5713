/**
 * What the graph generators share (generators.ts, geometric.ts) and the topology's public
 * surface does not offer: their argument check and the edge list they grow while drawing.
 */
import { type Csr, MAX_CSR_ENTRIES, csrFromPairsUnchecked } from "./csr.js";

/** Throws unless `value` is an integer in [min, max] (generator `fn`'s argument `name`). */
export function checkInt(fn: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** A growable flat list of edge pairs. */
export class EdgeBuffer {
  pairs: Int32Array;
  count = 0;

  constructor(expectedEdges: number) {
    // Start near the expected size but below 256 MB; growth doubles from there.
    this.pairs = new Int32Array(Math.max(16, Math.min(2 * Math.ceil(expectedEdges), 1 << 26)));
  }

  push(u: number, v: number): void {
    if (2 * this.count + 2 > this.pairs.length) {
      if (2 * this.count + 2 > MAX_CSR_ENTRIES) throw new RangeError(`graph exceeds ${MAX_CSR_ENTRIES / 2} edges, the CSR limit`);
      const next = new Int32Array(Math.min(this.pairs.length * 2, MAX_CSR_ENTRIES - 1));
      next.set(this.pairs);
      this.pairs = next;
    }
    this.pairs[2 * this.count] = u;
    this.pairs[2 * this.count + 1] = v;
    this.count++;
  }

  toCsr(n: number): Csr {
    return csrFromPairsUnchecked(n, this.pairs, this.count);
  }
}
