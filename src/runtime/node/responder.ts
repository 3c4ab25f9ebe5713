/**
 * Responder: answers peers' requests — queries (a signed answer per instance) and
 * fetches (the blocks asked for, from memory or the ledger).
 *
 * Answers are signed per (set, epoch): a new preference opens a new epoch, so this node
 * never signs two candidates for one (set, epoch) (evidence.ts). A final set no longer in
 * memory is answered from its ledger record, at the top epoch of this session.
 *
 * Exchange protocols (T-MESH) send their state along with the query, in the asker's
 * candidate order; the answer is computed in this node's order and moved back with the
 * protocol's {@link AnswerLayout} (table.ts `permuteVector`). An exchange may make a set
 * final here: it is finalized in the background (finalizer.ts: written before announced).
 */
import { transientBytes, transientInt32 } from "../../core/transient.js";
import { parseCid } from "../../core/codec.js";
import { toHex } from "../../core/bytes.js";
import { NO_CANDIDATE } from "../../protocols/consensus.js";
import type { Finalizer } from "./finalizer.js";
import type { Resync } from "./resync.js";
import { decodeSetRecord, type SetRecord } from "./set-record.js";
import type { NodeState, SetInfo } from "./state.js";
import { permuteVector, UNDECIDED } from "./table.js";
import { MAX_STANDING_MEMBERS, type StandingAnswer, StandingAnswers } from "./standing-answers.js";
import { answerBody, candidateId, decodeRequest, encodeResponse, type ErrorResponse, type FetchRequest, ID_BYTES, idKey, type QueryRequest, type Response, type AnswerResponse, signAnswer, writeCandidateId } from "./wire.js";
import { encodePollResponse, memberIds, membersBitmap, type PartAnswer, type PollRequest, type PollResponse, skipped as isSkipped } from "./wire-poll.js";
import { all, readBytes, type Task } from "./tasks.js";

/** Ledger reads per query for sets no longer in memory (the rest count as unknown this time). */
const MAX_RECORD_READS = 64;

/** Epoch of answers about a final set this node no longer holds in memory (top of the session's range). */
const FINAL_EPOCH_OFFSET = 1_048_575;

const NO_RECORDS: ReadonlyMap<number, SetRecord> = new Map();

/** standing-answers.ts: a set not in memory answered with its ledger decision (any index ≥ 0 says "answered"). */
const ANSWERED_FROM_LEDGER = 0;

/** Bytes of blocks per fetch response (below the transport's 1 MiB message limit). */
const FETCH_BUDGET = 900 * 1024;

export class Responder {
  /** standing polls: what was last answered per asker and batch (standing-answers.ts) */
  readonly standing: StandingAnswers;
  /** scratch: a part's members this node lacks (reused: one array per poll part was a cost) */
  private readonly absent: number[] = [];

  constructor(
    private readonly s: NodeState,
    private readonly finalizer: Finalizer,
    private readonly resync: Resync,
  ) {
    this.standing = new StandingAnswers(s);
  }

  *onRequest(from: string, data: Uint8Array): Task<Uint8Array> {
    let req;
    try {
      req = decodeRequest(data);
    } catch (err) {
      this.s.counters.requestsInvalid++;
      this.s.distrust(from, 0.9, `bad request: ${(err as Error).message}`);
      return encodeResponse({ kind: "error", message: (err as Error).message.slice(0, 200) });
    }
    if (req.kind === "poll") {
      const r = yield* this.answerPoll(from, req);
      return r.kind === "answers" ? encodePollResponse(r, answerBody) : encodeResponse(r);
    }
    return encodeResponse(req.kind === "query" ? yield* this.answer(from, req) : yield* this.serveFetch(req));
  }

