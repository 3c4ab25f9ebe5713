/**
 * The in-memory Transport: a hub ({@link MemoryNetwork}) connecting transports in one
 * process, with the semantics of the libp2p transport that matter to a node:
 *
 * - every hop is delivered on a later macrotask (setImmediate), never synchronously, so
 *   handlers see the same reentrancy as on a real network, and bytes are copied at each
 *   hop so no two nodes share a buffer;
 * - pub/sub floods each message to the connected peers, each node dedups by message id
 *   (publisher id and sequence number, as gossipsub's StrictSign ids), and a node forwards
 *   a message only when its handler says `accept`; `reject` penalises the peer the
 *   message came from (see {@link memoryScore}), `ignore` just drops it;
 * - requests go only to connected peers, with the same size limits and time limit;
 * - `deny` drops connections, in-flight traffic and dials with the denied peers, both ways.
 *
 * What it leaves out: gossipsub's mesh (everything is flooded), score decay and the
 * positive score terms, and stream-level framing (bodies are handed over whole).
 *
 * A {@link LinkModel} replaces the default hop (the next macrotask, nothing lost) and the
 * request timer (`setTimeout`): the node simulator (`src/runtime/simnet/`) passes one that
 * schedules every hop on a simulated clock with a seeded latency, loss, duplication and
 * partition schedule, so whole networks of real node engines run deterministically.
 */
import { type MessageHandler, type RequestHandler, type Topic, type Transport, type Verdict } from "../ports.js";
import { checkLimit, checkPublish, checkScore, checkTimeout, verdictOf } from "./checks.js";
import { createCounters, type TransportCounters } from "./counters.js";
import { TransportError } from "./errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS } from "./limits.js";
import { memoryScore } from "./scoring.js";
import { type HopKind, immediateLinks, type LinkModel } from "./link-model.js";

export type { HopKind, LinkModel } from "./link-model.js";

/** Limits of a memory transport; each defaults to the libp2p transport's default. */
export interface MemoryTransportOptions {
  maxRequestBytes?: number;
  maxResponseBytes?: number;
  maxMessageBytes?: number;
  /** default time limit of `request` */
  requestTimeoutMs?: number;
  /** how many message ids each node remembers for dedup (oldest forgotten first) */
  seenCacheSize?: number;
  /**
   * Hand every receiver the bytes the sender handed in (a gossip message's, a request's, a
   * response's), not a copy of its own. For the node simulator only, whose nodes never
   * write to bytes they received or sent: a private copy per receiver of every vertex was,
   * with the simulated disk's copies (ledger/memory.ts `shareBytes`), a third of a 500-set,
   * 100-node run's CPU (docs/node-simulator.md). A simulation gives the same result either
   * way (test/unit/runtime/simnet-shared-bytes.test.ts).
   */
  shareBytes?: boolean;
}

const DEFAULT_SEEN_CACHE_SIZE = 100_000;
const ADDRESS = /^\/memory\/([^/]+)\/p2p\/([^/]+)$/;
const ID = /^[A-Za-z0-9._~-]+$/;

/** The dial address of a memory transport with id `id`. */
export function memoryAddress(id: string): string {
  return `/memory/${id}/p2p/${id}`;
}

/** The peer id in a memory address, or undefined when `address` is not one. */
export function parseMemoryAddress(address: string): string | undefined {
  const match = typeof address === "string" ? ADDRESS.exec(address) : null;
  if (match === null || match[1] !== match[2] || !ID.test(match[1]!)) return undefined;
  return match[1];
}

interface GossipMessage {
  readonly id: string;
  readonly topic: Topic;
  readonly data: Uint8Array;
}

