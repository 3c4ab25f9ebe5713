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

/**
 * What the peers' latest answers about one set named: a slot per peer that answered, the
 * peer's slot found through a map, the values in plain arrays. Reading it (support,
 * strongest) walks the arrays: a Map of `{ candidate, at }` objects per set, walked with
 * its iterator on every check of every deferred set, allocated ~400 MB in a 100-node,
 * 300-set simulation (a sampling heap profile), for nothing but reads.
 */
interface Row {
  readonly slot: Map<number, number>;
  readonly candidate: number[];
  readonly at: number[];
}

/** Per-candidate tallies of {@link QuorumGate.strongest}: reused, zero between calls. */
const tally: number[] = [];

export class QuorumGate {
  /** instance → what each peer's latest answer about it named, and when */
  private readonly named = new Map<number, Row>();

  /** Peer `peer` answered about instance `i`, naming `candidate` (NO_CANDIDATE: none). */
  note(i: number, peer: number, candidate: number, now: number): void {
    let row = this.named.get(i);
    if (row === undefined) this.named.set(i, (row = { slot: new Map(), candidate: [], at: [] }));
    const x = row.slot.get(peer);
    if (x === undefined) {
      row.slot.set(peer, row.candidate.length);
      row.candidate.push(candidate);
      row.at.push(now);
    } else {
      row.candidate[x] = candidate;
      row.at[x] = now;
    }
  }

  /** Peers whose latest answer about `i`, no older than `windowMs`, named `candidate`. */
  support(i: number, candidate: number, now: number, windowMs: number): number {
    const row = this.named.get(i);
    if (row === undefined) return 0;
    let n = 0;
    for (let x = 0; x < row.candidate.length; x++) if (row.candidate[x] === candidate && now - row.at[x]! <= windowMs) n++;
    return n;
  }

  /** The candidate most peers named recently (lowest index on a tie), and how many did. */
  strongest(i: number, now: number, windowMs: number): { candidate: number; peers: number } {
    const row = this.named.get(i);
    let best = NO_CANDIDATE;
    let peers = 0;
    if (row === undefined) return { candidate: best, peers };
    let top = -1;
    for (let x = 0; x < row.candidate.length; x++) {
      const c = row.candidate[x]!;
      if (c < 0 || now - row.at[x]! > windowMs) continue; // NO_CANDIDATE, or too old
      while (tally.length <= c) tally.push(0);
      tally[c]!++;
      if (c > top) top = c;
    }
    for (let c = 0; c <= top; c++) {
      if (tally[c]! > peers) {
        peers = tally[c]!;
        best = c;
      }
      tally[c] = 0;
    }
    return { candidate: best, peers };
  }

  forget(i: number): void {
    this.named.delete(i);
  }

  /** Sets with answers held (for the memory accounting). */
  get size(): number {
    return this.named.size;
  }
}
