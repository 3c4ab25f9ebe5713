/**
 * The live node's wire messages (DAG-CBOR, strict decoders; every field checked before use).
 *
 * Pub/sub payloads: a batch of transactions on the tx topic, one vertex on the vertex
 * topic (its own canonical bytes), head announcements on the heads topic. Request/response:
 * batched protocol queries and fetches of transactions and vertices.
 *
 * Polls are batched: one query names up to {@link MAX_QUERY_INSTANCES} instances by their
 * 8-byte instance id (sha-256 of the conflict key, truncated) and the answer carries, per
 * instance, the responder's preference as an 8-byte candidate id (the first 8 digest bytes
 * of the transaction's CID) and its epoch, signed once for the batch. 8 bytes keep a poll of
 * 2000 instances at 16 KB; an accidental collision needs ~2^32 transactions in one node's
 * table, and a collision only makes a vote count for nothing, since the asker maps ids back
 * through its own table of CIDs it verified. Exchange protocols (T-MESH's partial swap)
 * also send their state vectors, in the sender's candidate order, with that order.
 * Preference protocols poll through standing batches instead (wire-poll.ts), whose full
 * answers are this module's answers over a batch's instances.
 */
import { type BlockCid, decode, encode, expectBytes, expectCid, expectList, expectRecord, expectString, expectUint } from "../../core/codec.js";
import { PUBLIC_KEY_LENGTH, SHA256_LENGTH, SIGNATURE_LENGTH, type Hasher, type KeyPair, type SignatureScheme } from "../../core/crypto.js";
import { DecodeError } from "../../core/errors.js";
import { MAX_TX_BYTES } from "../../core/tx.js";
import { MAX_VERTEX_BYTES } from "../../core/vertex.js";
import { equalBytes, utf8 } from "../../core/bytes.js";
// wire-poll.ts builds on this module's answers; the request decoder dispatches to it (a
// cycle of function bindings only, resolved before any call).
import { type PollRequest, pollRequestFrom } from "./wire-poll.js";

/** Bytes of an instance id and a candidate id. */
export const ID_BYTES = 8;
/** Instances one query may name. */
export const MAX_QUERY_INSTANCES = 4096;
/** Candidates per instance a query may list (exchange protocols). */
export const MAX_WIRE_CANDIDATES = 16;
/** Transactions in one gossip batch. */
export const MAX_TX_BATCH = 512;
/** Largest message of any kind. */
export const MAX_MESSAGE_BYTES = 4 << 20;
/** Blocks one fetch may ask for. */
export const MAX_FETCH = 1024;
/** Heads one announcement may carry. */
export const MAX_HEADS = 64;
/** Domain tag of signed answer batches (v2: the fixed layout of {@link answerSigningBytes}). */
export const ANSWER_DOMAIN = "entropic/answers/v2";

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

// ---------------------------------------------------------------------------------------
// Pub/sub

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

// ---------------------------------------------------------------------------------------
// Requests

export interface QueryRequest {
  readonly kind: "query";
  /** n instance ids, 8 bytes each, laid end to end */
  readonly instances: Uint8Array;
  /** exchange protocols: per instance, the sender's candidate ids (k × 8 bytes) in its order */
  readonly candidates?: readonly Uint8Array[];
  /** exchange protocols: n state vectors of `width` float64 each, in the sender's candidate order */
  readonly vectors?: Float64Array;
}

export interface FetchRequest {
  readonly kind: "fetch";
  readonly txs: readonly BlockCid[];
  readonly vertices: readonly BlockCid[];
  /** instance ids (8 bytes each) whose every known candidate the asker wants */
  readonly sets: Uint8Array;
}

/** Standing polls (wire-poll.ts) are requests too. */
export type Request = QueryRequest | FetchRequest | PollRequest;

export interface AnswerResponse {
  readonly kind: "answer";
  /** the responder's Ed25519 public key */
  readonly signer: Uint8Array;
  /** per instance: the responder's epoch for it (uint32 LE, 4 bytes each) */
  readonly epochs: Uint8Array;
  /** preference protocols: per instance the preferred candidate id (8 bytes; all zero = none) */
  readonly preferences?: Uint8Array;
  /** exchange protocols: per instance a vector in the ASKER's candidate order, */
  readonly vectors?: Float64Array;
  /** exchange protocols: per instance 1 when the responder skipped it (unknown candidates) */
  readonly skipped?: Uint8Array;
  /**
   * per instance 1 when the candidate the answer names is locked: the responder decided
   * it, or its protocol declared it final (it will not move again). Only locked answers
   * count toward the `safe` mode's quorum (quorum.ts). Absent: none locked.
   */
  readonly locked?: Uint8Array;
  /** signature over `answerSigningBytes(query instances, this)` */
  readonly signature: Uint8Array;
}

