/**
 * What every `Ledger` implementation does to a batch before writing it, shared so
 * that the in-memory and the LevelDB ledgers agree on the edge cases: keys are checked,
 * bytes are copied at once (the caller may reuse its arrays while the write is queued),
 * and a batch that finalizes one conflict key twice must name the same CID both times.
 */
import { LedgerConflictError, type LedgerBatch } from "../ports.js";
import { LedgerKeyError } from "./errors.js";

/** A validated, privately owned copy of a {@link LedgerBatch}. */
export interface PreparedBatch {
  readonly txs: readonly (readonly [cid: string, bytes: Uint8Array])[];
  readonly vertices: readonly (readonly [cid: string, bytes: Uint8Array])[];
  /** one entry per conflict key, in first-mention order */
  readonly finalized: readonly (readonly [conflictKey: string, txCid: string])[];
  /** one entry per conflict key, none of them in `finalized` */
  readonly reverted: readonly (readonly [conflictKey: string, from: string, to: string])[];
  /** in batch order: a later entry for the same name wins */
  readonly meta: readonly (readonly [name: string, value: Uint8Array | null])[];
  /** in batch order: a later entry for the same id wins */
  readonly sets: readonly (readonly [id: string, record: Uint8Array])[];
}

// With the `u` flag a surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws {@link LedgerKeyError} unless `key` is a string that encodes to UTF-8 losslessly. */
export function checkKey(what: string, key: string): void {
  if (typeof key !== "string") throw new TypeError(`${what} must be a string, got ${typeof key}`);
  if (LONE_SURROGATE.test(key)) throw new LedgerKeyError(what, key);
}

function copyBytes(what: string, key: string, bytes: Uint8Array, copy: boolean): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} ${JSON.stringify(key)}: value must be a Uint8Array`);
  return copy ? new Uint8Array(bytes) : bytes;
}

function copyEntries(what: string, entries: LedgerBatch["txs"], copy: boolean): [string, Uint8Array][] {
  return (entries ?? []).map(([key, bytes]) => {
    checkKey(what, key);
    return [key, copyBytes(what, key, bytes, copy)];
  });
}

/**
 * Validate and copy a batch. Throws {@link LedgerKeyError} or TypeError for malformed
 * input and {@link LedgerConflictError} when the batch itself names two different CIDs for
 * one conflict key (the first one counts as existing). `copy: false` keeps the caller's
 * arrays (the simulator's shared-bytes mode: memory.ts `shareBytes`).
 */
export function prepareBatch(batch: LedgerBatch, copy = true): PreparedBatch {
  const finals = new Map<string, string>();
  for (const [key, cid] of batch.finalized ?? []) {
    checkKey("conflict key", key);
    checkKey("finalized tx CID", cid);
    const earlier = finals.get(key);
    if (earlier === undefined) finals.set(key, cid);
    else if (earlier !== cid) throw new LedgerConflictError(key, earlier, cid);
  }
  const reverted = new Map<string, readonly [string, string, string]>();
  for (const entry of batch.reverted ?? []) {
    const [key, from, to] = entry;
    checkKey("conflict key", key);
    checkKey("reverted-from CID", from);
    checkKey("reverted-to CID", to);
    if (finals.has(key) || reverted.has(key)) throw new LedgerConflictError(key, finals.get(key) ?? reverted.get(key)![2], to);
    reverted.set(key, [key, from, to]);
  }
  return {
    reverted: [...reverted.values()],
    txs: copyEntries("tx CID", batch.txs, copy),
    vertices: copyEntries("vertex CID", batch.vertices, copy),
    sets: copyEntries("set id", batch.sets, copy),
    finalized: [...finals],
    meta: (batch.meta ?? []).map(([name, value]) => {
      checkKey("meta name", name);
      return [name, value === null ? null : copyBytes("meta", name, value, copy)];
    }),
  };
}

/**
 * The first finalized entry of `batch` that contradicts a stored decision, as the error
 * to reject the batch with; `stored[i]` is the stored CID of `batch.finalized[i]`'s key.
 */
export function firstConflict(batch: PreparedBatch, stored: readonly (string | undefined)[]): LedgerConflictError | undefined {
  for (let i = 0; i < batch.finalized.length; i++) {
    const [key, cid] = batch.finalized[i]!;
    const existing = stored[i];
    if (existing !== undefined && existing !== cid) return new LedgerConflictError(key, existing, cid);
  }
  return undefined;
}

/**
 * The first reverted entry of `batch` whose key does not hold its `from` decision, as the
 * error to reject the batch with; `stored[i]` is the stored CID of `batch.reverted[i]`'s key.
 */
export function firstRevertConflict(batch: PreparedBatch, stored: readonly (string | undefined)[]): LedgerConflictError | undefined {
  for (let i = 0; i < batch.reverted.length; i++) {
    const [key, from, to] = batch.reverted[i]!;
    if (stored[i] !== from) return new LedgerConflictError(key, stored[i] ?? "nothing", to);
  }
  return undefined;
}
