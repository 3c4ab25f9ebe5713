/**
 * Reading peers' answers to polls: the check every signed answer passes (signer, signature),
 * and, for the preference protocols' standing polls (wire-poll.ts), each part's entries
 * resolved into this node's candidate numbers through the equivocation memory
 * (evidence.ts), with what the peer last answered about each batch remembered so that its
 * next *delta* or *same* answer reads from it (standing-batches.ts `LastAnswer`).
 *
 * Split from the poller (poller.ts), which decides when and whom to ask and feeds the
 * answers to the protocol: this is the per-entry half, the hottest code of a 100-node
 * simulation (bench/node-work.ts counts its entries; docs/node-simulator.md).
 */
import { Arena } from "../../core/arena.js";
import { DecodeError } from "../../core/errors.js";
import { transientInt32 } from "../../core/transient.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import { type Evidence, ZERO_KEY } from "./evidence.js";
import { type PollHints, type PollRound, REFUSED, type RoundAnswer, SKIPPED } from "./poll-round.js";
import type { Resync } from "./resync.js";
import { type LastAnswer, type RoundPlan, sourceOf } from "./standing-batches.js";
import type { NodeState } from "./state.js";
import { bitmapMembers, decodePollResponse, memberIds } from "./wire-poll.js";
import { type AnswerResponse, ID_BYTES, idKey, isZeroIdAt, sameId, type SignedAnswer, verifyAnswer } from "./wire.js";

export class AnswerReader {
  /**
   * where the peers' last answers keep their resolutions (core/arena.ts): they live as long
   * as their batch, and a batch's answers arrive and retire together
   */
  private readonly kept = new Arena();

  constructor(
    private readonly s: NodeState,
    private readonly evidence: Evidence,
    private readonly resync: Resync,
  ) {}

  /** Throws unless `r` is signed by `peer`'s key over `instances`. */
  checkSigned(r: AnswerResponse, peer: string, instances: Uint8Array): void {
    if (!this.evidence.signerIs(r.signer, peer)) throw new DecodeError("invalid", "answer", "signed by a key that is not the peer's");
    if (!verifyAnswer(this.s.c.crypto.signatures, instances, r)) throw new DecodeError("bad-signature", "answer", "signature does not verify");
  }

  /** An invalid answer from `peer`: counted, and the peer half distrusted. */
  invalid(peer: string, err: unknown): void {
    this.s.counters.answersInvalid++;
    this.s.distrust(peer, 0.5, `invalid answer: ${(err as Error).message}`);
  }

  /**
   * sample[x]'s raw answer `raw` to a standing poll whose parts (`parts`, one per batch of
   * `plan`) said which answer the asker holds (`seen`): each part resolved into the round's
   * candidates — a full one checked (signer, signature, equivocation) and remembered, a
   * delta checked the same way and applied over what was remembered, a *same* one read from
   * what was remembered. null: the answer is invalid (counted, the peer distrusted).
   */
  standing(raw: Uint8Array, round: PollRound, plan: RoundPlan, parts: readonly { readonly seen?: number }[], h: PollHints, x: number): RoundAnswer | null {
    const s = this.s;
    const peer = round.sample[x]!;
    const px = round.peerIdx[x]!;
    const n = plan.instances.length;
    // Read by this round's digest, then dropped: carved from shared chunks (transient.ts).
    const candidates = transientInt32(n).fill(REFUSED);
    let locked: Uint8Array | undefined;
    try {
      const r = decodePollResponse(raw, plan.batches.map((b) => b.members.length));
      if (r.kind === "error") throw new DecodeError("invalid", "answer", `the peer refused: ${r.message}`);
      // Check every signed part before using any: one bad signature refuses the whole answer.
      const deltaIds: (Uint8Array | undefined)[] = [];
      const deltaMembers: (number[] | undefined)[] = [];
      r.parts.forEach((part, k) => {
        const b = plan.batches[k]!;
        if (part.status === "full") this.checkSigned(part.answer, peer, b.ids);
        else if (part.status === "delta") {
          // A delta applies over the answer the poll said it holds: never over a registration.
          if (parts[k]!.seen === undefined || b.last.get(px)?.seq !== parts[k]!.seen) throw new DecodeError("invalid", "answer", `part ${k}: a delta over an answer the asker does not hold`);
          const members = bitmapMembers(part.members, b.members.length);
          deltaMembers[k] = members;
          // Kept as the delta's signed evidence (LastAnswer.sources): from the reader's arena.
          deltaIds[k] = memberIds(b.ids, members, this.kept.bytes(members.length * ID_BYTES));
          this.checkSigned(part.answer, peer, deltaIds[k]!);
        }
      });
      const trusted = s.peers.trust[px]! > 0;
      r.parts.forEach((part, k) => {
        const b = plan.batches[k]!;
        if (part.status === "unknown") {
          b.last.delete(px); // registered again next time
          return;
        }
        let last = b.last.get(px);
        if (part.status === "full") {
          const signed = { instances: b.ids, answer: part.answer };
          const cand = this.kept.int32(b.members.length);
          for (let j = 0; j < cand.length; j++) cand[j] = this.resolve(b.members[j]!, round, x, part.answer, j, signed, h, b.offset + j, plan.inactive);
          last = { cand, locked: part.answer.locked, signed, sources: undefined, positions: undefined, seq: part.seq };
          b.last.set(px, last);
        } else if (part.status === "delta") {
          // One signed object for the delta: every member it covers keeps it as its evidence.
          const signed = { instances: deltaIds[k]!, answer: part.answer };
          last = applyDelta(this.kept, last!, part.answer, signed, deltaMembers[k]!, part.seq, (j, at) => this.resolve(b.members[j]!, round, x, part.answer, at, signed, h, b.offset + j, plan.inactive));
        } else if (last === undefined || !trusted) {
          return; // a "same" about nothing remembered (or from a peer no longer trusted) counts as no answer
        }
        const l = last;
        const m = b.members.length;
        const inactive = plan.inactive;
        // The resolutions and locked bits as remembered, copied whole; then the members not
        // polled this round, and (for a *same*) those that resolved to nothing last time.
        candidates.set(l.cand, b.offset);
        if (l.locked !== undefined) (locked ??= new Uint8Array(n)).set(l.locked.subarray(0, m), b.offset); // the decoder holds it to m bytes
        const same = part.status === "same";
        if (!same && plan.skips[k] === undefined) return; // no member inactive: nothing to fix
        for (let j = 0; j < m; j++) {
          const at = b.offset + j;
          if (inactive[at] === 1) candidates[at] = SKIPPED;
          else if (same) {
            const c = l.cand[j]!;
            if (c >= 0 || c === REFUSED) continue;
            // Resolved to nothing (or to a set since done) last time: what it names may be known here now.
            const src = sourceOf(l, j);
            candidates[at] = l.cand[j] = this.resolve(b.members[j]!, round, x, src.signed.answer, src.at, src.signed, h, at, inactive);
          }
        }
      });
      s.counters.queriesAnswered++;
      return locked === undefined ? { candidates } : { candidates, locked };
    } catch (err) {
      this.invalid(peer, err);
      return null;
    }
  }