  /**
   * A standing poll (wire-poll.ts): per part, *same* when the asker holds this node's
   * latest answer about the batch and nothing in it changed since, a *delta* over the
   * members that changed when it holds the latest answer, *unknown* when this node does
   * not hold the batch, else a full signed answer over the batch (recorded, numbered).
   */
  private *answerPoll(from: string, req: PollRequest): Task<PollResponse | ErrorResponse> {
    const s = this.s;
    if (s.protocol.exchange) return { kind: "error", message: `this node runs ${s.protocol.name}: it answers one-shot queries, not standing polls` };
    const parts: PartAnswer[] = [];
    const asker = this.standing.askerIndex(from);
    for (const p of req.parts) {
      let st: StandingAnswer | undefined;
      if (p.instances !== undefined) {
        if (p.instances.length / ID_BYTES > MAX_STANDING_MEMBERS) return { kind: "error", message: `a standing batch has at most ${MAX_STANDING_MEMBERS} instances` };
        st = this.standing.register(asker, p.ref, p.instances);
      } else {
        st = this.standing.get(asker, p.ref);
        if (st === undefined) {
          s.counters.standingUnknown++;
          parts.push({ status: "unknown" });
          continue;
        }
        if (p.skip !== undefined && p.skip.length !== Math.ceil(st.size / 8)) return { kind: "error", message: `part ${p.ref}: skip must have one bit per member` };
        if (p.seen === st.seq) {
          const absent = this.absent;
          absent.length = 0;
          const changed = this.standing.changed(st, p.skip, absent);
          // Sets the asker polls and this node still lacks: wanted again from the asker. The
          // full answer wanted them once, but a want given up (its fetches fell in a
          // partition, or went to peers lacking the set too) was never made again while the
          // answers stayed *same*: swarm seed 20249, 20 sets undecided on every node for ever.
          // An asker naming sets that exist nowhere gets at most one fetch per poll it sends,
          // as re-registering its batch every poll got before.
          for (const j of absent) this.resync.wantSetById(st.ids.subarray(j * ID_BYTES, (j + 1) * ID_BYTES), from);
          if (changed.length === 0) {
            s.counters.standingSame++;
            parts.push({ status: "same" });
            continue;
          }
          s.counters.standingDelta++;
          const answer = yield* this.answer(from, { kind: "query", instances: memberIds(st.ids, changed, transientBytes(changed.length * ID_BYTES)) }, st, undefined, changed);
          if (answer.kind !== "answer") return answer;
          st.seq = (st.seq + 1) >>> 0;
          parts.push({ status: "delta", answer, seq: st.seq, members: membersBitmap(changed, st.size) });
          continue;
        }
      }
      s.counters.standingFull++;
      const answer = yield* this.answer(from, { kind: "query", instances: st.ids }, st, p.skip);
      if (answer.kind !== "answer") return answer;
      st.seq = (st.seq + 1) >>> 0;
      parts.push({ status: "full", answer, seq: st.seq });
    }
    return { kind: "answers", parts };
  }

  /**
   * Each queried instance's number here (-1: not in memory), into `local`; the ids of
   * those not in memory and not looked up in vain lately are returned (by position).
   */
  private resolveInstances(q: QueryRequest, local: Int32Array, skip?: Uint8Array): number[] {
    const s = this.s;
    const unknown: number[] = [];
    for (let j = 0; j < local.length; j++) {
      if (isSkipped(skip, j)) {
        local[j] = -1; // the asker no longer polls it (standing polls)
        continue;
      }
      const i = s.byInstanceId.get(q.instances, j * ID_BYTES);
      local[j] = i;
      // Looked up in vain lately: a set only the asker holds so far.
      if (i < 0 && unknown.length < MAX_RECORD_READS && !s.notStored.has(idKey(q.instances, j * ID_BYTES))) unknown.push(j);
    }
    return unknown;
  }

