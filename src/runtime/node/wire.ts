/**
 * The live node's wire messages, in one import: every message module's public names.
 *
 * DAG-CBOR with strict decoders (every field checked before use), one job per module:
 * - wire-ids.ts: the 8-byte instance and candidate ids, and keying and comparing them;
 * - wire-fields.ts: the size limits, and the field forms several messages share;
 * - wire-gossip.ts: pub/sub payloads (tx batches, head announcements);
 * - wire-rpc.ts: requests and responses (queries, fetches, blocks, errors);
 * - wire-answers.ts: signed answers (the signed bytes, signing, verifying, the body);
 * - wire-evidence.ts: equivocation proofs;
 * - wire-poll.ts: standing polls (imported from there directly).
 *
 * Named re-exports, not `export *`: the modules' shared helpers (checkIds, the float64
 * views) stay out of this surface, as they were when all of this was one file.
 */
export { candidateId, ID_BYTES, idKey, instanceId, isZeroId, isZeroIdAt, sameId, writeCandidateId } from "./wire-ids.js";
export { MAX_FETCH, MAX_HEADS, MAX_MESSAGE_BYTES, MAX_QUERY_INSTANCES, MAX_TX_BATCH, MAX_WIRE_CANDIDATES } from "./wire-fields.js";
export { decodeHeads, decodeTxBatch, encodeHeads, encodeTxBatch, type Heads } from "./wire-gossip.js";
export { ANSWER_DOMAIN, answerBody, type AnswerResponse, answerSigningBytes, signAnswer, verifyAnswer } from "./wire-answers.js";
export {
  type BlocksResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type ErrorResponse,
  type FetchRequest,
  type QueryRequest,
  type Request,
  type Response,
} from "./wire-rpc.js";
export { checkEvidence, decodeEvidence, encodeEvidence, type EquivocationProof, type SignedAnswer } from "./wire-evidence.js";