  /**
   * The candidate a signed answer from sample[x] names for instance `i` (its `jr`-th
   * entry; the round's `jh`-th instance), in this node's order: NO_CANDIDATE (none, or
   * unknown here), REFUSED (the evidence check refused it) or SKIPPED (no longer polled).
   */
  private resolve(i: number, round: PollRound, x: number, r: AnswerResponse, jr: number, signed: SignedAnswer, h: PollHints, jh: number, inactive: Uint8Array): number {
    const s = this.s;
    // Read from the table's columns: the set's object is only needed on the slow path below.
    if (inactive[jh] === 1 || !s.table.undecided(i)) return SKIPPED;
    const peer = round.sample[x]!;
    const e = jr * 4;
    const epochs = r.epochs;
    const epoch = (epochs[e]! | (epochs[e + 1]! << 8) | (epochs[e + 2]! << 16) | (epochs[e + 3]! << 24)) >>> 0;
    // Fast path: most answers name what this node prefers itself (hints), whose id and
    // key the round computed once — no string built, no map searched per answer.
    const pref = r.preferences!;
    const at = jr * ID_BYTES;
    if (h.index[jh]! >= 0 && sameId(h.ids, pref, at, jh * ID_BYTES)) {
      return this.evidence.check(i, round.peerIdx[x]!, peer, epoch, h.keys[jh]!, signed) ? h.index[jh]! : REFUSED;
    }
    if (isZeroIdAt(pref, at)) return this.evidence.check(i, round.peerIdx[x]!, peer, epoch, ZERO_KEY, signed) ? NO_CANDIDATE : REFUSED;
    // Another candidate known here: its key is the set's own string (state.ts `candidateKeys`),
    // found by comparing ids; a string is built only for a candidate unknown here.
    const info = s.sets.get(i)!;
    for (let c = 0; c < info.set.candidates.length; c++) {
      if (s.table.candidateIdIs(i, c, pref, at)) return this.evidence.check(i, round.peerIdx[x]!, peer, epoch, info.candidateKeys[c]!, signed) ? c : REFUSED;
    }
    if (!this.evidence.check(i, round.peerIdx[x]!, peer, epoch, idKey(pref, at), signed)) return REFUSED;
    this.resync.wantSet(i, peer);
    return NO_CANDIDATE;
  }
}

/**
 * `last` with a delta applied (wire-poll.ts): each member the delta covers (`members`, in
 * the delta's order) takes its resolution (`resolve(member, position in the delta)`), its
 * locked bit and its source from the delta. The full answer's arrays are copied before
 * the first delta changes them: they are the signed evidence.
 */
function applyDelta(kept: Arena, last: LastAnswer, answer: AnswerResponse, signed: SignedAnswer, members: readonly number[], seq: number, resolve: (j: number, at: number) => number): LastAnswer {
  const n = last.cand.length;
  if (last.sources === undefined) {
    last.sources = new Array<SignedAnswer>(n).fill(last.signed);
    const positions = kept.int32(n);
    for (let j = 0; j < n; j++) positions[j] = j;
    last.positions = positions;
    if (last.locked !== undefined) {
      const copy = kept.bytes(n);
      copy.set(last.locked);
      last.locked = copy;
    }
  }
  members.forEach((j, at) => {
    last.cand[j] = resolve(j, at);
    last.sources![j] = signed;
    last.positions![j] = at;
    const isLocked = answer.locked?.[at] === 1;
    if (isLocked) (last.locked ??= kept.bytes(n))[j] = 1;
    else if (last.locked !== undefined) last.locked[j] = 0;
  });
  last.seq = seq;
  return last;
}
