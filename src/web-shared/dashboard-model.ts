/**
 * What the dashboard server tells the page, and how the page's picture follows from it.
 *
 * The server keeps one {@link DashboardSnapshot}; every change is a {@link DashboardEvent}
 * that it applies to its own snapshot and broadcasts. The page loads the snapshot once
 * and applies the same events with the same {@link applyEvent}, so server and page can
 * never disagree about what an event means. This module is shared with the browser
 * bundle (web/): it imports nothing and touches no I/O.
 */

/** Where the dashboard's data comes from. */
export type DashboardMode = "devnet" | "sim";

/** One devnet node as its last status poll saw it. */
export interface NodeRow {
  readonly index: number;
  readonly api: string;
  readonly peerId: string;
  /** false when the last status poll failed */
  readonly online: boolean;
  /** why the last poll failed */
  readonly error?: string;
  readonly protocol: string;
  /** peer ids this node is connected to */
  readonly peers: readonly string[];
  readonly finalizedCount: number;
  readonly pendingCount: number;
  readonly ledgerRoot: string;
  readonly heads: number;
  readonly uptimeMs: number;
}

/** One `finalized` event of one node. */
export interface Finalization {
  readonly node: number;
  readonly conflict: string;
  readonly cid: string;
  readonly latencyMs: number;
  /** the node's wall-clock ms */
  readonly at: number;
}

/** A per-second sample of network throughput and finality latency. */
export interface MetricPoint {
  /** dashboard wall-clock ms */
  readonly t: number;
  /** conflict sets newly finalized (by their first node) in the last second */
  readonly tps: number;
  /** latency percentiles over the recent window of finalized events, ms; null when none */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** conflict sets finalized so far (by any node) */
  readonly finalized: number;
}

/** One node's view of a double spend the dashboard submitted. */
export interface DoubleSpendOutcome {
  readonly node: number;
  readonly preferred: string | null;
  readonly final: string | null;
}

/** A double spend submitted from the dashboard and what became of it on every node. */
export interface DoubleSpendView {
  readonly id: number;
  readonly conflict: string;
  /** the two conflicting transactions' CIDs, in submission order */
  readonly cids: readonly [string, string];
  /** node indices each transaction was sent to */
  readonly sentTo: readonly [number, number];
  readonly startedAt: number;
  readonly outcomes: readonly DoubleSpendOutcome[];
  /** the CID every node finalized, once all have and agree */
  readonly winner: string | null;
  /** true when two nodes finalized different CIDs (a safety violation) */
  readonly split: boolean;
  readonly error?: string;
}

/** One recorded simulation round. */
export interface SimRound {
  readonly step: number;
  readonly observables: Readonly<Record<string, number>>;
}

/** Per-node picture of a simulated network: a (possibly sampled) topology and node colours. */
export interface SimGraph {
  /** number of nodes drawn (may be a sample of the run's nodes) */
  readonly nodes: number;
  /** edges between drawn nodes, as index pairs */
  readonly edges: readonly (readonly [number, number])[];
  /** colour class labels, by class index */
  readonly classes: readonly string[];
  /** colour class per drawn node (candidate index or state class) */
  readonly colour: readonly number[];
  /** 1 when the drawn node has finalized */
  readonly finalized: readonly number[];
  readonly sampled: boolean;
  /**
   * Position of each drawn node in [-1, 1]², laid out as the report does (ForceAtlas2,
   * src/report/layout.ts); absent when there are no edges to lay out (the page uses a circle).
   */
  readonly x?: readonly number[];
  readonly y?: readonly number[];
}

/** A simulation run shown live. */
export interface SimView {
  /** increases with every start, so late rounds of a stopped run can be told apart */
  readonly run: number;
  readonly scenario: string;
  readonly protocol: string;
  readonly nodes: number;
  readonly seed: number;
  /** observable names, in column order */
  readonly observables: readonly string[];
  readonly state: "idle" | "running" | "stopped" | "finished" | "failed";
  readonly step: number;
  readonly maxSteps: number;
  /** pause between recorded rounds, ms */
  readonly stepMs: number;
  readonly rounds: readonly SimRound[];
  readonly outcome: string | null;
  /** the run summary's scalar fields once finished */
  readonly summary: Readonly<Record<string, number | string | boolean | null>> | null;
  readonly graph: SimGraph | null;
  readonly error?: string;
}

/** Everything the page shows. */
export interface DashboardSnapshot {
  readonly mode: DashboardMode;
  readonly title: string;
  readonly protocol: string;
  readonly nodes: readonly NodeRow[];
  /** newest last, at most {@link LIMITS}.finalizations */
  readonly finalizations: readonly Finalization[];
  readonly metrics: readonly MetricPoint[];
  readonly doubleSpends: readonly DoubleSpendView[];
  readonly sim: SimView | null;
}

