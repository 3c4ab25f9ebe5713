/**
 * The event driver's network in motion: it takes each message a node sends and decides its
 * fate — cut by an active partition, lost, delivered after a latency, or delivered twice —
 * counts it, and hands it to the message trace. Partitions apply at send time, so messages
 * already in flight when a partition starts still arrive (README.md, "Partitions").
 */
import type { Rng } from "../../core/prng.js";
import type { LinkAttributes } from "../../topology/file.js";
import type { EventCounters } from "./counters.js";
import { QUERY } from "./events.js";
import type { ResolvedPartition } from "./network.js";
import type { EventQueue } from "./queue.js";
import type { DropReason, MessageRecord } from "./trace.js";

export interface DeliveryOptions {
  readonly queue: EventQueue;
  /** where messages, bytes, drops and duplicates are counted (the run) */
  readonly counters: EventCounters;
  /** stream "network": loss and duplication draws (shared with answer corruption, in draw order) */
  readonly rng: Rng;
  /** one-way latency draw (stream "latency") */
  readonly latency: () => number;
  readonly loss: number;
  readonly duplication: number;
  /** per-link latency and loss from a topology file's edge attributes, or null */
  readonly links: LinkAttributes | null;
  readonly partitions: readonly ResolvedPartition[];
  /** the message trace callback, or null */
  readonly onMessage: ((message: MessageRecord) => void) | null;
}

export class Delivery {
  /** tick from which the set of active partitions may differ */
  nextPartitionChange = 0;

  private readonly queue: EventQueue;
  private readonly counters: EventCounters;
  private readonly rng: Rng;
  private readonly latency: () => number;
  private readonly loss: number;
  private readonly duplication: number;
  private readonly links: LinkAttributes | null;
  private readonly partitions: readonly ResolvedPartition[];
  private readonly onMessage: ((message: MessageRecord) => void) | null;
  private active: ResolvedPartition[] = [];

  constructor(options: DeliveryOptions) {
    this.queue = options.queue;
    this.counters = options.counters;
    this.rng = options.rng;
    this.latency = options.latency;
    this.loss = options.loss;
    this.duplication = options.duplication;
    this.links = options.links;
    this.partitions = options.partitions;
    this.onMessage = options.onMessage;
    this.updatePartitions(0);
  }

  /**
   * Send message `ev` from `from` to `to` at `tick`: partitions, loss, latency, duplication.
   * A link with its own latency or loss (topology file edge attributes) uses them instead of
   * the network's; messages between unlinked nodes (global sampling) use the network's.
   */
  send(ev: number, from: number, to: number, tick: number, size: number): void {
    const { queue, counters } = this;
    counters.messages++;
    counters.bytes += size;
    const active = this.active;
    for (let p = 0; p < active.length; p++) {
      const group = active[p]!.group;
      if (group[from] !== group[to]) {
        counters.droppedPartition++;
        this.trace(ev, from, to, tick, size, "partition", null, false);
        queue.release(ev);
        return;
      }
    }
    const links = this.links;
    let loss = this.loss;
    let linkLatency = 0;
    if (links !== null) {
      const l = links.loss(from, to);
      if (l === l) loss = l;
      linkLatency = links.latency(from, to);
    }
    if (loss > 0 && this.rng.nextFloat() < loss) {
      counters.droppedLoss++;
      this.trace(ev, from, to, tick, size, "loss", null, false);
      queue.release(ev);
      return;
    }
    const arrival = tick + (linkLatency > 0 ? linkLatency : this.latency());
    if (this.duplication > 0 && this.rng.nextFloat() < this.duplication) {
      counters.duplicates++;
      this.trace(ev, from, to, tick, size, null, arrival, true);
      const copy = queue.alloc(queue.kind[ev]!);
      queue.a[copy] = queue.a[ev]!;
      queue.b[copy] = queue.b[ev]!;
      queue.c[copy] = queue.c[ev]!;
      queue.e[copy] = queue.e[ev]!;
      queue.f[copy] = queue.f[ev]!;
      const w = queue.width;
      queue.payload.copyWithin(copy * w, ev * w, ev * w + w);
      if (queue.refs[ev] !== undefined) queue.refs[copy] = queue.refs[ev];
      queue.push(ev, arrival);
      queue.push(copy, tick + (linkLatency > 0 ? linkLatency : this.latency()));
      return;
    }
    this.trace(ev, from, to, tick, size, null, arrival, false);
    queue.push(ev, arrival);
  }

  /** Whether no active partition separates nodes a and b (the sheaf check's view of the network). */
  connected(a: number, b: number): boolean {
    return this.active.every((p) => p.group[a] === p.group[b]);
  }

  /** Recompute the active partitions at `tick`, and when they next change. */
  updatePartitions(tick: number): void {
    this.active = this.partitions.filter((p) => p.at <= tick && tick < p.heal);
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.partitions) {
      if (p.at > tick) next = Math.min(next, p.at);
      if (p.heal > tick) next = Math.min(next, p.heal);
    }
    this.nextPartitionChange = next;
  }

  /** Hand a sent message to the trace callback, if there is one. */
  private trace(ev: number, from: number, to: number, tick: number, bytes: number, dropped: DropReason | null, arrival: number | null, duplicated: boolean): void {
    if (this.onMessage === null) return;
    this.onMessage({ tick, from, to, kind: this.queue.kind[ev] === QUERY ? "query" : "answer", bytes, dropped, arrival, duplicated });
  }
}
