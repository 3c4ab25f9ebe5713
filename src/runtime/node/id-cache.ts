/**
 * A fast path from an 8-byte instance id on the wire to this node's instance number.
 *
 * Every query names each of its instances by id, and every node is asked by about K peers
 * per poll round, so the responder maps ids to instances K times per instance per round.
 * The exact index (`NodeState.byInstanceId`) needs a string key per lookup — allocated,
 * hashed, compared: the largest single cost of answering when profiled under
 * `driver: node` (docs/throughput.md). This cache keys on the id's first 30 bits, a small
 * integer V8 hashes without allocating; the caller confirms the whole id against the set
 * it names ({@link sameId}), so a collision (accidental, or crafted by a peer) costs a
 * lookup in the exact index, never a wrong answer. Entries of sets that left memory fail
 * that check the same way. Bounded: cleared when it reaches `capacity`.
 */
export class IdCache {
  private readonly map = new Map<number, number>();

  constructor(readonly capacity = 1 << 16) {}

  get size(): number {
    return this.map.size;
  }

  /** The instance number last stored for an id with the same first 30 bits, or -1. */
  get(bytes: Uint8Array, offset: number): number {
    return this.map.get(shortKey(bytes, offset)) ?? -1;
  }

  set(bytes: Uint8Array, offset: number, instance: number): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(shortKey(bytes, offset), instance);
  }
}

/** The first 30 bits of an id: a non-negative small integer. */
function shortKey(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24);
}

/** Whether the 8-byte id at `id[idOffset]` equals the 8 bytes at `bytes[offset]`. */
export function sameId(id: Uint8Array, bytes: Uint8Array, offset: number, idOffset = 0): boolean {
  for (let k = 0; k < 8; k++) if (id[idOffset + k] !== bytes[offset + k]) return false;
  return true;
}
