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
 * fields are the cycle driver's (world.ts, sampling.ts, adversary.ts, evidence.ts). This
 * file is the driver itself: the step loop and the asker's side of a poll (timer, sample,
 * answers, timeout). The parts it wires together live beside it: the event kinds
 * (events.ts), the counters (counters.ts), poll bookkeeping (polls.ts), a queried node's
 * answer (respond.ts), the network's fate for each message (delivery.ts), churn
 * (churn.ts) and signed answers (statements.ts, signing.ts).
 */
import type { Rng } from "../../core/prng.js";
import { type ConsensusProtocol, type ConsensusState, ALL_NEIGHBOURS } from "../../protocols/consensus.js";
import type { Observables, ProtocolRun, RunEnvironment, RunInspector, RunResult } from "../../protocols/protocol.js";
import type { Csr } from "../../topology/csr.js";
import { linkAttributes, loadedGraphOf } from "../../topology/file.js";
import type { ConsensusChecker } from "../consensus/checkers.js";
import { type SimEnvironment, requireCrypto } from "../consensus/environment.js";
import { PeerSampler } from "../consensus/sampling.js";
import type { ConsensusSetting } from "../consensus/setting.js";
import { ConsensusWorld } from "../consensus/world.js";
import { Churn } from "./churn.js";
import { EventCounters } from "./counters.js";
import { Delivery } from "./delivery.js";
import { ANSWER, CRASH, QUERY, RESTART, TIMEOUT, TIMER, scheduleNode } from "./events.js";
import { type NetworkSpec, SIGNATURES_DEFAULT_MAX_NODES, latencySampler, networkSchema, resolvePartition } from "./network.js";
import { PollTable } from "./polls.js";
import { EventQueue } from "./queue.js";
import { Responder } from "./respond.js";
import { type SignedAnswer, StatementBook } from "./signing.js";
import { Statements } from "./statements.js";

export class ConsensusEventRun<P> extends EventCounters implements ProtocolRun {
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
  // The other counters (updates, messages, drops, …) are fields of EventCounters (counters.ts).

  private readonly instances: number;
  private readonly width: number;
  private readonly ctx: { tick: number; rng: Rng; trust: Float64Array };
  private readonly sampler: PeerSampler;
  private readonly exchange: boolean;
  private readonly polls: PollTable;
  private readonly delivery: Delivery;
  private readonly churn: Churn;
  private readonly responder: Responder<P>;
  /** who signs what and how receivers check it, when signing */
  private readonly statements: Statements | null;
  /** scratch: the query a poll prepares (and the responder reads) */
  private readonly query: Float64Array;
  private lastTick = -1;
  private done = false;

  constructor(
    protocol: ConsensusProtocol<P>,
    readonly params: P,
    env: RunEnvironment,
  ) {
    super();
    const world = new ConsensusWorld(protocol, params, env, { flipEachRound: true });
    this.world = world;
    const setting = env.sections as unknown as ConsensusSetting;
    this.network = networkSchema.parse(setting.network ?? {});
    const net = this.network;
    this.graph = world.graph;
    const n = world.nodes;
    this.nodes = n;
    this.instances = world.instances;
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

    // Random streams are named by purpose, so each one's draws are independent of the
    // others'. "network" is one stream for the delivery (loss, duplication) and the
    // responder (corruption): their draws interleave in the order messages are sent.
    this.ctx = { tick: 0, rng: env.rng("protocol"), trust: this.trust };
    this.sampler = new PeerSampler(this.graph, world.sampleSize, setting.sampling, env.rng("sampling"));
    const netRng = env.rng("network");
    const churnRng = env.rng("churn");
    const latency = latencySampler(net.latency, env.rng("latency"));
    const loaded = loadedGraphOf(setting.topology);
    const links = loaded ? linkAttributes(loaded) : null;
    const onMessage = (env as SimEnvironment).onMessage ?? null;
    const partitions = net.partitions.map((p, i) => resolvePartition(p, n, `network.partitions.${i}`));

    this.polls = new PollTable(this.graph, n, this.instances, this.width, world.sampleSize === ALL_NEIGHBOURS, this.sampler.maxPeers);
    this.query = new Float64Array(this.width);
    this.queue = new EventQueue(this.width, Math.min(1 << 22, Math.max(1024, n * 8)));
    this.delivery = new Delivery({ queue: this.queue, counters: this, rng: netRng, latency, loss: net.loss, duplication: net.duplication, links, partitions, onMessage });
    this.churn = new Churn(this.queue, this, n, net.churn, churnRng);

    this.signing = net.signatures ?? n <= SIGNATURES_DEFAULT_MAX_NODES;
    if (this.signing) {
      this.book = new StatementBook(requireCrypto(env, "network.signatures (signed answers)"), env.seed, n, this.instances);
      this.statements = new Statements(this.book, this, world.ledger, n, this.instances, world.candidates, this.width, this.pollInterval, net.statementMemory);
    } else {
      this.book = null;
      this.statements = null;
    }
    const { queue, delivery, statements, ctx, query } = this;
    this.responder = new Responder({ world, protocol, queue, counters: this, delivery, statements, netRng, corruption: net.corruption, ctx, query });

    // Poll timers: a random phase in [1, P] per honest node, scheduled in node order.
    const schedule = env.rng("schedule");
    for (let h = 0; h < this.honestIds.length; h++) {
      const ev = this.queue.alloc(TIMER);
      this.queue.a[ev] = this.honestIds[h]!;
      this.queue.push(ev, 1 + schedule.nextInt(this.pollInterval));
    }
    this.churn.start();
  }

