/**
 * The live node's request/response messages (DAG-CBOR, strict decoders; every field
 * checked before use): batched protocol queries and their answers, fetches of transactions
 * and vertices and the blocks sent back, and errors.
 *
 * Polls are batched: one query names up to {@link MAX_QUERY_INSTANCES} instances by their
 * instance ids (wire-ids.ts) and the answer (wire-answers.ts) carries, per instance, the
 * responder's preference and its epoch, signed once for the batch. Exchange protocols
 * (T-MESH's partial swap) also send their state vectors, in the sender's candidate order,
 * with that order. Preference protocols poll through standing batches instead
 * (wire-poll.ts), whose requests this module's decoder dispatches to.
 */
import { type BlockCid, decode, encode, expectBytes, expectCid, expectList, expectRecord, expectString } from "../../core/codec.js";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from "../../core/crypto.js";
import { DecodeError } from "../../core/errors.js";
import { MAX_TX_BYTES } from "../../core/tx.js";
import { MAX_VERTEX_BYTES } from "../../core/vertex.js";
import { answerBody, type AnswerResponse } from "./wire-answers.js";
import { bytesF64, checkIds, f64Bytes, MAX_FETCH, MAX_MESSAGE_BYTES, MAX_QUERY_INSTANCES, MAX_WIRE_CANDIDATES } from "./wire-fields.js";
import { ID_BYTES } from "./wire-ids.js";
// wire-poll.ts builds on this module's responses; the request decoder dispatches to it (a
// cycle of function bindings only, resolved before any call).
import { type PollRequest, pollRequestFrom } from "./wire-poll.js";

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
