/**
 * The live node's pub/sub payloads: a batch of transactions on the tx topic and head
 * announcements on the heads topic (a vertex goes out on the vertex topic as its own
 * canonical bytes, with no wrapper).
 */
import { type BlockCid, decode, encode, expectBytes, expectCid, expectList, expectRecord, expectUint } from "../../core/codec.js";
import { SHA256_LENGTH } from "../../core/crypto.js";
import { MAX_TX_BYTES } from "../../core/tx.js";
import { MAX_HEADS, MAX_MESSAGE_BYTES, MAX_TX_BATCH } from "./wire-fields.js";

/** A batch of encoded transactions (each checked later by `decodeTx`). */
export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  return encode(txs, "tx batch");
}

export function decodeTxBatch(bytes: Uint8Array): Uint8Array[] {
  const what = "tx batch";
  const list = expectList(decode(bytes, { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 2, what }), "txs", what, MAX_TX_BATCH);
  return list.map((t, i) => expectBytes(t, `txs[${i}]`, what, undefined, MAX_TX_BYTES));
}

/** A head announcement: the newest vertices a node knows and the root of its finalized map. */
export interface Heads {
  readonly heads: readonly BlockCid[];
  /** Merkle root over the sender's finalized map (32 bytes) */
  readonly root: Uint8Array;
  /** number of finalized conflict sets behind `root` */
  readonly count: number;
  /**
   * The sender's announcement counter. Gossipsub without per-message signatures names a
   * message by the hash of its bytes and drops repeats, so an unchanged announcement
   * would otherwise never be heard again, e.g. by a peer that just restarted.
   */
  readonly seq: number;
}

export function encodeHeads(h: Heads): Uint8Array {
  return encode({ count: h.count, heads: h.heads, root: h.root, seq: h.seq }, "heads");
}

export function decodeHeads(bytes: Uint8Array): Heads {
  const what = "heads";
  const rec = expectRecord(decode(bytes, { maxBytes: 64 * 1024, maxDepth: 3, what }), ["count", "heads", "root", "seq"], what);
  return {
    count: expectUint(rec.count, "count", what),
    seq: expectUint(rec.seq, "seq", what),
    heads: expectList(rec.heads, "heads", what, MAX_HEADS).map((c, i) => expectCid(c, `heads[${i}]`, what)),
    root: expectBytes(rec.root, "root", what, SHA256_LENGTH),
  };
}