  step(): boolean {
    if (this.done) return false;
    const round = ++this.steps;
    const stepEnd = round * this.pollInterval;
    const { world, queue, delivery } = this;
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
        if (tick >= delivery.nextPartitionChange) delivery.updatePartitions(tick);
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
          // A crash loses the node's open polls: their answers are dropped on arrival (droppedChurn).
          this.polls.dropAll(queue.a[ev]!);
          this.churn.crash(queue.a[ev]!, tick);
          break;
        case RESTART:
          this.churn.restart(queue.a[ev]!, tick);
          break;
      }
      queue.release(ev);
    }
    const { checker } = this;
    this.world.sheafRound(round, (a, b) => delivery.connected(a, b));
    checker.endRound(round);
    this.done = checker.finalized === checker.honestSlots || round >= this.maxSteps;
    return !this.done;
  }

  // ---------------------------------------------------------------------------------
  // Polls

  private onTimer(ev: number, tick: number): void {
    const node = this.queue.a[ev]!;
    const { state, instances, polls } = this;
    let pending = false;
    const down = this.churn.down[node] === 1;
    for (let k = 0; k < instances; k++) {
      if (state.isFinal(node, k)) continue;
      pending = true;
      if (down) continue;
      const s = node * instances + k;
      if (polls.open[s] === 0 && state.wantsPoll(node, k)) this.startPoll(node, k, s, tick);
    }
    // A node with nothing left to decide stops its timer (decisions are irreversible).
    if (pending) scheduleNode(this.queue, TIMER, node, tick, this.pollInterval);
  }

  private startPoll(node: number, k: number, s: number, tick: number): void {
    const { queue, sampler } = this;
    const count = sampler.sample(node);
    const gen = this.polls.begin(node, k, s, count);
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
      this.delivery.send(ev, node, peers[a]!, tick, this.world.queryBytes);
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
    if (this.churn.down[this.queue.b[ev]!] === 1) {
      this.droppedChurn++;
      return;
    }
    this.responder.answer(ev, tick, this.steps);
  }

  private onAnswer(ev: number): void {
    const { queue, instances, polls, statements } = this;
    const asker = queue.a[ev]!;
    const k = queue.c[ev]!;
    const s = asker * instances + k;
    if (!polls.isCurrent(s, queue.e[ev]!)) {
      if (this.churn.down[asker] === 1) this.droppedChurn++;
      else this.staleAnswers++;
      return;
    }
    const position = queue.f[ev]!;
    if (polls.counted(asker, k, position)) {
      this.staleAnswers++;
      return;
    }
    const responder = queue.b[ev]!;
    const base = ev * this.width;
    let accept = true;
    if (statements !== null) {
      const signed = queue.refs[ev] as SignedAnswer | undefined;
      if (signed === undefined) accept = false; // an unsigned abstention: counts as answered, carries no vote
      else if (!statements.check(asker, responder, k, signed, queue.payload[base]!, this.lastTick)) {
        // An invalid answer does not close its slot: the receiver cannot trust which query it claims to answer.
        this.droppedInvalid++;
        return;
      }
    }
    if (polls.record(asker, k, s, position, responder, accept, queue.payload, base)) this.complete(asker, k, s);
  }

  private onTimeout(ev: number): void {
    const { queue } = this;
    const node = queue.a[ev]!;
    const k = queue.c[ev]!;
    const s = node * this.instances + k;
    if (!this.polls.isCurrent(s, queue.e[ev]!)) return;
    this.pollTimeouts++;
    this.complete(node, k, s);
  }

  /** Digest the answers received so far and close the poll. */
  private complete(node: number, k: number, s: number): void {
    const { polls } = this;
    const count = polls.close(node, k, s);
    this.state.onPoll(node, k, polls.answers, polls.from, count, this.ctx);
    this.updates++;
    // The node's own poll moves its epoch on: its next statement there is signed afresh.
    if (this.statements !== null) this.statements.advance(s);
    this.world.noteFinal(node, k, this.steps);
  }

  // ---------------------------------------------------------------------------------
  // Fault injection (tests)

  /** Whether `node` has a poll open on `instance`. */
  isPolling(node: number, instance: number): boolean {
    return this.polls.open[node * this.instances + instance] === 1;
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
    const { polls } = this;
    if (polls.open[s] === 0 || position < 0 || position >= polls.expected[s]!) return false;
    const { queue } = this;
    const ev = queue.alloc(ANSWER);
    queue.a[ev] = asker;
    queue.b[ev] = responder;
    queue.c[ev] = instance;
    queue.e[ev] = polls.gen[s]!;
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

  // ---------------------------------------------------------------------------------

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
