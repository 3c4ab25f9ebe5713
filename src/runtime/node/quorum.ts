/**
 * The quorum gate of the `safe` partition mode: what each peer's latest answer named, per
 * pending set, so that a set is finalized only on a candidate a quorum of the validators
 * named recently.
 *
 * Why: the protocols' own finality rules are local. Snowball samples the whole validator
 * set and counts the unreachable as silent, so a side of a partition smaller than α/K of
 * the network cannot finalize; but T-M.E.S.H. exchanges with the partners it can reach,
 * and its entropy falls on each side alike — measured: 8 nodes split 4/4 finalized 7
 * double spends on conflicting candidates (scenarios/claims/… and the test beside this
 * module). The gate is the standard quorum-intersection argument: a decision needs more
 * than half of the validator set behind it, and two majorities share a validator, so two
 * sides of a partition cannot both decide, and a side without a majority decides nothing.
 *
 * What it does not give: BFT safety against validators that change their minds. A
 * majority named c in the window; an honest validator in it may name c' later (its
 * preference moved), and a majority for c' may then form. Snowball's and T-M.E.S.H.'s
 * convergence make that rare, not impossible; docs/partitions.md says so.
 *
 * Pure: time is passed in. Memory: one entry per (pending set, peer that answered),
 * dropped when the set is decided or forgotten.
 */
import { NO_CANDIDATE } from "../../protocols/consensus.js";

/** Validators needed for a quorum of `validators` (a strict majority). */
export function quorumSize(validators: number): number {
  return Math.floor(validators / 2) + 1;
}

/** The quorum window's floor per validator, ms ({@link quorumWindowMs}). */
export const QUORUM_MS_PER_VALIDATOR = 100;

/**
 * How recent a locked answer must be to count toward the quorum, ms: the configured
 * window, and at least {@link QUORUM_MS_PER_VALIDATOR} per validator. A protocol that hears
 * one peer per round (T-MESH: one partner per interaction) hears a majority of distinct
 * validators only after about N·ln 2 ≈ 0.69 N answers (coupon collecting half of N), at one
 * per round of 50–80 ms (poll interval + round trip). With a fixed 3 s window, 100 T-MESH
 * nodes never gathered a quorum in time: 95 of 100 decided nothing in 32 s simulated
 * (2026-12-05, `scenarios/node-100.yaml --set protocol=tmesh --set node.txs=30`); with
 * the window at 10 s every node decided every set, p50 5.4 s. A longer window only widens
 * the staleness the gate already admits (docs/partitions.md, "Exact freshness").
 */
export function quorumWindowMs(configuredMs: number, validators: number): number {
  return Math.max(configuredMs, QUORUM_MS_PER_VALIDATOR * validators);
}

interface Named {
  candidate: number;
  at: number;
}

export class QuorumGate {
  /** instance → peer index → what that peer's latest answer named, and when */
  private readonly named = new Map<number, Map<number, Named>>();

  /** Peer `peer` answered about instance `i`, naming `candidate` (NO_CANDIDATE: none). */
  note(i: number, peer: number, candidate: number, now: number): void {
    let m = this.named.get(i);
    if (m === undefined) this.named.set(i, (m = new Map()));
    m.set(peer, { candidate, at: now });
  }

  /** Peers whose latest answer about `i`, no older than `windowMs`, named `candidate`. */
  support(i: number, candidate: number, now: number, windowMs: number): number {
    let n = 0;
    for (const x of this.named.get(i)?.values() ?? []) if (x.candidate === candidate && now - x.at <= windowMs) n++;
    return n;
  }

  /** The candidate most peers named recently (lowest index on a tie), and how many did. */
  strongest(i: number, now: number, windowMs: number): { candidate: number; peers: number } {
    const counts = new Map<number, number>();
    for (const x of this.named.get(i)?.values() ?? []) {
      if (x.candidate === NO_CANDIDATE || now - x.at > windowMs) continue;
      counts.set(x.candidate, (counts.get(x.candidate) ?? 0) + 1);
    }
    let best = { candidate: NO_CANDIDATE, peers: 0 };
    for (const [candidate, peers] of counts) if (peers > best.peers || (peers === best.peers && candidate < best.candidate)) best = { candidate, peers };
    return best;
  }

  forget(i: number): void {
    this.named.delete(i);
  }

  /** Sets with answers held (for the memory accounting). */
  get size(): number {
    return this.named.size;
  }
}
