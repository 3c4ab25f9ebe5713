/**
 * Conflict sets and signed statements about them.
 *
 * A conflict set is all transactions with one `(author, nonce)`; it is one decision
 * instance (DESIGN.md §1). {@link ConflictRegistry} gives every set a small integer index
 * and every candidate transaction a small integer index within its set, both in
 * first-seen order, because protocols run on integers, not CIDs. Candidate indices are
 * local: two nodes that saw candidates in different orders number them differently, so
 * anything that crosses the network names candidates by CID.
 *
 * A {@link Statement} is a node's signed answer "in instance I, at epoch e, I prefer
 * candidate c". Two valid statements from one signer for the same (instance, epoch) with
 * different candidates are an equivocation, and the pair is a self-contained proof
 * (DESIGN.md §2: evidence lowers trust).
 */
import { CID } from "multiformats/cid";
import {
  decode,
  encode,
  expectBytes,
  expectRecord,
  expectString,
  expectUint,
  isBlockCid,
  signingBytes,
  type BlockCid,
} from "./codec.js";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type Hasher, type KeyPair, type SignatureScheme } from "./crypto.js";
import { DecodeError, EncodeError } from "./errors.js";
import { MAX_CONFLICT_KEY_LENGTH, conflictKey, parseConflictKey, txId, type Tx } from "./tx.js";
import { equalBytes } from "./bytes.js";

/** Default bound on candidates per conflict set. */
export const DEFAULT_MAX_CANDIDATES = 16;

/** A conflict set as the registry exposes it: read-only. */
export interface ConflictSet {
  /** The conflict key, `conflictKey({author, nonce})`. */
  readonly key: string;
  /** Registry-wide index of the set, in first-seen order from 0. */
  readonly index: number;
  readonly author: Uint8Array;
  readonly nonce: number;
  /** Candidate transaction ids in first-seen order; position = candidate index. */
  readonly candidates: readonly BlockCid[];
  /** Candidate index of a CID, or -1 when it is not a candidate of this set. */
  indexOf(cid: BlockCid): number;
}

export type AddResult =
  | { readonly ok: true; readonly set: ConflictSet; readonly candidateIndex: number; readonly isNew: boolean; readonly isNewSet: boolean }
  | { readonly ok: false; readonly set: ConflictSet; readonly reason: "too-many-candidates"; readonly detail: string };

/** A conflict set that grows by {@link MutableConflictSet.push}; shared by the registry and the live node's set table. */
export class MutableConflictSet implements ConflictSet {
  readonly candidates: BlockCid[] = [];
  private readonly byCid = new Map<string, number>();

  constructor(
    readonly key: string,
    readonly index: number,
    readonly author: Uint8Array,
    readonly nonce: number,
  ) {}

  indexOf(cid: BlockCid): number {
    return this.byCid.get(cid.toString()) ?? -1;
  }

  push(cid: BlockCid): number {
    const i = this.candidates.length;
    this.candidates.push(cid);
    this.byCid.set(cid.toString(), i);
    return i;
  }
}

export interface ConflictRegistryOptions {
  /** Candidates accepted per set; later ones are refused (default {@link DEFAULT_MAX_CANDIDATES}). */
  readonly maxCandidates?: number;
}

/** Conflict key → set, set → candidates, all in first-seen order. */
export class ConflictRegistry implements Iterable<ConflictSet> {
  readonly maxCandidates: number;
  private readonly byKey = new Map<string, MutableConflictSet>();
  private readonly list: MutableConflictSet[] = [];

