/**
 * How hops travel between the transports of one in-memory network (memory.ts): the
 * {@link LinkModel} interface, and its default, the next macrotask with wall-clock timers
 * and nothing lost. The node simulator supplies its own, on simulated time with latency,
 * loss, duplication and partitions (simnet/links.ts).
 */
/** What a hop is: the network between two transports of one memory network. */
export interface LinkModel {
  /**
   * Deliver one hop from `from` to `to` by calling `deliver` later: never synchronously,
   * once normally, not at all when the hop is lost, twice when it is duplicated.
   * `kind` says what travels (a dial, a pub/sub message, a request or its response).
   */
  hop(from: string, to: string, kind: HopKind, deliver: () => void): void;
  /** Run `fn` once after `ms` milliseconds (a request's time limit); returns its canceller. */
  timer(ms: number, fn: () => void): () => void;
  /**
   * The peers `from` forwards pub/sub messages to, out of its connected peers (gossipsub's
   * mesh). Absent: every connected peer (flooding). Requests may go to any connected peer.
   */
  meshOf?(from: string, connected: ReadonlySet<string>): Iterable<string>;
}

export type HopKind = "dial" | "message" | "request" | "response";

/** The default link: the next macrotask, wall-clock timers, nothing lost. */
export const immediateLinks: LinkModel = {
  hop: (_from, _to, _kind, deliver) => void setImmediate(deliver),
  timer(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
