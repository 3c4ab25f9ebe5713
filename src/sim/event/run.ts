/**
 * The event driver for consensus protocols: every query and every answer is a message on
 * a simulated network with an integer-tick clock (README.md in this folder is the guide).
 *
 * - Each honest node has a poll timer firing every `pollInterval` ticks, first at a random
 *   phase in [1, pollInterval] (stream "schedule"). When it fires, the node starts a poll
 *   on every instance it is deciding that has no poll outstanding (at most one per
 *   (node, instance)): it samples peers exactly as the cycle driver does (shared
 *   PeerSampler, stream "sampling") and sends each a query.
 * - A query arrives after a latency; the responder answers on arrival: `state.respond`
 *   when honest, its adversary strategy when adversarial (crash: silence), nothing when it
 *   is down (churn). The answer travels back with its own latency.
 * - The poll completes when every queried peer has answered, or `timeout` ticks after it
 *   started, and then `state.onPoll` digests the answers received, in arrival order. Late
 *   answers, and second copies of an answer already counted, are dropped by this
 *   bookkeeping (`staleAnswers`); the protocol never sees a duplicate.
 * - Messages crossing an active partition, lost ones, and duplicates follow `network`.
 * - One step (one round, one row of rounds.jsonl) is `pollInterval` ticks: step r runs
 *   the events of ticks ((r−1)·P, r·P]. Decisions made during step r are recorded at round
 *   r = ⌈tick / P⌉, so roundsTo50/99/100 compare with the cycle driver's rounds.
 *
 * Set-up, peer sampling, adversary strategies, checkers, trust, observables and summary
 * fields are the cycle driver's (world.ts, sampling.ts, adversary.ts, evidence.ts).
 */
import { isEquivocation } from "../../core/conflict.js";
import { equalBytes } from "../../core/bytes.js";
import type { Rng } from "../../core/prng.js";
import { type ConsensusProtocol, type ConsensusState, ALL_NEIGHBOURS, NO_CANDIDATE } from "../../protocols/consensus.js";
import type { Observables, ProtocolRun, RunEnvironment, RunInspector, RunResult } from "../../protocols/protocol.js";
import { EpochTable, StatementCells } from "../../protocols/shell.js";
import type { Csr } from "../../topology/csr.js";
import { SILENT } from "../consensus/adversary.js";
import type { ConsensusChecker } from "../consensus/checkers.js";
import { type SimEnvironment, requireCrypto } from "../consensus/environment.js";
import { PeerSampler } from "../consensus/sampling.js";
import type { ConsensusSetting } from "../consensus/setting.js";
import { ConsensusWorld } from "../consensus/world.js";
import { type NetworkSpec, type ResolvedPartition, SIGNATURES_DEFAULT_MAX_NODES, latencySampler, networkSchema, resolvePartition } from "./network.js";
import { type LinkAttributes, linkAttributes, loadedGraphOf } from "../../topology/file.js";
import { EventQueue } from "./queue.js";
import type { MessageRecord } from "./trace.js";
import { type SignedAnswer, StatementBook } from "./signing.js";

// Event kinds. Fields: a = node (asker / timer owner), b = peer (responder), c = instance,
// e = poll generation, f = the query's position in the poll's sample.
const TIMER = 1;
const QUERY = 2;
const ANSWER = 3;
const TIMEOUT = 4;
const CRASH = 5;
const RESTART = 6;

export class ConsensusEventRun<P> implements ProtocolRun {
  readonly world: ConsensusWorld<P>;
  readonly graph: Csr;
  readonly nodes: number;
  readonly maxSteps: number;
  readonly state: ConsensusState;
  readonly checker: ConsensusChecker;
  readonly adversarial: Uint8Array;
  readonly honestIds: Int32Array;
  readonly trust: Float64Array;
  /** the network section with defaults filled in */
  readonly network: NetworkSpec;
  readonly pollInterval: number;
  readonly timeout: number;
  /** whether answers are signed and verified */
  readonly signing: boolean;
  readonly queue: EventQueue;
  /** the statement book when signing (keys, signing, verification) */
  readonly book: StatementBook | null;

