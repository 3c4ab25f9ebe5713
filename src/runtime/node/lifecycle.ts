/**
 * One lifecycle for every service a node starts: the ledger, the transport, the engine's
 * loops, the HTTP API, the dialer. Started in order; stopped in the reverse order; a
 * start that fails stops what had started before it.
 */

import type { BackgroundTask } from "./options.js";

/** A service with a start and a stop. `stop` is idempotent and never needs a prior `start`. */
export interface Startable {
  /** for diagnostics: which service failed to start or stop */
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A {@link Startable} from two functions. */
export function service(name: string, start: () => void | Promise<void>, stop: () => void | Promise<void>): Startable {
  return { name, start, stop };
}

/**
 * Start `services` in order. When one fails, the ones already started are stopped in
 * reverse order (their own failures reported through `onStopError`) and the error is
 * rethrown.
 */
export async function startAll(services: readonly Startable[], onStopError?: (name: string, err: unknown) => void): Promise<void> {
  const started: Startable[] = [];
  for (const s of services) {
    try {
      await s.start();
    } catch (err) {
      await stopAll(started, onStopError);
      throw err;
    }
    started.push(s);
  }
}

/**
 * Stop `services` in reverse order; every one is stopped even when an earlier stop
 * failed (each failure goes to `onError`, never thrown).
 */
export async function stopAll(services: readonly Startable[], onError?: (name: string, err: unknown) => void): Promise<void> {
  for (const s of [...services].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      onError?.(s.name, err);
    }
  }
}

/**
 * One of the node core's timed jobs (poller, sealer, heads, gossip flush): started and
 * stopped synchronously inside a step (core.ts), so nothing it does is left to reject.
 * Its name is the background task its failures are counted under.
 */
export interface TimedJob {
  readonly name: BackgroundTask;
  start(): void;
  stop(): void;
}
