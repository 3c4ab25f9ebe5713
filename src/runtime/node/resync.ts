/**
 * Resync: how a node catches up on what others have, and makes sure others can catch up
 * on what it has. Nothing stays pending for want of gossip (issue 14 §3):
 * - heads: every `headsIntervalMs` the node announces its newest vertices and the Merkle
 *   root of its finalized map; a node that hears of vertices it lacks walks back from
 *   them (parents) and fetches what is missing;
 * - wanted blocks: vertices, transactions (a decision's candidate this node lacks) and
 *   whole sets (one it is polled about, or whose answer names a candidate it lacks) are
 *   fetched from the peer that mentioned them, one request per peer per poll round;
 * - re-gossip: a pending set's candidates are re-announced with exponential backoff
 *   ({@link EngineTuning.regossipMs}, doubling up to 60 s) until it is decided, except
 *   those a peer has named in an answer to this node's polls (it holds them).
 *
 * Vertex intake is here too, with the live node's sheaf check: each received vertex is a
 * section (its author's decisions) over the conflict sets it covers; on the overlap with
 * this node's finalized map the two must agree. A disagreement is a `sheaf-conflict`
 * event with both CIDs; in the `available` partition mode it is then reconciled
 * (reconciler.ts). A received vertex is written before it is indexed or acted on.
 *
 * Memory: the want list is bounded (wants.ts: MAX_WANTS per kind, MAX_ATTEMPTS tries).
 */
import { cidOf, parseCid } from "../../core/codec.js";
import { equalBytes } from "../../core/bytes.js";
import { type Vertex, decodeVertex } from "../../core/vertex.js";
import { type TimerHandle, TOPICS, type Verdict } from "../ports.js";
import type { Admission } from "./admission.js";
import type { TimedJob } from "./lifecycle.js";
import type { Outbox } from "./outbox.js";
import { Reconciler } from "./reconciler.js";
import { HELD_BITS, type NodeState } from "./state.js";
import { DIGEST_BYTES } from "./table.js";
import { decodeResponse, encodeHeads, encodeRequest, ID_BYTES, idKey, MAX_FETCH, MAX_HEADS } from "./wire.js";
import { all, persist, readBytes, request, type Task } from "./tasks.js";
import type { WantBatch } from "./wants.js";
import { headsText, namedCid } from "./decode-memo.js";

/**
 * Unchanged heads are re-announced every this many heads intervals (a safety net: a peer
 * that connects is told at the next interval, {@link Resync.peerJoined}).
 */
const QUIET_HEADS_EVERY = 15;

/** Longest pause between two re-announcements of a pending set, ms. */
const MAX_REGOSSIP_MS = 60_000;

export class Resync implements TimedJob {
  readonly name = "heads" as const;
  private headsSeq = 0;
  private headsTicks = 0;
  private lastHeads = "";
  private lastRegossipScan = 0;
  private timer: TimerHandle | null = null;
  private readonly reconciler: Reconciler;

  constructor(
    private readonly s: NodeState,
    private readonly admission: Admission,
    private readonly outbox: Outbox,
  ) {
    this.reconciler = new Reconciler(s);
  }