  steps = 0;
  /** polls digested (onPoll calls) */
  updates = 0;
  /** messages sent by nodes (queries and answers, lost ones included; network duplicates not) */
  messages = 0;
  bytes = 0;
  /** events processed */
  events = 0;
  droppedLoss = 0;
  droppedPartition = 0;
  /** answers whose statement failed to decode or verify, or named the wrong signer, instance or candidate */
  droppedInvalid = 0;
  /** extra copies the network made */
  duplicates = 0;
  /** messages that reached a node while it was down (or answers to polls its crash discarded) */
  droppedChurn = 0;
  /** answers for polls already completed, and second copies of answers already counted */
  staleAnswers = 0;
  /** polls completed by their timeout rather than by their last answer */
  pollTimeouts = 0;
  /** answers damaged in flight */
  corrupted = 0;
  /** signed answers received and checked (what real receivers would verify) */
  statementChecks = 0;
  /** nodes crashed by churn (events) */
  crashes = 0;

  private readonly instances: number;
  private readonly candidates: number;
  private readonly width: number;
  private readonly protocol: ConsensusProtocol<P>;
  private readonly ctx: { tick: number; rng: Rng; trust: Float64Array };
  private readonly sampler: PeerSampler;
  private readonly netRng: Rng;
  private readonly churnRng: Rng;
  private readonly latency: () => number;
  private readonly loss: number;
  /** per-link latency and loss from a topology file's edge attributes, or null */
  private readonly links: LinkAttributes | null;
  /** the message trace callback, or null */
  private readonly onMessage: ((message: MessageRecord) => void) | null;
  private readonly duplication: number;
  private readonly corruption: number;
  private readonly exchange: boolean;
  // Polls, per slot s = node·instances + k.
  private readonly pollOpen: Uint8Array;
  private readonly pollGen: Int32Array;
  private readonly expected: Int32Array;
  private readonly arrived: Int32Array;
  private readonly received: Int32Array;
  /** per slot, where its answer region starts (in answers, from and got) */
  private readonly regionOf: (node: number, k: number) => number;
  private readonly got: Uint8Array;
  private readonly answerFrom: Int32Array;
  private readonly answerWords: Float64Array;
  // Scratch.
  private readonly query: Float64Array;
  private readonly out: Float64Array;
  private readonly answers: Float64Array;
  private readonly from: Int32Array;
  // Churn and partitions.
  private readonly down: Uint8Array;
  private readonly partitions: ResolvedPartition[];
  private active: ResolvedPartition[] = [];
  private nextPartitionChange = 0;
  private lastTick = -1;
  // Signatures (the epoch rule and the equivocation memory are the shell's, shared with the node).
  /** per slot, the honest responder's epoch and what it last signed there */
  private readonly epochs: EpochTable | null;
  /** per slot, the statement the responder signed at its current epoch (reused for every asker) */
  private readonly ownStatement: (SignedAnswer | undefined)[] | null;
  private readonly adversaryStatements = new Map<number, SignedAnswer>();
  /** each receiver's last statement per (signer, instance), in `statementMemory` cells */
  private readonly memory: StatementCells<SignedAnswer> | null;
  private readonly publicKeys: (Uint8Array | undefined)[] = [];
  private done = false;