/** Changes the server broadcasts (server-sent events named by `type`). */
export type DashboardEvent =
  | { readonly type: "nodes"; readonly nodes: readonly NodeRow[] }
  | { readonly type: "finalized"; readonly finalization: Finalization }
  | { readonly type: "metric"; readonly point: MetricPoint }
  | { readonly type: "double-spend"; readonly view: DoubleSpendView }
  | { readonly type: "sim"; readonly sim: SimView }
  | {
      readonly type: "sim-rounds";
      readonly run: number;
      readonly rounds: readonly SimRound[];
      readonly step: number;
      readonly graph?: SimGraph;
    };

/** How much history the snapshot keeps; older entries fall off the front. */
export const LIMITS = { finalizations: 500, metrics: 300, doubleSpends: 20, rounds: 5000 } as const;

/** A mutable copy the reducer may change in place. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An empty snapshot. */
export function emptySnapshot(mode: DashboardMode, title: string, protocol: string): DashboardSnapshot {
  return { mode, title, protocol, nodes: [], finalizations: [], metrics: [], doubleSpends: [], sim: null };
}

function pushBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  const next = list.length >= limit ? list.slice(list.length - limit + 1) : list.slice();
  next.push(item);
  return next;
}

/**
 * The snapshot after one event. Returns a new snapshot (lists are copied only where they
 * change), so callers may keep the old one.
 */
export function applyEvent(snapshot: DashboardSnapshot, event: DashboardEvent): DashboardSnapshot {
  switch (event.type) {
    case "nodes":
      return { ...snapshot, nodes: event.nodes };
    case "finalized":
      return { ...snapshot, finalizations: pushBounded(snapshot.finalizations, event.finalization, LIMITS.finalizations) };
    case "metric":
      return { ...snapshot, metrics: pushBounded(snapshot.metrics, event.point, LIMITS.metrics) };
    case "double-spend": {
      const others = snapshot.doubleSpends.filter((d) => d.id !== event.view.id);
      const list = [...others, event.view].sort((a, b) => a.id - b.id);
      return { ...snapshot, doubleSpends: list.slice(Math.max(0, list.length - LIMITS.doubleSpends)) };
    }
    case "sim":
      return { ...snapshot, sim: event.sim };
    case "sim-rounds": {
      const sim = snapshot.sim;
      if (sim === null || sim.run !== event.run) return snapshot;
      const merged = sim.rounds.concat(event.rounds);
      const rounds = merged.length > LIMITS.rounds ? merged.slice(merged.length - LIMITS.rounds) : merged;
      return { ...snapshot, sim: { ...sim, rounds, step: event.step, graph: event.graph ?? sim.graph } };
    }
  }
}

/**
 * Nodes whose ledger root disagrees with another node that has finalized as many conflict
 * sets (online nodes only). Nodes at different counts differ in root just by lagging, so
 * only equal counts are compared; within a count, the roots held by fewer nodes than the
 * most common one are flagged, and every root when the most common is tied.
 */
export function mismatchedNodes(nodes: readonly NodeRow[]): Set<number> {
  const byCount = new Map<number, NodeRow[]>();
  for (const n of nodes) if (n.online) byCount.set(n.finalizedCount, [...(byCount.get(n.finalizedCount) ?? []), n]);
  const flagged = new Set<number>();
  for (const group of byCount.values()) {
    const counts = new Map<string, number>();
    for (const n of group) counts.set(n.ledgerRoot, (counts.get(n.ledgerRoot) ?? 0) + 1);
    if (counts.size < 2) continue;
    const best = Math.max(...counts.values());
    const tied = [...counts.values()].filter((c) => c === best).length > 1;
    for (const n of group) if (tied || counts.get(n.ledgerRoot)! < best) flagged.add(n.index);
  }
  return flagged;
}

/**
 * The peer graph from the nodes' peer lists, as pairs of positions in `nodes`: `edges`
 * where both ends list each other, `oneWay` where only the first lists the second.
 * Peers outside the devnet are ignored.
 */
export function peerEdges(nodes: readonly NodeRow[]): { edges: [number, number][]; oneWay: [number, number][] } {
  const position = new Map(nodes.map((n, i) => [n.peerId, i] as const));
  const links = new Set<string>();
  nodes.forEach((n, i) => {
    for (const peer of n.peers) {
      const j = position.get(peer);
      if (j !== undefined && j !== i) links.add(`${i},${j}`);
    }
  });
  const edges: [number, number][] = [];
  const oneWay: [number, number][] = [];
  for (const link of links) {
    const [i, j] = link.split(",").map(Number) as [number, number];
    if (links.has(`${j},${i}`)) {
      if (i < j) edges.push([i, j]);
    } else oneWay.push([i, j]);
  }
  return { edges, oneWay };
}