/** A set that forgets its oldest entries beyond `capacity`. */
class BoundedSet {
  private readonly entries = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.values().next().value!);
    this.entries.add(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A hub of in-memory transports. Transports find each other by id through it; nothing
 * is shared between two networks.
 */
export class MemoryNetwork {
  private readonly transports = new Map<string, MemoryTransport>();
  private nextId = 0;

  /**
   * `defaults` apply to every transport created without its own options; `links` decides
   * how hops travel (default: the next macrotask, nothing lost).
   */
  constructor(
    private readonly defaults: MemoryTransportOptions = {},
    /** @internal */ readonly links: LinkModel = immediateLinks,
  ) {}

  /**
   * A new transport (not started). `id` (letters, digits, `.`, `_`, `~`, `-`) is its peer
   * id and must be unique in this network; by default `mem-0`, `mem-1`, ...
   */
  createTransport(id?: string, options: MemoryTransportOptions = {}): MemoryTransport {
    let peerId = id;
    if (peerId === undefined) {
      do peerId = `mem-${this.nextId++}`;
      while (this.transports.has(peerId));
    }
    if (!ID.test(peerId)) throw new RangeError(`invalid memory peer id ${JSON.stringify(peerId)}`);
    if (this.transports.has(peerId)) throw new RangeError(`peer id ${peerId} is already taken in this network`);
    const transport = new MemoryTransport(this, peerId, { ...this.defaults, ...options });
    this.transports.set(peerId, transport);
    return transport;
  }

  /** @internal the transport with this id, if it exists and is running */
  running(peerId: string): MemoryTransport | undefined {
    const transport = this.transports.get(peerId);
    return transport?.isRunning ? transport : undefined;
  }

  /** @internal run `fn` when a hop from `from` to `to` arrives: the network's one notion of a hop */
  hop(from: string, to: string, kind: HopKind, fn: () => void): void {
    this.links.hop(from, to, kind, fn);
  }
}

interface PendingRequest {
  settle(error: TransportError | undefined, response?: Uint8Array): void;
}

/** One node's end of a {@link MemoryNetwork}. */
export class MemoryTransport implements Transport {
  private running = false;
  private readonly connections = new Set<string>();
  /** {@link peers}, until the connections change */
  private sortedPeers: string[] | null = null;
  private denied = new Set<string>();
  private readonly seen: BoundedSet;
  private readonly rejected = new Map<string, number>();
  private readonly appScores = new Map<string, number>();
  private readonly pending = new Set<PendingRequest>();
  private readonly stats = createCounters();
  private messageHandler: MessageHandler | undefined;
  private requestHandler: RequestHandler | undefined;
  private sequence = 0;
  private readonly maxRequestBytes: number;
  private readonly maxResponseBytes: number;
  private readonly maxMessageBytes: number;
  private readonly shareBytes: boolean;
  private readonly requestTimeoutMs: number;

  /** @internal use {@link MemoryNetwork.createTransport} */
  constructor(
    private readonly network: MemoryNetwork,
    readonly peerId: string,
    options: MemoryTransportOptions,
  ) {
    this.maxRequestBytes = checkLimit(options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES, "maxRequestBytes");
    this.maxResponseBytes = checkLimit(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, "maxResponseBytes");
    this.maxMessageBytes = checkLimit(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, "maxMessageBytes");
    this.requestTimeoutMs = checkTimeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs");
    this.seen = new BoundedSet(checkLimit(options.seenCacheSize ?? DEFAULT_SEEN_CACHE_SIZE, "seenCacheSize"));
    this.shareBytes = options.shareBytes ?? false;
  }

  /** True between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Failure and refusal counts (a copy). */
  counters(): TransportCounters {
    return { ...this.stats };
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const peer of [...this.connections]) this.disconnect(peer);
    for (const request of [...this.pending]) request.settle(new TransportError("stopped", "transport stopped"));
    this.seen.clear();
  }

  addresses(): string[] {
    return this.running ? [memoryAddress(this.peerId)] : [];
  }

  async dial(address: string): Promise<void> {
    const peer = parseMemoryAddress(address);
    if (peer === undefined) throw new TransportError("bad-address", `not a memory address: ${String(address)}`);
    if (peer === this.peerId) throw new TransportError("bad-address", "cannot dial self");
    if (!this.running) throw new TransportError("stopped", "transport is not running");
    if (this.denied.has(peer)) throw new TransportError("denied", `peer ${peer} is denied`);
    await new Promise<void>((resolve) => this.network.hop(this.peerId, peer, "dial", resolve));
    const remote = this.network.running(peer);
    if (remote === undefined) throw new TransportError("unreachable", `no memory peer ${peer} is listening`);
    if (!this.running) throw new TransportError("stopped", "transport stopped while dialling");
    if (!remote.accepts(this.peerId)) throw new TransportError("refused", `peer ${peer} refused the connection`);
    this.connections.add(peer);
    remote.connections.add(this.peerId);
    this.sortedPeers = null;
    remote.sortedPeers = null;
  }

  peers(): string[] {
    // Sorted once per change of the connections, not per call: a node asks at every timer
    // tick, and sorting 99 peer ids each time was ~1% of a 100-node simulation.
    this.sortedPeers ??= [...this.connections].sort();
    return this.sortedPeers.slice();
  }

  onMessage(handler: MessageHandler): void {
    this.messageHandler = handler;
  }

  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  async publish(topic: Topic, data: Uint8Array): Promise<boolean> {
    checkPublish(topic, data, this.maxMessageBytes);
    if (!this.running) return false;
    const message: GossipMessage = { id: `${this.peerId}/${this.sequence++}`, topic, data: this.own(data) };
    this.seen.add(message.id);
    return this.flood(message, undefined) > 0;
  }

  request(peer: string, data: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.requestTimeoutMs);
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError("request data must be a Uint8Array"));
    if (!this.running) return Promise.reject(new TransportError("stopped", "transport is not running"));
    if (this.denied.has(peer)) return Promise.reject(new TransportError("denied", `peer ${peer} is denied`));
    if (!this.connections.has(peer)) return Promise.reject(new TransportError("unreachable", `not connected to ${peer}`));
    const body = this.own(data);
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: PendingRequest = {
        settle: (error, response) => {
          if (!this.pending.delete(pending)) return;
          cancelTimer();
          if (error !== undefined) reject(error);
          else resolve(response!);
        },
      };
      const cancelTimer = this.network.links.timer(timeoutMs, () => pending.settle(new TransportError("timeout", `request to ${peer} timed out after ${timeoutMs} ms`)));
      this.pending.add(pending);
      this.network.hop(this.peerId, peer, "request", () => {
        const remote = this.network.running(peer);
        if (remote === undefined) return pending.settle(new TransportError("unreachable", `peer ${peer} is gone`));
        void remote.serve(this.peerId, body).then(
          (response) => this.network.hop(peer, this.peerId, "response", () => this.answer(pending, peer, response)),
          (error: TransportError) => this.network.hop(peer, this.peerId, "response", () => pending.settle(error)),
        );
      });
    });
  }

  setAppScore(peer: string, score: number): void {
    checkScore(score);
    if (score === 0) this.appScores.delete(peer);
    else this.appScores.set(peer, score);
  }

  score(peer: string): number {
    return memoryScore(this.rejected.get(peer) ?? 0, this.appScores.get(peer) ?? 0);
  }

  deny(peers: readonly string[]): void {
    this.denied = new Set(peers);
    for (const peer of this.denied) if (this.connections.has(peer)) this.disconnect(peer);
  }

  // -------------------------------------------------------------------------------------
  // the remote side of the hops above

  /** Whether an inbound connection from `peer` is allowed. */
  private accepts(peer: string): boolean {
    return this.running && !this.denied.has(peer);
  }

  private disconnect(peer: string): void {
    this.connections.delete(peer);
    this.sortedPeers = null;
    const remote = this.network.running(peer);
    if (remote !== undefined) {
      remote.connections.delete(this.peerId);
      remote.sortedPeers = null;
    }
  }

  /** Sends `message` to every connected peer except `except`; returns how many. */
  private flood(message: GossipMessage, except: string | undefined): number {
    let sent = 0;
    const mesh = this.network.links.meshOf?.(this.peerId, this.connections) ?? this.connections;
    // The message object (its bytes copied once, at publish) travels every hop unchanged;
    // a receiver copies it once, after its duplicate check (receive). Copying per hop, as
    // before, copied each message once per edge: 14% of a 100-node simulation's CPU.
    for (const peer of mesh) {
      if (peer === except || this.denied.has(peer)) continue;
      this.network.hop(this.peerId, peer, "message", () => void this.network.running(peer)?.receive(this.peerId, message));
      sent++;
    }
    return sent;
  }

  private async receive(from: string, message: GossipMessage): Promise<void> {
    // a message in flight when its link went down is lost, as on a real network
    if (!this.running || !this.connections.has(from)) return;
    if (this.denied.has(from)) {
      this.stats.deniedDrops++;
      return;
    }
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    let verdict: Verdict;
    if (message.data.byteLength > this.maxMessageBytes) {
      this.stats.messagesOversize++;
      verdict = "reject";
    } else {
      // the handler's own copy: what it does to its bytes reaches no other node, nor what this node forwards
      verdict = await this.validate(message.topic, from, this.own(message.data));
    }
    if (verdict === "accept") {
      this.stats.messagesAccepted++;
      if (this.running) this.flood(message, from);
    } else if (verdict === "reject") {
      this.stats.messagesRejected++;
      this.rejected.set(from, (this.rejected.get(from) ?? 0) + 1);
    } else {
      this.stats.messagesIgnored++;
    }
  }

  /** The handler's verdict; a missing or failing handler counts as `ignore`. */
  private validate(topic: Topic, from: string, data: Uint8Array): Promise<Verdict> {
    return verdictOf(this.messageHandler, topic, from, data, this.stats);
  }

  /** Answers a request from `from`; rejects with the TransportError the asker should see. */
  private async serve(from: string, data: Uint8Array): Promise<Uint8Array> {
    const refuse = (why: string) => new TransportError("refused", `peer ${this.peerId} refused the request: ${why}`);
    if (!this.running || !this.connections.has(from)) throw refuse("not connected");
    if (this.denied.has(from)) {
      this.stats.deniedDrops++;
      throw refuse("denied");
    }
    if (data.byteLength > this.maxRequestBytes) {
      this.stats.requestsOversize++;
      throw refuse(`request of ${data.byteLength} bytes exceeds ${this.maxRequestBytes}`);
    }
    const handler = this.requestHandler;
    let response: unknown;
    try {
      if (handler === undefined) throw new Error("no request handler");
      response = await handler(from, data);
    } catch {
      this.stats.requestHandlerErrors++;
      throw refuse("handler failed");
    }
    if (!(response instanceof Uint8Array)) {
      this.stats.requestHandlerErrors++;
      throw refuse("handler returned no bytes");
    }
    if (response.byteLength > this.maxResponseBytes) {
      this.stats.requestHandlerErrors++;
      throw refuse(`response of ${response.byteLength} bytes exceeds ${this.maxResponseBytes}`);
    }
    this.stats.requestsServed++;
    return this.own(response);
  }

  /** `bytes` as this side's own: a copy, unless the network shares bytes (`shareBytes`). */
  private own(bytes: Uint8Array): Uint8Array {
    return this.shareBytes ? bytes : bytes.slice();
  }

  private answer(pending: PendingRequest, peer: string, response: Uint8Array): void {
    if (!this.connections.has(peer)) return pending.settle(new TransportError("refused", `connection to ${peer} closed before the response`));
    if (response.byteLength > this.maxResponseBytes) {
      return pending.settle(new TransportError("too-large", `response of ${response.byteLength} bytes exceeds ${this.maxResponseBytes}`));
    }
    pending.settle(undefined, response);
  }
}
