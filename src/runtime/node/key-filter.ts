/**
 * A Bloom filter of the conflict keys this node has finalized, so that admitting a
 * transaction of a set never decided here costs no ledger read.
 *
 * Why: every transaction a node admits asks "was this set decided long ago?" (a late
 * double spend of a forgotten set must be refused as rejected, not decided again). The
 * answer is almost always no, and asking LevelDB cost 8–13% of a devnet node's CPU under
 * load (a `classic-level` get per transaction, measured with `bench/devnet.ts --cpu-prof`).
 * A "no" from the filter is certain; a "maybe" falls back to the ledger, as before.
 *
 * Memory is bounded: layers of doubling size (a scalable Bloom filter, Almeida et al.
 * 2007), each sized for its capacity at ~10 bits per key with 7 probes (≈ 1% false
 * positives), up to {@link MAX_FILTER_BITS} in all. Past that the last layer keeps
 * filling and its false-positive rate rises, which only costs ledger reads again. The
 * filter is rebuilt from the ledger's finalized entries when the node opens (recovery.ts
 * reads them anyway for the commitment).
 *
 * Hand-written (no library): a filter is two FNV-1a hashes of a short string and seven
 * bit probes, used on every admission.
 */

/** Bits over all layers (4 MiB). */
export const MAX_FILTER_BITS = 1 << 25;
const FIRST_LAYER_KEYS = 1 << 12;
const BITS_PER_KEY = 10;
const PROBES = 7;

interface Layer {
  readonly bits: Uint32Array;
  /** bits − 1 (a power of two) */
  readonly mask: number;
  readonly capacity: number;
  count: number;
}

export class KeyFilter {
  private readonly layers: Layer[] = [];
  private totalBits = 0;

  constructor(private readonly maxBits = MAX_FILTER_BITS) {
    this.grow();
  }

  /** Bits held, over all layers. */
  get bits(): number {
    return this.totalBits;
  }

  add(key: string): void {
    let top = this.layers[this.layers.length - 1]!;
    if (top.count >= top.capacity) top = this.grow() ?? top;
    const [h1, h2] = hashes(key);
    for (let p = 0; p < PROBES; p++) {
      const bit = (h1 + p * h2) & top.mask;
      top.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    top.count++;
  }

  /** False only when `key` was never added. */
  mayHave(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (const layer of this.layers) {
      let all = true;
      for (let p = 0; p < PROBES && all; p++) {
        const bit = (h1 + p * h2) & layer.mask;
        all = (layer.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }

  /** A new layer twice the last one's size, or undefined when the bit budget is spent. */
  private grow(): Layer | undefined {
    const capacity = FIRST_LAYER_KEYS << this.layers.length;
    let size = 32;
    while (size < capacity * BITS_PER_KEY) size *= 2;
    if (this.layers.length > 0 && this.totalBits + size > this.maxBits) return undefined;
    const layer = { bits: new Uint32Array(size / 32), mask: size - 1, capacity, count: 0 };
    this.layers.push(layer);
    this.totalBits += size;
    return layer;
  }
}

/** Two 32-bit FNV-1a hashes (different offset bases) for double hashing; h2 odd. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [a >>> 0, (b | 1) >>> 0];
}