  constructor(
    private readonly hasher: Hasher,
    options: ConflictRegistryOptions = {},
  ) {
    const max = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxCandidates must be a positive integer, got ${max}`);
    this.maxCandidates = max;
  }

  /**
   * Register a (validated) transaction as a candidate of its conflict set. `cid` may be
   * passed when already known (e.g. `cidOf` of the received bytes) to skip re-hashing.
   * Seeing the same transaction again returns its existing index with `isNew: false`.
   */
  add(tx: Tx, cid: BlockCid = txId(tx, this.hasher)): AddResult {
    return this.addCandidate(conflictKey(tx), cid);
  }

  /**
   * Register `cid` as a candidate of the set `key` (when only the pair is known, e.g. a
   * vertex decision). Throws an `invalid` DecodeError when `key` is not a conflict key.
   */
  addCandidate(key: string, cid: BlockCid): AddResult {
    let set = this.byKey.get(key);
    let isNewSet = false;
    if (set === undefined) {
      const { author, nonce } = parseConflictKey(key);
      set = new MutableConflictSet(key, this.list.length, author, nonce);
      this.byKey.set(key, set);
      this.list.push(set);
      isNewSet = true;
    }
    const existing = set.indexOf(cid);
    if (existing >= 0) return { ok: true, set, candidateIndex: existing, isNew: false, isNewSet };
    if (set.candidates.length >= this.maxCandidates) {
      return {
        ok: false,
        set,
        reason: "too-many-candidates",
        detail: `conflict set ${key} already has ${set.candidates.length} candidates (limit ${this.maxCandidates}); ${cid.toString()} refused`,
      };
    }
    return { ok: true, set, candidateIndex: set.push(cid), isNew: true, isNewSet };
  }

  /** The set of a conflict key, if seen. */
  get(key: string): ConflictSet | undefined {
    return this.byKey.get(key);
  }

  /** The set with registry index `index`, if any. */
  at(index: number): ConflictSet | undefined {
    return this.list[index];
  }

  /** Candidate index of `cid` in set `key`, or -1. */
  candidateIndex(key: string, cid: BlockCid): number {
    return this.byKey.get(key)?.indexOf(cid) ?? -1;
  }

  /** Number of conflict sets. */
  get size(): number {
    return this.list.length;
  }

  [Symbol.iterator](): Iterator<ConflictSet> {
    return this.list[Symbol.iterator]();
  }
}

// ---------------------------------------------------------------------------------------
// Statements

/** Domain-separation tag of statement signatures. */
export const STATEMENT_DOMAIN = "entropic/statement/v1";
/** Largest encoded statement (a CID candidate and the longest key need ~250 bytes). */
export const MAX_STATEMENT_BYTES = 512;

/**
 * A candidate named by transaction CID (network-wide meaning) or by candidate index
 * (meaningful only where all parties share one numbering, as in the simulators).
 */
export type CandidateRef = BlockCid | number;

export interface Statement {
  /** Conflict key of the decision instance. */
  readonly instance: string;
  /** Protocol round or epoch the answer belongs to, uint53. */
  readonly epoch: number;
  readonly candidate: CandidateRef;
  /** Ed25519 public key of the signer, 32 bytes. */
  readonly signer: Uint8Array;
  /** Signature over the other fields, 64 bytes. */
  readonly signature: Uint8Array;
}

export type UnsignedStatement = Pick<Statement, "instance" | "epoch" | "candidate">;

const STATEMENT_FIELDS = ["candidate", "epoch", "instance", "signature", "signer"] as const;

function isCandidateRef(c: unknown): c is CandidateRef {
  return isBlockCid(c) || (typeof c === "number" && Number.isSafeInteger(c) && c >= 0);
}

function checkStatementBody(s: UnsignedStatement): void {
  try {
    parseConflictKey(s.instance);
  } catch {
    throw new EncodeError("statement", "instance must be a conflict key");
  }
  if (!Number.isSafeInteger(s.epoch) || s.epoch < 0) throw new EncodeError("statement", `epoch must be a uint53, got ${s.epoch}`);
  if (!isCandidateRef(s.candidate)) {
    throw new EncodeError("statement", "candidate must be a CIDv1 dag-cbor sha2-256 link or a candidate index (uint53)");
  }
}

/** The bytes a statement's signer signs. */
export function statementSigningBytes(s: UnsignedStatement & Pick<Statement, "signer">): Uint8Array {
  return signingBytes(STATEMENT_DOMAIN, { candidate: s.candidate, epoch: s.epoch, instance: s.instance, signer: s.signer });
}

/** Sign a statement with `keys`. Throws {@link EncodeError} on an invalid body. */
export function signStatement(signatures: SignatureScheme, keys: KeyPair, body: UnsignedStatement): Statement {
  checkStatementBody(body);
  if (!(keys.publicKey instanceof Uint8Array) || keys.publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new EncodeError("statement", `signer must be a ${PUBLIC_KEY_LENGTH}-byte public key`);
  }
  const signer = new Uint8Array(keys.publicKey);
  const unsigned = { instance: body.instance, epoch: body.epoch, candidate: body.candidate, signer };
  return { ...unsigned, signature: signatures.sign(keys.secretKey, statementSigningBytes(unsigned)) };
}

/** True when the statement's signature is valid for its signer (and its fields are well formed). */
export function verifyStatement(signatures: SignatureScheme, s: Statement): boolean {
  try {
    checkStatementBody(s);
  } catch {
    return false;
  }
  return signatures.verify(s.signer, statementSigningBytes(s), s.signature);
}

export function encodeStatement(s: Statement): Uint8Array {
  checkStatementBody(s);
  if (!(s.signer instanceof Uint8Array) || s.signer.length !== PUBLIC_KEY_LENGTH) {
    throw new EncodeError("statement", `signer must be ${PUBLIC_KEY_LENGTH} bytes`);
  }
  if (!(s.signature instanceof Uint8Array) || s.signature.length !== SIGNATURE_LENGTH) {
    throw new EncodeError("statement", `signature must be ${SIGNATURE_LENGTH} bytes`);
  }
  return encode(
    { candidate: s.candidate, epoch: s.epoch, instance: s.instance, signature: s.signature, signer: s.signer },
    "statement",
  );
}

/** Decode and validate a statement from untrusted bytes; errors as for `decodeTx`. */
export function decodeStatement(bytes: Uint8Array, signatures: SignatureScheme, options: { verify?: boolean } = {}): Statement {
  const what = "statement";
  // map → CID tag is depth 2; one level of slack so shape errors read as "invalid".
  const rec = expectRecord(decode(bytes, { maxBytes: MAX_STATEMENT_BYTES, maxDepth: 3, what }), STATEMENT_FIELDS, what);
  const instance = expectString(rec.instance, "instance", what, MAX_CONFLICT_KEY_LENGTH);
  parseConflictKey(instance);
  if (!isCandidateRef(rec.candidate)) {
    throw new DecodeError("invalid", what, "candidate must be a CIDv1 dag-cbor sha2-256 link or a uint53 index");
  }
  const s: Statement = {
    instance,
    epoch: expectUint(rec.epoch, "epoch", what),
    candidate: rec.candidate,
    signer: expectBytes(rec.signer, "signer", what, PUBLIC_KEY_LENGTH),
    signature: expectBytes(rec.signature, "signature", what, SIGNATURE_LENGTH),
  };
  if (options.verify !== false && !signatures.verify(s.signer, statementSigningBytes(s), s.signature)) {
    throw new DecodeError("bad-signature", what, "signature does not verify for the signer");
  }
  return s;
}

/**
 * Whether two candidate references name the same candidate: true or false when both are
 * CIDs or both indices; `undefined` when the kinds differ (an index and a CID may or may
 * not denote the same transaction, so that pair proves nothing).
 */
export function sameCandidate(a: CandidateRef, b: CandidateRef): boolean | undefined {
  if (typeof a === "number" || typeof b === "number") {
    return typeof a === "number" && typeof b === "number" ? a === b : undefined;
  }
  return CID.equals(a, b);
}

/**
 * True when `a` and `b` prove that their signer equivocated: same signer, same instance,
 * same epoch, provably different candidates, and both signatures valid. The pair is then
 * transferable evidence: anyone holding it can re-check it with this function.
 */
export function isEquivocation(signatures: SignatureScheme, a: Statement, b: Statement): boolean {
  if (a.instance !== b.instance || a.epoch !== b.epoch) return false;
  if (!(a.signer instanceof Uint8Array) || !(b.signer instanceof Uint8Array) || !equalBytes(a.signer, b.signer)) return false;
  if (!isCandidateRef(a.candidate) || !isCandidateRef(b.candidate)) return false;
  if (sameCandidate(a.candidate, b.candidate) !== false) return false;
  return verifyStatement(signatures, a) && verifyStatement(signatures, b);
}
