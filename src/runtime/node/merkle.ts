/**
 * A Merkle root over a node's finalized map (conflict key → transaction CID), so two nodes
 * can compare what they finalized with one 32-byte value (DESIGN.md §4).
 *
 * Leaves are sorted by conflict key: leaf = sha256(0x00 ‖ key ‖ 0x00 ‖ cid bytes), inner
 * node = sha256(0x01 ‖ left ‖ right), an odd node is promoted unchanged (RFC 6962's
 * domain separation of leaves and inner nodes, so a leaf can never pose as a subtree).
 * The empty map's root is sha256 of nothing.
 */
import { concatBytes, utf8 } from "../../core/bytes.js";
import type { Hasher } from "../../core/crypto.js";
import type { BlockCid } from "../../core/codec.js";

const LEAF = new Uint8Array([0]);
const INNER = new Uint8Array([1]);

export function merkleLeaf(hasher: Hasher, conflictKey: string, cid: BlockCid): Uint8Array {
  return hasher.sha256(concatBytes(LEAF, utf8(conflictKey), LEAF, cid.bytes));
}

/** Root over leaves already in key order. */
export function merkleRootOfLeaves(hasher: Hasher, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hasher.sha256(new Uint8Array(0));
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? hasher.sha256(concatBytes(INNER, level[i]!, level[i + 1]!)) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

/**
 * The finalized map with a cached root: leaves are hashed once when added, and the tree
 * is rebuilt only when the root is read after a change.
 */
export class FinalizedMap {
  private readonly leaves = new Map<string, Uint8Array>();
  private readonly cids = new Map<string, BlockCid>();
  private cachedRoot: Uint8Array | null = null;

  constructor(private readonly hasher: Hasher) {}

  /** Record a decision; returns false (and changes nothing) when the key is already final. */
  set(conflictKey: string, cid: BlockCid): boolean {
    if (this.cids.has(conflictKey)) return false;
    this.cids.set(conflictKey, cid);
    this.leaves.set(conflictKey, merkleLeaf(this.hasher, conflictKey, cid));
    this.cachedRoot = null;
    return true;
  }

  get(conflictKey: string): BlockCid | undefined {
    return this.cids.get(conflictKey);
  }

  get size(): number {
    return this.cids.size;
  }

  entries(): IterableIterator<[string, BlockCid]> {
    return this.cids.entries();
  }

  root(): Uint8Array {
    if (this.cachedRoot === null) {
      const keys = [...this.leaves.keys()].sort();
      this.cachedRoot = merkleRootOfLeaves(this.hasher, keys.map((k) => this.leaves.get(k)!));
    }
    return this.cachedRoot;
  }
}
