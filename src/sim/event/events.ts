/**
 * The event driver's event kinds and what their queue fields mean, shared by the modules
 * that schedule and handle them (run.ts, respond.ts, delivery.ts, churn.ts).
 *
 * Fields: a = node (asker / timer owner), b = peer (responder), c = instance,
 * e = poll generation, f = the query's position in the poll's sample.
 */
import type { EventQueue } from "./queue.js";

/** a node's poll timer */
export const TIMER = 1;
/** a poll's query, travelling to the responder */
export const QUERY = 2;
/** an answer, travelling back to the asker */
export const ANSWER = 3;
/** a poll's deadline */
export const TIMEOUT = 4;
/** churn: a node goes down */
export const CRASH = 5;
/** churn: a down node comes back with its state */
export const RESTART = 6;

/** Schedule an event of `kind` for `node` at `tick + delay` (timers, crashes, restarts). */
export function scheduleNode(queue: EventQueue, kind: number, node: number, tick: number, delay: number): void {
  const ev = queue.alloc(kind);
  queue.a[ev] = node;
  queue.push(ev, tick + delay);
}
