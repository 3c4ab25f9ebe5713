/**
 * Signed answers to polls: the answer message, the bytes its signature covers, signing and
 * verifying, and its DAG-CBOR body.
 *
 * An answer carries, per instance it was asked about, the responder's epoch and its
 * preference (a candidate id, wire-ids.ts) or, for exchange protocols, its state vector,
 * and it is signed once for the batch. Preference protocols poll through standing batches
 * (wire-poll.ts), whose full answers are these answers over a batch's instances.
 */
import type { KeyPair, SignatureScheme } from "../../core/crypto.js";
import { utf8 } from "../../core/bytes.js";
import { f64Bytes } from "./wire-fields.js";

/** Domain tag of signed answer batches (v2: the fixed layout of {@link answerSigningBytes}). */
export const ANSWER_DOMAIN = "entropic/answers/v2";

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
