/* eslint-disable max-lines -- one adapter from a libp2p node to the Transport port: its
   methods share the node, the gossipsub instance, the request channels and the counters,
   and its options set-up is where libp2p's defaults are overridden, each with its reason
   beside it; the parts with a job of their own are already apart (rpc-asker.ts,
   rpc-responder.ts, rpc-frame.ts, scoring.ts, limits.ts, keys.ts). */
/**
 * The real Transport: libp2p over TCP with Noise encryption, Yamux multiplexing and
 * identify; gossipsub for pub/sub on {@link TOPICS}; a length-prefixed
 * request/response protocol for queries. See src/runtime/README.md ("Transport") for the
 * choices: signing policy, scoring, framing, limits, deny list.
 *
 * Nothing a peer sends may crash the node: every handler is wrapped, and what fails is
 * counted ({@link Libp2pTransport.counters}) instead of thrown.
 */
import "../polyfill.js";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub, StrictNoSign, StrictSign, TopicValidatorResult, type GossipsubMessage } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { isAcceptablePublicKey } from "../../core/ed25519-strict.js";
import { TOPICS, type MessageHandler, type RequestHandler, type Topic, type Transport, type Verdict } from "../ports.js";
import { checkLimit, checkPublish, checkScore, checkTimeout, isTopic, verdictOf } from "./checks.js";
import { createCounters, type TransportCounters } from "./counters.js";
import { TransportError } from "./errors.js";
import { generateKeySeed, libp2pPrivateKey } from "./keys.js";
import {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_PROTOCOL,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_REQUESTS_IN_FLIGHT,
} from "./limits.js";
import { RequestChannel } from "./rpc-asker.js";
import { serveRequests, type ResponderContext } from "./rpc-responder.js";
import { GOSSIP_SCORE_THRESHOLDS, gossipScoreParams } from "./scoring.js";

/** Gossipsub tuning; the defaults suit devnets of 2–16 peers and small networks. */
export interface GossipOptions {
  /** mesh degree D and its bounds (gossipsub defaults: 6, 4, 12) */
  D?: number;
  Dlo?: number;
  Dhi?: number;
  /** peers each heartbeat's IHAVE gossip goes to, per topic (gossipsub default 6) */
  Dlazy?: number;
  /** heartbeat period; tests use ~100 ms so meshes form quickly (default 1000) */
  heartbeatIntervalMs?: number;
  /**
   * `StrictSign` (default): every message carries the publisher's signature and a
   * sequence number, and ids are (publisher, seqno). `StrictNoSign` is ~2× faster but
   * anonymous; it is here for measurement only.
   */
  signaturePolicy?: typeof StrictSign | typeof StrictNoSign;
}

/** Options of {@link createLibp2pTransport}. */
export interface Libp2pTransportOptions {
  /** listen addresses (default `['/ip4/127.0.0.1/tcp/0']`: loopback, any free port) */
  listen?: string[];
  /**
   * addresses to tell peers instead of the listen addresses (libp2p `addresses.announce`):
   * what others must dial when the node listens on 0.0.0.0, behind NAT or in a container
   */
  announce?: string[];
  /** the node's Ed25519 key as its 32-byte RFC 8032 seed (see keys.ts); random when absent */
  privateKey?: Uint8Array;
  /** protocol id of request/response (default `/entropic/query/2.0.0`) */
  requestProtocol?: string;
  /** largest request accepted from a peer (default 1 MiB) */
  maxRequestBytes?: number;
  /** largest response accepted from a peer (default 4 MiB) */
  maxResponseBytes?: number;
  /** largest pub/sub message published or accepted (default 1 MiB) */
  maxMessageBytes?: number;
  /** time limit of a request, both as asker (default of `request`) and as responder (default 5 s) */
  requestTimeoutMs?: number;
  /** time limit of `dial` (default 5 s) */
  dialTimeoutMs?: number;
  /**
   * how often libp2p's connection monitor pings each connection, aborting it when a ping
   * fails (default 20 s; libp2p's own default is 10 s). Each ping opens a stream (yamux,
   * multistream-select, ping, close): at 10 s the pings were half of an idle 16-node
   * devnet's CPU (0.45–0.55 core of the machine; 0.31–0.36 at 20 s, 0.23–0.32 at 60 s).
   * It is also the only check that notices a link that went down silently (yamux's
   * keep-alive pings never abort): with 20 s, test/e2e/netns.test.ts saw both sides of a
   * cut link drop their connections after 22.6 s; 60 s was too slow for a partition to
   * show in `peers()` within a minute (docs/throughput.md, "Idle 16-node devnet").
   */
  pingIntervalMs?: number;
  gossip?: GossipOptions;
}

