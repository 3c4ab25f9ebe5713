/**
 * The node's index from an 8-byte instance id (as queries carry it on the wire) to its
 * instance number: an open-addressing hash table over typed arrays.
 *
 * Every answer resolves each queried id here, and a node is asked by about K peers per
 * poll round, so this is the innermost lookup of the responder. It was a `Map` keyed by
 * the id as an 8-character string (a string built, hashed and compared per lookup) behind
 * a `Map` cache on the id's first 30 bits that then had to be confirmed against the set's
 * object: several dependent pointer reads per entry, which in a 100-node simulation (100
 * nodes' tables, none of them in cache when its node runs) cost about 1 µs per entry.
 * Here a lookup reads the two id words from the query, hashes them, and probes adjacent
 * slots of three typed arrays: usually one cache line. Hand-written because no library
 * offers an integer-keyed table over typed arrays for this key shape; the test checks it
 * against a `Map` model.
 *
 * Linear probing with backward-shift deletion (no tombstones), load ≤ 1/2, shrunk when a
 * quarter full or less (never below its initial size): memory follows the sets in memory,
 * not history. The ids are sha256 prefixes, but a peer can grind conflict keys whose ids
 * share low bits; the slot is therefore a hash of the id mixed with a per-node `salt`
 * (derived from the node's secret key: deterministic, not known to peers), so a crafted
 * cluster of ids in one node's table is not one in another's, and cannot be aimed.
 */

/** The initial (and smallest) number of slots: a power of two. */
const MIN_SLOTS = 1024;

/** Marks an empty slot in `values` (instance numbers are ≥ 0). */
const EMPTY = -1;

export class IdIndex {
  private lo: Uint32Array;
  private hi: Uint32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(private readonly salt: number) {
    this.lo = new Uint32Array(MIN_SLOTS);
    this.hi = new Uint32Array(MIN_SLOTS);
    this.values = new Int32Array(MIN_SLOTS).fill(EMPTY);
    this.mask = MIN_SLOTS - 1;
  }

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** Slots allocated (for the memory views). */
  get capacity(): number {
    return this.values.length;
  }

  /** The instance number of the id at `bytes[offset..offset+8)`, or -1. */
  get(bytes: Uint8Array, offset = 0): number {
    const lo = word(bytes, offset);
    const hi = word(bytes, offset + 4);
    const { values, mask } = this;
    for (let slot = this.home(lo, hi); ; slot = (slot + 1) & mask) {
      const v = values[slot]!;
      if (v === EMPTY) return -1;
      if (this.lo[slot] === lo && this.hi[slot] === hi) return v;
    }
  }

  /** Whether the id is held. */
  has(bytes: Uint8Array, offset = 0): boolean {
    return this.get(bytes, offset) !== -1;
  }

  /** Map the id at `bytes[offset..offset+8)` to `instance` (≥ 0), replacing any earlier mapping. */
  set(bytes: Uint8Array, offset: number, instance: number): void {
    if (!Number.isInteger(instance) || instance < 0 || instance > 0x7fffffff) throw new RangeError(`an instance number is a non-negative 31-bit integer, got ${instance}`);
    if ((this.count + 1) * 2 > this.values.length) this.resize(this.values.length * 2);
    this.put(word(bytes, offset), word(bytes, offset + 4), instance);
  }

  /** Remove the id; whether it was held. */
  delete(bytes: Uint8Array, offset = 0): boolean {
    const lo = word(bytes, offset);
    const hi = word(bytes, offset + 4);
    const { values, mask } = this;
    let slot = this.home(lo, hi);
    for (; ; slot = (slot + 1) & mask) {
      const v = values[slot]!;
      if (v === EMPTY) return false;
      if (this.lo[slot] === lo && this.hi[slot] === hi) break;
    }
    // Backward shift: move later members of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, their slot], so every run stays unbroken.
    let hole = slot;
    for (let j = (hole + 1) & mask; values[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(this.lo[j]!, this.hi[j]!);
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.lo[hole] = this.lo[j]!;
      this.hi[hole] = this.hi[j]!;
      values[hole] = values[j]!;
      hole = j;
    }
    values[hole] = EMPTY;
    this.count--;
    if (this.values.length > MIN_SLOTS && this.count * 4 <= this.values.length) this.resize(this.values.length / 2);
    return true;
  }

  private put(lo: number, hi: number, instance: number): void {
    const { values, mask } = this;
    for (let slot = this.home(lo, hi); ; slot = (slot + 1) & mask) {
      const v = values[slot]!;
      if (v === EMPTY) {
        this.lo[slot] = lo;
        this.hi[slot] = hi;
        values[slot] = instance;
        this.count++;
        return;
      }
      if (this.lo[slot] === lo && this.hi[slot] === hi) {
        values[slot] = instance;
        return;
      }
    }
  }

  private resize(slots: number): void {
    const { lo, hi, values } = this;
    this.lo = new Uint32Array(slots);
    this.hi = new Uint32Array(slots);
    this.values = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
    this.count = 0;
    for (let s = 0; s < values.length; s++) if (values[s] !== EMPTY) this.put(lo[s]!, hi[s]!, values[s]!);
  }

  /** The id's home slot: both words mixed with the salt (murmur3's finaliser constants). */
  private home(lo: number, hi: number): number {
    let h = Math.imul(lo ^ this.salt, 0xcc9e2d51) ^ Math.imul(hi + this.salt, 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h & this.mask;
  }
}

/** The little-endian 32-bit word at `b[o..o+4)`. */
function word(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** A node's salt for its {@link IdIndex}: four bytes of a hash of its secret key. */
export function idIndexSalt(digest: Uint8Array): number {
  return word(digest, 0) | 0;
}