export interface BlocksResponse {
  readonly kind: "blocks";
  readonly txs: readonly Uint8Array[];
  readonly vertices: readonly Uint8Array[];
}

export interface ErrorResponse {
  readonly kind: "error";
  readonly message: string;
}

export type Response = AnswerResponse | BlocksResponse | ErrorResponse;

function f64Bytes(v: Float64Array): Uint8Array {
  // Float64Array is little-endian on every platform Node supports (x64, arm64).
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function bytesF64(b: Uint8Array, field: string, what: string): Float64Array {
  if (b.length % 8 !== 0) throw new DecodeError("invalid", what, `${field} must be a whole number of float64 words`);
  const copy = new Uint8Array(b); // aligned copy
  return new Float64Array(copy.buffer, 0, copy.length / 8);
}

function checkIds(b: Uint8Array, field: string, what: string, max: number): number {
  if (b.length % ID_BYTES !== 0) throw new DecodeError("invalid", what, `${field} must be a whole number of ${ID_BYTES}-byte ids`);
  const n = b.length / ID_BYTES;
  if (n > max) throw new DecodeError("invalid", what, `${field} names ${n} ids, more than ${max}`);
  return n;
}

export function encodeRequest(r: QueryRequest | FetchRequest): Uint8Array {
  if (r.kind === "query") {
    const body: Record<string, unknown> = { i: r.instances, t: "query" };
    if (r.candidates !== undefined) body.c = r.candidates;
    if (r.vectors !== undefined) body.v = f64Bytes(r.vectors);
    return encode(body, "query");
  }
  return encode({ s: r.sets, t: "fetch", txs: r.txs, vertices: r.vertices }, "fetch");
}

/** Decode a request from a peer; throws {@link DecodeError}. */
export function decodeRequest(bytes: Uint8Array): Request {
  const what = "request";
  // Never hashed or stored, and answers are signed over a re-encoding: no canonical check
  // (codec.ts). Byte strings are views into the request (the transport's own copy, never
  // written): a registered batch's ids keep it alive while the batch stands.
  const value = decode(bytes, { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 4, what, canonical: false, views: true });
  const kind = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>).t : undefined;
  if (kind === "query") {
    const rec = value as Record<string, unknown>;
    const keys = ["i", "t", ...("c" in rec ? ["c"] : []), ...("v" in rec ? ["v"] : [])];
    expectRecord(rec, keys, what);
    const instances = expectBytes(rec.i, "i", what);
    const n = checkIds(instances, "i", what, MAX_QUERY_INSTANCES);
    const out: { kind: "query"; instances: Uint8Array; candidates?: Uint8Array[]; vectors?: Float64Array } = { kind: "query", instances };
    if ("c" in rec) {
      const c = expectList(rec.c, "c", what, MAX_QUERY_INSTANCES).map((x, i) => {
        const b = expectBytes(x, `c[${i}]`, what);
        checkIds(b, `c[${i}]`, what, MAX_WIRE_CANDIDATES);
        return b;
      });
      if (c.length !== n) throw new DecodeError("invalid", what, "c must list candidates for every instance");
      out.candidates = c;
    }
    if ("v" in rec) {
      const v = bytesF64(expectBytes(rec.v, "v", what), "v", what);
      if (n > 0 && v.length % n !== 0) throw new DecodeError("invalid", what, "v must hold the same number of words per instance");
      out.vectors = v;
    }
    return out;
  }
  if (kind === "poll") return pollRequestFrom(value as Record<string, unknown>, what);
  if (kind === "fetch") {
    const rec = expectRecord(value, ["s", "t", "txs", "vertices"], what);
    const sets = expectBytes(rec.s, "s", what);
    checkIds(sets, "s", what, MAX_FETCH);
    return {
      kind: "fetch",
      sets,
      txs: expectList(rec.txs, "txs", what, MAX_FETCH).map((c, i) => expectCid(c, `txs[${i}]`, what)),
      vertices: expectList(rec.vertices, "vertices", what, MAX_FETCH).map((c, i) => expectCid(c, `vertices[${i}]`, what)),
    };
  }
  throw new DecodeError("invalid", what, 't must be "query", "poll" or "fetch"');
}

// ---------------------------------------------------------------------------------------
// Responses

const ANSWER_DOMAIN_BYTES = utf8(`${ANSWER_DOMAIN}\0`);

/** Where {@link signingView} writes: reused, since every signed answer needs its bytes only while it is hashed. */
let scratch = new Uint8Array(16 * 1024);

