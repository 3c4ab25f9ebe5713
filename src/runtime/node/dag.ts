/**
 * The node's in-memory view of the Merkle-DAG: the newest vertex of each author (the
 * heads it announces and links its next vertex to), a bounded cache of recent vertex
 * bytes and a bounded set of CIDs known to be stored. Storage is the ledger's job: a
 * vertex that fell out of the caches is read from it (the engine asks the ledger when
 * {@link DagIndex.has} says no), so memory does not grow with the DAG.
 */
import { toHex } from "../../core/bytes.js";
import type { BlockCid } from "../../core/codec.js";
import { MAX_PARENTS, type Vertex } from "../../core/vertex.js";
import { Lru } from "./lru.js";

/** Sizes of the DAG's caches. */
export interface DagCacheSizes {
  /** vertex bytes kept in memory (default 1024: ~1 MiB at 1 KiB per vertex) */
  readonly vertices: number;
  /**
   * CIDs remembered as stored (default 4096, ~0.12 KiB each: 0.5 MiB full). What asks is
   * a gossiped vertex (a duplicate is dropped unread), its parents and the heads peers
   * announce: vertices seconds old. Beside the cached vertices this covers the last 4096
   * vertices stored (~200 s of a 4-node devnet sealing 5 a second each, 16 s of 50 nodes);
   * an older one costs one ledger read. (16 384 took 2 MiB and ~14 minutes to fill.)
   */
  readonly cids: number;
  /** authors whose newest vertex is tracked (default 4096; beyond it new authors are not heads) */
  readonly authors: number;
}

export const DEFAULT_DAG_CACHE: DagCacheSizes = { vertices: 1024, cids: 4096, authors: 4096 };

/**
 * Parents a node links its next vertex to: its own previous vertex and at most this many
 * minus one other authors' newest. The wire format allows {@link MAX_PARENTS} (64); linking
 * every author, as the node did until 2026-12-04, made a vertex O(N) CIDs that every other
 * node decodes: O(N²) CIDs per sealing round, the largest single cost of the 100-node
 * simulation (docs/node-simulator.md). Eight keeps a vertex small at any N while the DAG
 * stays connected: each author's own chain links all its vertices, the heads
 * announcements name every author's newest, and the other authors are linked in turn
 * (least recently linked first), so each author's new vertices are referenced within
 * about N / 7 seals of every node.
 */
export const LINKED_PARENTS = 8;

export interface Head {
  readonly cid: BlockCid;
  readonly height: number;
}

export class DagIndex {
  private readonly cache: Lru<string, Uint8Array>;
  private readonly known: Lru<string, true>;
  /** newest vertex per author (hex public key) */
  private readonly latest = new Map<string, Head>();
  /** per other author: the height of its vertex this node last linked to, and when (seal count) */
  private readonly linked = new Map<string, { height: number; at: number }>();
  private seals = 0;
  private stored = 0;

  constructor(
    /** this node's public key, hex */
    private readonly self: string,
    readonly sizes: DagCacheSizes = DEFAULT_DAG_CACHE,
  ) {
    this.cache = new Lru(sizes.vertices);
    this.known = new Lru(sizes.cids);
  }

  /** A vertex just stored (sealed or received): cached, and counted. */
  add(v: Vertex, bytes: Uint8Array, cid: BlockCid): void {
    this.cache.set(cid.toString(), bytes);
    this.note(v, cid);
  }

  /** A stored vertex seen at load: its head is tracked, its bytes stay in the ledger. */
  note(v: Vertex, cid: BlockCid): void {
    this.known.set(cid.toString(), true);
    this.stored++;
    const author = toHex(v.author);
    const cur = this.latest.get(author);
    if (cur === undefined && this.latest.size >= this.sizes.authors && author !== this.self) return;
    if (!cur || v.height > cur.height) this.latest.set(author, { cid, height: v.height });
  }

  /** Known to be stored (a cache answer: false means "ask the ledger"). */
  has(cid: string): boolean {
    return this.known.has(cid) || this.cache.has(cid);
  }

  /** Cached bytes, or undefined (then the ledger has them, if anyone does). */
  bytes(cid: string): Uint8Array | undefined {
    return this.cache.get(cid);
  }

  /** vertices stored (counted as they were added or loaded) */
  get size(): number {
    return this.stored;
  }

  /** Entries held in memory (cached bytes, known CIDs, heads), for the boundedness test. */
  retained(): { vertices: number; cids: number; authors: number } {
    return { vertices: this.cache.size, cids: this.known.size, authors: Math.max(this.latest.size, this.linked.size) };
  }

  /** This node's newest vertex, if it has sealed one. */
  ownHead(): Head | undefined {
    return this.latest.get(this.self);
  }

  /**
   * Parents of the next own vertex: the previous own vertex, then up to
   * {@link LINKED_PARENTS} − 1 other authors whose newest vertex this node has not linked
   * yet, the least recently linked first (ties: higher vertex first, then author). Each
   * call is taken to be a seal: the chosen authors count as linked now.
   */
  parentsForNext(): Head[] {
    const out: Head[] = [];
    const own = this.ownHead();
    if (own) out.push(own);
    const seal = ++this.seals;
    const fresh: [string, Head, number][] = [];
    for (const [author, h] of this.latest) {
      if (author === this.self) continue;
      const l = this.linked.get(author);
      if (l === undefined || h.height > l.height) fresh.push([author, h, l?.at ?? 0]);
    }
    fresh.sort((a, b) => a[2] - b[2] || b[1].height - a[1].height || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const room = Math.min(LINKED_PARENTS, MAX_PARENTS) - out.length;
    for (const [author, h] of fresh.slice(0, Math.max(0, room))) {
      out.push(h);
      this.linked.set(author, { height: h.height, at: seal });
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
