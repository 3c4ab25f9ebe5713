/**
 * Vertices of the Merkle-DAG ledger (DESIGN.md §1): a node's signed record of the
 * decisions it finalized, linked to earlier vertices by CID.
 *
 * Wire form: the DAG-CBOR map `{author, decisions, height, parents, signature}`. To keep
 * one vertex = one encoding = one CID, the lists are canonical: `parents` strictly
 * ascending by CID bytes, `decisions` strictly ascending by conflict key (at most one
 * decision per conflict set). `height` is 0 exactly for a vertex without parents (a
 * genesis vertex); checking it against the parents' heights needs the parents, which is
 * the DAG store's job. The signature covers `signingBytes("entropic/vertex/v1", body)`.
 */
import { compareBytes } from "./bytes.js";
import {
  DEFAULT_MAX_BYTES,
  cidOf,
  decode,
  encode,
  expectBytes,
  expectCid,
  expectList,
  expectRecord,
  expectString,
  expectUint,
  isBlockCid,
  signingBytes,
  type BlockCid,
} from "./codec.js";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type Hasher, type KeyPair, type SignatureScheme } from "./crypto.js";
import { DecodeError, EncodeError } from "./errors.js";
import { isConflictKey, MAX_CONFLICT_KEY_LENGTH } from "./tx.js";

/** Domain-separation tag of vertex signatures. */
export const VERTEX_DOMAIN = "entropic/vertex/v1";
export const MAX_PARENTS = 64;
export const MAX_DECISIONS = 4096;
/** Largest encoded vertex: 1 MiB (the largest legal vertex is ~470 KB). */
export const MAX_VERTEX_BYTES = DEFAULT_MAX_BYTES;

/** A finalized decision: conflict key → the chosen transaction's CID. */
export type Decision = readonly [conflictKey: string, tx: BlockCid];

export interface Vertex {
  /** Ed25519 public key of the node that made the vertex. */
  readonly author: Uint8Array;
  /** 0 for a genesis vertex, otherwise 1 + the largest parent height (not checked here). */
  readonly height: number;
  /** Parent vertex CIDs, strictly ascending by bytes. */
  readonly parents: readonly BlockCid[];
  /** Decisions, strictly ascending by conflict key. */
  readonly decisions: readonly Decision[];
  readonly signature: Uint8Array;
}

export type UnsignedVertex = Omit<Vertex, "signature">;

const VERTEX_FIELDS = ["author", "decisions", "height", "parents", "signature"] as const;

/** Returns a problem description, or null when the unsigned fields are canonical and in range. */
function vertexProblem(v: UnsignedVertex): string | null {
  if (!(v.author instanceof Uint8Array) || v.author.length !== PUBLIC_KEY_LENGTH) return `author must be a ${PUBLIC_KEY_LENGTH}-byte public key`;
  if (!Number.isSafeInteger(v.height) || v.height < 0) return "height must be a uint53";
  if (!Array.isArray(v.parents) || v.parents.length > MAX_PARENTS) return `parents must be a list of at most ${MAX_PARENTS} CIDs`;
  if ((v.height === 0) !== (v.parents.length === 0)) return "height is 0 exactly when there are no parents";
  for (let i = 0; i < v.parents.length; i++) {
    if (!isBlockCid(v.parents[i])) return `parents[${i}] is not a CIDv1 dag-cbor sha2-256 link`;
    if (i > 0 && compareBytes(v.parents[i - 1]!.bytes, v.parents[i]!.bytes) >= 0) return "parents must be strictly ascending by CID bytes";
  }
  if (!Array.isArray(v.decisions) || v.decisions.length > MAX_DECISIONS) return `decisions must be a list of at most ${MAX_DECISIONS} pairs`;
  for (let i = 0; i < v.decisions.length; i++) {
    const d = v.decisions[i];
    if (!Array.isArray(d) || d.length !== 2) return `decisions[${i}] must be a [conflictKey, txCid] pair`;
    const [key, cid] = d;
    if (typeof key !== "string" || key.length > MAX_CONFLICT_KEY_LENGTH) return `decisions[${i}] key must be a conflict key`;
    if (!isConflictKey(key)) return `decisions[${i}] key must be a conflict key`;
    if (!isBlockCid(cid)) return `decisions[${i}] tx is not a CIDv1 dag-cbor sha2-256 link`;
    // Conflict keys are ASCII, so UTF-16 order is byte order.
    if (i > 0 && v.decisions[i - 1]![0] >= key) return "decisions must be strictly ascending by conflict key (one per conflict set)";
  }
  return null;
}

