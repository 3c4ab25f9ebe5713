/**
 * The checkers every node-driver run ends with (Jepsen's and VOPR's kind: judge the
 * outcome, not the code). Each returns its violations; an empty list is a pass.
 *
 * - safety: no two honest nodes ever finalized different transactions for one conflict set
 *   (from their ledgers and from every `finalized` event they emitted);
 * - validity: every finalized transaction is one a client submitted;
 * - liveness: after the last fault healed, every honest node that is up at the end decided
 *   every virtuous conflict set (one transaction submitted) some honest node accepted,
 *   within the drain. Double spends are not owed a decision: Avalanche promises liveness
 *   to virtuous transactions only, and a Snowball network split evenly between two twins
 *   can stay split for ever (with k = n − 1 it must: every sample is the same). Undecided
 *   double spends are counted in the summary instead (`rogueUndecided`);
 * - durability: nothing a node reported final (its `finalized` event) is missing from its
 *   ledger at the end, across any number of crashes and restarts;
 * - agreement of roots: honest nodes that decided everything hold identical finalized maps
 *   and report the same ledger root;
 * - failures: no background failure caught inside a node and no unhandled rejection;
 * - accusations: no honest node holds another honest node a proven equivocator. An honest
 *   responder signs one candidate per (set, epoch), so a conviction of one is a bug in
 *   the asker's or the responder's bookkeeping, and it costs the accused its trust (left
 *   out of every sample) network-wide. (Found 2026-12-05: askers with more than one
 *   standing batch per round compared the wrong bytes and convicted honest peers.)
 */

export const CHECKERS = ["safety", "validity", "liveness", "durability", "roots", "failures", "accusations"] as const;
export type CheckerName = (typeof CHECKERS)[number];

export interface Violation {
  readonly checker: CheckerName;
  /** one line saying what was seen */
  readonly detail: string;
}

export interface RunRecord {
  /** per honest node: conflict key → CID in its ledger at the end */
  readonly ledgers: readonly ReadonlyMap<string, string>[];
  /** per honest node: every (conflict key, CID) its `finalized` events reported, any incarnation */
  readonly reported: readonly ReadonlyMap<string, string>[];
  /** per honest node: whether it is up at the end */
  readonly upAtEnd: readonly boolean[];
  /** per honest node: its ledger root at the end (null when down) */
  readonly roots: readonly (string | null)[];
  /** every transaction CID a client submitted, by conflict key */
  readonly submitted: ReadonlyMap<string, ReadonlySet<string>>;
  /** conflict keys some honest node accepted at least one transaction of */
  readonly accepted: ReadonlySet<string>;
  /** background failures caught in honest nodes: one line each */
  readonly failures: readonly string[];
  /** unhandled rejections seen during the run */
  readonly unhandled: readonly string[];
  /** per honest node: the peers it held proven equivocators (every incarnation) */
  readonly convictions: readonly ReadonlySet<string>[];
  /** the honest nodes' peer ids, by index */
  readonly honestPeers: readonly string[];
}

/** Examples kept per checker (the count is always exact). */
const MAX_EXAMPLES = 5;

export function runCheckers(r: RunRecord): { violations: Violation[]; counts: Record<CheckerName, number>; rogueUndecided: number } {
  const counts = Object.fromEntries(CHECKERS.map((c) => [c, 0])) as Record<CheckerName, number>;
  const violations: Violation[] = [];
  const add = (checker: CheckerName, detail: string) => {
    if (counts[checker]++ < MAX_EXAMPLES) violations.push({ checker, detail });
  };

  // safety: one CID per conflict key over every honest source
  const decided = new Map<string, Map<string, number>>();
  const note = (node: number, source: ReadonlyMap<string, string>) => {
    for (const [key, cid] of source) {
      let byCid = decided.get(key);
      if (byCid === undefined) decided.set(key, (byCid = new Map()));
      if (!byCid.has(cid)) byCid.set(cid, node);
    }
  };
  r.ledgers.forEach((l, i) => note(i, l));
  r.reported.forEach((l, i) => note(i, l));
  for (const [key, byCid] of decided) {
    if (byCid.size > 1) add("safety", `conflict ${key}: ${[...byCid].map(([cid, node]) => `node ${node} finalized ${cid}`).join(", ")}`);
  }

  // validity
  for (const [key, byCid] of decided) {
    for (const [cid, node] of byCid) {
      if (!r.submitted.get(key)?.has(cid)) add("validity", `node ${node} finalized ${cid} for ${key}, which no client submitted`);
    }
  }

  // liveness (virtuous sets only)
  const virtuous = [...r.accepted].filter((key) => (r.submitted.get(key)?.size ?? 0) <= 1);
  r.ledgers.forEach((ledger, i) => {
    if (!r.upAtEnd[i]) return;
    let missing = 0;
    let example = "";
    for (const key of virtuous) {
      if (!ledger.has(key)) {
        if (missing++ === 0) example = key;
      }
    }
    if (missing > 0) add("liveness", `node ${i} left ${missing} of ${virtuous.length} accepted virtuous conflict sets undecided (e.g. ${example})`);
  });

  // durability
  r.reported.forEach((reported, i) => {
    for (const [key, cid] of reported) {
      const stored = r.ledgers[i]!.get(key);
      if (stored !== cid) add("durability", `node ${i} reported ${key} final on ${cid} but its ledger holds ${stored ?? "nothing"}`);
    }
  });

  // roots: among nodes up at the end that decided every accepted set (double spends included)
  const complete = r.ledgers.map((l, i) => i).filter((i) => r.upAtEnd[i] && [...r.accepted].every((k) => r.ledgers[i]!.has(k)));
  if (complete.length > 1) {
    const first = complete[0]!;
    for (const i of complete.slice(1)) {
      if (!sameMap(r.ledgers[first]!, r.ledgers[i]!)) add("roots", `nodes ${first} and ${i} decided every set but hold different finalized maps (${r.ledgers[first]!.size} vs ${r.ledgers[i]!.size} entries)`);
      else if (r.roots[i] !== r.roots[first]) add("roots", `nodes ${first} and ${i} hold the same finalized map but report different ledger roots`);
    }
  }

  for (const f of r.failures) add("failures", f);
  for (const u of r.unhandled) add("failures", `unhandled rejection: ${u}`);

  // accusations: an honest peer convicted of equivocation
  const honestIndex = new Map(r.honestPeers.map((p, i) => [p, i]));
  r.convictions.forEach((convicted, i) => {
    for (const peer of convicted) {
      const j = honestIndex.get(peer);
      if (j !== undefined) add("accusations", `node ${i} holds honest node ${j} a proven equivocator`);
    }
  });
  const rogueUndecided = Math.max(0, ...r.ledgers.map((l, i) => (r.upAtEnd[i] ? [...r.accepted].filter((k) => (r.submitted.get(k)?.size ?? 0) > 1 && !l.has(k)).length : 0)));
  return { violations, counts, rogueUndecided };
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
