/**
 * How many messages, and bytes, a node sends and receives through its {@link Transport},
 * by kind. The throughput work (issue 12) needs it: at 16 nodes more than half of a node's
 * CPU is the message stack (framing, encryption, socket writes, gossipsub), so the cost of a
 * transaction is "messages per transaction × CPU per message" as much as anything the
 * engine computes. `bench/devnet.ts` reports messages per finalized set per node from it.
 *
 * It wraps the node's transport (a decorator over the port: the transport itself is not
 * touched, so every implementation — libp2p, memory, the simulator's — is counted the
 * same way). Counted where the node sees a message: what it publishes (gossipsub's relays
 * of other nodes' messages are the library's and not counted), requests it sends and the
 * responses it gets, gossip handed to its handler, requests it answers and its answers.
 * Pure bookkeeping: no clock, no I/O of its own.
 */
import { TOPICS, type MessageHandler, type RequestHandler, type Topic, type Transport } from "../ports.js";

/** What a message was: a gossip topic's short name, or one side of a request. */
export const MESSAGE_KINDS = ["tx", "vertex", "heads", "evidence", "request", "response"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export type Direction = "in" | "out";

export interface MessageTally {
  messages: number;
  bytes: number;
}

const TOPIC_KIND: ReadonlyMap<string, MessageKind> = new Map<string, MessageKind>([
  [TOPICS.tx, "tx"],
  [TOPICS.vertex, "vertex"],
  [TOPICS.heads, "heads"],
  [TOPICS.evidence, "evidence"],
]);

/** Counts per direction and kind (live objects: read them, do not keep them as snapshots). */
export class MessageCounts {
  private readonly tallies = new Map<string, MessageTally>();

  constructor() {
    for (const d of ["in", "out"] as const) for (const k of MESSAGE_KINDS) this.tallies.set(`${d}:${k}`, { messages: 0, bytes: 0 });
  }

  count(direction: Direction, kind: MessageKind, bytes: number): void {
    const t = this.tallies.get(`${direction}:${kind}`)!;
    t.messages++;
    t.bytes += bytes;
  }

  get(direction: Direction, kind: MessageKind): Readonly<MessageTally> {
    return this.tallies.get(`${direction}:${kind}`)!;
  }

  /** Messages in both directions, all kinds. */
  total(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.messages;
    return n;
  }
}

/** A topic's kind; a topic the node does not know is not counted (it is not handled either). */
function kindOfTopic(topic: Topic): MessageKind | undefined {
  return TOPIC_KIND.get(topic);
}

/**
 * `inner` with every message counted into `counts`. Everything else (peers, scores,
 * lifecycle) passes through unchanged.
 */
export function countingTransport(inner: Transport, counts: MessageCounts): Transport {
  return {
    get peerId() {
      return inner.peerId;
    },
    start: () => inner.start(),
    stop: () => inner.stop(),
    addresses: () => inner.addresses(),
    dial: (address) => inner.dial(address),
    peers: () => inner.peers(),
    setAppScore: (peer, score) => inner.setAppScore(peer, score),
    score: (peer) => inner.score(peer),
    deny: (peers) => inner.deny(peers),
    onMessage(handler: MessageHandler): void {
      inner.onMessage((topic, from, data) => {
        const kind = kindOfTopic(topic);
        if (kind !== undefined) counts.count("in", kind, data.byteLength);
        return handler(topic, from, data);
      });
    },
    onRequest(handler: RequestHandler): void {
      inner.onRequest(async (from, data) => {
        counts.count("in", "request", data.byteLength);
        const answer = await handler(from, data);
        counts.count("out", "response", answer.byteLength);
        return answer;
      });
    },
    async publish(topic: Topic, data: Uint8Array): Promise<boolean> {
      const kind = kindOfTopic(topic);
      if (kind !== undefined) counts.count("out", kind, data.byteLength);
      return inner.publish(topic, data);
    },
    async request(peer: string, data: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array> {
      counts.count("out", "request", data.byteLength);
      const answer = await inner.request(peer, data, options);
      counts.count("in", "response", answer.byteLength);
      return answer;
    },
  };
}
