/**
 * The simulated network under a {@link MemoryNetwork}: every hop is scheduled on the
 * simulated clock with a latency drawn from the scenario's distribution (1 tick = 1 ms),
 * lost with probability `loss`, delivered twice with probability `duplication`, and
 * dropped while its two ends sit on different sides of a scheduled partition (judged
 * when it is sent, as the event driver does). Every node connects to every other (any
 * peer can be polled: global sampling, as a devnet's full mesh of connections gives), and
 * pub/sub travels over the scenario's topology, gossipsub's mesh. Dials are never lost (a real dial that
 * fails is retried by the node; the simulator's nodes dial once at start and on restart).
 */
import type { Rng } from "../../core/prng.js";
import { latencySampler, type LatencySpec, type ResolvedPartition } from "../../sim/event/network.js";
import type { HopKind, LinkModel } from "../transport/memory.js";
import type { SimTime } from "./time.js";

export interface LinkStats {
  delivered: number;
  lost: number;
  cut: number;
  duplicated: number;
}

export interface SimLinksOptions {
  readonly time: SimTime;
  readonly rng: Rng;
  readonly latency: LatencySpec;
  readonly loss: number;
  readonly duplication: number;
  readonly partitions: readonly ResolvedPartition[];
  /** node index of each peer id (peers not listed, such as clients, are never partitioned) */
  readonly indexOf: ReadonlyMap<string, number>;
  /** each peer's gossip mesh: the peers it forwards pub/sub messages to (when connected) */
  readonly mesh: ReadonlyMap<string, readonly string[]>;
}

export class SimLinks implements LinkModel {
  readonly stats: LinkStats = { delivered: 0, lost: 0, cut: 0, duplicated: 0 };
  private readonly latency: () => number;

  constructor(private readonly o: SimLinksOptions) {
    this.latency = latencySampler(o.latency, o.rng);
  }

  /** Whether `a` and `b` are on different sides of a partition at time `t`. */
  cut(a: string, b: string, t: number): boolean {
    const i = this.o.indexOf.get(a);
    const j = this.o.indexOf.get(b);
    if (i === undefined || j === undefined) return false;
    for (const p of this.o.partitions) {
      if (t >= p.at && t < p.heal && p.group[i] !== p.group[j]) return true;
    }
    return false;
  }

  hop(from: string, to: string, kind: HopKind, deliver: () => void): void {
    const clock = this.o.time.clock;
    if (kind !== "dial") {
      if (this.cut(from, to, clock.now())) {
        this.stats.cut++;
        return;
      }
      if (this.o.loss > 0 && this.o.rng.nextFloat() < this.o.loss) {
        this.stats.lost++;
        return;
      }
      if (this.o.duplication > 0 && this.o.rng.nextFloat() < this.o.duplication) {
        this.stats.duplicated++;
        this.schedule(deliver);
      }
    }
    this.schedule(deliver);
  }

  meshOf(from: string, connected: ReadonlySet<string>): Iterable<string> {
    const mesh = this.o.mesh.get(from);
    return mesh === undefined ? connected : mesh.filter((p) => connected.has(p));
  }

  timer(ms: number, fn: () => void): () => void {
    const handle = this.o.time.clock.after(ms, fn);
    return () => handle.cancel();
  }

  private schedule(deliver: () => void): void {
    this.o.time.clock.after(this.latency(), () => {
      this.stats.delivered++;
      deliver();
    });
  }
}