  /**
   * Records of final sets no longer in memory that a query asks about (by position in
   * the query), read from the ledger; at most {@link MAX_RECORD_READS} per query.
   */
  private *storedFinals(q: QueryRequest, positions: readonly number[]): Task<Map<number, SetRecord>> {
    const s = this.s;
    const out = new Map<number, SetRecord>();
    const raws = yield* all(positions.map((j) => readBytes("set", toHex(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES)))));
    positions.forEach((j, k) => {
      const raw = raws[k];
      const id = idKey(q.instances, j * ID_BYTES);
      const rec = raw === undefined ? undefined : decodeSetRecord(raw);
      if (rec?.final !== undefined) out.set(j, rec);
      else if (!s.byInstanceId.has(q.instances, j * ID_BYTES)) s.notStored.set(id, true);
    });
    return out;
  }

  /**
   * The signed answer to a query; `record` (standing polls) gets what was answered per
   * instance: the query's j-th instance is the record's member j, or `members[j]` (a delta).
   */
  private *answer(from: string, q: QueryRequest, record?: StandingAnswer, skip?: Uint8Array, members?: readonly number[]): Task<AnswerResponse | ErrorResponse> {
    const s = this.s;
    const n = q.instances.length / ID_BYTES;
    // The answer's arrays live until its response is encoded: carved from shared chunks
    // (transient.ts), as five allocations per answer were a visible share of a 100-node simulation.
    const epochs = transientBytes(4 * n);
    // Instances resolved once; again after a ledger read (sets may come and go meanwhile).
    const local = transientInt32(n);
    const unknown = this.resolveInstances(q, local, skip);
    let stored: ReadonlyMap<number, SetRecord> = NO_RECORDS;
    if (unknown.length > 0) {
      stored = yield* this.storedFinals(q, unknown);
      this.resolveInstances(q, local, skip);
    }
    // A final set no longer in memory is answered with its decision at the top epoch of
    // this session (never used for a preference, so never two candidates for one epoch).
    const finalEpoch = s.epochBase + FINAL_EPOCH_OFFSET;
    // Which answers name a candidate that will not move again (wire.ts `locked`): the `safe`
    // mode's quorum counts only those.
    const locked = transientBytes(n);
    let anyLocked = false;
    const lock = (j: number): void => {
      locked[j] = 1;
      anyLocked = true;
    };
    if (!s.protocol.exchange) {
      const preferences = transientBytes(ID_BYTES * n);
      const table = s.table;
      for (let j = 0; j < n; j++) {
        const i = local[j]!;
        const m = members === undefined ? j : members[j]!;
        if (record !== undefined) {
          record.local[m] = i;
          record.cand[m] = NO_CANDIDATE;
          record.locked[m] = 0;
          record.answered[m] = 1;
          // Building an answer moves no version (epochs move with the candidate, which does).
          record.versions[m] = i >= 0 ? table.version(i) : -2;
        }
        if (skip !== undefined && isSkipped(skip, j)) {
          if (record !== undefined) record.answered[m] = 0;
          continue;
        }
        if (i < 0) {
          const rec = stored.get(j);
          if (rec !== undefined) {
            writeEpoch(epochs, j, finalEpoch);
            writeCandidateId(parseCid(rec.final!), preferences, j * ID_BYTES);
            lock(j);
            if (record !== undefined) {
              record.cand[m] = ANSWERED_FROM_LEDGER;
              record.locked[m] = 1;
            }
          } else {
            // Polled about a set this node never heard of: fetch it from the asker, who
            // holds its candidates (otherwise a set known to one node stays pending).
            this.resync.wantSetById(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES), from);
          }
          continue;
        }
        // Only the table's columns are read here, never the set's objects (table.ts).
        const decided = table.decided(i);
        const c = decided !== UNDECIDED ? decided : table.preference(i);
        if (c < 0) continue; // no preference, or decided for a candidate not held here
        const epoch = table.openEpoch(i, c); // the shell's epoch rule: one signed candidate per (set, epoch)
        writeEpoch(epochs, j, epoch);
        table.copyCandidateId(i, c, preferences, j * ID_BYTES);
        const isLocked = decided !== UNDECIDED || table.isFinal(i);
        if (isLocked) lock(j);
        if (record !== undefined) {
          record.cand[m] = c;
          record.epochs[m] = epoch;
          record.locked[m] = isLocked ? 1 : 0;
        }
      }
      return signAnswer(s.c.crypto.signatures, s.c.keys, q.instances, { epochs, preferences, ...(anyLocked ? { locked } : {}) });
    }
    const w = s.answerWidth;
    const d = s.tuning.maxCandidates;
    if (q.candidates === undefined || q.vectors === undefined || q.vectors.length !== n * w) {
      return { kind: "error", message: `this node runs ${s.protocol.name}: queries carry candidates and ${w}-word vectors` };
    }
    const vectors = new Float64Array(n * w);
    const skipped = new Uint8Array(n);
    const mine = new Float64Array(w);
    const out = new Float64Array(w);
    for (let j = 0; j < n; j++) {
      const i = local[j]! < 0 ? undefined : local[j]!;
      const theirs = q.candidates[j]!;
      const rec = i === undefined ? stored.get(j) : undefined;
      if (rec !== undefined) {
        // final here, forgotten from memory: answer "I prefer the decision" in the asker's order
        const finalId = idKey(candidateId(parseCid(rec.final!)));
        let x = 0;
        while (x < theirs.length / ID_BYTES && idKey(theirs, x * ID_BYTES) !== finalId) x++;
        if (x < theirs.length / ID_BYTES) {
          s.protocol.answerFor(x, d, vectors.subarray(j * w, (j + 1) * w));
          lock(j);
          continue;
        }
      }
      const map = i === undefined ? null : orderMap(s.sets.get(i)!, theirs, d);
      if (i === undefined || map === null) {
        skipped[j] = 1;
        if (i === undefined || theirs.length > 0) this.resync.wantSetById(q.instances.subarray(j * ID_BYTES, (j + 1) * ID_BYTES), from);
        continue;
      }
      // asker order → our order, exchange, our order → asker order
      permuteVector(q.vectors.subarray(j * w, (j + 1) * w), mine, invert(map, d), s.layout, d);
      s.table.respond(i, mine, out, s.ctx);
      permuteVector(out, vectors.subarray(j * w, (j + 1) * w), map, s.layout, d);
      const info = s.sets.get(i)!;
      if (info.final !== undefined || s.table.isFinal(i)) lock(j);
      if (s.table.isFinal(i) && info.final === undefined) s.spawn("finalize", this.finalizer.finalize([i]));
    }
    return signAnswer(s.c.crypto.signatures, s.c.keys, q.instances, { epochs, vectors, skipped, ...(anyLocked ? { locked } : {}) });
  }

  /** Blocks a peer asked for: from memory when held there, else from the ledger. */
  private *serveFetch(req: FetchRequest): Task<Response> {
    const s = this.s;
    const txs: Uint8Array[] = [];
    const vertices: Uint8Array[] = [];
    let budget = FETCH_BUDGET;
    const addTx = (bytes: Uint8Array | undefined): void => {
      if (bytes && budget >= bytes.length) {
        txs.push(bytes);
        budget -= bytes.length;
      }
    };
    function* txBytes(cid: string): Task<Uint8Array | undefined> {
      return s.txs.get(cid)?.bytes ?? (yield* readBytes("tx", cid));
    }
    for (const c of req.txs) addTx(yield* txBytes(c.toString()));
    for (let j = 0; j < req.sets.length / ID_BYTES; j++) {
      const i = s.byInstanceId.get(req.sets, j * ID_BYTES);
      if (i >= 0) {
        for (const c of s.sets.get(i)!.set.candidates) addTx(s.txs.get(c.toString())?.bytes);
        continue;
      }
      const raw = yield* readBytes("set", toHex(req.sets.subarray(j * ID_BYTES, (j + 1) * ID_BYTES)));
      if (raw !== undefined) for (const c of decodeSetRecord(raw).candidates) addTx(yield* txBytes(c));
    }
    for (const c of req.vertices) {
      const v = s.dag.bytes(c.toString()) ?? (yield* readBytes("vertex", c.toString()));
      if (v && budget >= v.length) {
        vertices.push(v);
        budget -= v.length;
      }
    }
    return { kind: "blocks", txs, vertices };
  }
}

/**
 * map[x] = our index of the asker's candidate x (identity beyond the candidates both
 * know), or null when the two candidate lists are not the same set.
 */
function orderMap(info: SetInfo, theirs: Uint8Array, d: number): number[] | null {
  const k = theirs.length / ID_BYTES;
  if (k !== info.set.candidates.length) return null;
  const map: number[] = [];
  for (let x = 0; x < k; x++) {
    const c = info.byCandidateId.get(idKey(theirs, x * ID_BYTES));
    if (c === undefined) return null;
    map.push(c);
  }
  for (let x = k; x < d; x++) map.push(x);
  return map;
}

/** The inverse of a permutation given as map[x] = y. */
function invert(map: readonly number[], d: number): number[] {
  const inv = new Array<number>(d).fill(-1);
  map.forEach((y, x) => (inv[y] = x));
  return inv;
}

/** Answer entry `j`'s epoch, little-endian (wire.ts). */
function writeEpoch(epochs: Uint8Array, j: number, epoch: number): void {
  const e = j * 4;
  epochs[e] = epoch & 0xff;
  epochs[e + 1] = (epoch >>> 8) & 0xff;
  epochs[e + 2] = (epoch >>> 16) & 0xff;
  epochs[e + 3] = epoch >>> 24;
}
