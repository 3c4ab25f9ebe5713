/**
 * The node's in-memory view of the Merkle-DAG: every vertex it holds, and the newest
 * vertex of each author (the heads it announces and links its next vertex to). Storage
 * is the ledger's job; this is the index over it.
 */
import { toHex } from "../../core/bytes.js";
import type { BlockCid } from "../../core/codec.js";
import { MAX_PARENTS, type Vertex } from "../../core/vertex.js";

export interface Head {
  readonly cid: BlockCid;
  readonly height: number;
}

export class DagIndex {
  private readonly byCid = new Map<string, { vertex: Vertex; bytes: Uint8Array }>();
  /** newest vertex per author (hex public key) */
  private readonly latest = new Map<string, Head>();

  constructor(
    /** this node's public key, hex */
    private readonly self: string,
  ) {}

  add(v: Vertex, bytes: Uint8Array, cid: BlockCid): void {
    this.byCid.set(cid.toString(), { vertex: v, bytes });
    const author = toHex(v.author);
    const cur = this.latest.get(author);
    if (!cur || v.height > cur.height) this.latest.set(author, { cid, height: v.height });
  }

  has(cid: string): boolean {
    return this.byCid.has(cid);
  }

  bytes(cid: string): Uint8Array | undefined {
    return this.byCid.get(cid)?.bytes;
  }

  get size(): number {
    return this.byCid.size;
  }

  /** This node's newest vertex, if it has sealed one. */
  ownHead(): Head | undefined {
    return this.latest.get(this.self);
  }

  /** Conflict keys this node has already sealed into its own vertices. */
  sealedKeys(): Set<string> {
    const out = new Set<string>();
    for (const { vertex } of this.byCid.values()) if (toHex(vertex.author) === this.self) for (const [k] of vertex.decisions) out.add(k);
    return out;
  }

  /** Parents of the next own vertex: the previous own vertex, then other authors' newest (highest first). */
  parentsForNext(): Head[] {
    const out: Head[] = [];
    const own = this.ownHead();
    if (own) out.push(own);
    const others = [...this.latest].filter(([a]) => a !== this.self).sort((a, b) => b[1].height - a[1].height);
    for (const [, h] of others) {
      if (out.length >= MAX_PARENTS) break;
      out.push(h);
    }
    return out;
  }

  /** Up to `max` newest vertices over all authors, highest first. */
  heads(max: number): BlockCid[] {
    return [...this.latest.values()]
      .sort((a, b) => b.height - a.height)
      .slice(0, max)
      .map((h) => h.cid);
  }
}
