/**
 * Recovery: what a node loads from its ledger when it opens, into the core's state
 * before its first step (the loop's side, engine.ts: the core itself never reads the
 * ledger but through its Ready). Everything is streamed:
 * memory holds the heads, the pending sets and (transiently) the keys this node sealed,
 * never the whole history.
 */
import { cidOf, parseCid } from "../../core/codec.js";
import { toHex } from "../../core/bytes.js";
import { conflictKey, decodeTx } from "../../core/tx.js";
import { decodeVertex } from "../../core/vertex.js";
import type { Admission } from "./admission.js";
import type { Outbox } from "./outbox.js";
import type { NodeState } from "./state.js";
import type { Ledger } from "../ports.js";

const SESSION_META = "session";

/** Sessions before epochs wrap (each session has 2^20 epochs per set). */
const SESSIONS = 4096;

export async function recover(s: NodeState, ledger: Ledger, admission: Admission, outbox: Outbox): Promise<void> {
  const { crypto } = s.c;
  // Epochs must never repeat across restarts, or an honest node that changed its mind
  // after a crash would sign two candidates for one (set, epoch): each session starts
  // its epochs at session × 2^20 (4096 sessions of 2^20 preference changes per set).
  const stored = await ledger.getMeta(SESSION_META);
  const session = stored && stored.length === 4 ? new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true) + 1 : 1;
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, session, true);
  await ledger.commit({ meta: [[SESSION_META, bytes]] });
  s.epochBase = (session % SESSIONS) * 1_048_576;
  const sealed = new Set<string>();
  for await (const [, bytes] of ledger.vertices()) {
    const v = decodeVertex(bytes, crypto.signatures, { verify: false });
    s.dag.note(v, cidOf(bytes, crypto.hasher));
    // A parent this node never stored: its fetch was wanted when the node stopped (resync.ts
    // wants every missing parent of a vertex it takes in). Want it again: the node's heads
    // now match its peers', so no announcement would name it, and the decisions it and its
    // own ancestors carry would never reach this node (swarm seed 180163: a node restarted
    // with 32 sets decided everywhere else and unknown here, for ever).
    // A ledger read per parent not noted yet: 8 per vertex of an honest author (dag.ts
    // LINKED_PARENTS), at most 64 (core/vertex.ts MAX_PARENTS); the loop below already
    // reads the ledger twice per decision of others' vertices.
    for (const p of v.parents) {
      const parent = p.toString();
      if (!s.dag.has(parent) && (await ledger.getVertex(parent)) === undefined) s.wants.want("vertex", parent, "");
    }
    if (toHex(v.author) === s.selfHex) for (const [k] of v.decisions) sealed.add(k);
    else {
      // Decided by others, neither decided nor held here: the fetch for it was in flight
      // when this node stopped. Want it again, or nothing would ever tell this node of
      // the set (wants.ts).
      for (const [k, txCid] of v.decisions) {
        const text = txCid.toString();
        if ((await ledger.getFinal(k)) === undefined && (await ledger.getTx(text)) === undefined) s.wants.want("tx", text, "");
      }
    }
  }
  for await (const [key, text] of ledger.finalized()) {
    const cid = parseCid(text);
    s.finals.add(key, cid);
    s.finalKeys.add(key);
    // Decisions persisted but not yet sealed when the node stopped: seal them now.
    if (!sealed.has(key)) s.pendingDecisions.push([key, cid]);
  }
  sealed.clear();
  for await (const [, bytes] of ledger.txs()) {
    const tx = decodeTx(bytes, crypto.signatures, { verify: false }); // our own, verified before it was stored
    if ((await ledger.getFinal(conflictKey(tx))) !== undefined) continue;
    const r = admission.register(tx, bytes, cidOf(bytes, crypto.hasher));
    // Re-announce what is pending: this node may have accepted it and died before
    // gossiping it, and then nobody else would ever decide it (issue 14 §3).
    if (!("refused" in r)) outbox.queueGossip(bytes);
  }
}