  constructor(
    protocol: ConsensusProtocol<P>,
    readonly params: P,
    env: RunEnvironment,
  ) {
    const world = new ConsensusWorld(protocol, params, env, { flipEachRound: true });
    this.world = world;
    this.protocol = protocol;
    const setting = env.sections as unknown as ConsensusSetting;
    this.network = networkSchema.parse(setting.network ?? {});
    const net = this.network;
    this.graph = world.graph;
    const n = world.nodes;
    this.nodes = n;
    this.instances = world.instances;
    this.candidates = world.candidates;
    this.width = world.width;
    this.exchange = protocol.exchange;
    this.maxSteps = setting.maxRounds;
    this.state = world.state;
    this.checker = world.checker;
    this.adversarial = world.adversarial;
    this.honestIds = world.honestIds;
    this.trust = world.ledger.trust;
    this.pollInterval = net.pollInterval;
    this.timeout = net.timeout ?? 3 * net.pollInterval;
    this.loss = net.loss;
    this.duplication = net.duplication;
    this.corruption = net.corruption;

    this.ctx = { tick: 0, rng: env.rng("protocol"), trust: this.trust };
    this.sampler = new PeerSampler(this.graph, world.sampleSize, setting.sampling, env.rng("sampling"));
    this.netRng = env.rng("network");
    this.churnRng = env.rng("churn");
    this.latency = latencySampler(net.latency, env.rng("latency"));
    const loaded = loadedGraphOf(setting.topology);
    this.links = loaded ? linkAttributes(loaded) : null;
    this.onMessage = (env as SimEnvironment).onMessage ?? null;
    this.partitions = net.partitions.map((p, i) => resolvePartition(p, n, `network.partitions.${i}`));
    this.updatePartitions(0);

    const slots = n * this.instances;
    this.pollOpen = new Uint8Array(slots);
    this.pollGen = new Int32Array(slots);
    this.expected = new Int32Array(slots);
    this.arrived = new Int32Array(slots);
    this.received = new Int32Array(slots);
    const maxPeers = this.sampler.maxPeers;
    if (world.sampleSize === ALL_NEIGHBOURS) {
      // Every neighbour is asked: a region of degree(node) per slot, laid out like the CSR.
      const offsets = this.graph.offsets;
      const edges = offsets[n]!;
      const instances = this.instances;
      this.regionOf = (node, k) => k * edges + offsets[node]!;
      this.got = new Uint8Array(Math.max(1, edges * instances));
    } else {
      const instances = this.instances;
      this.regionOf = (node, k) => (node * instances + k) * maxPeers;
      this.got = new Uint8Array(slots * maxPeers);
    }
    this.answerFrom = new Int32Array(this.got.length);
    this.answerWords = new Float64Array(this.got.length * this.width);
    this.query = new Float64Array(this.width);
    this.out = new Float64Array(this.width);
    this.answers = new Float64Array(maxPeers * this.width);
    this.from = new Int32Array(maxPeers);
    this.down = new Uint8Array(n);
    this.queue = new EventQueue(this.width, Math.min(1 << 22, Math.max(1024, n * 8)));

    this.signing = net.signatures ?? n <= SIGNATURES_DEFAULT_MAX_NODES;
    if (this.signing) {
      this.book = new StatementBook(requireCrypto(env, "network.signatures (signed answers)"), env.seed, n, this.instances);
      this.epochs = new EpochTable(slots);
      this.ownStatement = new Array<SignedAnswer | undefined>(slots);
      this.memory = new StatementCells<SignedAnswer>(n, net.statementMemory, NO_CANDIDATE);
    } else {
      this.book = null;
      this.epochs = null;
      this.ownStatement = null;
      this.memory = null;
    }

    // Poll timers: a random phase in [1, P] per honest node, scheduled in node order.
    const schedule = env.rng("schedule");
    for (let h = 0; h < this.honestIds.length; h++) {
      const ev = this.queue.alloc(TIMER);
      this.queue.a[ev] = this.honestIds[h]!;
      this.queue.push(ev, 1 + schedule.nextInt(this.pollInterval));
    }
    if (net.churn && net.churn.rate > 0) {
      for (let i = 0; i < n; i++) this.scheduleNode(CRASH, i, 0, this.upTime());
    }
  }

  step(): boolean {
    if (this.done) return false;
    const round = ++this.steps;
    const stepEnd = round * this.pollInterval;
    const { world, queue } = this;
    if (world.adversaryWatchesRounds) {
      world.countHonestPreferences();
      world.strategy.beginRound(world.honestCounts);
    }
    while (queue.peekTick() <= stepEnd) {
      const ev = queue.pop();
      const tick = queue.now;
      if (tick !== this.lastTick) {
        this.lastTick = tick;
        this.ctx.tick = tick;
        world.ledger.applyDue(tick);
        if (tick >= this.nextPartitionChange) this.updatePartitions(tick);
      }
      this.events++;
      switch (queue.kind[ev]) {
        case TIMER:
          this.onTimer(ev, tick);
          break;
        case QUERY:
          this.onQuery(ev, tick);
          break;
        case ANSWER:
          this.onAnswer(ev);
          break;
        case TIMEOUT:
          this.onTimeout(ev);
          break;
        case CRASH:
          this.onCrash(queue.a[ev]!, tick);
          break;
        case RESTART:
          this.down[queue.a[ev]!] = 0;
          this.scheduleNode(CRASH, queue.a[ev]!, tick, this.upTime());
          break;
      }
      queue.release(ev);
    }
    const { checker } = this;
    this.world.sheafRound(round, (a, b) => this.active.every((p) => p.group[a] === p.group[b]));
    checker.endRound(round);
    this.done = checker.finalized === checker.honestSlots || round >= this.maxSteps;
    return !this.done;
  }

