/**
 * What the node keeps in the ledger about one conflict set, so the set can leave memory
 * once it is final and still be served: `GET /v1/conflicts/:key`, `GET /v1/tx/:cid`, a
 * peer polling or fetching it by instance id. Stored under the set's hex instance id
 * (LedgerBatch.sets), as UTF-8 JSON (small: a key, up to a few CIDs, three times).
 */
import { Arena } from "../../core/arena.js";
import { DecodeError } from "../../core/errors.js";

export interface SetRecord {
  /** conflict key */
  readonly key: string;
  /** candidate CID strings in this node's first-seen order */
  readonly candidates: readonly string[];
  /** clock time this node first saw each candidate (same order) */
  readonly seenAt: readonly number[];
  /** clock time the set was first seen */
  readonly firstSeen: number;
  /** the finalized CID string, when final */
  readonly final?: string;
  /** clock time of finalization, when final */
  readonly finalizedAt?: number;
  /** decisions this node took back (`available` partition mode), oldest first */
  readonly reverted?: readonly Reversal[];
}

/** One decision taken back: what was final, what replaced it, when. */
export interface Reversal {
  readonly from: string;
  readonly to: string;
  readonly at: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Where records' bytes are carved (core/arena.ts): a record (~300 bytes) allocated on its
 * own lives outside V8's heap, and that allocation, in TextEncoder, was ~17 µs per
 * finalized set in a 100-node simulation (whose ledgers keep every record, as a chunk's
 * records do each other). A live node writes a record to LevelDB and drops it.
 */
const records = new Arena(64 * 1024);

export function encodeSetRecord(r: SetRecord): Uint8Array {
  const text = JSON.stringify({ k: r.key, c: r.candidates, s: r.seenAt, t: r.firstSeen, x: r.final, f: r.finalizedAt, r: r.reverted });
  return asciiBytes(text) ?? encoder.encode(text);
}

/** `text`'s bytes when it is all ASCII (keys, CIDs and numbers are), carved from {@link records}; undefined otherwise. */
function asciiBytes(text: string): Uint8Array | undefined {
  const n = text.length;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) > 0x7f) return undefined;
  const out = records.bytes(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function decodeSetRecord(bytes: Uint8Array): SetRecord {
  let o: { k?: unknown; c?: unknown; s?: unknown; t?: unknown; x?: unknown; f?: unknown; r?: unknown };
  try {
    o = JSON.parse(decoder.decode(bytes)) as typeof o;
  } catch (err) {
    throw new DecodeError("invalid", "set record", (err as Error).message);
  }
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");
  if (typeof o.k !== "string" || !strings(o.c) || !numbers(o.s) || typeof o.t !== "number" || o.c.length !== o.s.length) {
    throw new DecodeError("invalid", "set record", "malformed fields");
  }
  const reversal = (v: unknown): v is Reversal =>
    v !== null && typeof v === "object" && typeof (v as Reversal).from === "string" && typeof (v as Reversal).to === "string" && typeof (v as Reversal).at === "number";
  if (o.r !== undefined && !(Array.isArray(o.r) && o.r.every(reversal))) throw new DecodeError("invalid", "set record", "malformed reversals");
  return {
    key: o.k,
    candidates: o.c,
    seenAt: o.s,
    firstSeen: o.t,
    ...(typeof o.x === "string" ? { final: o.x } : {}),
    ...(typeof o.f === "number" ? { finalizedAt: o.f } : {}),
    ...(Array.isArray(o.r) && o.r.length > 0 ? { reverted: (o.r as Reversal[]).map(({ from, to, at }) => ({ from, to, at })) } : {}),
  };
}
