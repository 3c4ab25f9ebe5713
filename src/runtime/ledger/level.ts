/**
 * {@link Ledger} on LevelDB (classic-level), one database per node folder.
 *
 * Layout: one keyspace, a one-letter prefix per kind, keys UTF-8, values raw bytes.
 *
 * | key              | value                                  |
 * |------------------|----------------------------------------|
 * | `t/<tx CID>`     | the transaction's DAG-CBOR bytes       |
 * | `v/<vertex CID>` | the vertex's DAG-CBOR bytes            |
 * | `f/<conflict>`   | UTF-8 of the chosen transaction's CID  |
 * | `m/<name>`       | the named value's bytes                |
 * | `s/<set id>`     | the node's record of one conflict set  |
 *
 * A commit is one atomic `db.batch()`. Before it, the finalized keys it touches are read
 * to refuse a change of decision; commits run one at a time (a promise chain), so nothing
 * can slip between that check and the write.
 *
 * Durability: by default writes are not fsynced. LevelDB appends the batch to its
 * write-ahead log with write(2) before the batch resolves, so the data is in the kernel's
 * page cache and survives the process being killed (`kill -9`, a crash), which is the
 * contract of {@link Ledger.commit}; a power cut or kernel panic can lose the last writes.
 * Pass `{ sync: true }` to fsync every commit when that matters (much slower).
 */
import { ClassicLevel } from "classic-level";
import type { Ledger, LedgerBatch } from "../ports.js";
import { checkKey, firstConflict, firstRevertConflict, prepareBatch, type PreparedBatch } from "./batch.js";
import { LedgerClosedError, LedgerLockedError, LedgerOpenError } from "./errors.js";

/** Options of {@link LevelLedger}. */
export interface LevelLedgerOptions {
  /**
   * fsync each commit so that it survives a power cut, not only a process crash.
   * Default false (see the module comment).
   */
  readonly sync?: boolean;
}

type Db = ClassicLevel<string, Uint8Array>;
type Op = { type: "put"; key: string; value: Uint8Array } | { type: "del"; key: string };

const PREFIX = { tx: "t/", vertex: "v/", final: "f/", meta: "m/", set: "s/" } as const;
type Prefix = (typeof PREFIX)[keyof typeof PREFIX];

/** The first key after every key that starts with `prefix` (all prefixes end in "/"). */
function prefixEnd(prefix: Prefix): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** classic-level hands out Buffers, some of them views of a shared pool: give a plain copy. */
function plainCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function describeOpenFailure(error: unknown): { locked: boolean; detail: string } {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const locked = e?.code === "LEVEL_LOCKED" || e?.cause?.code === "LEVEL_LOCKED";
  const detail = String(e?.cause?.message ?? e?.message ?? error);
  return { locked, detail };
}

export class LevelLedger implements Ledger {
  private db: Db | undefined;
  private opening: Promise<void> | undefined;
  /** set while a close drains the commit chain; a reopen waits for it (the old handle holds the lock) */
  private closing: Promise<void> | undefined;
  /** tail of the commit chain; never rejects */
  private tail: Promise<void> = Promise.resolve();

  /**
   * @param folder the node's ledger folder; created (with its parents) on first open
   */
  constructor(
    readonly folder: string,
    private readonly options: LevelLedgerOptions = {},
  ) {}

  /**
   * Open (or create) the database. Throws {@link LedgerLockedError} when another process
   * (or another open ledger in this one) holds the folder, {@link LedgerOpenError} for
   * other failures. Opening an open ledger does nothing.
   */
  open(): Promise<void> {
    if (this.db) return Promise.resolve();
    this.opening ??= this.openDb().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** Wait for queued commits, then close. Later operations throw {@link LedgerClosedError}. */
  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    const db = this.db;
    if (!db) return this.closing;
    this.db = undefined;
    this.closing = this.tail.then(() => db.close()).finally(() => (this.closing = undefined));
    return this.closing;
  }

