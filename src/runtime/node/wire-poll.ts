/**
 * Standing polls: the wire form of batched voting for preference protocols (Snowball, EMTD).
 *
 * A node polls the same pending sets round after round, and between two rounds almost
 * nothing changes: the same ids go out, and the same (epoch, preference, locked) come
 * back. So the asker groups its pending sets into *standing batches* and names each by a
 * small number (its `ref`, chosen by the asker). It sends a batch's instance ids to a peer
 * once (a *registration*); afterwards a poll names the batch by its ref alone, with the
 * number of the responder's full answer it holds (`seen`). The responder keeps, per asker
 * and ref, the instances resolved, what it last answered and that answer's number, and
 * answers a part with:
 *
 * - `0` — *same*: the asker holds the responder's latest full answer (`seen` is its
 *   number) and every member's epoch, preference and locked bit are still what it said.
 *   It signs no new statement, so the asker keeps the signed answer it already holds as its
 *   evidence. Checking `seen` matters: a full answer lost on the way (or dropped unread by
 *   a poll that ended early) must not let a later *same* refer the asker to an older one;
 * - `1` — *unknown*: it does not hold the ref (evicted, or restarted): the asker registers
 *   the batch again next round, and counts this round's part as unanswered;
 * - `{a, n}`: the bytes of a full signed answer over the batch's instances
 *   ({@link encodeResponse}, exactly the message a one-batch `query` gets, so equivocation
 *   proofs are unchanged) and its number `n`;
 * - `{a, n, m}`: a *delta*, sent only when the asker holds the latest answer (`seen`) and
 *   some members changed since: `m` is a bitmap of the batch's members it covers (member j
 *   at bit j % 8 of byte ⌊j / 8⌋, as `skip`), `a` a signed answer over just those members'
 *   ids, in batch order, and `n` its number. The asker applies it over what it holds. A
 *   set decided by the responder changes one member of every batch that holds it; without
 *   deltas each such change re-sent and re-signed the whole batch (43% of the entries
 *   re-sent in a 100-node simulation had changed; docs/node-simulator.md).
 *
 * A *same* is not signed: it rides the transport's authenticated stream (libp2p noise; the
 * simulator's links), and it claims nothing the asker does not already hold signed.
 *
 * A poll thus costs O(batches) on the wire and in signatures in the steady state, not
 * O(sets) (the issue's "vote on batches"). The per-set work left is a typed-array
 * comparison at the responder and the protocol's own update at the asker. Parts answer
 * positionally: the i-th part of the answer is about the i-th part of the poll.
 *
 * Exchange protocols (T-MESH) keep the one-shot `query` (wire-rpc.ts): their answers depend
 * on the state the asker sends each round, so nothing stands.
 */
import { decode, encode, expectBytes, expectList, expectRecord, expectUint } from "../../core/codec.js";
import { Arena } from "../../core/arena.js";
import { encodeNested, Nested } from "../../core/cbor-direct.js";
import { DecodeError } from "../../core/errors.js";
import type { AnswerResponse } from "./wire-answers.js";
import { MAX_MESSAGE_BYTES, MAX_QUERY_INSTANCES } from "./wire-fields.js";
import { ID_BYTES } from "./wire-ids.js";
import { decodeResponse, type ErrorResponse } from "./wire-rpc.js";

/** Parts one poll may carry. */
export const MAX_POLL_PARTS = 1024;
/** Largest ref (the asker's batch number; it wraps around below this). */
export const MAX_POLL_REF = 0xffff_ffff;

/** Whether member `j` is set in a {@link PollPart.skip} bitmap. */
export function skipped(skip: Uint8Array | undefined, j: number): boolean {
  return skip !== undefined && (skip[j >> 3]! & (1 << (j & 7))) !== 0;
}

/** One part of a poll: a standing batch, registered (ids) or named by its ref alone. */
export interface PollPart {
  readonly ref: number;
  /** the batch's instance ids (8 bytes each), when registering it with this peer */
  readonly instances?: Uint8Array;
  /** without `instances`: the number of the peer's full answer about this batch the asker holds */
  readonly seen?: number;
  /**
   * members the asker no longer polls (decided there, or not wanted), one bit each, member
   * j at bit j % 8 of byte ⌊j / 8⌋: the responder neither answers nor compares them (so a
   * batch's decided members cost it no ledger reads). Absent: none.
   */
  readonly skip?: Uint8Array;
}

