/**
 * Polling: ask `K` random known peers (all connected ones for EMTD) about every
 * undecided instance in one batched, signed query, check each answer (signer, signature,
 * shape, equivocation), feed each instance's answers to the protocol, and finalize what
 * became final.
 *
 * The loop runs on the injected clock and only while there is work: it goes idle when
 * nothing is undecided or wanted, and {@link NodeState.wake} re-arms it. Each round also
 * starts the fetch of wanted blocks (beside the poll, never blocking it) and the
 * re-gossip of long-pending sets (resync.ts). Checking the answers and resolving their
 * entries into this node's candidates is the answer reader's job (answer-reader.ts).
 */
import { DecodeError } from "../../core/errors.js";
import type { ConflictSet } from "../../core/conflict.js";
import { ALL_NEIGHBOURS, NO_CANDIDATE } from "../../protocols/consensus.js";
import { samplePeers } from "../../protocols/shell.js";
import type { TimerHandle } from "../ports.js";
import type { Evidence } from "./evidence.js";
import type { Finalizer } from "./finalizer.js";
import type { TimedJob } from "./lifecycle.js";
import type { Resync } from "./resync.js";
import { markHeld, type NodeState } from "./state.js";
import { namedCandidate, UNDECIDED } from "./table.js";
import { LoadGauge } from "./load-gauge.js";
import { earlyQuorum, type PollHints, PollRound, REFUSED, type RoundAnswer, SKIPPED } from "./poll-round.js";
import { type RoundPlan, StandingBatches } from "./standing-batches.js";
import { AnswerReader } from "./answer-reader.js";
import { encodePollRequest } from "./wire-poll.js";
import { request, type Task } from "./tasks.js";
import {
  candidateId,
  decodeResponse,
  encodeRequest,
  ID_BYTES,
  idKey,
  MAX_QUERY_INSTANCES,
  type QueryRequest,
} from "./wire.js";

/** Peers whose trust evidence has brought below this are no longer sampled. */
export const MIN_SAMPLING_TRUST = 0.5;

export class Poller implements TimedJob {
  readonly name = "poll" as const;
  private polling = false;
  private fetching = false;
  private pollTimer: TimerHandle | null = null;
  private pollTimerAt = 0;
  /** answer latencies → the poll timeout; round durations → overload (load-gauge.ts) */
  readonly gauge: LoadGauge;
  /** preference protocols: the pending sets in standing batches (standing-batches.ts) */
  readonly standing: StandingBatches;
  /** checks answers and resolves their entries (answer-reader.ts) */
  private readonly reader: AnswerReader;

  constructor(
    private readonly s: NodeState,
    evidence: Evidence,
    private readonly finalizer: Finalizer,
    private readonly resync: Resync,
  ) {
    s.wake = () => this.wake();
    this.reader = new AnswerReader(s, evidence, resync);
    this.standing = new StandingBatches((i) => s.sets.get(i)?.id);
    this.gauge = new LoadGauge(s.tuning.pollTimeoutMs, s.tuning.maxPollTimeoutMs, s.tuning.maxQueueDelayMs, s.tuning.minAdmitted);
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.pollTimer?.cancel();
    this.pollTimer = null;
  }

