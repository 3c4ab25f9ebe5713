/**
 * Admission: transactions entering the node, from a client (`submitTx`), from gossip or
 * a fetch (`ingestTxs`), or from the ledger at start (`register`).
 *
 * Ordering contract: a transaction is refused BEFORE it is written (a full set, a final
 * set), and written before it is registered, gossiped, announced by an event or counted
 * as submitted. Candidates being written are reserved against their set's limit, so two
 * concurrent writes cannot both take a set's last place.
 *
 * Cost: each transaction's signature is verified once and its CID hashed once on the way
 * in; the CID travels with it from there (the gossip path skips both for a CID it holds).
 */
import { type BlockCid, cidOf } from "../../core/codec.js";
import { toHex } from "../../core/bytes.js";
import { DecodeError } from "../../core/errors.js";
import { type Tx, conflictKey, decodeTx, encodeTx, verifyTx } from "../../core/tx.js";
import type { SubmitResult } from "../api/facade.js";
import type { Verdict } from "../ports.js";
import type { Outbox } from "./outbox.js";
import { decodeSetRecord, encodeSetRecord, type SetRecord } from "./set-record.js";
import type { NodeState, SetInfo, TxRecord } from "./state.js";
import { candidateId, idKey, instanceId } from "./wire.js";
import { persist, readBytes, type Task } from "./tasks.js";
import { namedCid } from "./decode-memo.js";

export type Refusal = { readonly refused: "too-many-candidates"; readonly detail: string };

interface Incoming {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  readonly cid: BlockCid;
}