  // ---------------------------------------------------------------------------------
  // Polls

  private onTimer(ev: number, tick: number): void {
    const node = this.queue.a[ev]!;
    const { state, instances } = this;
    let pending = false;
    const down = this.down[node] === 1;
    for (let k = 0; k < instances; k++) {
      if (state.isFinal(node, k)) continue;
      pending = true;
      if (down) continue;
      const s = node * instances + k;
      if (this.pollOpen[s] === 0 && state.wantsPoll(node, k)) this.startPoll(node, k, s, tick);
    }
    // A node with nothing left to decide stops its timer (decisions are irreversible).
    if (pending) this.scheduleNode(TIMER, node, tick, this.pollInterval);
  }

  private startPoll(node: number, k: number, s: number, tick: number): void {
    const { queue, sampler } = this;
    const gen = ++this.pollGen[s]!;
    const count = sampler.sample(node);
    this.pollOpen[s] = 1;
    this.expected[s] = count;
    this.arrived[s] = 0;
    this.received[s] = 0;
    const region = this.regionOf(node, k);
    this.got.fill(0, region, region + count);
    this.state.prepareQuery(node, k, this.query);
    const peers = sampler.peers;
    for (let a = 0; a < count; a++) {
      const ev = queue.alloc(QUERY);
      queue.a[ev] = node;
      queue.b[ev] = peers[a]!;
      queue.c[ev] = k;
      queue.e[ev] = gen;
      queue.f[ev] = a;
      if (this.exchange) queue.payload.set(this.query, ev * this.width);
      this.send(ev, node, peers[a]!, tick, this.world.queryBytes);
    }
    if (count === 0) {
      this.complete(node, k, s);
      return;
    }
    const t = queue.alloc(TIMEOUT);
    queue.a[t] = node;
    queue.c[t] = k;
    queue.e[t] = gen;
    queue.push(t, tick + this.timeout);
  }

  private onQuery(ev: number, tick: number): void {
    const { queue, state, world, width } = this;
    const asker = queue.a[ev]!;
    const responder = queue.b[ev]!;
    const k = queue.c[ev]!;
    if (this.down[responder] === 1) {
      this.droppedChurn++;
      return;
    }
    const out = this.out;
    let signed: SignedAnswer | undefined;
    if (this.adversarial[responder] === 1) {
      const c = world.strategy.answer(asker, state.preference(asker, k), k, this.steps);
      if (c === SILENT) return;
      this.protocol.answerFor(c, this.candidates, out);
      if (this.signing) signed = this.adversaryStatement(responder, k, c);
    } else {
      const preference = this.signing ? state.preference(responder, k) : NO_CANDIDATE;
      if (this.exchange) {
        const base = ev * width;
        for (let w = 0; w < width; w++) this.query[w] = queue.payload[base + w]!;
      }
      state.respond(responder, k, this.query, out, this.ctx);
      if (this.exchange) world.noteFinal(responder, k, this.steps);
      // A node with no preference has nothing to vouch for: its abstention goes unsigned.
      if (this.signing && preference !== NO_CANDIDATE) signed = this.honestStatement(responder, k, preference);
    }
    const ans = queue.alloc(ANSWER);
    queue.a[ans] = asker;
    queue.b[ans] = responder;
    queue.c[ans] = k;
    queue.e[ans] = queue.e[ev]!;
    queue.f[ans] = queue.f[ev]!;
    const base = ans * width;
    if (width === 1) queue.payload[base] = out[0]!;
    else queue.payload.set(out, base);
    if (this.corruption > 0 && this.netRng.nextFloat() < this.corruption) {
      this.corrupted++;
      if (signed !== undefined) signed = this.book!.damage(signed, this.netRng);
      else for (let w = 0; w < width; w++) queue.payload[base + w] = Number.NaN;
    }
    if (signed !== undefined) queue.refs[ans] = signed;
    this.send(ans, responder, asker, tick, world.answerBytes + (signed === undefined ? 0 : signed.bytes.length));
  }