/** Default of {@link Libp2pTransportOptions.pingIntervalMs}. */
export const DEFAULT_PING_INTERVAL_MS = 20_000;

/** The libp2p Transport, with its failure counters. */
export interface Libp2pTransport extends Transport {
  /** Failure and refusal counts (a copy). */
  counters(): TransportCounters;
}

// Room for the gossipsub envelope (signature, key, seqno, topic, control) around a body.
const RPC_OVERHEAD_BYTES = 64 * 1024;

/** The parts of the gossipsub service that its public interface type leaves out. */
interface GossipsubControl {
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: TopicValidatorResult): void;
  getScore(peerId: string): number;
  readonly score?: {
    readonly peerStats?: Map<string, { connected: boolean; expire: number }>;
    addPeer?(id: string): void;
  };
}

/**
 * Makes gossipsub keep a returning peer's retained score. Gossipsub retains the stats of
 * a peer that leaves with a score ≤ 0 (for `retainScore`), but @libp2p/gossipsub 17.1
 * overwrites them with fresh stats when the peer comes back, so an attacker could wash
 * off its penalties by breaking its gossip stream (an oversize frame does it) and
 * opening a new one. go-libp2p-pubsub reuses the retained stats; so do we. Left as is if
 * the internals are not the expected shape.
 */
function retainScoresAcrossReconnects(pubsub: GossipsubControl): void {
  const score = pubsub.score;
  const peerStats = score?.peerStats;
  const addPeer = score?.addPeer;
  if (score === undefined || !(peerStats instanceof Map) || typeof addPeer !== "function") return;
  score.addPeer = (id: string): void => {
    const retained = peerStats.get(id);
    if (retained === undefined) return addPeer.call(score, id);
    retained.connected = true;
    retained.expire = 0;
  };
}

const VERDICT_RESULT: Record<Verdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

/** The peer id named by the last `/p2p/` component of an address, if any. */
function peerOf(address: Multiaddr): string | undefined {
  let peer: string | undefined;
  for (const component of address.getComponents()) if (component.name === "p2p") peer = component.value;
  return peer;
}

/**
 * A libp2p Transport (not started: call `start()`). The key is taken from
 * `options.privateKey` so the peer id is known before start.
 */