export interface PollRequest {
  readonly kind: "poll";
  readonly parts: readonly PollPart[];
}

/** The answer to one part. */
export type PartAnswer =
  | { readonly status: "same" }
  | { readonly status: "unknown" }
  | { readonly status: "full"; readonly answer: AnswerResponse; /** its number, for `seen` */ readonly seq: number }
  | {
      readonly status: "delta";
      /** signed over the ids of the members `members` names, in batch order */
      readonly answer: AnswerResponse;
      readonly seq: number;
      /** bitmap of the members covered (member j at bit j % 8 of byte ⌊j / 8⌋) */
      readonly members: Uint8Array;
    };

export interface PollResponse {
  readonly kind: "answers";
  readonly parts: readonly PartAnswer[];
}

const SAME = 0;
const UNKNOWN = 1;

/**
 * Where poll requests and responses are encoded: carved from 64 KiB chunks (core/arena.ts)
 * instead of an array each, the most frequent messages (a typed array over 64 bytes is an
 * allocation outside V8's heap, ~20 µs apiece in a 100-node simulation's large heap). A
 * sender drops its message once sent and a live receiver gets its own copy from the network,
 * so a chunk lives until its last message is delivered; in the simulator, where receivers
 * are handed the sender's bytes (memory.ts `shareBytes`), a chunk lives while a receiver
 * keeps a view into one of its messages (a registration's ids, an answer's arrays).
 */
const messages = new Arena(64 * 1024);
const carveMessage = (n: number): Uint8Array => messages.bytes(n);

export function encodePollRequest(r: PollRequest): Uint8Array {
  const part = (p: PollPart): Record<string, unknown> => {
    const out: Record<string, unknown> = { r: p.ref };
    if (p.instances !== undefined) out.i = p.instances;
    else if (p.seen !== undefined) out.n = p.seen;
    if (p.skip !== undefined) out.s = p.skip;
    return out;
  };
  return encode({ p: r.parts.map(part), t: "poll" }, "poll", carveMessage);
}

/** Decode the body of a poll request (`t: "poll"`, already decoded by wire-rpc.ts `decodeRequest`); throws {@link DecodeError}. */
export function pollRequestFrom(value: Record<string, unknown>, what: string): PollRequest {
  const rec = expectRecord(value, ["p", "t"], what);
  let total = 0;
  const parts = expectList(rec.p, "p", what, MAX_POLL_PARTS).map((x, k): PollPart => {
    const isMap = x !== null && typeof x === "object" && !Array.isArray(x);
    const keys = isMap ? ["i", "n", "r", "s"].filter((f) => f in x) : ["r"];
    if (keys.includes("i") && keys.includes("n")) throw new DecodeError("invalid", what, `p[${k}] registers a batch (i) or names a seen answer (n), not both`);
    const part = expectRecord(x, keys.includes("r") ? keys : [...keys, "r"], what);
    const ref = expectUint(part.r, `p[${k}].r`, what);
    if (ref > MAX_POLL_REF) throw new DecodeError("invalid", what, `p[${k}].r must fit in 32 bits`);
    const out: { ref: number; instances?: Uint8Array; seen?: number; skip?: Uint8Array } = { ref };
    if ("s" in part) out.skip = expectBytes(part.s, `p[${k}].s`, what, undefined, Math.ceil(MAX_QUERY_INSTANCES / 8));
    if ("n" in part) out.seen = expectUint(part.n, `p[${k}].n`, what);
    if ("i" in part) {
      const instances = expectBytes(part.i, `p[${k}].i`, what);
      if (instances.length % ID_BYTES !== 0 || instances.length === 0) throw new DecodeError("invalid", what, `p[${k}].i must be one or more ${ID_BYTES}-byte ids`);
      total += instances.length / ID_BYTES;
      if (total > MAX_QUERY_INSTANCES) throw new DecodeError("invalid", what, `a poll may name at most ${MAX_QUERY_INSTANCES} instances`);
      if (out.skip !== undefined && out.skip.length !== Math.ceil(instances.length / ID_BYTES / 8)) throw new DecodeError("invalid", what, `p[${k}].s must have one bit per instance`);
      out.instances = instances;
    }
    return out;
  });
  const refs = new Set(parts.map((p) => p.ref));
  if (refs.size !== parts.length) throw new DecodeError("invalid", what, "a poll names each ref once");
  return { kind: "poll", parts };
}

