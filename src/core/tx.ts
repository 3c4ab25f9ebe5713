/**
 * Transactions: a signed payload from an author with a nonce. Two transactions with the
 * same `(author, nonce)` conflict — a double spend — and consensus picks one of them
 * (DESIGN.md §1). The id of a transaction is the CID of its canonical encoding.
 *
 * Wire form: the DAG-CBOR map `{author, nonce, payload, signature}`, nothing else. The
 * signature covers `signingBytes("entropic/tx/v1", {author, nonce, payload})`.
 */
import { base32 } from "multiformats/bases/base32";
import { cidOf, decode, encode, expectBytes, expectRecord, expectUint, signingBytes, type BlockCid } from "./codec.js";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type Hasher, type KeyPair, type SignatureScheme } from "./crypto.js";
import { DecodeError, EncodeError } from "./errors.js";

/** Domain-separation tag of transaction signatures. */
export const TX_DOMAIN = "entropic/tx/v1";
/** Largest payload: 64 KiB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Largest encoded transaction: the payload plus room for the fixed fields (~150 bytes). */
export const MAX_TX_BYTES = MAX_PAYLOAD_BYTES + 256;

export interface Tx {
  /** Ed25519 public key of the author, 32 bytes. */
  readonly author: Uint8Array;
  /** Author-chosen sequence number, an integer in [0, 2^53). */
  readonly nonce: number;
  /** Opaque application bytes, at most {@link MAX_PAYLOAD_BYTES}. */
  readonly payload: Uint8Array;
  /** Ed25519 signature over the unsigned fields, 64 bytes. */
  readonly signature: Uint8Array;
}

export type UnsignedTx = Omit<Tx, "signature">;

const TX_FIELDS = ["author", "nonce", "payload", "signature"] as const;