/**
 * The bytes an answer's signature covers: the answer bound to the instances it answers.
 *
 * The domain tag, then the fields in a fixed order (epochs, instances, signer, preferences,
 * vectors, skipped, locked), each as a presence byte and, when present, its length (u32,
 * little-endian) and its bytes. That is as unambiguous as the DAG-CBOR map it replaces and
 * about ten times cheaper: every full answer is signed once and verified once, and
 * encoding the map was 4.5% of a 100-node simulation's CPU (docs/node-simulator.md).
 */
export function answerSigningBytes(instances: Uint8Array, a: Omit<AnswerResponse, "kind" | "signature">): Uint8Array {
  return signingView(instances, a).slice();
}

/**
 * {@link answerSigningBytes} written into a buffer shared by every call: valid until the
 * next call, for a caller that hashes it at once (sign, verify). A fresh array per answer
 * was most of this function's cost (allocating its backing store).
 */
function signingView(instances: Uint8Array, a: Omit<AnswerResponse, "kind" | "signature">): Uint8Array {
  const fields = [a.epochs, instances, a.signer, a.preferences, a.vectors === undefined ? undefined : f64Bytes(a.vectors), a.skipped, a.locked];
  let size = ANSWER_DOMAIN_BYTES.length;
  for (const f of fields) size += f === undefined ? 1 : 5 + f.length;
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  const out = scratch;
  out.set(ANSWER_DOMAIN_BYTES);
  let at = ANSWER_DOMAIN_BYTES.length;
  for (const f of fields) {
    if (f === undefined) {
      out[at++] = 0;
      continue;
    }
    out[at] = 1;
    out[at + 1] = f.length & 0xff;
    out[at + 2] = (f.length >>> 8) & 0xff;
    out[at + 3] = (f.length >>> 16) & 0xff;
    out[at + 4] = (f.length >>> 24) & 0xff;
    out.set(f, at + 5);
    at += 5 + f.length;
  }
  return out.subarray(0, size);
}

/** Sign an answer to a query over `instances`. */
export function signAnswer(
  signatures: SignatureScheme,
  keys: KeyPair,
  instances: Uint8Array,
  a: Omit<AnswerResponse, "kind" | "signature" | "signer">,
): AnswerResponse {
  const unsigned = { ...a, signer: keys.publicKey };
  return { kind: "answer", ...unsigned, signature: signatures.sign(keys.secretKey, signingView(instances, unsigned)) };
}

export function verifyAnswer(signatures: SignatureScheme, instances: Uint8Array, a: AnswerResponse): boolean {
  return signatures.verify(a.signer, signingView(instances, a), a.signature);
}

/** The DAG-CBOR map of a signed answer (what {@link encodeResponse} encodes). */
export function answerBody(r: AnswerResponse): Record<string, unknown> {
  const body: Record<string, unknown> = { e: r.epochs, s: r.signer, sig: r.signature, t: "answer" };
  if (r.preferences !== undefined) body.p = r.preferences;
  if (r.vectors !== undefined) body.v = f64Bytes(r.vectors);
  if (r.skipped !== undefined) body.k = r.skipped;
  if (r.locked !== undefined) body.l = r.locked;
  return body;
}

export function encodeResponse(r: Response): Uint8Array {
  switch (r.kind) {
    case "answer":
      return encode(answerBody(r), "answer");
    case "blocks":
      return encode({ t: "blocks", txs: r.txs, vertices: r.vertices }, "blocks");
    case "error":
      return encode({ m: r.message, t: "error" }, "error");
  }
}

/**
 * Decode a response to a request over `n` instances (n is ignored for blocks and errors).
 * Shapes and lengths are checked against `n`; signatures are checked by the caller with
 * {@link verifyAnswer}, which needs the query.
 */