  private onAnswer(ev: number): void {
    const { queue, instances } = this;
    const asker = queue.a[ev]!;
    const k = queue.c[ev]!;
    const s = asker * instances + k;
    if (this.pollOpen[s] === 0 || this.pollGen[s] !== queue.e[ev]) {
      if (this.down[asker] === 1) this.droppedChurn++;
      else this.staleAnswers++;
      return;
    }
    const region = this.regionOf(asker, k);
    const slot = region + queue.f[ev]!;
    if (this.got[slot] === 1) {
      this.staleAnswers++;
      return;
    }
    const responder = queue.b[ev]!;
    const width = this.width;
    const base = ev * width;
    let accept = true;
    if (this.signing) {
      const signed = queue.refs[ev] as SignedAnswer | undefined;
      if (signed === undefined) accept = false; // an unsigned abstention: counts as answered, carries no vote
      else if (!this.checkStatement(asker, responder, k, signed, queue.payload[base]!)) {
        this.droppedInvalid++;
        return;
      }
    }
    this.got[slot] = 1;
    this.arrived[s]!++;
    if (accept) {
      const at = region + this.received[s]!++;
      this.answerFrom[at] = responder;
      if (width === 1) this.answerWords[at] = queue.payload[base]!;
      else for (let w = 0; w < width; w++) this.answerWords[at * width + w] = queue.payload[base + w]!;
    }
    if (this.arrived[s] === this.expected[s]) this.complete(asker, k, s);
  }

  private onTimeout(ev: number): void {
    const { queue } = this;
    const node = queue.a[ev]!;
    const k = queue.c[ev]!;
    const s = node * this.instances + k;
    if (this.pollOpen[s] === 0 || this.pollGen[s] !== queue.e[ev]) return;
    this.pollTimeouts++;
    this.complete(node, k, s);
  }

  /** Digest the answers received so far and close the poll. */
  private complete(node: number, k: number, s: number): void {
    const count = this.received[s]!;
    const region = this.regionOf(node, k);
    const { width, answers, from } = this;
    for (let a = 0; a < count; a++) from[a] = this.answerFrom[region + a]!;
    if (width === 1) for (let a = 0; a < count; a++) answers[a] = this.answerWords[region + a]!;
    else answers.set(this.answerWords.subarray(region * width, (region + count) * width));
    this.pollOpen[s] = 0;
    this.state.onPoll(node, k, answers, from, count, this.ctx);
    this.updates++;
    // The node's own poll moves its epoch on: its next statement there is signed afresh.
    if (this.epochs !== null) this.epochs.advance(s);
    this.world.noteFinal(node, k, this.steps);
  }

  // ---------------------------------------------------------------------------------
  // The network

