/**
 * A memo of decoded gossip that several node cores may share: vertices by CID; the CIDs,
 * heads announcements, transaction batches and transactions of byte arrays the simulated
 * network hands every receiver; and each decision's expansion into the finalized
 * commitment (merkle.ts).
 *
 * Every node decodes and checks every vertex and heads announcement it receives; in the
 * node simulator a hundred cores receive the same bytes, and decoding them (CBOR, CIDs,
 * the canonical checks, the signature over the re-encoded body, each CID's text form) was
 * the largest single cost of a 100-node run: N² decodes of N authors' messages
 * (docs/node-simulator.md). Decoding is a pure function of the bytes (the signature scheme
 * is fixed for a run), so one shared memo gives every core exactly what its own decode
 * would, once per message instead of once per message and node:
 * - vertices are keyed by the CID each receiving node computed itself from the bytes it
 *   received, so a node cannot be handed another vertex's result;
 * - a block's CID, a heads announcement, a transaction batch (its members are then shared
 *   arrays too) and a transaction are keyed by the byte array itself (a `WeakMap` on its
 *   identity): the simulator hands all receivers the sender's array and never writes to
 *   it (memory.ts `shareBytes`), so the same array is the same bytes. A copy misses the
 *   memo and is decoded as a live node would. Gossiped transactions were ~5% of a
 *   100-node run's CPU: each node hashed, formatted, decoded and verified every one;
 * - a decision's 2 KiB commitment lanes (SHAKE256 of its Merkle leaf, ~2.5% of that run)
 *   are keyed by its conflict key and CID text, which the leaf is a hash of.
 *
 * Only successful decodes are kept (a refused message is decoded again, and refused again,
 * by each node that receives it: rare, and its error text stays the node's own). The live
 * node has no memo (it is alone in its process); the simulator gives one to each run.
 */
import { type BlockCid, cidOf } from "../../core/codec.js";
import type { Hasher, SignatureScheme } from "../../core/crypto.js";
import { decodeTx, type Tx } from "../../core/tx.js";
import { decodeVertex, type Vertex } from "../../core/vertex.js";
import { Lru } from "./lru.js";
import type { LaneMemo } from "./merkle.js";
import { DIGEST_BYTES } from "./table.js";
import { decodeHeads, decodeTxBatch, ID_BYTES, instanceId } from "./wire.js";

/** A block's CID and its text form (the key of every index and of the ledger). */
export interface NamedCid {
  readonly cid: BlockCid;
  readonly text: string;
}

/** A vertex's decisions as flat columns ({@link DecodeMemo.decisionKeys}). */
export interface DecisionKeys {
  /** per decision the instance id of its set, 8 bytes each */
  readonly ids: Uint8Array;
  /** per decision its transaction's CID digest, 32 bytes each (undefined: one is not 32 bytes) */
  readonly digests?: Uint8Array;
}

/** A heads announcement as intake uses it: the heads' CIDs as text. */
export interface HeadsText {
  readonly heads: readonly string[];
}

export class DecodeMemo implements LaneMemo {
  private readonly vertices: Lru<string, Vertex>;
  private readonly cids = new WeakMap<Uint8Array, NamedCid>();
  private readonly headsOf = new WeakMap<Uint8Array, HeadsText>();
  private readonly decisionKeysOf = new WeakMap<Vertex, DecisionKeys>();
  private readonly batches = new WeakMap<Uint8Array, readonly Uint8Array[]>();
  private readonly txs = new WeakMap<Uint8Array, Tx>();
  private readonly laneCache: Lru<string, Uint8Array>;
  private readonly instanceIds: Lru<string, Uint8Array>;
  /** decodes done, and decodes spared (what the memo did; its tests read them) */
  readonly stats = {
    decoded: 0,
    reused: 0,
    headsDecoded: 0,
    headsReused: 0,
    cidsHashed: 0,
    cidsReused: 0,
    batchesDecoded: 0,
    batchesReused: 0,
    txsDecoded: 0,
    txsReused: 0,
    lanesExpanded: 0,
    lanesReused: 0,
    idsHashed: 0,
    idsReused: 0,
  };

  constructor(capacity = 8192) {
    this.vertices = new Lru(capacity);
    // 2 KiB each: 8 MiB at most; decisions reach every node within seconds of each other.
    this.laneCache = new Lru(4096);
    // 8 bytes each (plus the key): every core hashes every set's key when it first holds the set.
    this.instanceIds = new Lru(65_536);
  }