export function decodeResponse(bytes: Uint8Array, n: number): Response {
  const what = "response";
  // Signatures cover answerSigningBytes (a re-encoding), not these bytes: no canonical check
  // (codec.ts). An answer's arrays are views into the response (the transport's own copy,
  // never written), which they keep alive while the asker holds the answer; what is kept
  // apart from it (the signer's key, blocks) is copied.
  const value = decode(bytes, { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 3, what, canonical: false, views: true });
  const rec = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const kind = rec?.t;
  if (kind === "answer" && rec) {
    const keys = ["e", "s", "sig", "t", ...["p", "v", "k", "l"].filter((k) => k in rec)];
    expectRecord(rec, keys, what);
    const epochs = expectBytes(rec.e, "e", what, 4 * n);
    const out: {
      kind: "answer";
      signer: Uint8Array;
      epochs: Uint8Array;
      signature: Uint8Array;
      preferences?: Uint8Array;
      vectors?: Float64Array;
      skipped?: Uint8Array;
      locked?: Uint8Array;
    } = {
      kind: "answer",
      signer: expectBytes(rec.s, "s", what, PUBLIC_KEY_LENGTH).slice(),
      epochs,
      signature: expectBytes(rec.sig, "sig", what, SIGNATURE_LENGTH).slice(),
    };
    if ("p" in rec) out.preferences = expectBytes(rec.p, "p", what, ID_BYTES * n);
    if ("v" in rec) {
      const v = bytesF64(expectBytes(rec.v, "v", what), "v", what);
      if (n > 0 && v.length % n !== 0) throw new DecodeError("invalid", what, "v must hold the same number of words per instance");
      out.vectors = v;
    }
    if ("k" in rec) out.skipped = expectBytes(rec.k, "k", what, n);
    if ("l" in rec) out.locked = expectBytes(rec.l, "l", what, n);
    return out;
  }
  if (kind === "blocks") {
    const r = expectRecord(value, ["t", "txs", "vertices"], what);
    return {
      kind: "blocks",
      // Copied: each block is stored and kept on its own, apart from this response.
      txs: expectList(r.txs, "txs", what, MAX_FETCH * MAX_WIRE_CANDIDATES).map((t, i) => expectBytes(t, `txs[${i}]`, what, undefined, MAX_TX_BYTES).slice()),
      vertices: expectList(r.vertices, "vertices", what, MAX_FETCH).map((t, i) => expectBytes(t, `vertices[${i}]`, what, undefined, MAX_VERTEX_BYTES).slice()),
    };
  }
  if (kind === "error") {
    const r = expectRecord(value, ["m", "t"], what);
    return { kind: "error", message: expectString(r.m, "m", what, 1024) };
  }
  throw new DecodeError("invalid", what, 't must be "answer", "blocks" or "error"');
}

// ---------------------------------------------------------------------------------------
// Evidence

/** One signed answer, with the instances it answered (the signature covers both). */
export interface SignedAnswer {
  readonly instances: Uint8Array;
  readonly answer: AnswerResponse;
}

/**
 * Proof of equivocation: two answers signed by one key that give one instance, at one
 * epoch, two different non-empty preferences. Self-contained: anyone can check it.
 */
export interface EquivocationProof {
  readonly a: SignedAnswer;
  readonly b: SignedAnswer;
}

export function encodeEvidence(p: EquivocationProof): Uint8Array {
  return encode({ aa: encodeResponse(p.a.answer), ai: p.a.instances, ba: encodeResponse(p.b.answer), bi: p.b.instances }, "evidence");
}

/** Decode an equivocation proof (shapes only; {@link checkEvidence} checks what it proves). */
export function decodeEvidence(bytes: Uint8Array): EquivocationProof {
  const what = "evidence";
  const rec = expectRecord(decode(bytes, { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 2, what }), ["aa", "ai", "ba", "bi"], what);
  const side = (ans: unknown, ins: unknown, name: string): SignedAnswer => {
    const instances = expectBytes(ins, `${name}i`, what);
    const n = checkIds(instances, `${name}i`, what, MAX_QUERY_INSTANCES);
    const answer = decodeResponse(expectBytes(ans, `${name}a`, what), n);
    if (answer.kind !== "answer" || answer.preferences === undefined) throw new DecodeError("invalid", what, `${name}a must be a preference answer`);
    return { instances, answer };
  };
  return { a: side(rec.aa, rec.ai, "a"), b: side(rec.ba, rec.bi, "b") };
}

/** The equivocating signer's public key when the proof holds, else null. */
export function checkEvidence(signatures: SignatureScheme, p: EquivocationProof): Uint8Array | null {
  const { a, b } = p;
  if (!equalBytes(a.answer.signer, b.answer.signer)) return null;
  if (!verifyAnswer(signatures, a.instances, a.answer) || !verifyAnswer(signatures, b.instances, b.answer)) return null;
  const epochOf = (s: SignedAnswer, j: number) => new DataView(s.answer.epochs.buffer, s.answer.epochs.byteOffset + 4 * j, 4).getUint32(0, true);
  const index = new Map<string, number>();
  for (let j = 0; j < a.instances.length / ID_BYTES; j++) index.set(idKey(a.instances, j * ID_BYTES), j);
  for (let k = 0; k < b.instances.length / ID_BYTES; k++) {
    const j = index.get(idKey(b.instances, k * ID_BYTES));
    if (j === undefined || epochOf(a, j) !== epochOf(b, k)) continue;
    const pa = a.answer.preferences!.subarray(j * ID_BYTES, (j + 1) * ID_BYTES);
    const pb = b.answer.preferences!.subarray(k * ID_BYTES, (k + 1) * ID_BYTES);
    if (!isZeroId(pa) && !isZeroId(pb) && !equalBytes(pa, pb)) return a.answer.signer;
  }
  return null;
}

/** True for the all-zero id ("no preference" in an answer). */
export function isZeroId(id: Uint8Array): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) return false;
  return true;
}