  start(): void {
    this.timer ??= this.s.c.clock.every(this.s.tuning.headsIntervalMs, () => {
      if (this.s.running) this.s.guard("heads", () => this.announceHeads());
    });
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Fetch set `i` from `peer` (it answered with a candidate this node lacks). */
  wantSet(i: number, peer: string): void {
    this.s.wants.want("set", idKey(this.s.sets.get(i)!.id), peer);
    this.s.wake();
  }

  /** Fetch the set with instance id `id` from `peer` (it polled about a set this node lacks). */
  wantSetById(id: Uint8Array, peer: string): void {
    this.s.wants.want("set", idKey(id), peer);
    this.s.wake();
  }

  /**
   * Ask peers for the blocks this node heard of but lacks (one request per peer). What a
   * peer did not deliver stays wanted and is asked again later, of the next peer
   * (wants.ts); what arrived, or is held by now, is settled.
   */
  *fetchWanted(): Task<void> {
    const s = this.s;
    if (s.wants.size === 0) return;
    const byPeer = s.wants.take(s.c.clock.now(), MAX_FETCH, s.connected);
    yield* all([...byPeer].map(([peer, want]) => this.fetchFrom(peer, want)));
  }

  /** One fetch request to `peer` for what it was chosen to serve (wants.ts), and the intake of its answer. */
  private *fetchFrom(peer: string, want: WantBatch): Task<void> {
    const s = this.s;
    // Already held (arrived by gossip meanwhile): settled without asking.
    const txs = want.txs.filter((c) => !s.txs.has(c) || (s.wants.settle("tx", c), false));
    const vertices = want.vertices.filter((c) => !s.dag.has(c) || (s.wants.settle("vertex", c), false));
    // Sets are always asked: a set held here is wanted for a candidate it lacks (wantSet).
    const setIds = want.sets;
    if (txs.length + vertices.length + setIds.length === 0) return;
    const sets = new Uint8Array(setIds.length * ID_BYTES);
    setIds.forEach((id, j) => {
      for (let b = 0; b < ID_BYTES; b++) sets[j * ID_BYTES + b] = id.charCodeAt(b);
    });
    s.counters.fetchesSent++;
    try {
      const raw = yield* request(peer, encodeRequest({ kind: "fetch", txs: txs.map(parseCid), vertices: vertices.map(parseCid), sets }), s.tuning.fetchTimeoutMs);
      const r = decodeResponse(raw, 0);
      if (r.kind !== "blocks") return;
      yield* this.admission.ingestTxs(r.txs, peer, false);
      const got = new Set(r.txs.map((b) => cidOf(b, s.c.crypto.hasher).toString()));
      for (const c of txs) if (got.has(c) || s.txs.has(c)) s.wants.settle("tx", c);
      for (const vb of r.vertices) yield* this.ingestVertex(vb, peer);
      for (const c of vertices) if (s.dag.has(c)) s.wants.settle("vertex", c);
      // The peer served what it holds of each set: settled (an answer that still names a
      // candidate this node lacks wants the set again).
      for (const id of setIds) s.wants.settle("set", id);
    } catch (err) {
      s.c.log?.(`fetch from ${peer} failed: ${(err as Error).message}`);
    }
  }

  /** A heads announcement: want every vertex it names that this node lacks. */
  ingestHeads(data: Uint8Array, from: string): Verdict {
    const h = this.s.c.decodeMemo?.heads(data) ?? headsText(data);
    for (const c of h.heads) if (!this.s.dag.has(c)) this.s.wants.want("vertex", c, from);
    this.s.wake();
    return "accept";
  }

  *ingestVertex(bytes: Uint8Array, from: string): Task<Verdict> {
    const s = this.s;
    // Known bytes (by their hash) were checked when first stored: no second decode and
    // signature check for a vertex heard again (gossip, fetches and heads all bring them).
    const { cid, text: cidText } = s.c.decodeMemo?.cid(bytes, s.c.crypto.hasher) ?? namedCid(bytes, s.c.crypto.hasher);
    if (s.dag.has(cidText)) return "ignore";
    let v: Vertex;
    try {
      v = s.c.decodeMemo?.vertex(cidText, bytes, s.c.crypto.signatures) ?? decodeVertex(bytes, s.c.crypto.signatures);
    } catch (err) {
      s.counters.verticesInvalid++;
      s.distrust(from, 0.8, `invalid vertex: ${(err as Error).message}`);
      return "reject";
    }
    if (yield* this.hasVertex(cidText)) return "ignore";
    yield* persist({ vertices: [[cidText, bytes]] });
    s.dag.add(v, bytes, cid);
    s.counters.verticesReceived++;
    for (const p of v.parents) if (!(yield* this.hasVertex(p.toString()))) s.wants.want("vertex", p.toString(), from);
    s.wake();
    // The simulator's memo has the decisions as flat columns (computed once per vertex for all cores).
    const flat = s.c.decodeMemo?.decisionKeys(v, s.c.crypto.hasher);
    for (let j = 0; j < v.decisions.length; j++) {
      // The common case, from the table's columns alone (a 100-node simulation takes in N²
      // decisions per set, and each read through the set's objects missed the caches):
      // decided here, for the same transaction (decision CIDs are all CIDv1 dag-cbor
      // sha2-256, so the digest is the CID). Found by instance id, the set is confirmed by
      // the digest itself: a transaction's bytes name its conflict key, so another set whose
      // id collides with this one's cannot have decided the same digest.
      const i = flat !== undefined ? s.byInstanceId.get(flat.ids, j * ID_BYTES) : (s.registry.get(v.decisions[j]![0])?.index ?? -1);
      if (i >= 0) {
        const d = s.table.decided(i);
        if (d >= 0 && (flat?.digests !== undefined ? s.table.candidateIsAt(i, d, flat.digests, j * DIGEST_BYTES) : s.table.candidateIs(i, d, v.decisions[j]![1].multihash.digest))) continue;
      }
      const [key, txCid] = v.decisions[j]!;
      // Memory answers almost always (a generator and a CID parse per decision were a
      // visible share of a 100-node simulation).
      let ours = s.finalInMemory(key);
      if (ours === undefined) ours = (yield* s.finalOf(key)) ?? null;
      if (ours === null) {
        // Not decided here yet: make sure we hold the candidate the author chose.
        const text = txCid.toString();
        const seen = s.foreignDecisions.peek(key);
        if (seen === undefined || text < seen) s.foreignDecisions.set(key, text);
        if (!s.txs.has(text)) s.wants.want("tx", text, from);
      } else if (typeof ours === "string" ? ours !== txCid.toString() : !equalBytes(ours.bytes, txCid.bytes)) {
        const decided = typeof ours === "string" ? parseCid(ours) : ours;
        s.counters.sheafConflicts++;
        s.emit({ type: "sheaf-conflict", conflict: key, peer: from, ours: decided.toString(), theirs: txCid.toString(), at: s.c.clock.now() });
        yield* this.reconciler.conflict(key, decided, txCid, from); // `available` mode only
      }
    }
    return "accept";
  }

  /** Whether a vertex is stored: the DAG's caches first, then the ledger. */
  private *hasVertex(cid: string): Task<boolean> {
    return this.s.dag.has(cid) || (yield* readBytes("vertex", cid)) !== undefined;
  }

  /**
   * Re-announce the candidates of sets pending for a while, each with its own doubling
   * delay: when the candidates are known only here (a node that accepted them was killed
   * before gossiping, or a gossip message was lost), nobody else would ever poll them.
   * Scanned at most once a second (or every `regossipMs`, when shorter).
   */
  regossipPending(): void {
    const s = this.s;
    const now = s.c.clock.now();
    if (now - this.lastRegossipScan < Math.min(1000, s.tuning.regossipMs)) return;
    this.lastRegossipScan = now;
    for (const i of s.undecided) {
      const info = s.sets.get(i)!;
      if (now < info.nextRegossip) continue;
      info.nextRegossip = now + info.regossipDelay;
      info.regossipDelay = Math.min(info.regossipDelay * 2, MAX_REGOSSIP_MS);
      info.set.candidates.forEach((c, x) => {
        // A peer named this candidate in an answer: it holds it, and it answers polls about
        // the set, so whoever lacks it learns of it there (a polled node fetches an unknown
        // set; an answer naming an unknown candidate is fetched). Re-gossiping it anyway
        // was ~6× the first gossip's bytes in a loaded 4-node devnet, every node
        // re-announcing every slow set (docs/throughput.md).
        if (x < HELD_BITS && ((info.heldByPeers >>> x) & 1) === 1) return;
        const r = s.txs.get(c.toString());
        if (r) this.outbox.queueGossip(r.bytes);
      });
    }
  }

  /** A peer connected (joined, restarted, or back after a partition): announce heads at the next interval, changed or not. */
  peerJoined(): void {
    this.lastHeads = "";
  }

  /**
   * Announce heads when they changed, when a peer connected since the last announcement,
   * and otherwise every {@link QUIET_HEADS_EVERY}-th tick (a peer whose connection
   * survived a partition hears them there): with 16 peers, an unchanged announcement every
   * second from everyone was a visible share of idle CPU (every 5 s, still ~20%).
   */
  announceHeads(): void {
    const s = this.s;
    const heads = s.dag.heads(MAX_HEADS);
    const fingerprint = `${heads.map((h) => h.toString()).join(",")}|${s.finals.size}`;
    this.headsTicks++;
    if (fingerprint === this.lastHeads && this.headsTicks % QUIET_HEADS_EVERY !== 0) return;
    this.lastHeads = fingerprint;
    const bytes = encodeHeads({ heads, root: s.finals.root(), count: s.finals.size, seq: this.headsSeq++ });
    s.publish(TOPICS.heads, bytes);
  }
}
