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

/**
 * A memo of decisions' lane expansions: `lanes(key, cid, expand)` returns what `expand()`
 * returns for that (conflict key, CID text), calling it at most once per pair it holds.
 * The expansion is a pure function of the pair, so a shared memo changes no root.
 */
export interface LaneMemo {
  lanes(conflictKey: string, cidText: string, expand: () => Uint8Array): Uint8Array;
}

/** 16-bit lanes of the set commitment (LtHash16: 1024 lanes, 2 KiB of state). */
const LANES = 1024;
const COMMITMENT = new Uint8Array([2]);

/**
 * The commitment over a node's finalized map that the live node announces (its
 * "ledger root"): an incremental, order-independent set hash, so the node need not hold
 * every decision in memory to keep it. It is LtHash16 (Bellare–Micciancio's additive
 * hash, lattice form as Lewi et al. deployed it at Facebook): each decision's Merkle
 * leaf ({@link merkleLeaf}) is expanded with SHAKE256 (FIPS 202's extendable-output
 * function, standing in for the BLAKE2xb of Lewi et al.) to 1024 16-bit lanes, added
 * lane-wise mod 2^16 into the state; the root is sha256(0x02 ‖ count ‖ state).
 *
 * Properties: adding the same decisions in any order gives the same root; equal roots
 * mean equal finalized maps except with negligible probability (finding two different
 * sets with one state is a short-vector problem in a 1024-dimensional lattice, ~200-bit
 * security per Lewi et al.); unlike a XOR of hashes it is not broken by Gaussian
 * elimination. A key is final once (the ledger refuses a second decision), so the state
 * is a set hash, never a multiset. It costs one SHA-256 and one 2 KiB SHAKE256 call per
 * decision (~25 µs here) and 2 KiB of memory in all. Until 2026-12-04 the expansion was
 * SHA-256 in counter mode, 64 calls per decision: ~130 µs of call overhead on this
 * machine, 5% of a 4-node devnet node's CPU in a profile under load (docs/throughput.md). It is rebuilt at start by streaming the ledger's finalized map (O(1)
 * memory), so it is always derived from what is durable.
 *
 * It is not the sorted Merkle tree of {@link FinalizedMap}: that one gives inclusion
 * proofs but needs every leaf in memory; nodes compare this root with each other.
 */
export class FinalizedCommitment {
  private readonly state = new Uint16Array(LANES);
  private count = 0;
  private cached: Uint8Array | null = null;

  constructor(
    private readonly hasher: Hasher,
    /** shared expansions (the node simulator's decode memo): the same lanes, computed once per run */
    private readonly memo?: LaneMemo,
  ) {}

  /** Add one decision (the caller guarantees each key is added once). */
  add(conflictKey: string, cid: BlockCid): void {
    this.fold(conflictKey, cid, 1);
    this.count++;
  }

  /** Take back a decision added before (a reverted decision, `available` mode): lane-wise subtraction. */
  remove(conflictKey: string, cid: BlockCid): void {
    this.fold(conflictKey, cid, -1);
    this.count--;
  }

  private fold(conflictKey: string, cid: BlockCid, sign: 1 | -1): void {
    const expand = (): Uint8Array => this.hasher.shake256(merkleLeaf(this.hasher, conflictKey, cid), LANES * 2);
    const h = this.memo === undefined ? expand() : this.memo.lanes(conflictKey, cid.toString(), expand);
    const state = this.state;
    for (let lane = 0; lane < LANES; lane++) state[lane] = (state[lane]! + sign * (h[2 * lane]! | (h[2 * lane + 1]! << 8))) & 0xffff;
    this.cached = null;
  }

  get size(): number {
    return this.count;
  }

  root(): Uint8Array {
    if (this.cached === null) {
      const n = new Uint8Array(8);
      new DataView(n.buffer).setBigUint64(0, BigInt(this.count), false);
      const lanes = new Uint8Array(LANES * 2); // little-endian, whatever the platform
      for (let i = 0; i < LANES; i++) {
        lanes[2 * i] = this.state[i]! & 0xff;
        lanes[2 * i + 1] = this.state[i]! >> 8;
      }
      this.cached = this.hasher.sha256(concatBytes(COMMITMENT, n, lanes));
    }
    return this.cached;
  }
}