export async function createLibp2pTransport(options: Libp2pTransportOptions = {}): Promise<Libp2pTransport> {
  const limits: Limits = {
    protocol: options.requestProtocol ?? DEFAULT_REQUEST_PROTOCOL,
    maxRequestBytes: checkLimit(options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES, "maxRequestBytes"),
    maxResponseBytes: checkLimit(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, "maxResponseBytes"),
    maxMessageBytes: checkLimit(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, "maxMessageBytes"),
    requestTimeoutMs: checkTimeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs"),
  };
  const denied = new Set<string>();
  const appScores = new Map<string, number>();
  // A remote identity must be an Ed25519 key that somebody owns: Noise verifies the
  // handshake signature with OpenSSL, which accepts forgeries under small-order keys, so
  // such identities (and non-canonical encodings) are refused once the handshake names them.
  const isDenied = (peer: PeerId): boolean => denied.has(peer.toString());
  const isDeniedOrWeak = (peer: PeerId): boolean => isDenied(peer) || !isOwnableIdentity(peer);
  const gossip = options.gossip ?? {};
  const node = await createLibp2p({
    privateKey: await libp2pPrivateKey(options.privateKey ?? generateKeySeed()),
    start: false,
    addresses: { listen: options.listen ?? ["/ip4/127.0.0.1/tcp/0"], ...(options.announce?.length ? { announce: options.announce } : {}) },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: isDenied,
      denyDialMultiaddr: (address) => {
        const peer = peerOf(address);
        return peer !== undefined && denied.has(peer);
      },
      denyInboundEncryptedConnection: isDeniedOrWeak,
      denyOutboundEncryptedConnection: isDeniedOrWeak,
      denyInboundUpgradedConnection: isDenied,
      denyOutboundUpgradedConnection: isDenied,
    },
    connectionMonitor: { pingInterval: checkTimeout(options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS, "pingIntervalMs") },
    connectionManager: {
      dialTimeout: checkTimeout(options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS, "dialTimeoutMs"),
      // a devnet runs every node on 127.0.0.1: libp2p's default of 5 inbound connections
      // per host per second would refuse a 16-node devnet dialling in at once
      inboundConnectionThreshold: 200,
      maxIncomingPendingConnections: 64,
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: gossip.signaturePolicy ?? StrictSign,
        asyncValidation: true,
        allowPublishToZeroTopicPeers: true,
        floodPublish: true,
        emitSelf: false,
        doPX: false,
        D: gossip.D ?? 6,
        Dlo: gossip.Dlo ?? 4,
        Dhi: gossip.Dhi ?? 12,
        Dlazy: gossip.Dlazy ?? 6,
        heartbeatInterval: checkTimeout(gossip.heartbeatIntervalMs ?? 1_000, "heartbeatIntervalMs"),
        allowedTopics: Object.values(TOPICS),
        maxInboundDataLength: limits.maxMessageBytes + RPC_OVERHEAD_BYTES,
        scoreParams: gossipScoreParams((peer) => appScores.get(peer) ?? 0),
        scoreThresholds: GOSSIP_SCORE_THRESHOLDS,
      }),
    },
  });
  return new Libp2pTransportImpl(node, limits, denied, appScores);
}

/** Whether a peer's identity is an acceptable Ed25519 public key (canonical, not of small order). */
export function isOwnableIdentity(peer: PeerId): boolean {
  return peer.type === "Ed25519" && isAcceptablePublicKey(peer.publicKey.raw);
}

/** The checked request/response and message limits. */
interface Limits {
  readonly protocol: string;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly maxMessageBytes: number;
  readonly requestTimeoutMs: number;
}

type Node = Awaited<ReturnType<typeof createLibp2p<{ identify: ReturnType<ReturnType<typeof identify>>; pubsub: ReturnType<ReturnType<typeof gossipsub>> }>>>;

class Libp2pTransportImpl implements Libp2pTransport {
  /** the connected peers' ids, sorted; null until asked again after a connect or disconnect */
  private connected: string[] | null = null;
  readonly peerId: string;
  private state: "new" | "running" | "stopped" = "new";
  private stopping: Promise<void> | undefined;
  private readonly stats = createCounters();
  private messageHandler: MessageHandler | undefined;
  private requestHandler: RequestHandler | undefined;
  private readonly pubsub: Node["services"]["pubsub"] & GossipsubControl;
  private readonly protocol: string;
  private readonly maxRequestBytes: number;
  private readonly maxResponseBytes: number;
  private readonly maxMessageBytes: number;
  private readonly requestTimeoutMs: number;
  /** one request channel (one long-lived stream at a time) per peer we ask */
  private readonly channels = new Map<string, RequestChannel>();
  private readonly responder: ResponderContext;

