/**
 * Argument and handler-output checks shared by the transports. Calls from our own code
 * with bad arguments throw (a bug); values that come back from application handlers are
 * tested with the guards so a faulty handler is counted instead of crashing the node.
 */
import { type MessageHandler, TOPICS, type Topic, type Verdict } from "../ports.js";

const TOPIC_NAMES: ReadonlySet<string> = new Set(Object.values(TOPICS));
const VERDICTS: ReadonlySet<string> = new Set(["accept", "ignore", "reject"]);

/** True when `value` is one of {@link TOPICS}. */
export function isTopic(value: unknown): value is Topic {
  return typeof value === "string" && TOPIC_NAMES.has(value);
}

/** True when `value` is a {@link Verdict}. */
export function isVerdict(value: unknown): value is Verdict {
  return typeof value === "string" && VERDICTS.has(value);
}

/** Throws when a publish names an unknown topic, passes no bytes, or is over the limit. */
export function checkPublish(topic: unknown, data: unknown, maxMessageBytes: number): void {
  if (!isTopic(topic)) throw new TypeError(`unknown topic ${JSON.stringify(topic)}; expected one of ${[...TOPIC_NAMES].join(", ")}`);
  if (!(data instanceof Uint8Array)) throw new TypeError("publish data must be a Uint8Array");
  if (data.byteLength > maxMessageBytes) {
    throw new RangeError(`message of ${data.byteLength} bytes exceeds the limit of ${maxMessageBytes}`);
  }
}

/** Throws unless `ms` is a positive finite number of milliseconds. */
export function checkTimeout(ms: number, what = "timeout"): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${what} must be a positive number of milliseconds, got ${ms}`);
  return ms;
}

/** Throws unless `limit` is a positive integer byte count. */
export function checkLimit(limit: number, what: string): number {
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`${what} must be a positive integer, got ${limit}`);
  return limit;
}

/** Throws unless `score` is a finite number (NaN would poison gossipsub's peer score). */
export function checkScore(score: number): number {
  if (!Number.isFinite(score)) throw new RangeError(`application score must be finite, got ${score}`);
  return score;
}

/**
 * Ask the application for a message's verdict. A missing handler, a throwing one or one
 * that returns something else counts as `ignore`: our bug, not the sender's, so the peer
 * is not penalised. `stats` counts deliveries and handler failures.
 */
export async function verdictOf(
  handler: MessageHandler | undefined,
  topic: Topic,
  from: string,
  data: Uint8Array,
  stats: { messagesDelivered: number; messageHandlerErrors: number },
): Promise<Verdict> {
  if (handler === undefined) return "ignore";
  stats.messagesDelivered++;
  try {
    const verdict = await handler(topic, from, data);
    if (isVerdict(verdict)) return verdict;
  } catch {
    // fall through: counted below
  }
  stats.messageHandlerErrors++;
  return "ignore";
}