function body(v: UnsignedVertex): Record<string, unknown> {
  return { author: v.author, decisions: v.decisions, height: v.height, parents: v.parents };
}

/** The bytes the author signs. */
export function vertexSigningBytes(v: UnsignedVertex): Uint8Array {
  return signingBytes(VERTEX_DOMAIN, body(v));
}

/**
 * Sign a new vertex. Parents and decisions may come in any order; they are sorted.
 * Duplicates (a parent twice, two decisions for one conflict key) throw {@link EncodeError}.
 */
export function createVertex(
  signatures: SignatureScheme,
  keys: KeyPair,
  fields: { height: number; parents: readonly BlockCid[]; decisions: readonly Decision[] },
): Vertex {
  const unsigned: UnsignedVertex = {
    author: new Uint8Array(keys.publicKey),
    height: fields.height,
    parents: [...fields.parents].sort((a, b) => compareBytes(a.bytes, b.bytes)),
    decisions: fields.decisions.map((d) => [d[0], d[1]] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
  const problem = vertexProblem(unsigned);
  if (problem !== null) throw new EncodeError("vertex", problem);
  return { ...unsigned, signature: signatures.sign(keys.secretKey, vertexSigningBytes(unsigned)) };
}

export function verifyVertex(signatures: SignatureScheme, v: Vertex): boolean {
  if (vertexProblem(v) !== null) return false;
  return signatures.verify(v.author, vertexSigningBytes(v), v.signature);
}

/** Canonical DAG-CBOR of a vertex; throws {@link EncodeError} unless its lists are canonical. */
export function encodeVertex(v: Vertex): Uint8Array {
  const problem = vertexProblem(v);
  if (problem !== null) throw new EncodeError("vertex", problem);
  if (!(v.signature instanceof Uint8Array) || v.signature.length !== SIGNATURE_LENGTH) {
    throw new EncodeError("vertex", `signature must be ${SIGNATURE_LENGTH} bytes`);
  }
  return encode({ ...body(v), signature: v.signature }, "vertex");
}

/** Decode and validate a vertex from untrusted bytes; errors as for `decodeTx`. */
export function decodeVertex(bytes: Uint8Array, signatures: SignatureScheme, options: { verify?: boolean } = {}): Vertex {
  const what = "vertex";
  // map → decisions list → pair → CID tag is depth 4; one level of slack so shape errors read as "invalid".
  const rec = expectRecord(decode(bytes, { maxBytes: MAX_VERTEX_BYTES, maxDepth: 5, what }), VERTEX_FIELDS, what);
  const parents = expectList(rec.parents, "parents", what, MAX_PARENTS).map((p, i) => expectCid(p, `parents[${i}]`, what));
  const decisions = expectList(rec.decisions, "decisions", what, MAX_DECISIONS).map((d, i): Decision => {
    const pair = expectList(d, `decisions[${i}]`, what, 2);
    if (pair.length !== 2) throw new DecodeError("invalid", what, `decisions[${i}] must be a [conflictKey, txCid] pair`);
    return [expectString(pair[0], `decisions[${i}][0]`, what, MAX_CONFLICT_KEY_LENGTH), expectCid(pair[1], `decisions[${i}][1]`, what)];
  });
  const v: Vertex = {
    author: expectBytes(rec.author, "author", what, PUBLIC_KEY_LENGTH),
    height: expectUint(rec.height, "height", what),
    parents,
    decisions,
    signature: expectBytes(rec.signature, "signature", what, SIGNATURE_LENGTH),
  };
  const problem = vertexProblem(v);
  if (problem !== null) throw new DecodeError("invalid", what, problem);
  if (options.verify !== false && !signatures.verify(v.author, vertexSigningBytes(v), v.signature)) {
    throw new DecodeError("bad-signature", what, "signature does not verify for the author");
  }
  return v;
}

/** The id of a vertex: CIDv1 dag-cbor sha2-256 of {@link encodeVertex}. */
export function vertexId(v: Vertex, hasher: Hasher): BlockCid {
  return cidOf(encodeVertex(v), hasher);
}
