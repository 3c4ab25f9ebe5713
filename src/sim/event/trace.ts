/**
 * The event driver's message trace: one record per message a node sends (the summary's
 * message count), in send order, for offline analysis. The driver hands each record to a
 * callback the caller injects (`simulate(…, { onMessage })`); the CLI writes them as JSON
 * Lines (`entropic sim --trace-messages FILE`). Same scenario and seed, same bytes.
 */

/** Why the network dropped a message: a partition between the ends, or random loss. */
export type DropReason = "partition" | "loss";

export interface MessageRecord {
  /** tick the message was sent */
  readonly tick: number;
  readonly from: number;
  readonly to: number;
  /** a poll's query or its answer */
  readonly kind: "query" | "answer";
  /** bytes charged: header, payload and (signed answers) the statement */
  readonly bytes: number;
  /** null when delivered; else why it was dropped in the network */
  readonly dropped: DropReason | null;
  /** tick it arrives (null when dropped) */
  readonly arrival: number | null;
  /** whether the network delivers a second copy (not counted as a message of its own) */
  readonly duplicated: boolean;
}

/** The fields of a trace line, in order (the JSONL keys; also a CSV header). */
export const MESSAGE_TRACE_FIELDS = ["tick", "from", "to", "kind", "bytes", "dropped", "arrival", "duplicated"] as const;

/** One JSON line (with the newline) for a record, keys in {@link MESSAGE_TRACE_FIELDS} order. */
export function messageTraceLine(r: MessageRecord): string {
  return `{"tick":${r.tick},"from":${r.from},"to":${r.to},"kind":"${r.kind}","bytes":${r.bytes},"dropped":${r.dropped === null ? "null" : `"${r.dropped}"`},"arrival":${r.arrival === null ? "null" : r.arrival},"duplicated":${r.duplicated}}\n`;
}
