/**
 * {@link Ledger} in memory, for tests and simulation. Same contract as the LevelDB ledger
 * (the compliance suite runs against both): copies in and out, atomic batches, final is
 * final, iteration in UTF-8 byte order of the keys, errors when not open. Data survives
 * close() and open() of the same object, as a folder survives a restart; nothing survives
 * the process.
 */
import type { Ledger, LedgerBatch } from "../ports.js";
import { checkKey, firstConflict, firstRevertConflict, prepareBatch } from "./batch.js";
import { LedgerClosedError } from "./errors.js";

/**
 * Order of strings by code point, which is the byte order of their UTF-8 encodings (the
 * order LevelDB iterates in). Plain `<` compares UTF-16 code units and puts U+E000..U+FFFF
 * after the surrogate pairs that encode U+10000 and above.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return rankHigh(x) - rankHigh(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates (U+D800..U+DFFF) rank above U+E000..U+FFFF. */
function rankHigh(unit: number): number {
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

export interface MemoryLedgerOptions {
  /**
   * Keep the bytes a batch hands in, and hand the same arrays out, instead of copying both
   * ways. For the node simulator only, whose nodes never write to bytes they stored or
   * read: a hundred simulated nodes each held a private copy of every vertex, and copying
   * and collecting them was a third of a 500-set run's CPU (docs/node-simulator.md). A
   * simulation gives the same result either way (test/unit/runtime/simnet-shared-bytes.test.ts).
   */
  readonly shareBytes?: boolean;
}

export class MemoryLedger implements Ledger {
  private isOpen = false;
  private readonly shareBytes: boolean;
  private readonly txMap = new Map<string, Uint8Array>();
  private readonly vertexMap = new Map<string, Uint8Array>();
  private readonly finalMap = new Map<string, string>();
  private readonly metaMap = new Map<string, Uint8Array>();
  private readonly setMap = new Map<string, Uint8Array>();

  constructor(options: MemoryLedgerOptions = {}) {
    this.shareBytes = options.shareBytes ?? false;
  }

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  async commit(batch: LedgerBatch): Promise<void> {
    this.requireOpen("commit");
    const prepared = prepareBatch(batch, !this.shareBytes);
    const conflict = firstConflict(
      prepared,
      prepared.finalized.map(([key]) => this.finalMap.get(key)),
    );
    if (conflict) throw conflict;
    const revertConflict = firstRevertConflict(
      prepared,
      prepared.reverted.map(([key]) => this.finalMap.get(key)),
    );
    if (revertConflict) throw revertConflict;
    for (const [key, , to] of prepared.reverted) this.finalMap.set(key, to);
    for (const [cid, bytes] of prepared.txs) this.txMap.set(cid, bytes);
    for (const [cid, bytes] of prepared.vertices) this.vertexMap.set(cid, bytes);
    for (const [key, cid] of prepared.finalized) this.finalMap.set(key, cid);
    for (const [id, record] of prepared.sets) this.setMap.set(id, record);
    for (const [name, value] of prepared.meta) {
      if (value === null) this.metaMap.delete(name);
      else this.metaMap.set(name, value);
    }
  }

  async getTx(cid: string): Promise<Uint8Array | undefined> {
    return this.read("getTx", this.txMap, cid);
  }

  async getVertex(cid: string): Promise<Uint8Array | undefined> {
    return this.read("getVertex", this.vertexMap, cid);
  }

  async getFinal(conflictKey: string): Promise<string | undefined> {
    this.requireOpen("getFinal");
    checkKey("key", conflictKey);
    return this.finalMap.get(conflictKey);
  }

  async getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.read("getMeta", this.metaMap, name);
  }

  async getSet(id: string): Promise<Uint8Array | undefined> {
    return this.read("getSet", this.setMap, id);
  }

  txs(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]> {
    return this.iterate("iterate txs", this.txMap, (bytes) => this.out(bytes));
  }

  vertices(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]> {
    return this.iterate("iterate vertices", this.vertexMap, (bytes) => this.out(bytes));
  }

  finalized(): AsyncIterable<readonly [conflictKey: string, txCid: string]> {
    return this.iterate("iterate finalized", this.finalMap, (cid) => cid);
  }

  private requireOpen(operation: string): void {
    if (!this.isOpen) throw new LedgerClosedError(operation);
  }

  private read(operation: string, map: Map<string, Uint8Array>, key: string): Uint8Array | undefined {
    this.requireOpen(operation);
    checkKey("key", key);
    const bytes = map.get(key);
    return bytes && this.out(bytes);
  }

  private out(bytes: Uint8Array): Uint8Array {
    return this.shareBytes ? bytes : new Uint8Array(bytes);
  }

  /** A snapshot taken at the first `next()`, like a LevelDB iterator's. */
  private async *iterate<V, Out>(operation: string, map: Map<string, V>, copy: (v: V) => Out): AsyncGenerator<readonly [string, Out]> {
    this.requireOpen(operation);
    const entries = [...map].sort(([a], [b]) => compareCodePoints(a, b));
    for (const [key, value] of entries) yield [key, copy(value)] as const;
  }
}