  /**
   * A conflict key's 8-byte instance id (wire.ts `instanceId`), hashed once for every core:
   * a hundred cores each hashing every set's key (UTF-8 encoding and SHA-256, each a fresh
   * buffer outside V8's heap) was ~2.9% of a 100-node, 1,000-set run's CPU
   * (docs/node-simulator.md, eleventh session). Shared: never write to it.
   */
  instanceId(conflictKey: string, hasher: Hasher): Uint8Array {
    return this.remembered(this.instanceIds, conflictKey, () => instanceId(hasher, conflictKey), "idsReused", "idsHashed");
  }

  /** The vertex of `bytes`, whose CID (as computed from these bytes by the caller) is `cid`; throws as {@link decodeVertex}. */
  vertex(cid: string, bytes: Uint8Array, signatures: SignatureScheme): Vertex {
    return this.remembered(this.vertices, cid, () => decodeVertex(bytes, signatures), "reused", "decoded");
  }

  /** The CID of `bytes` (as {@link cidOf}) and its text. */
  cid(bytes: Uint8Array, hasher: Hasher): NamedCid {
    return this.remembered(this.cids, bytes, () => namedCid(bytes, hasher), "cidsReused", "cidsHashed");
  }

  /**
   * A vertex's decisions as flat columns, computed once per vertex for every core: each
   * decision's set as its 8-byte instance id (wire.ts `instanceId`) and its transaction's
   * 32-byte CID digest, end to end. Vertex intake reads them in order (resync.ts): a
   * hundred cores taking in every vertex read two contiguous arrays instead of each
   * decision's tuple, CID and multihash objects (three dependent reads per decision).
   * `digests` is undefined when a digest is not 32 bytes (intake then reads the CIDs).
   */
  decisionKeys(v: Vertex, hasher: Hasher): DecisionKeys {
    let keys = this.decisionKeysOf.get(v);
    if (keys === undefined) {
      const n = v.decisions.length;
      const ids = new Uint8Array(n * ID_BYTES);
      let digests: Uint8Array | undefined = new Uint8Array(n * DIGEST_BYTES);
      for (let j = 0; j < n; j++) {
        const [conflictKey, cid] = v.decisions[j]!;
        ids.set(this.instanceId(conflictKey, hasher), j * ID_BYTES);
        const digest = cid.multihash.digest;
        if (digest.length !== DIGEST_BYTES) digests = undefined;
        else digests?.set(digest, j * DIGEST_BYTES);
      }
      keys = digests === undefined ? { ids } : { ids, digests };
      this.decisionKeysOf.set(v, keys);
    }
    return keys;
  }

  /** The transactions of a gossiped batch (shared arrays: never write to them); throws as {@link decodeTxBatch}. */
  txBatch(bytes: Uint8Array): readonly Uint8Array[] {
    return this.remembered(this.batches, bytes, () => decodeTxBatch(bytes), "batchesReused", "batchesDecoded");
  }

  /** The transaction of `bytes`, its signature checked; throws as {@link decodeTx}. */
  tx(bytes: Uint8Array, signatures: SignatureScheme): Tx {
    return this.remembered(this.txs, bytes, () => decodeTx(bytes, signatures), "txsReused", "txsDecoded");
  }

  /** A decision's commitment lanes (merkle.ts), `expand()`ed once per (conflict key, CID). */
  lanes(conflictKey: string, cidText: string, expand: () => Uint8Array): Uint8Array {
    return this.remembered(this.laneCache, `${cidText} ${conflictKey}`, expand, "lanesReused", "lanesExpanded");
  }

  /** The heads announcement of `bytes`; throws as {@link decodeHeads}. */
  heads(bytes: Uint8Array): HeadsText {
    return this.remembered(this.headsOf, bytes, () => headsText(bytes), "headsReused", "headsDecoded");
  }

  /** `store`'s value for `key`, or `make()`'s, kept (a throw keeps nothing); counted in `stats`. */
  private remembered<K, V>(store: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V, hit: keyof DecodeMemo["stats"], miss: keyof DecodeMemo["stats"]): V {
    const known = store.get(key);
    if (known !== undefined) {
      this.stats[hit]++;
      return known;
    }
    const value = make();
    this.stats[miss]++;
    store.set(key, value);
    return value;
  }
}

/** A heads announcement's heads as CID text (what a node without a memo computes). */
export function headsText(bytes: Uint8Array): HeadsText {
  return { heads: decodeHeads(bytes).heads.map((c) => c.toString()) };
}

/** The CID of `bytes` and its text (what a node without a memo computes). */
export function namedCid(bytes: Uint8Array, hasher: Hasher): NamedCid {
  const cid = cidOf(bytes, hasher);
  return { cid, text: cid.toString() };
}
