/**
 * The wire's 8-byte ids: of a conflict set (its instance id) and of a candidate transaction
 * (its candidate id), and the allocation-free ways the poll's hot paths compare and key them.
 *
 * An instance id is sha-256 of the conflict key, truncated; a candidate id is the first
 * 8 digest bytes of the transaction's CID. 8 bytes keep a poll of 2000 instances at 16 KB;
 * an accidental collision needs ~2^32 transactions in one node's table, and a collision
 * only makes a vote count for nothing, since the asker maps ids back through its own table
 * of CIDs it verified.
 */
import type { BlockCid } from "../../core/codec.js";
import type { Hasher } from "../../core/crypto.js";
import { utf8 } from "../../core/bytes.js";

/** Bytes of an instance id and a candidate id. */
export const ID_BYTES = 8;

/** The 8-byte id of a conflict set: sha-256(conflict key), truncated. */
export function instanceId(hasher: Hasher, conflictKey: string): Uint8Array {
  return hasher.sha256(utf8(conflictKey)).subarray(0, ID_BYTES);
}

/** The 8-byte id of a candidate transaction: the first bytes of its CID digest. */
export function candidateId(cid: BlockCid): Uint8Array {
  return cid.multihash.digest.subarray(0, ID_BYTES);
}

/** Write a candidate's 8-byte id ({@link candidateId}) at `offset` of `out`, without allocating. */
export function writeCandidateId(cid: BlockCid, out: Uint8Array, offset: number): void {
  const d = cid.multihash.digest;
  for (let k = 0; k < ID_BYTES; k++) out[offset + k] = d[k]!;
}

/** Whether the 8-byte id at `id[idOffset]` equals the 8 bytes at `bytes[offset]`. */
export function sameId(id: Uint8Array, bytes: Uint8Array, offset: number, idOffset = 0): boolean {
  for (let k = 0; k < ID_BYTES; k++) if (id[idOffset + k] !== bytes[offset + k]) return false;
  return true;
}

/** An 8-byte id as a map key. */
export function idKey(bytes: Uint8Array, offset = 0): string {
  // One call, no intermediate strings: this runs per instance per answer (the poll's hot path).
  const o = offset;
  return String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!, bytes[o + 4]!, bytes[o + 5]!, bytes[o + 6]!, bytes[o + 7]!);
}

/** True when the 8-byte id at `bytes[offset..offset+8)` is all zero ("no preference" in an answer). */
export function isZeroIdAt(bytes: Uint8Array, offset: number): boolean {
  for (let k = 0; k < ID_BYTES; k++) if (bytes[offset + k] !== 0) return false;
  return true;
}

/** True for the all-zero id ("no preference" in an answer). */
export function isZeroId(id: Uint8Array): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) return false;
  return true;
}