  /**
   * Send message `ev` from `from` to `to` at `tick`: partitions, loss, latency, duplication.
   * A link with its own latency or loss (topology file edge attributes) uses them instead of
   * the network's; messages between unlinked nodes (global sampling) use the network's.
   */
  private send(ev: number, from: number, to: number, tick: number, size: number): void {
    const { queue } = this;
    this.messages++;
    this.bytes += size;
    const active = this.active;
    for (let p = 0; p < active.length; p++) {
      const group = active[p]!.group;
      if (group[from] !== group[to]) {
        this.droppedPartition++;
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
    if (loss > 0 && this.netRng.nextFloat() < loss) {
      this.droppedLoss++;
      this.trace(ev, from, to, tick, size, "loss", null, false);
      queue.release(ev);
      return;
    }
    const arrival = tick + (linkLatency > 0 ? linkLatency : this.latency());
    if (this.duplication > 0 && this.netRng.nextFloat() < this.duplication) {
      this.duplicates++;
      this.trace(ev, from, to, tick, size, null, arrival, true);
      const copy = queue.alloc(queue.kind[ev]!);
      queue.a[copy] = queue.a[ev]!;
      queue.b[copy] = queue.b[ev]!;
      queue.c[copy] = queue.c[ev]!;
      queue.e[copy] = queue.e[ev]!;
      queue.f[copy] = queue.f[ev]!;
      const w = this.width;
      queue.payload.copyWithin(copy * w, ev * w, ev * w + w);
      if (queue.refs[ev] !== undefined) queue.refs[copy] = queue.refs[ev];
      queue.push(ev, arrival);
      queue.push(copy, tick + (linkLatency > 0 ? linkLatency : this.latency()));
      return;
    }
    this.trace(ev, from, to, tick, size, null, arrival, false);
    queue.push(ev, arrival);
  }

  /** Hand a sent message to the trace callback, if there is one. */
  private trace(ev: number, from: number, to: number, tick: number, bytes: number, dropped: "partition" | "loss" | null, arrival: number | null, duplicated: boolean): void {
    if (this.onMessage === null) return;
    this.onMessage({ tick, from, to, kind: this.queue.kind[ev] === QUERY ? "query" : "answer", bytes, dropped, arrival, duplicated });
  }

  private updatePartitions(tick: number): void {
    this.active = this.partitions.filter((p) => p.at <= tick && tick < p.heal);
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.partitions) {
      if (p.at > tick) next = Math.min(next, p.at);
      if (p.heal > tick) next = Math.min(next, p.heal);
    }
    this.nextPartitionChange = next;
  }

  // ---------------------------------------------------------------------------------
  // Churn

  private scheduleNode(kind: number, node: number, tick: number, delay: number): void {
    const ev = this.queue.alloc(kind);
    this.queue.a[ev] = node;
    this.queue.push(ev, tick + delay);
  }

  /** Ticks until the next crash: exponential with mean 1/rate, at least 1. */
  private upTime(): number {
    return Math.max(1, Math.ceil(-Math.log(1 - this.churnRng.nextFloat()) / this.network.churn!.rate));
  }

  /** A node crashes: it stops sending and answering, and its open polls are lost. */
  private onCrash(node: number, tick: number): void {
    this.crashes++;
    this.down[node] = 1;
    for (let k = 0; k < this.instances; k++) this.pollOpen[node * this.instances + k] = 0;
    const mean = this.network.churn!.session.mean;
    const downtime = Math.max(1, Math.ceil(-Math.log(1 - this.churnRng.nextFloat()) * mean));
    this.scheduleNode(RESTART, node, tick, downtime);
  }

  // ---------------------------------------------------------------------------------
  // Signed statements

  /**
   * An honest responder's statement about instance k. Its epoch moves on with each of its
   * own polls on k (`complete`), and by the shell's epoch rule: should its preference move
   * between two of its polls (exchange protocols update the responder), it opens a new
   * epoch rather than sign two candidates for one. A statement already signed for this
   * (epoch, candidate) is reused.
   */
  private honestStatement(node: number, k: number, candidate: number): SignedAnswer {
    const s = node * this.instances + k;
    const epochs = this.epochs!;
    if (epochs.signed(s, candidate)) return this.ownStatement![s]!;
    const signed = this.book!.sign(node, k, epochs.open(s, candidate), candidate);
    this.ownStatement![s] = signed;
    return signed;
  }

  /** An adversary never polls, so its epoch stays 0: it signs each candidate once per instance. */
  private adversaryStatement(node: number, k: number, candidate: number): SignedAnswer {
    const key = (node * this.instances + k) * this.candidates + candidate;
    let signed = this.adversaryStatements.get(key);
    if (signed === undefined) {
      signed = this.book!.sign(node, k, 0, candidate);
      this.adversaryStatements.set(key, signed);
    }
    return signed;
  }

  /**
   * Check a signed answer as a receiver would: it decodes, its signature verifies, it is
   * signed by the peer that was asked, about the instance asked, and (one-word answers)
   * vouches for the candidate the answer carries. A valid statement then goes through the
   * shell's equivocation memory (the last statement this receiver kept from the same signer
   * about the same instance): same epoch, different candidate is an equivocation, proven
   * by the pair.
   */
  private checkStatement(receiver: number, responder: number, k: number, signed: SignedAnswer, word: number): boolean {
    const book = this.book!;
    this.statementChecks++;
    const st = book.check(signed);
    if (st === null) return false;
    const candidate = st.candidate as number;
    if (signed.checkedResponder !== responder || signed.checkedInstance !== k) {
      if (st.instance !== book.instanceKey(k) || !equalBytes(st.signer, this.publicKeyOf(responder))) return false;
      signed.checkedResponder = responder;
      signed.checkedInstance = k;
    }
    if (this.width === 1 && word !== candidate) return false;
    const ledger = this.world.ledger;
    if (!ledger.wants(responder)) return true;
    const earlier = this.memory!.observe(receiver, responder, k, st.epoch, candidate, signed);
    if (earlier !== null && isEquivocation(book.crypto.signatures, earlier.statement!, st)) {
      ledger.prove(responder, this.lastTick + ledger.spec.delay * this.pollInterval);
    }
    return true;
  }

  private publicKeyOf(node: number): Uint8Array {
    let key = this.publicKeys[node];
    if (key === undefined) {
      key = this.book!.publicKey(node);
      this.publicKeys[node] = key;
    }
    return key;
  }

  // ---------------------------------------------------------------------------------
  // Fault injection (tests)

  /** Whether `node` has a poll open on `instance`. */
  isPolling(node: number, instance: number): boolean {
    return this.pollOpen[node * this.instances + instance] === 1;
  }

  /**
   * Fault injection: deliver an answer to `asker`'s open poll on `instance` `delay` ticks
   * after the current tick, claiming to come from `responder` and to answer the query in
   * sample position `position`, carrying `words` and (when signing) the statement `bytes` —
   * forged, damaged or someone else's. It then meets the same checks as any answer.
   * Returns false (and injects nothing) when no such poll is open.
   */
  injectAnswer(asker: number, instance: number, responder: number, words: ArrayLike<number>, bytes?: Uint8Array, position = 0, delay = 1): boolean {
    const s = asker * this.instances + instance;
    if (this.pollOpen[s] === 0 || position < 0 || position >= this.expected[s]!) return false;
    const { queue } = this;
    const ev = queue.alloc(ANSWER);
    queue.a[ev] = asker;
    queue.b[ev] = responder;
    queue.c[ev] = instance;
    queue.e[ev] = this.pollGen[s]!;
    queue.f[ev] = position;
    for (let w = 0; w < this.width; w++) queue.payload[ev * this.width + w] = words[w] ?? Number.NaN;
    if (bytes !== undefined) queue.refs[ev] = { bytes, status: 0, statement: null } satisfies SignedAnswer;
    queue.push(ev, Math.max(queue.now, this.lastTick) + Math.max(1, delay));
    return true;
  }

  // ---------------------------------------------------------------------------------

  /** Equivocation proofs so far. */
  get evidence(): number {
    return this.world.ledger.evidence;
  }

  observe(): Observables {
    return this.world.observe(this.messages);
  }

  inspect(): RunInspector {
    return this.world.inspector();
  }

  result(): RunResult {
    return this.world.result(this.messages, this.bytes, {
      events: this.events,
      droppedLoss: this.droppedLoss,
      droppedPartition: this.droppedPartition,
      droppedInvalid: this.droppedInvalid,
      duplicates: this.duplicates,
      droppedChurn: this.droppedChurn,
      staleAnswers: this.staleAnswers,
      pollTimeouts: this.pollTimeouts,
      corrupted: this.corrupted,
      crashes: this.crashes,
      signatures: this.signing,
      statementsSigned: this.book?.signed ?? 0,
      statementChecks: this.statementChecks,
      statementsVerified: this.book?.verified ?? 0,
      pollInterval: this.pollInterval,
      timeoutTicks: this.timeout,
      ticks: this.queue.now,
    });
  }
}
