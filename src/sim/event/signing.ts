/**
 * Signed answers in the event driver. With `network.signatures` on, every answer carries
 * an encoded {@link Statement} — (instance, epoch, candidate) signed by the responder —
 * and the receiver decodes and verifies it before the protocol sees the answer.
 *
 * - Keys: node i's Ed25519 key pair comes from `deriveKeySeed(hasher, "entropic-sim/<seed>", i)`,
 *   made the first time node i signs, so runs replay and nodes that never answer cost nothing.
 * - Instances are named by conflict keys (`conflictKey(author, k)` with a per-seed author).
 * - Candidates are named by index (the simulator's numbering is shared by everyone).
 *
 * Cost control, measured in bench/event-driver.ts: one honest node answers ~K askers per
 * round with the same statement, so it signs once per (instance, epoch) and reuses the
 * bytes. Decoding and verifying are pure functions of the bytes, so the simulator does them
 * once per distinct byte string ({@link SignedAnswer.status} memoises the verdict) while
 * counting every receipt that a real receiver would verify (`statementChecks`). A damaged
 * copy is a new byte string and is checked afresh.
 */
import { type Statement, decodeStatement, encodeStatement, signStatement } from "../../core/conflict.js";
import type { CryptoSuite, KeyPair } from "../../core/crypto.js";
import { conflictKey } from "../../core/tx.js";
import { deriveKeySeed } from "../../core/crypto.js";
import type { Rng } from "../../core/prng.js";

/** An encoded statement in flight, with the memoised verdict of decoding and verifying it. */
export interface SignedAnswer {
  readonly bytes: Uint8Array;
  /** 0: not yet checked; 1: decodes and verifies; 2: does not */
  status: number;
  /** the decoded statement once `status` is 1 */
  statement: Statement | null;
  /**
   * The (responder, instance) pair this statement last passed the receiver's signer and
   * instance checks for (−1: none yet): those checks are pure functions of the bytes and
   * the pair, so repeat receipts skip them.
   */
  checkedResponder?: number;
  checkedInstance?: number;
}

export class StatementBook {
  /** statements signed (Ed25519 signatures made) */
  signed = 0;
  /** statements decoded and verified (distinct byte strings checked) */
  verified = 0;
  private readonly keys: (KeyPair | undefined)[];
  private readonly instanceKeys: string[];
  private readonly label: string;

  constructor(
    readonly crypto: CryptoSuite,
    seed: number,
    nodes: number,
    instances: number,
  ) {
    this.keys = new Array<KeyPair | undefined>(nodes);
    this.label = `entropic-sim/${seed}`;
    const author = deriveKeySeed(crypto.hasher, `entropic-sim-instances/${seed}`, 0);
    this.instanceKeys = Array.from({ length: instances }, (_, k) => conflictKey({ author, nonce: k }));
  }

  /** The conflict key naming instance `k`. */
  instanceKey(k: number): string {
    return this.instanceKeys[k]!;
  }

  /** Node `node`'s key pair (derived on first use). */
  keyPair(node: number): KeyPair {
    let kp = this.keys[node];
    if (kp === undefined) {
      kp = this.crypto.signatures.generateKeyPair(deriveKeySeed(this.crypto.hasher, this.label, node));
      this.keys[node] = kp;
    }
    return kp;
  }

  publicKey(node: number): Uint8Array {
    return this.keyPair(node).publicKey;
  }

  /** Node `node` signs "in instance k, at `epoch`, I prefer `candidate`". */
  sign(node: number, k: number, epoch: number, candidate: number): SignedAnswer {
    const statement = signStatement(this.crypto.signatures, this.keyPair(node), { instance: this.instanceKeys[k]!, epoch, candidate });
    this.signed++;
    return { bytes: encodeStatement(statement), status: 0, statement: null };
  }

  /** Decode and verify (once per byte string): the statement, or null when it is invalid. */
  check(answer: SignedAnswer): Statement | null {
    if (answer.status === 0) {
      this.verified++;
      try {
        answer.statement = decodeStatement(answer.bytes, this.crypto.signatures);
        answer.status = 1;
      } catch {
        answer.status = 2;
      }
    }
    return answer.status === 1 ? answer.statement : null;
  }

  /**
   * A copy damaged in flight: half the time cut short (fails to decode), half the time a
   * flipped signature bit in an otherwise well-formed encoding (fails to verify).
   */
  damage(answer: SignedAnswer, rng: Rng): SignedAnswer {
    if (rng.nextFloat() < 0.5 || answer.bytes.length < 2) {
      return { bytes: answer.bytes.slice(0, answer.bytes.length - 1 - rng.nextInt(Math.max(1, answer.bytes.length - 1))), status: 0, statement: null };
    }
    let original: Statement;
    try {
      original = decodeStatement(answer.bytes, this.crypto.signatures, { verify: false });
    } catch {
      return { bytes: answer.bytes.slice(1), status: 0, statement: null };
    }
    const signature = original.signature.slice();
    signature[rng.nextInt(signature.length)]! ^= 1 << rng.nextInt(8);
    return { bytes: encodeStatement({ ...original, signature }), status: 0, statement: null };
  }
}
