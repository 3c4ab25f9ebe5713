/**
 * When a node-driver run has decided everything it owes: which conflict sets every honest
 * node must decide, and the done-check the run loop makes every DONE_CHECK_MS once the
 * faults are over. The checkers (checkers.ts) judge the disks at the end either way.
 */
import type { SimTime } from "./time.js";
import type { ClientLoad } from "./workload.js";
import type { HonestNode } from "./world.js";

/** With every virtuous set decided, the run ends after this long without a new decision. */
const QUIET_MS = 5000;

/**
 * A set is owed a decision everywhere once any honest node accepted it, or finalized it:
 * a submission whose node died before answering may still have landed on its disk and
 * been re-announced after the restart (issue 14 §3), and then every node must decide it.
 */
export function owedKeys(accepted: ReadonlySet<string>, nodes: readonly HonestNode[]): Set<string> {
  const owed = new Set(accepted);
  for (const node of nodes) for (const key of node.disk.finalKeys) owed.add(key);
  return owed;
}

export interface CompletionOptions {
  readonly nodes: readonly HonestNode[];
  readonly load: ClientLoad;
  readonly time: SimTime;
  /** the nodes' partition mode (docs/partitions.md) */
  readonly partition: "safe" | "available";
}

export class Completion {
  private lastDecidedCount = -1;
  private lastChangeAt = 0;

  constructor(private readonly o: CompletionOptions) {}

  /**
   * Done when every node decided every owed set, or decided every virtuous one and nothing
   * more was decided for QUIET_MS (double spends stuck in an even split). Call it at each
   * check: it notes when the count of decisions last changed.
   */
  decidedEverywhere(): boolean {
    const { nodes, load, time } = this.o;
    // A submission still waiting for its node's answer (or retrying) may yet be accepted.
    if (load.submitting > 0) return false;
    const total = nodes.reduce((a, node) => a + node.disk.finalKeys.size, 0);
    if (total !== this.lastDecidedCount) {
      this.lastDecidedCount = total;
      this.lastChangeAt = time.now();
    }
    const owed = owedKeys(load.accepted, nodes);
    // `available` mode: decided is not done until the sides' conflicting decisions are
    // reconciled, i.e. every node holds the same finalized map (equal roots).
    if (this.o.partition === "available" && new Set(nodes.map((node) => node.engine?.status().ledgerRoot)).size > 1) return false;
    const all = nodes.every((node) => [...owed].every((key) => node.disk.finalKeys.has(key)));
    if (all) return true;
    const virtuous = nodes.every((node) => [...owed].every((key) => node.disk.finalKeys.has(key) || (load.submitted.get(key)?.size ?? 0) > 1));
    return virtuous && time.now() - this.lastChangeAt >= QUIET_MS;
  }
}