  constructor(
    private readonly node: Node,
    limits: Limits,
    private readonly denied: Set<string>,
    private readonly appScores: Map<string, number>,
  ) {
    this.peerId = node.peerId.toString();
    this.pubsub = node.services.pubsub as Node["services"]["pubsub"] & GossipsubControl;
    retainScoresAcrossReconnects(this.pubsub);
    this.protocol = limits.protocol;
    this.maxRequestBytes = limits.maxRequestBytes;
    this.maxResponseBytes = limits.maxResponseBytes;
    this.maxMessageBytes = limits.maxMessageBytes;
    this.requestTimeoutMs = limits.requestTimeoutMs;
    this.pubsub.addEventListener("gossipsub:message", (event) => void this.receive(event.detail));
    this.responder = {
      maxRequestBytes: this.maxRequestBytes,
      maxResponseBytes: this.maxResponseBytes,
      requestTimeoutMs: this.requestTimeoutMs,
      maxInFlight: MAX_REQUESTS_IN_FLIGHT,
      stats: this.stats,
      handler: () => this.requestHandler,
      isDenied: (peer) => this.denied.has(peer),
    };
    // a channel with nothing outstanding is dropped with the peer's last connection
    node.addEventListener("peer:disconnect", (event) => {
      this.connected = null;
      const peer = event.detail.toString();
      if (this.channels.get(peer)?.load === 0) this.channels.delete(peer);
    });
    node.addEventListener("peer:connect", () => (this.connected = null));
  }

  counters(): TransportCounters {
    return { ...this.stats };
  }

  async start(): Promise<void> {
    if (this.state === "running") return;
    if (this.stopping !== undefined) await this.stopping;
    await this.node.start();
    // one stream per asking peer is the norm; a few more cover a stream being replaced
    await this.node.handle(this.protocol, (stream, connection) => serveRequests(stream, connection.remotePeer.toString(), this.responder), {
      maxInboundStreams: 8,
      force: true,
    });
    for (const topic of Object.values(TOPICS)) this.pubsub.subscribe(topic);
    this.stopping = undefined;
    this.state = "running";
  }

  stop(): Promise<void> {
    if (this.state !== "running") return this.stopping ?? Promise.resolve();
    this.state = "stopped";
    this.closeChannels(() => true, new TransportError("stopped", "transport stopped"));
    this.stopping = (async () => {
      // abort rather than close connections: a graceful close waits for the remote
      for (const connection of this.node.getConnections()) connection.abort(new Error("transport stopping"));
      await this.node.stop();
      this.connected = null;
    })().catch(() => {
      this.stats.internalErrors++;
    });
    return this.stopping;
  }

  addresses(): string[] {
    return this.state === "running" ? this.node.getMultiaddrs().map((address) => address.toString()) : [];
  }

  async dial(address: string): Promise<void> {
    let target: Multiaddr;
    try {
      target = multiaddr(address);
    } catch (cause) {
      throw new TransportError("bad-address", `not a multiaddr: ${String(address)}`, { cause });
    }
    const peer = peerOf(target);
    if (peer === undefined) throw new TransportError("bad-address", `address has no /p2p/<peer id>: ${address}`);
    if (peer === this.peerId) throw new TransportError("bad-address", "cannot dial self");
    if (this.state !== "running") throw new TransportError("stopped", "transport is not running");
    if (this.denied.has(peer)) throw new TransportError("denied", `peer ${peer} is denied`);
    try {
      await this.node.dial(target);
    } catch (cause) {
      throw new TransportError("unreachable", `cannot dial ${address}: ${(cause as Error).message}`, { cause });
    }
  }

  peers(): string[] {
    // Kept between connects and disconnects: each call built every peer id's base58 string
    // anew, 6% of an idle 16-node devnet's CPU once the node core asked on every timer tick.
    this.connected ??= this.node
      .getPeers()
      .map((peer) => peer.toString())
      .sort();
    return this.connected.slice();
  }

  onMessage(handler: MessageHandler): void {
    this.messageHandler = handler;
  }

  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  async publish(topic: Topic, data: Uint8Array): Promise<boolean> {
    checkPublish(topic, data, this.maxMessageBytes);
    if (this.state !== "running") return false;
    try {
      const result = await this.pubsub.publish(topic, data);
      return result.recipients.length > 0;
    } catch {
      this.stats.internalErrors++;
      return false;
    }
  }

