/**
 * Churn in the event driver: which nodes are down, when each crashes and when it comes
 * back. A crash-recovery model with stable storage (README.md, "Churn"): a down node sends
 * and answers nothing and loses its open polls, and restarts with its state.
 */
import type { Rng } from "../../core/prng.js";
import type { EventCounters } from "./counters.js";
import { CRASH, RESTART, scheduleNode } from "./events.js";
import type { NetworkSpec } from "./network.js";
import type { EventQueue } from "./queue.js";

export class Churn {
  /** per node, 1 while it is down */
  readonly down: Uint8Array;

  constructor(
    private readonly queue: EventQueue,
    /** where crashes are counted (the run) */
    private readonly counters: EventCounters,
    nodes: number,
    private readonly spec: NetworkSpec["churn"],
    private readonly rng: Rng,
  ) {
    this.down = new Uint8Array(nodes);
  }

  /** Schedule every node's first crash, in node order (no churn: nothing). */
  start(): void {
    if (this.spec && this.spec.rate > 0) {
      for (let i = 0; i < this.down.length; i++) scheduleNode(this.queue, CRASH, i, 0, this.upTime());
    }
  }

  /** A node crashes: it stops sending and answering until its restart. (The caller drops its open polls.) */
  crash(node: number, tick: number): void {
    this.counters.crashes++;
    this.down[node] = 1;
    const mean = this.spec!.session.mean;
    const downtime = Math.max(1, Math.ceil(-Math.log(1 - this.rng.nextFloat()) * mean));
    scheduleNode(this.queue, RESTART, node, tick, downtime);
  }

  /** A node comes back, with its state, and its next crash is scheduled. */
  restart(node: number, tick: number): void {
    this.down[node] = 0;
    scheduleNode(this.queue, CRASH, node, tick, this.upTime());
  }

  /** Ticks until the next crash: exponential with mean 1/rate, at least 1. */
  private upTime(): number {
    return Math.max(1, Math.ceil(-Math.log(1 - this.rng.nextFloat()) / this.spec!.rate));
  }
}