  /** Arm the poll loop if it went idle (new work arrived). */
  wake(): void {
    if (this.polling || !this.s.running) return;
    // A timer set far ahead (only held wants, due later) gives way to the new work.
    if (this.pollTimer !== null && this.pollTimerAt > this.s.c.clock.now() + this.s.tuning.pollIntervalMs) {
      this.pollTimer.cancel();
      this.pollTimer = null;
    }
    if (this.pollTimer === null) this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.s.running) return;
    this.pollTimerAt = this.s.c.clock.now() + delay;
    this.pollTimer = this.s.c.clock.after(delay, () => {
      // The next round is scheduled after this one, whatever it did; a failure of either
      // is counted (task "poll"), never lost. If scheduling itself failed, the loop is
      // idle and wake() re-arms it on new work.
      this.s.tasks.spawn(this.pollRound(), (ok, err) => {
        if (!ok) this.s.recordFailure("poll", err);
        this.s.guard("poll", () => this.scheduleNext());
      });
    });
  }

  /** After a round: the next one, or idle until wake() is called by new work or a held want is due again. */
  private scheduleNext(): void {
    this.pollTimer = null;
    if (this.s.hasWork()) this.schedule(this.s.tuning.pollIntervalMs);
    else {
      const due = this.s.wants.nextDue();
      if (due !== undefined) this.schedule(Math.max(this.s.tuning.pollIntervalMs, due - this.s.c.clock.now()));
    }
  }

  /** One poll round over up to `maxPollBatch` undecided instances. */
  *pollRound(): Task<void> {
    const s = this.s;
    if (this.polling) return;
    this.polling = true;
    const clock = s.c.clock;
    const t0 = clock.now();
    try {
      if (!this.fetching) {
        // Fetches run beside the polls: a slow peer must not stall consensus on everything else.
        this.fetching = true;
        const tf = clock.now();
        s.tasks.spawn(this.resync.fetchWanted(), (ok, err) => {
          if (!ok) s.recordFailure("fetch", err);
          this.fetching = false;
          s.counters.pollFetchMs += clock.now() - tf;
        });
      }
      this.resync.regossipPending();
      const connected = s.connected;
      for (const p of connected) s.peers.index(p);
      if (connected.length === 0 || s.undecided.size === 0) return;
      const k = s.protocol.sampleSize(s.params);
      // The sample is drawn from every peer this node has known (a validator set, as
      // Avalanche samples validators, not connections): an unreachable peer is asked and
      // counts as a silent voter. Sampling only connected peers would let each side of a
      // partition reach α among itself and finalize alone. Peers shown to misbehave
      // (trust below MIN_SAMPLING_TRUST) are left out; silence alone is not evidence.
      const known = k === ALL_NEIGHBOURS ? connected : s.peers.names();
      const pool = known.filter((p) => s.peers.trust[s.peers.index(p)]! >= MIN_SAMPLING_TRUST);
      if (pool.length === 0) return;
      // A set waiting for a quorum (`safe` mode) is still asked about: the answers are its votes.
      const polled = (i: number): boolean => s.undecided.has(i) && (s.table.wantsPoll(i) || s.deferred.has(i));
      const limit = Math.min(s.tuning.maxPollBatch, MAX_QUERY_INSTANCES);
      let round: PollRound;
      const t2 = clock.now();
      if (s.protocol.exchange) {
        const batch: number[] = [];
        for (const i of s.undecided) {
          if (batch.length >= limit) break;
          if (polled(i)) batch.push(i);
        }
        if (batch.length === 0) return;
        const sample = samplePeers(pool, k === ALL_NEIGHBOURS ? pool.length : Math.min(k, pool.length), s.c.rng);
        const query = this.buildQuery(batch);
        const bytes = encodeRequest(query);
        s.counters.queriesSent += sample.length;
        round = new PollRound({ ask: (x, closed) => this.askExchange(sample[x]!, bytes, query, closed), peerIndex: (p) => this.peerIndex(p), spawn: (t, done) => s.tasks.spawn(t, done) }, batch, sample, null);
      } else {
        const plan = this.standing.plan(s.undecided, polled, limit);
        if (plan.instances.length === 0 || plan.inactive.every((x) => x === 1)) return;
        const sample = samplePeers(pool, k === ALL_NEIGHBOURS ? pool.length : Math.min(k, pool.length), s.c.rng);
        s.counters.queriesSent += sample.length;
        const hints = this.hints(plan.instances);
        const asker = {
          ask: (x: number, closed: () => boolean) => this.askStanding(round, plan, hints, x, closed),
          peerIndex: (p: string) => this.peerIndex(p),
          spawn: <T>(t: Task<T>, done: (ok: boolean, value: unknown) => void) => s.tasks.spawn(t, done),
        };
        round = new PollRound(asker, plan.instances, sample, earlyQuorum(s), plan.inactive);
      }
      yield* round.collect();
      const t3 = clock.now();
      s.counters.pollAskMs += t3 - t2;
      const finalized = this.digest(round);
      if (finalized.length > 0) yield* this.finalizer.finalize(finalized);
      s.counters.pollFinalizeMs += clock.now() - t3;
      s.counters.pollRounds++; // the protocols' tick (PollContext.tick)
      this.gauge.observeRound(clock.now() - t2);
    } finally {
      s.counters.pollMs += clock.now() - t0;
      this.polling = false;
    }
  }

  private buildQuery(batch: readonly number[]): QueryRequest {
    const s = this.s;
    const ids = new Uint8Array(batch.length * ID_BYTES);
    batch.forEach((i, j) => ids.set(s.sets.get(i)!.id, j * ID_BYTES));
    const w = s.answerWidth;
    const vectors = new Float64Array(batch.length * w);
    const candidates = batch.map((i, j) => {
      s.table.prepareQuery(i, vectors.subarray(j * w, (j + 1) * w));
      return candidateIds(s.sets.get(i)!.set);
    });
    return { kind: "query", instances: ids, candidates, vectors };
  }

  /** This node's own preference for each instance of the round, to recognise the answers that agree (resolve). */
  private hints(batch: readonly number[]): PollHints {
    const s = this.s;
    const ids = new Uint8Array(batch.length * ID_BYTES);
    const keys = new Array<string>(batch.length);
    const index = new Int32Array(batch.length).fill(NO_CANDIDATE);
    for (let j = 0; j < batch.length; j++) {
      const i = batch[j]!;
      if (!s.sets.has(i) || s.table.decided(i) !== UNDECIDED) continue;
      const c = s.table.preference(i);
      if (c < 0) continue;
      s.table.copyCandidateId(i, c, ids, j * ID_BYTES);
      // Built here, not read from the set's own strings (state.ts `candidateKeys`): reaching
      // the set's object per instance per round cost ~3x more in a 100-node simulation.
      keys[j] = idKey(ids, j * ID_BYTES);
      index[j] = c;
    }
    return { ids, keys, index };
  }

  /** The index of a peer in this node's tables. */
  peerIndex(peer: string): number {
    return this.s.peers.index(peer);
  }

  /** Ask one peer a one-shot query (exchange protocols); the checked answer, or null (no answer in time, or an invalid one). */
  private *askExchange(peer: string, bytes: Uint8Array, query: QueryRequest, closed: () => boolean): Task<RoundAnswer | null> {
    const s = this.s;
    const raw = yield* this.request(peer, bytes, closed);
    if (raw === null) return null;
    try {
      const n = query.instances.length / ID_BYTES;
      const r = decodeResponse(raw, n);
      if (r.kind !== "answer") throw new DecodeError("invalid", "answer", r.kind === "error" ? `the peer refused: ${r.message}` : `expected an answer, got ${r.kind}`);
      this.reader.checkSigned(r, peer, query.instances);
      if (r.vectors === undefined || r.vectors.length !== n * s.answerWidth) throw new DecodeError("invalid", "answer", "answer does not match the protocol");
      s.counters.queriesAnswered++;
      return r.locked === undefined ? { response: r } : { response: r, locked: r.locked };
    } catch (err) {
      this.reader.invalid(peer, err);
      return null;
    }
  }

  /**
   * Ask sample[x] a standing poll over the round's batches (wire-poll.ts): batches the
   * peer does not hold yet are registered (their ids sent), the others named by ref. Each
   * part's answer is resolved into the round's candidates: a full one checked (signer,
   * signature, equivocation) and remembered, a delta checked the same way and applied over
   * what was remembered, a *same* one read from what was remembered.
   */
  private *askStanding(round: PollRound, plan: RoundPlan, h: PollHints, x: number, closed: () => boolean): Task<RoundAnswer | null> {
    const peer = round.sample[x]!;
    const px = round.peerIdx[x]!;
    const parts = plan.batches.map((b, k) => {
      const last = b.last.get(px);
      const skip = plan.skips[k];
      const part = last !== undefined ? { ref: b.ref, seen: last.seq } : { ref: b.ref, instances: b.ids };
      return skip === undefined ? part : { ...part, skip };
    });
    const raw = yield* this.request(peer, encodePollRequest({ kind: "poll", parts }), closed);
    if (raw === null) return null;
    return this.reader.standing(raw, round, plan, parts, h, x);
  }

  /** The raw answer of `peer` to `bytes`, or null (failed, timed out, or the round no longer needs it). */
  private *request(peer: string, bytes: Uint8Array, closed: () => boolean): Task<Uint8Array | null> {
    const s = this.s;
    const sent = s.c.clock.now();
    let raw: Uint8Array;
    try {
      raw = yield* request(peer, bytes, this.gauge.timeoutMs());
      this.gauge.observeLatency(s.c.clock.now() - sent, s.c.clock.now());
    } catch {
      if (!closed()) s.counters.queriesFailed++;
      return null;
    }
    // A poll that ended early (its outcome settled) drops late answers unread, as avalanchego does.
    return closed() ? null : raw;
  }

  /** Feed every instance's answers to the protocol; returns the instances that became final. */
  private digest(round: PollRound): number[] {
    const s = this.s;
    const { batch, sample, responses, peerIdx, inactive } = round;
    const w = s.answerWidth;
    const answers = new Float64Array(sample.length * w);
    const from = new Int32Array(sample.length);
    const finalized: number[] = [];
    const one = new Float64Array(w);
    const gated = s.tuning.partitionMode === "safe";
    const now = s.c.clock.now();
    const d = s.tuning.maxCandidates;
    for (let j = 0; j < batch.length; j++) {
      const i = batch[j]!;
      if (inactive?.[j] === 1) continue;
      const info = s.sets.get(i);
      // Decided (by an answer to a peer) and already forgotten while this round was asking.
      if (info === undefined || info.final !== undefined) continue;
      let count = 0;
      for (let x = 0; x < sample.length; x++) {
        const r = responses[x];
        if (!r) continue;
        if (r.response !== undefined) {
          if (r.response.skipped?.[j] === 1) continue;
          const vector = r.response.vectors!.subarray(j * w, (j + 1) * w);
          const named = namedCandidate(vector, s.layout, d);
          markHeld(info, named);
          if (gated && r.locked?.[j] === 1) s.gate.note(i, peerIdx[x]!, named, now);
          answers.set(vector, count * w);
        } else {
          const c = r.candidates![j]!;
          if (c === REFUSED || c === SKIPPED) continue;
          markHeld(info, c);
          if (gated && r.locked?.[j] === 1) s.gate.note(i, peerIdx[x]!, c, now);
          s.protocol.answerFor(c, d, one);
          for (let u = 0; u < w; u++) answers[count * w + u] = one[u]!;
        }
        from[count++] = peerIdx[x]!;
      }
      // A set the protocol already declared final (waiting for a quorum) only collects votes.
      if (!s.deferred.has(i)) s.table.onPoll(i, answers, from, count, s.ctx);
      if (s.table.isFinal(i)) finalized.push(i);
    }
    return finalized;
  }
}

/** The 8-byte ids of a set's candidates, in this node's order. */
export function candidateIds(set: ConflictSet): Uint8Array {
  const out = new Uint8Array(set.candidates.length * ID_BYTES);
  set.candidates.forEach((c, x) => out.set(candidateId(c), x * ID_BYTES));
  return out;
}