  async request(peer: string, data: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.requestTimeoutMs);
    if (!(data instanceof Uint8Array)) throw new TypeError("request data must be a Uint8Array");
    if (this.state !== "running") throw new TransportError("stopped", "transport is not running");
    if (this.denied.has(peer)) throw new TransportError("denied", `peer ${peer} is denied`);
    const channel = this.channels.get(peer) ?? this.openChannel(peer);
    return channel.request(data, timeoutMs).catch((error: unknown) => {
      // no channel is kept for a peer that cannot be reached (no disconnect would drop it)
      if (error instanceof TransportError && error.reason === "unreachable" && channel.load === 0 && this.channels.get(peer) === channel) {
        this.channels.delete(peer);
      }
      throw error;
    });
  }

  /** A new request channel to `peer`; throws `unreachable` when `peer` is not a peer id. */
  private openChannel(peer: string): RequestChannel {
    let target: PeerId;
    try {
      target = peerIdFromString(peer);
    } catch (cause) {
      throw new TransportError("unreachable", `not a peer id: ${peer}`, { cause });
    }
    const channel = new RequestChannel(peer, (signal) => this.openRequestStream(target, signal), {
      maxResponseBytes: this.maxResponseBytes,
      maxInFlight: MAX_REQUESTS_IN_FLIGHT,
      frameTimeoutMs: this.requestTimeoutMs,
    });
    this.channels.set(peer, channel);
    return channel;
  }

  /** A new request stream to `target`, given up after the request time limit. */
  private openRequestStream(target: PeerId, signal: AbortSignal) {
    return this.node.dialProtocol(target, this.protocol, { signal: AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]) });
  }

  /** Closes the request channels of the peers `which` selects, failing their requests with `error`. */
  private closeChannels(which: (peer: string) => boolean, error: TransportError): void {
    for (const [peer, channel] of this.channels) {
      if (!which(peer)) continue;
      this.channels.delete(peer);
      channel.close(error);
    }
  }

  setAppScore(peer: string, score: number): void {
    checkScore(score);
    if (score === 0) this.appScores.delete(peer);
    else this.appScores.set(peer, score);
  }

  score(peer: string): number {
    try {
      return this.pubsub.getScore(peer);
    } catch {
      return 0;
    }
  }

  deny(peers: readonly string[]): void {
    this.denied.clear();
    for (const peer of peers) this.denied.add(peer);
    this.closeChannels((peer) => this.denied.has(peer), new TransportError("denied", "peer denied"));
    for (const connection of this.node.getConnections()) {
      if (this.denied.has(connection.remotePeer.toString())) connection.abort(new Error("peer denied"));
    }
  }

  // -------------------------------------------------------------------------------------
  // inbound

  /** A gossipsub message awaiting our verdict (asyncValidation). */
  private async receive({ msgId, propagationSource, msg }: GossipsubMessage): Promise<void> {
    const from = propagationSource.toString();
    let verdict: Verdict;
    try {
      if (this.denied.has(from)) {
        this.stats.deniedDrops++;
        verdict = "ignore";
      } else if (!isTopic(msg.topic)) {
        verdict = "ignore";
      } else if (msg.data.byteLength > this.maxMessageBytes) {
        this.stats.messagesOversize++;
        verdict = "reject";
      } else {
        verdict = await this.validate(msg.topic, from, msg.data);
      }
    } catch {
      this.stats.internalErrors++;
      verdict = "ignore";
    }
    if (verdict === "accept") this.stats.messagesAccepted++;
    else if (verdict === "reject") this.stats.messagesRejected++;
    else this.stats.messagesIgnored++;
    try {
      this.pubsub.reportMessageValidationResult(msgId, from, VERDICT_RESULT[verdict]);
    } catch {
      // stopped meanwhile
      this.stats.internalErrors++;
    }
  }

  /** The handler's verdict; a missing or failing handler counts as `ignore`. */
  private validate(topic: Topic, from: string, data: Uint8Array): Promise<Verdict> {
    return verdictOf(this.messageHandler, topic, from, data, this.stats);
  }
}

export { KEY_SEED_LENGTH, decodeKeySeed, encodeKeySeed, generateKeySeed, peerIdFromEd25519PublicKey, peerIdFromKeySeed } from "./keys.js";
export { TransportError, type TransportFailure } from "./errors.js";
export type { TransportCounters } from "./counters.js";
