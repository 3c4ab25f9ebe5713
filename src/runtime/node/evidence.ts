/**
 * Evidence: the memory of signed answers, equivocation checks and proofs, and the trust
 * they lower.
 *
 * An answer is signed per (set, epoch): an honest node opens a new epoch whenever its
 * preference changes (the shell's epoch rule, protocols/shell.ts), so two different
 * candidates signed for one (set, epoch) prove an equivocation. The memory that catches
 * them is the shell's too (`AnswerMemory`, the same rule the event driver applies);
 * this module builds the proof from the two signed answers and acts on it. The proof is
 * gossiped once per culprit; every node that checks it stops trusting the culprit (trust
 * 0: left out of samples, its answers ignored).
 *
 * Memory: one entry per (undecided set in memory, peer) — `answerMemory`, cleared for a
 * set when it is decided (finalizer.ts) or leaves memory ({@link NodeState.forget}) — and
 * one per proven culprit.
 */
import { equalBytes } from "../../core/bytes.js";
import { DecodeError } from "../../core/errors.js";
import { TOPICS, type Verdict } from "../ports.js";
import type { NodeState } from "./state.js";
import { checkEvidence, decodeEvidence, encodeEvidence, type EquivocationProof, ID_BYTES, type SignedAnswer } from "./wire.js";

/** idKey of the all-zero candidate id ("no preference"). */
export const ZERO_KEY = "\0".repeat(ID_BYTES);

export class Evidence {
  constructor(private readonly s: NodeState) {}

  /**
   * Remember what `peer` signed for `set` at `epoch`; false (and the peer loses all
   * trust, and the proof is gossiped) when it signed two candidates for one (set, epoch),
   * or when the peer is no longer trusted at all.
   */
  check(set: number, peer: number, peerName: string, epoch: number, pref: string, signed: SignedAnswer): boolean {
    const s = this.s;
    const earlier = s.answerMemory.observe(set, peer, epoch, pref, signed);
    if (earlier !== null) {
      s.counters.equivocations++;
      s.distrust(peerName, 0, `equivocation on ${s.sets.get(set)!.set.key} at epoch ${epoch}`);
      this.report(peerName, { a: earlier, b: signed });
      return false;
    }
    return s.peers.trust[peer]! > 0;
  }

  /** Gossip a proof once per equivocating peer, so nodes it never lied to can act too. */
  private report(peer: string, proof: EquivocationProof): void {
    if (this.s.reported.has(peer)) return;
    this.s.reported.add(peer);
    this.s.publish(TOPICS.evidence, encodeEvidence(proof));
  }

  /** An equivocation proof from the network: check it, and stop trusting the signer everywhere. */
  ingest(bytes: Uint8Array, from: string): Verdict {
    const s = this.s;
    const proof = decodeEvidence(bytes);
    const signer = checkEvidence(s.c.crypto.signatures, proof);
    if (signer === null) throw new DecodeError("invalid", "evidence", "the two answers do not prove an equivocation");
    const culprit = s.c.peerIdOf(signer);
    if (s.peers.trust[s.peers.index(culprit)] === 0) return "ignore"; // already known: do not re-flood
    s.counters.evidenceAccepted++;
    s.distrust(culprit, 0, `equivocation proven by ${from}`);
    s.reported.add(culprit);
    return "accept";
  }

  /** Whether `signer` is the public key behind `peer` (answers are signed with the peer identity key). */
  signerIs(signer: Uint8Array, peer: string): boolean {
    // Every answer is checked here: the key the peer proved last time, compared byte for
    // byte, spares deriving a peer id (or formatting a key) per answer. Only another key —
    // a peer replaying others' answers — costs the derivation each time.
    const keys = this.s.keyOfPeer;
    const known = keys.get(peer);
    if (known !== undefined && equalBytes(known, signer)) return true;
    if (this.s.c.peerIdOf(signer) !== peer) return false;
    if (keys.size > 10_000) keys.clear();
    keys.set(peer, signer.slice());
    return true;
  }
}
