/**
 * The conflict sets a live node holds in memory: the pending ones and a bounded number
 * of recently finalized ones. Unlike the simulators' {@link ConflictRegistry} (which
 * only grows), a set can be removed once it is final and recorded in the ledger; its
 * index (the instance number in the protocol table) is never reused.
 */
import type { BlockCid } from "../../core/codec.js";
import { type ConflictSet, MutableConflictSet } from "../../core/conflict.js";
import { parseConflictKey } from "../../core/tx.js";

/** The same growable set the simulators' registry uses. */
const LiveSet = MutableConflictSet;
type LiveSet = MutableConflictSet;

export type LiveAdd =
  | { readonly ok: true; readonly set: ConflictSet; readonly candidateIndex: number; readonly isNewSet: boolean }
  | { readonly ok: false; readonly detail: string };

export class LiveSets {
  private readonly byKey = new Map<string, LiveSet>();

  constructor(readonly maxCandidates: number) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): ConflictSet | undefined {
    return this.byKey.get(key);
  }

  /**
   * Add `cid` as a candidate of set `key`; a new set takes its index from `allocate`.
   * Throws a DecodeError when `key` is not a conflict key.
   */
  addCandidate(key: string, cid: BlockCid, allocate: () => number): LiveAdd {
    let set = this.byKey.get(key);
    let isNewSet = false;
    if (set === undefined) {
      const { author, nonce } = parseConflictKey(key);
      set = new LiveSet(key, allocate(), author, nonce);
      this.byKey.set(key, set);
      isNewSet = true;
    }
    const known = set.indexOf(cid);
    if (known >= 0) return { ok: true, set, candidateIndex: known, isNewSet };
    if (set.candidates.length >= this.maxCandidates) {
      return { ok: false, detail: `conflict set ${key} already has ${set.candidates.length} candidates (limit ${this.maxCandidates})` };
    }
    return { ok: true, set, candidateIndex: set.push(cid), isNewSet };
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
