/**
 * The outcome of a `driver: node` run: the checkers' verdicts on what the nodes left on
 * their disks and reported, and the deterministic summary (a pure function of scenario and
 * seed; wall-clock speed figures travel beside it, in {@link NodeRunOutput.speed}).
 */
import { quantile } from "../../core/quantile.js";
import type { NodeDriverSpec } from "../../sim/consensus/setting.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { BYZANTINE_KINDS, type ByzantineKind } from "./byzantine.js";
import { type CheckerName, runCheckers, type Violation } from "./checkers.js";
import { owedKeys } from "./completion.js";
import type { Lifecycle } from "./lifecycle.js";
import type { LinkStats } from "./links.js";
import type { ClientLoad } from "./workload.js";
import type { HonestNode } from "./world.js";

export interface NodeRunSummary {
  readonly driver: "node";
  readonly protocol: string;
  readonly seed: number;
  readonly nodes: number;
  readonly byzantine: Readonly<Record<ByzantineKind, number>>;
  readonly crypto: "ideal" | "ed25519";
  /** conflict sets submitted, transactions submitted, refused by the node asked, double spends */
  readonly workload: {
    readonly sets: number;
    readonly txs: number;
    readonly refused: number;
    /** submissions a node answered `overloaded`, tried again a simulated second later */
    readonly overloadRetries: number;
    /** submissions whose node was killed before it answered (counted in `refused` too) */
    readonly connectionLost: number;
    readonly doubleSpends: number;
    readonly accepted: number;
  };
  /** decided sets per honest node at the end: min / median / max */
  readonly decided: { readonly min: number; readonly median: number; readonly max: number };
  /** finality latency from a node's first sight to its decision (its `finalized` events), ms */
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null; readonly max: number | null };
  /** simulated ms when every honest node up had decided every accepted virtuous set (null: never) */
  readonly allDecidedAtMs: number | null;
  /** simulated time of the first decision any honest node made (null: none) */
  readonly firstDecisionAtMs: number | null;
  readonly simulatedMs: number;
  /** when the last fault healed (partition, restart) or the last set was submitted */
  readonly lastFaultMs: number;
  readonly crashes: number;
  readonly network: { readonly delivered: number; readonly lost: number; readonly cut: number; readonly duplicated: number };
  readonly disks: { readonly commits: number; readonly landedAtCrash: number; readonly lostAtCrash: number };
  /** sheaf-conflict events honest nodes raised */
  readonly sheafConflicts: number;
  /** decisions honest nodes took back and reported (`available` partition mode) */
  readonly reversals: number;
  /** the partition mode the nodes ran (docs/partitions.md) */
  readonly partition: "safe" | "available";
  /** double-spend sets some node up at the end left undecided (largest count over nodes; not a violation) */
  readonly rogueUndecided: number;
  /** simulator events: timers fired and messages delivered */
  readonly events: number;
  readonly checks: Readonly<Record<CheckerName, number>>;
  readonly violations: readonly Violation[];
}

export interface NodeRunOutput {
  readonly summary: NodeRunSummary;
  /** wall-clock figures (not part of the deterministic summary) */
  readonly speed: { readonly wallMs: number; readonly eventsPerSecond: number };
}

/** What the run hands over once its nodes are stopped and their disks read. */
export interface RunEnd {
  readonly scenario: Scenario;
  readonly spec: NodeDriverSpec;
  readonly nodes: readonly HonestNode[];
  readonly load: ClientLoad;
  readonly life: Lifecycle;
  readonly linkStats: LinkStats;
  /** per node, its finalized map as read from its disk after the stop */
  readonly ledgers: Map<string, string>[];
  /** per node, whether it was up at the end, and its ledger root then (null: down) */
  readonly up: boolean[];
  readonly roots: (string | null)[];
  /** unhandled rejections and failed background work, and submissions never answered */
  readonly unhandled: string[];
  readonly allDecidedAtMs: number | null;
  readonly simulatedMs: number;
  readonly lastFaultMs: number;
  /** simulator events so far */
  readonly events: number;
}

/** Run the checkers and assemble the summary. */
export function judge(r: RunEnd): NodeRunSummary {
  const { scenario, spec, nodes, load, life, ledgers } = r;
  const { violations, counts, rogueUndecided } = runCheckers({
    ledgers,
    reported: nodes.map((x) => x.reported),
    upAtEnd: r.up,
    roots: r.roots,
    submitted: load.submitted,
    accepted: owedKeys(load.accepted, nodes),
    failures: nodes.flatMap((x) => x.failures),
    unhandled: r.unhandled,
    convictions: nodes.map((x) => x.convicted),
    honestPeers: nodes.map((x) => x.peerId),
  });
  const sizes = ledgers.map((l) => l.size).sort((a, b) => a - b);
  const sortedLatencies = life.latencies.slice().sort((a, b) => a - b);
  const diskStats = nodes.map((x) => x.disk.stats);
  return {
    driver: "node",
    protocol: scenario.protocol,
    seed: scenario.seed,
    nodes: nodes.length,
    byzantine: Object.fromEntries(BYZANTINE_KINDS.map((k) => [k, spec.byzantine[k]])) as Record<ByzantineKind, number>,
    crypto: spec.crypto,
    workload: { sets: spec.txs, txs: load.txCount, refused: load.refused, overloadRetries: load.overloadRetries, connectionLost: load.lostInCrash, doubleSpends: load.doubleSpends, accepted: load.accepted.size },
    decided: { min: sizes[0] ?? 0, median: quantile(sizes, 0.5), max: sizes[sizes.length - 1] ?? 0 },
    latencyMs: {
      p50: sortedLatencies.length > 0 ? quantile(sortedLatencies, 0.5) : null,
      p99: sortedLatencies.length > 0 ? quantile(sortedLatencies, 0.99) : null,
      max: sortedLatencies.length > 0 ? sortedLatencies[sortedLatencies.length - 1]! : null,
    },
    allDecidedAtMs: r.allDecidedAtMs,
    firstDecisionAtMs: life.firstDecisionAtMs,
    simulatedMs: r.simulatedMs,
    lastFaultMs: r.lastFaultMs,
    crashes: life.crashes,
    network: { ...r.linkStats },
    disks: {
      commits: diskStats.reduce((a, d) => a + d.commits, 0),
      landedAtCrash: diskStats.reduce((a, d) => a + d.landedAtCrash, 0),
      lostAtCrash: diskStats.reduce((a, d) => a + d.lostAtCrash, 0),
    },
    sheafConflicts: life.sheafConflicts,
    reversals: life.reversals,
    partition: spec.partition,
    rogueUndecided,
    events: r.events,
    checks: counts,
    violations,
  };
}
