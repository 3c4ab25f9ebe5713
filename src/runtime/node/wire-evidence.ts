/**
 * Equivocation proofs on the wire: two signed answers from one key that contradict each
 * other, encoded, decoded and checked, so that anyone can verify a proof on its own.
 */
import { decode, encode, expectBytes, expectRecord } from "../../core/codec.js";
import type { SignatureScheme } from "../../core/crypto.js";
import { DecodeError } from "../../core/errors.js";
import { equalBytes } from "../../core/bytes.js";
import { type AnswerResponse, verifyAnswer } from "./wire-answers.js";
import { checkIds, MAX_MESSAGE_BYTES, MAX_QUERY_INSTANCES } from "./wire-fields.js";
import { ID_BYTES, idKey, isZeroId } from "./wire-ids.js";
import { decodeResponse, encodeResponse } from "./wire-rpc.js";

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