export class Admission {
  /** conflict key → candidates admitted and being written now (not yet registered) */
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly s: NodeState,
    private readonly outbox: Outbox,
    /** why client work is refused now (the poll loop cannot keep up), or null (load-gauge.ts) */
    private readonly overloaded: () => string | null = () => null,
  ) {}

  /** Candidates being written right now (bounded by the writes in flight). */
  get reservations(): number {
    return this.reserved.size;
  }

  /**
   * Add a verified, persisted transaction to memory (idempotent). Returns its record, or
   * a refusal. The caller makes sure a set not in memory is not final ({@link accept}
   * asks the ledger first).
   */
  register(tx: Tx, bytes: Uint8Array, cid: BlockCid): TxRecord | Refusal {
    const s = this.s;
    const cidText = cid.toString();
    const known = s.txs.get(cidText);
    if (known) return known;
    const key = conflictKey(tx);
    const added = s.registry.addCandidate(key, cid, () => s.table.allocate(s.epochBase));
    if (!added.ok) return { refused: "too-many-candidates", detail: added.detail };
    const index = added.set.index;
    const now = s.c.clock.now();
    if (added.isNewSet) {
      // Copied: the simulator's memo shares one array among its cores (decode-memo.ts).
      const id = s.c.decodeMemo?.instanceId(key, s.c.crypto.hasher).slice() ?? instanceId(s.c.crypto.hasher, key);
      const info: SetInfo = {
        set: added.set,
        byCandidateId: new Map(),
        candidateKeys: [],
        firstSeen: now,
        id,
        seenAt: [],
        nextRegossip: now + s.tuning.regossipMs,
        regossipDelay: s.tuning.regossipMs,
        heldByPeers: 0,
        // Present from the start, so every SetInfo keeps one hidden class: fields added at
        // finality would give V8 several shapes for the objects read on the poll path.
        finalizedAt: undefined,
        final: undefined,
        reverted: undefined,
      };
      s.sets.set(index, info);
      s.byInstanceId.set(id, 0, index);
      s.notStored.delete(idKey(id));
      s.table.introduce(index, added.candidateIndex);
      s.undecided.add(index);
      s.wake();
    }
    const info = s.sets.get(index)!;
    const candidateKey = idKey(candidateId(cid));
    info.byCandidateId.set(candidateKey, added.candidateIndex);
    info.candidateKeys[added.candidateIndex] = candidateKey;
    s.table.setCandidate(index, added.candidateIndex, cid.multihash.digest);
    // A final set decided for a candidate it did not hold: the decision has an index now.
    if (info.final !== undefined && s.table.decided(index) < 0) s.table.decide(index, info.set.indexOf(info.final));
    info.seenAt[added.candidateIndex] = now;
    const rec: TxRecord = { tx, cid, cidText, bytes, set: index, seenAt: now };
    s.txs.set(cidText, rec);
    return rec;
  }

  /**
   * A valid late candidate of a set that is final and no longer in memory: stored, and
   * added to the set's record (as "rejected"), never brought back into memory. A set
   * whose record is full refuses it (nothing written).
   */
  private *acceptLate(f: Incoming, key: string): Task<void> {
    const s = this.s;
    const idHex = toHex(instanceId(s.c.crypto.hasher, key));
    const raw = yield* readBytes("set", idHex);
    const rec = raw === undefined ? undefined : decodeSetRecord(raw);
    const text = f.cid.toString();
    if (rec === undefined || rec.candidates.includes(text)) return;
    if (rec.candidates.length >= s.tuning.maxCandidates) {
      s.counters.txRefused++;
      return;
    }
    const next: SetRecord = { ...rec, candidates: [...rec.candidates, text], seenAt: [...rec.seenAt, s.c.clock.now()] };
    yield* persist({ txs: [[text, f.bytes]], sets: [[idHex, encodeSetRecord(next)]] });
  }

  /**
   * Verify-free path for transactions already verified (and hashed): refuse what cannot
   * be taken, persist the rest, then register and queue them for gossip.
   */
  *accept(txs: readonly Incoming[], gossip: boolean): Task<TxRecord[]> {
    const s = this.s;
    const fresh: (Incoming & { key: string })[] = [];
    for (const t of txs) {
      if (s.txs.has(t.cid.toString())) continue;
      const key = conflictKey(t.tx);
      if (s.registry.get(key) === undefined && (yield* s.finalOf(key)) !== undefined) {
        // A late candidate of a decided set is kept too: it is valid, and "rejected" is worth reporting.
        yield* this.acceptLate(t, key);
        continue;
      }
      fresh.push({ ...t, key });
    }
    // Refuse before writing: a set takes maxCandidates candidates, counting the ones it
    // holds and the ones being written now (by this batch or a concurrent one).
    const admitted: (Incoming & { key: string })[] = [];
    const seen = new Set<string>();
    for (const f of fresh) {
      const text = f.cid.toString();
      if (seen.has(text) || s.txs.has(text)) continue; // twice in the batch, or arrived meanwhile
      seen.add(text);
      const taken = (s.registry.get(f.key)?.candidates.length ?? 0) + (this.reserved.get(f.key) ?? 0);
      if (taken >= s.tuning.maxCandidates) {
        s.counters.txRefused++;
        continue;
      }
      this.reserved.set(f.key, (this.reserved.get(f.key) ?? 0) + 1);
      admitted.push(f);
    }
    if (admitted.length === 0) return [];
    const out: TxRecord[] = [];
    try {
      yield* persist({ txs: admitted.map((f) => [f.cid.toString(), f.bytes] as const) });
      for (const f of admitted) {
        const r = this.register(f.tx, f.bytes, f.cid);
        if ("refused" in r) {
          // Not reachable with the reservations above; counted, never silent.
          s.counters.txRefused++;
          continue;
        }
        out.push(r);
        if (gossip) this.outbox.queueGossip(f.bytes);
        const info = s.sets.get(r.set)!;
        // A late candidate of a final set still in memory: its record must list it too.
        if (info.final !== undefined) s.spawn("finalize", persist({ sets: [[toHex(info.id), encodeSetRecord(s.recordOf(info))]] }));
        s.emit({ type: "tx", conflict: info.set.key, cid: r.cidText, at: r.seenAt });
      }
    } finally {
      for (const f of admitted) {
        const n = (this.reserved.get(f.key) ?? 1) - 1;
        if (n > 0) this.reserved.set(f.key, n);
        else this.reserved.delete(f.key);
      }
    }
    return out;
  }

  /** A client's transaction: its signature verified and its CID hashed here, once. */
  *submitTx(tx: Tx): Task<SubmitResult> {
    const s = this.s;
    if (!verifyTx(s.c.crypto.signatures, tx)) throw new DecodeError("bad-signature", "tx", "signature does not verify for the author");
    const bytes = encodeTx(tx);
    const cid = cidOf(bytes, s.c.crypto.hasher);
    const cidText = cid.toString();
    const key = conflictKey(tx);
    const existing = s.txs.get(cidText);
    if (existing) return { ok: true, cid: cidText, conflict: key, status: s.statusOf(existing), isNew: false };
    const final = yield* s.finalOf(key);
    if (final !== undefined && (final.equals(cid) || (yield* readBytes("tx", cidText)) !== undefined)) {
      // Known from before it left memory: the same answer as for a transaction held.
      return { ok: true, cid: cidText, conflict: key, status: final.equals(cid) ? "finalized" : "rejected", isNew: false };
    }
    if (final !== undefined) {
      return { ok: false, reason: "already-final", detail: `conflict set ${key} is already final on ${final.toString()}` };
    }
    const set = s.registry.get(key);
    if (set && set.candidates.length >= s.tuning.maxCandidates) {
      return { ok: false, reason: "too-many-candidates", detail: `conflict set ${key} already has ${set.candidates.length} candidates` };
    }
    if (!set && s.undecided.size >= s.tuning.maxPending) {
      s.counters.txOverloaded++;
      return { ok: false, reason: "overloaded", detail: `${s.undecided.size} undecided conflict sets; try again shortly` };
    }
    // Checked after the idempotent answers above: a resubmission of what is held is never
    // refused, nor a new candidate of a held set (it adds no set to the backlog).
    const busy = set ? null : this.overloaded();
    if (busy !== null) {
      s.counters.txOverloaded++;
      return { ok: false, reason: "overloaded", detail: busy };
    }
    const [rec] = yield* this.accept([{ tx, bytes, cid }], true);
    if (!rec) {
      const held = s.txs.get(cidText); // the same transaction, admitted meanwhile by gossip
      if (held) return { ok: true, cid: cidText, conflict: key, status: s.statusOf(held), isNew: false };
      return { ok: false, reason: "too-many-candidates", detail: `conflict set ${key} is full` };
    }
    s.counters.txSubmitted++;
    return { ok: true, cid: rec.cidText, conflict: key, status: s.statusOf(rec), isNew: true };
  }

  /** Decode and verify transactions from a peer; returns the gossip verdict. */
  *ingestTxs(list: readonly Uint8Array[], from: string, gossip: boolean): Task<Verdict> {
    const s = this.s;
    const ok: Incoming[] = [];
    let bad = 0;
    let known = 0;
    for (const bytes of list) {
      // Bytes whose CID we hold are the very bytes we verified before (a CID is a hash of
      // them): skip the decode and the signature check, the largest cost under load.
      // The simulator's shared memo (decode-memo.ts) hashes and decodes each gossiped array once per run.
      const memo = s.c.decodeMemo;
      const { cid, text } = memo?.cid(bytes, s.c.crypto.hasher) ?? namedCid(bytes, s.c.crypto.hasher);
      if (s.txs.has(text)) {
        known++;
        continue;
      }
      try {
        ok.push({ tx: memo?.tx(bytes, s.c.crypto.signatures) ?? decodeTx(bytes, s.c.crypto.signatures), bytes, cid });
      } catch {
        bad++;
      }
    }
    if (bad > 0) {
      s.counters.txInvalid += bad;
      s.distrust(from, 0.8, `${bad} invalid transactions`);
    }
    const fresh = yield* this.accept(ok, gossip);
    s.counters.txReceived += fresh.length;
    s.counters.txDuplicates += known;
    return bad > 0 ? "reject" : fresh.length > 0 ? "accept" : "ignore";
  }
}