/**
 * A poll response's bytes; `answerBody` is wire-answers.ts `answerBody` (passed in: wire-rpc.ts imports
 * this module). Each answer is nested as a byte string of its own encoding, written in
 * place (cbor-direct.ts `Nested`) rather than encoded apart and copied in.
 */
export function encodePollResponse(r: PollResponse, answerBody: (a: AnswerResponse) => Record<string, unknown>): Uint8Array {
  const part = (p: PartAnswer): unknown => {
    if (p.status === "same") return SAME;
    if (p.status === "unknown") return UNKNOWN;
    if (p.status === "full") return { a: new Nested(answerBody(p.answer)), n: p.seq };
    return { a: new Nested(answerBody(p.answer)), m: p.members, n: p.seq };
  };
  return encodeNested({ p: r.parts.map(part), t: "answers" }, "answers", carveMessage);
}

/** The positions set in a member bitmap of a batch of `size` (a delta's `m`, a poll's `skip`), in order. */
export function bitmapMembers(bitmap: Uint8Array, size: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < size; j++) if (skipped(bitmap, j)) out.push(j);
  return out;
}

/** A bitmap of `size` members with `members` set. */
export function membersBitmap(members: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(size / 8));
  for (const j of members) out[j >> 3]! |= 1 << (j & 7);
  return out;
}

/** The ids of `members` (positions) out of a batch's ids, end to end (into `out`, when given: zeroed, of that length). */
export function memberIds(ids: Uint8Array, members: readonly number[], out: Uint8Array = new Uint8Array(members.length * ID_BYTES)): Uint8Array {
  // Byte by byte: a subarray and a set per 8-byte id were 4% of a 100-node simulation's CPU.
  for (let k = 0; k < members.length; k++) {
    const from = members[k]! * ID_BYTES;
    const to = k * ID_BYTES;
    for (let b = 0; b < ID_BYTES; b++) out[to + b] = ids[from + b]!;
  }
  return out;
}

/**
 * Decode the response to a poll whose parts had `sizes[k]` instances each: the answers,
 * or the peer's error. Shapes and lengths are checked; the full parts' signatures are
 * checked by the caller (wire-answers.ts `verifyAnswer`, against the batch's ids).
 */
export function decodePollResponse(bytes: Uint8Array, sizes: readonly number[]): PollResponse | ErrorResponse {
  const what = "poll response";
  const value = decode(bytes, { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 4, what, canonical: false, views: true }); // as wire-rpc.ts decodeResponse
  const rec = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (rec?.t !== "answers") {
    const other = decodeResponse(bytes, 0);
    if (other.kind === "error") return other;
    throw new DecodeError("invalid", what, `expected answers, got ${other.kind}`);
  }
  expectRecord(rec, ["p", "t"], what);
  const list = expectList(rec.p, "p", what, MAX_POLL_PARTS);
  if (list.length !== sizes.length) throw new DecodeError("invalid", what, `${list.length} parts answer a poll of ${sizes.length}`);
  const parts = list.map((x, k): PartAnswer => {
    if (x === SAME) return { status: "same" };
    if (x === UNKNOWN) return { status: "unknown" };
    const isDelta = x !== null && typeof x === "object" && !Array.isArray(x) && "m" in x;
    const full = expectRecord(x, isDelta ? ["a", "m", "n"] : ["a", "n"], what);
    const size = sizes[k]!;
    let members: Uint8Array | undefined;
    let covered = size;
    if (isDelta) {
      members = expectBytes(full.m, `p[${k}].m`, what, Math.ceil(size / 8));
      covered = bitmapMembers(members, size).length;
      if (covered === 0) throw new DecodeError("invalid", what, `p[${k}].m names no member`);
      if (size % 8 !== 0 && members[members.length - 1]! >> (size % 8) !== 0) throw new DecodeError("invalid", what, `p[${k}].m names members beyond the batch's ${size}`);
    }
    const answer = decodeResponse(expectBytes(full.a, `p[${k}].a`, what), covered);
    if (answer.kind !== "answer" || answer.preferences === undefined) throw new DecodeError("invalid", what, `p[${k}] must be 0, 1 or a preference answer`);
    const seq = expectUint(full.n, `p[${k}].n`, what);
    return members === undefined ? { status: "full", answer, seq } : { status: "delta", answer, seq, members };
  });
  return { kind: "answers", parts };
}