function checkUnsigned(author: Uint8Array, nonce: number, payload: Uint8Array): void {
  if (!(author instanceof Uint8Array) || author.length !== PUBLIC_KEY_LENGTH) {
    throw new EncodeError("tx", `author must be a ${PUBLIC_KEY_LENGTH}-byte public key`);
  }
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new EncodeError("tx", `nonce must be an integer in [0, 2^53), got ${nonce}`);
  if (!(payload instanceof Uint8Array)) throw new EncodeError("tx", "payload must be a Uint8Array");
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new EncodeError("tx", `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  }
}

/** The bytes the author signs. */
export function txSigningBytes(tx: UnsignedTx): Uint8Array {
  return signingBytes(TX_DOMAIN, { author: tx.author, nonce: tx.nonce, payload: tx.payload });
}

/**
 * Sign a new transaction. The author is `keys.publicKey`; inputs are copied, so later
 * changes to the caller's arrays do not reach the transaction. Throws {@link EncodeError}.
 */
export function createTx(signatures: SignatureScheme, keys: KeyPair, nonce: number, payload: Uint8Array): Tx {
  checkUnsigned(keys.publicKey, nonce, payload);
  const author = new Uint8Array(keys.publicKey);
  const body = new Uint8Array(payload);
  const signature = signatures.sign(keys.secretKey, txSigningBytes({ author, nonce, payload: body }));
  return { author, nonce, payload: body, signature };
}

/** True when the signature is valid for the author. */
export function verifyTx(signatures: SignatureScheme, tx: Tx): boolean {
  return signatures.verify(tx.author, txSigningBytes(tx), tx.signature);
}

/** Canonical DAG-CBOR of a transaction. Throws {@link EncodeError} on out-of-range fields. */
export function encodeTx(tx: Tx): Uint8Array {
  checkUnsigned(tx.author, tx.nonce, tx.payload);
  if (!(tx.signature instanceof Uint8Array) || tx.signature.length !== SIGNATURE_LENGTH) {
    throw new EncodeError("tx", `signature must be ${SIGNATURE_LENGTH} bytes`);
  }
  return encode({ author: tx.author, nonce: tx.nonce, payload: tx.payload, signature: tx.signature }, "tx");
}

export interface DecodeTxOptions {
  /** Check the signature (default true). Skip only for bytes this node stored itself. */
  readonly verify?: boolean;
}

/**
 * Decode and validate a transaction from untrusted bytes. Throws {@link DecodeError}:
 * `too-large` (checked first, before parsing), `too-deep`, `malformed`, `non-canonical`,
 * `invalid` (unknown or missing field, wrong type or length) or `bad-signature`.
 */
export function decodeTx(bytes: Uint8Array, signatures: SignatureScheme, options: DecodeTxOptions = {}): Tx {
  // A tx is a flat map (depth 1); one level of slack reports a stray list as "invalid", not "too-deep".
  const rec = expectRecord(decode(bytes, { maxBytes: MAX_TX_BYTES, maxDepth: 2, what: "tx" }), TX_FIELDS, "tx");
  const tx: Tx = {
    author: expectBytes(rec.author, "author", "tx", PUBLIC_KEY_LENGTH),
    nonce: expectUint(rec.nonce, "nonce", "tx"),
    payload: expectBytes(rec.payload, "payload", "tx", undefined, MAX_PAYLOAD_BYTES),
    signature: expectBytes(rec.signature, "signature", "tx", SIGNATURE_LENGTH),
  };
  if (options.verify !== false && !verifyTx(signatures, tx)) {
    throw new DecodeError("bad-signature", "tx", "signature does not verify for the author");
  }
  return tx;
}

/**
 * The id of a transaction: CIDv1 dag-cbor sha2-256 of {@link encodeTx}. Because the
 * encoding is canonical, `cidOf(bytes, hasher)` of received bytes gives the same CID.
 */
export function txId(tx: Tx, hasher: Hasher): BlockCid {
  return cidOf(encodeTx(tx), hasher);
}

// ---------------------------------------------------------------------------------------
// Conflict keys

const CONFLICT_KEY = /^([a-z2-7]{52}):(0|[1-9][0-9]{0,15})$/;
/** Longest conflict key: 52 base32 characters, ':' and 16 decimal digits. */
export const MAX_CONFLICT_KEY_LENGTH = 69;

/**
 * The conflict key of `(author, nonce)`: unpadded lowercase RFC 4648 base32 of the author
 * key, ':', and the nonce in decimal, e.g. `"mfrgg…zq:7"`. Stable across runs and nodes;
 * a plain string, so it sorts and hashes cheaply.
 */
export function conflictKey(tx: Pick<Tx, "author" | "nonce">): string {
  if (!(tx.author instanceof Uint8Array) || tx.author.length !== PUBLIC_KEY_LENGTH) {
    throw new EncodeError("conflict key", `author must be a ${PUBLIC_KEY_LENGTH}-byte public key`);
  }
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0) throw new EncodeError("conflict key", `nonce must be a uint53, got ${tx.nonce}`);
  return `${base32.baseEncode(tx.author)}:${tx.nonce}`;
}

/** Split a conflict key back into `(author, nonce)`; throws an `invalid` {@link DecodeError} unless canonical. */
/**
 * Whether {@link parseConflictKey} would accept `key`, without decoding it: a character
 * scan that allocates nothing. Validating a vertex checks every decision's key (three
 * times per vertex a node seals, once per vertex it decodes), and the regular expression,
 * the base32 decode and the re-encode that proves the key canonical were ~230 MB of
 * allocation in a 100-node, 300-set simulation (a sampling heap profile). Canonical here:
 * 52 characters carry 260 bits of a 256-bit key, the last one 1 bit and 4 spare zero bits,
 * so it is `a` (0) or `q` (16). A property test holds it to {@link parseConflictKey}.
 */
export function isConflictKey(key: string): boolean {
  if (typeof key !== "string" || key.length < 54 || key.length > MAX_CONFLICT_KEY_LENGTH || key.charCodeAt(52) !== 0x3a /* : */) return false;
  for (let i = 0; i < 52; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x32 && c <= 0x37))) return false; // a-z, 2-7
  }
  const last = key.charCodeAt(51);
  if (last !== 0x61 && last !== 0x71) return false; // 'a' or 'q': the spare bits are zero
  const digits = key.length - 53;
  if (digits > 16 || (digits > 1 && key.charCodeAt(53) === 0x30)) return false; // no leading zero
  let nonce = 0;
  for (let i = 53; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    nonce = nonce * 10 + (c - 0x30);
  }
  return Number.isSafeInteger(nonce);
}

export function parseConflictKey(key: string): { author: Uint8Array; nonce: number } {
  const m = typeof key === "string" ? CONFLICT_KEY.exec(key) : null;
  if (m === null) throw new DecodeError("invalid", "conflict key", "expected <52 base32 chars>:<decimal nonce>");
  const nonce = Number(m[2]);
  if (!Number.isSafeInteger(nonce)) throw new DecodeError("invalid", "conflict key", "nonce is not below 2^53");
  let author: Uint8Array;
  try {
    author = base32.baseDecode(m[1]!);
  } catch (e) {
    throw new DecodeError("invalid", "conflict key", e instanceof Error ? e.message : String(e));
  }
  // 52 characters carry 260 bits; the 4 spare bits must be zero, or two keys would name one author.
  if (author.length !== PUBLIC_KEY_LENGTH || base32.baseEncode(author) !== m[1]) {
    throw new DecodeError("invalid", "conflict key", "author part is not a canonical 32-byte base32 string");
  }
  return { author, nonce };
}
