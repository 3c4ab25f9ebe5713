/**
 * Signed answers, per node, in the event driver: which statement each responder signs (the
 * shell's epoch rule, shared with the live node) and how a receiver checks one (signer,
 * instance, candidate, then the shell's equivocation memory, which turns a contradictory
 * pair into a proof). The keys, the bytes and the memoised verification are signing.ts's.
 */
import { isEquivocation } from "../../core/conflict.js";
import { equalBytes } from "../../core/bytes.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import { EpochTable, StatementCells } from "../../protocols/shell.js";
import type { TrustLedger } from "../consensus/evidence.js";
import type { EventCounters } from "./counters.js";
import type { SignedAnswer, StatementBook } from "./signing.js";

export class Statements {
  /** per slot (node·instances + k), the honest responder's epoch and what it last signed there */
  private readonly epochs: EpochTable;
  /** per slot, the statement the responder signed at its current epoch (reused for every asker) */
  private readonly ownStatement: (SignedAnswer | undefined)[];
  private readonly adversaryStatements = new Map<number, SignedAnswer>();
  /** each receiver's last statement per (signer, instance), in `statementMemory` cells */
  private readonly memory: StatementCells<SignedAnswer>;
  private readonly publicKeys: (Uint8Array | undefined)[] = [];

  constructor(
    readonly book: StatementBook,
    /** where receipts checked are counted (the run) */
    private readonly counters: EventCounters,
    private readonly ledger: TrustLedger,
    nodes: number,
    private readonly instances: number,
    private readonly candidates: number,
    /** answer words per candidate: one-word answers name the candidate their statement must vouch for */
    private readonly width: number,
    private readonly pollInterval: number,
    statementMemory: number,
  ) {
    const slots = nodes * instances;
    this.epochs = new EpochTable(slots);
    this.ownStatement = new Array<SignedAnswer | undefined>(slots);
    this.memory = new StatementCells<SignedAnswer>(nodes, statementMemory, NO_CANDIDATE);
  }

  /** The node's own poll on slot `s` moves its epoch on: its next statement there is signed afresh. */
  advance(s: number): void {
    this.epochs.advance(s);
  }

  /**
   * An honest responder's statement about instance k. Its epoch moves on with each of its
   * own polls on k (`advance`), and by the shell's epoch rule: should its preference move
   * between two of its polls (exchange protocols update the responder), it opens a new
   * epoch rather than sign two candidates for one. A statement already signed for this
   * (epoch, candidate) is reused.
   */
  honest(node: number, k: number, candidate: number): SignedAnswer {
    const s = node * this.instances + k;
    const epochs = this.epochs;
    if (epochs.signed(s, candidate)) return this.ownStatement[s]!;
    const signed = this.book.sign(node, k, epochs.open(s, candidate), candidate);
    this.ownStatement[s] = signed;
    return signed;
  }

  /** An adversary never polls, so its epoch stays 0: it signs each candidate once per instance. */
  adversary(node: number, k: number, candidate: number): SignedAnswer {
    const key = (node * this.instances + k) * this.candidates + candidate;
    let signed = this.adversaryStatements.get(key);
    if (signed === undefined) {
      signed = this.book.sign(node, k, 0, candidate);
      this.adversaryStatements.set(key, signed);
    }
    return signed;
  }

  /**
   * Check a signed answer as a receiver would: it decodes, its signature verifies, it is
   * signed by the peer that was asked, about the instance asked, and (one-word answers)
   * vouches for the candidate the answer carries. A valid statement then goes through the
   * shell's equivocation memory (the last statement this receiver kept from the same signer
   * about the same instance): same epoch, different candidate is an equivocation, proven
   * by the pair; the proof reaches everyone `trust.delay` rounds after `tick`.
   */
  check(receiver: number, responder: number, k: number, signed: SignedAnswer, word: number, tick: number): boolean {
    const book = this.book;
    this.counters.statementChecks++;
    const st = book.check(signed);
    if (st === null) return false;
    const candidate = st.candidate as number;
    if (signed.checkedResponder !== responder || signed.checkedInstance !== k) {
      if (st.instance !== book.instanceKey(k) || !equalBytes(st.signer, this.publicKeyOf(responder))) return false;
      signed.checkedResponder = responder;
      signed.checkedInstance = k;
    }
    if (this.width === 1 && word !== candidate) return false;
    const ledger = this.ledger;
    if (!ledger.wants(responder)) return true;
    const earlier = this.memory.observe(receiver, responder, k, st.epoch, candidate, signed);
    if (earlier !== null && isEquivocation(book.crypto.signatures, earlier.statement!, st)) {
      ledger.prove(responder, tick + ledger.spec.delay * this.pollInterval);
    }
    return true;
  }

  private publicKeyOf(node: number): Uint8Array {
    let key = this.publicKeys[node];
    if (key === undefined) {
      key = this.book.publicKey(node);
      this.publicKeys[node] = key;
    }
    return key;
  }
}
