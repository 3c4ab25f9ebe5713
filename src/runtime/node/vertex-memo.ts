/**
 * A memo of decoded vertices, by CID, that several node cores may share.
 *
 * Every node decodes and checks every vertex it receives; in the node simulator a
 * hundred cores receive the same bytes, and decoding them (CBOR, CIDs, the canonical
 * checks and the signature over the re-encoded body) was the largest single cost of a
 * 100-node run: N² decodes of N authors' decisions (docs/node-simulator.md). Decoding is
 * a pure function of the bytes (the signature scheme is fixed for a run), and the key is
 * the CID each receiving node computes itself from the bytes it received, so a node
 * cannot be handed another vertex's result: one shared memo gives every core exactly
 * what its own decode would, once per vertex instead of once per vertex and node.
 *
 * Only successful decodes are kept (a refused vertex is decoded again, and refused again,
 * by each node that receives it: rare, and its error text stays the node's own). The live
 * node has no memo (it is alone in its process); the simulator gives one to each run.
 */
import { decodeVertex, type Vertex } from "../../core/vertex.js";
import type { SignatureScheme } from "../../core/crypto.js";
import { Lru } from "./lru.js";

export class VertexMemo {
  private readonly decoded: Lru<string, Vertex>;
  /** decodes done, and decodes spared (what the memo did; its tests read them) */
  readonly stats = { decoded: 0, reused: 0 };

  constructor(capacity = 8192) {
    this.decoded = new Lru(capacity);
  }

  /** The vertex of `bytes`, whose CID (as computed from these bytes by the caller) is `cid`; throws as {@link decodeVertex}. */
  decode(cid: string, bytes: Uint8Array, signatures: SignatureScheme): Vertex {
    const hit = this.decoded.get(cid);
    if (hit !== undefined) {
      this.stats.reused++;
      return hit;
    }
    const v = decodeVertex(bytes, signatures);
    this.stats.decoded++;
    this.decoded.set(cid, v);
    return v;
  }
}