  commit(batch: LedgerBatch): Promise<void> {
    try {
      const db = this.requireOpen("commit");
      const prepared = prepareBatch(batch);
      const run = this.tail.then(() => this.write(db, prepared));
      this.tail = run.catch(() => undefined);
      return run;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  getTx(cid: string): Promise<Uint8Array | undefined> {
    return this.getBytes("getTx", PREFIX.tx, cid);
  }

  getVertex(cid: string): Promise<Uint8Array | undefined> {
    return this.getBytes("getVertex", PREFIX.vertex, cid);
  }

  async getFinal(conflictKey: string): Promise<string | undefined> {
    const bytes = await this.getBytes("getFinal", PREFIX.final, conflictKey);
    return bytes && utf8Decoder.decode(bytes);
  }

  getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.getBytes("getMeta", PREFIX.meta, name);
  }

  getSet(id: string): Promise<Uint8Array | undefined> {
    return this.getBytes("getSet", PREFIX.set, id);
  }

  txs(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]> {
    return this.iterate("iterate txs", PREFIX.tx, plainCopy);
  }

  vertices(): AsyncIterable<readonly [cid: string, bytes: Uint8Array]> {
    return this.iterate("iterate vertices", PREFIX.vertex, plainCopy);
  }

  finalized(): AsyncIterable<readonly [conflictKey: string, txCid: string]> {
    return this.iterate("iterate finalized", PREFIX.final, (bytes) => utf8Decoder.decode(bytes));
  }

  private async openDb(): Promise<void> {
    await this.closing?.catch(() => undefined);
    const db: Db = new ClassicLevel<string, Uint8Array>(this.folder, { keyEncoding: "utf8", valueEncoding: "view" });
    try {
      await db.open({ createIfMissing: true });
    } catch (error) {
      const { locked, detail } = describeOpenFailure(error);
      throw locked ? new LedgerLockedError(this.folder) : new LedgerOpenError(this.folder, detail);
    }
    this.db = db;
  }

  private requireOpen(operation: string): Db {
    if (!this.db) throw new LedgerClosedError(operation);
    return this.db;
  }

  private async write(db: Db, batch: PreparedBatch): Promise<void> {
    if (batch.finalized.length > 0) {
      const stored = await db.getMany(batch.finalized.map(([key]) => PREFIX.final + key));
      const conflict = firstConflict(
        batch,
        stored.map((bytes) => bytes && utf8Decoder.decode(bytes)),
      );
      if (conflict) throw conflict;
    }
    if (batch.reverted.length > 0) {
      const stored = await db.getMany(batch.reverted.map(([key]) => PREFIX.final + key));
      const conflict = firstRevertConflict(
        batch,
        stored.map((bytes) => bytes && utf8Decoder.decode(bytes)),
      );
      if (conflict) throw conflict;
    }
    const ops: Op[] = [];
    for (const [key, , to] of batch.reverted) ops.push({ type: "put", key: PREFIX.final + key, value: utf8Encoder.encode(to) });
    for (const [cid, value] of batch.txs) ops.push({ type: "put", key: PREFIX.tx + cid, value });
    for (const [cid, value] of batch.vertices) ops.push({ type: "put", key: PREFIX.vertex + cid, value });
    for (const [key, cid] of batch.finalized) ops.push({ type: "put", key: PREFIX.final + key, value: utf8Encoder.encode(cid) });
    for (const [id, value] of batch.sets) ops.push({ type: "put", key: PREFIX.set + id, value });
    for (const [name, value] of batch.meta) {
      ops.push(value === null ? { type: "del", key: PREFIX.meta + name } : { type: "put", key: PREFIX.meta + name, value });
    }
    if (ops.length > 0) await db.batch(ops, { sync: this.options.sync ?? false });
  }

  private async getBytes(operation: string, prefix: Prefix, key: string): Promise<Uint8Array | undefined> {
    const db = this.requireOpen(operation);
    checkKey("key", key);
    const bytes = await db.get(prefix + key);
    return bytes && plainCopy(bytes);
  }

  /** A LevelDB iterator reads a snapshot taken when it starts (at the first `next()`). */
  private async *iterate<Out>(operation: string, prefix: Prefix, decode: (bytes: Uint8Array) => Out): AsyncGenerator<readonly [string, Out]> {
    const db = this.requireOpen(operation);
    for await (const [key, bytes] of db.iterator({ gte: prefix, lt: prefixEnd(prefix) })) {
      yield [key.slice(prefix.length), decode(bytes)] as const;
    }
  }
}
