/**
 * Steady load against live nodes: signed transactions at a fixed rate, spread round-robin
 * over the given APIs, with a share of double spends (the conflicting twin goes to the
 * next API). Finality latency is measured per conflict set from the client's submit time
 * to the first `finalized` event for it on any node, read from every node's `/v1/events`
 * stream, so the numbers include the API, gossip and consensus. A stream that ends (the
 * node restarted, say) is reconnected with backoff; while one node is down the others'
 * streams still see the decisions, so counts and latencies stay right across restarts.
 */
import { utf8 } from "../../core/bytes.js";
import type { KeyPair } from "../../core/crypto.js";
import { createTx, type Tx } from "../../core/tx.js";
import { ApiUnreachableError, NodeClient } from "../api/client.js";
import { nodeSignatures } from "../crypto-node.js";
import { quantile } from "../../core/quantile.js";

export interface LoadOptions {
  readonly apis: readonly string[];
  /** transactions per second (conflict sets per second; double spends add their twin) */
  readonly rate: number;
  readonly durationS: number;
  /** share of conflict sets submitted as a double spend, in [0, 1] */
  readonly conflictShare: number;
  readonly keys: KeyPair;
  /** after the last submission, how long to wait for stragglers (default 10 s) */
  readonly drainS?: number;
  /** submissions allowed in flight at once (default 512) */
  readonly maxInFlight?: number;
  readonly onProgress?: (elapsedS: number, totalS: number, finalized: number) => void;
  /** keep one record per conflict set submitted (for `entropic load --latencies FILE`) */
  readonly recordSets?: boolean;
}

/** One conflict set of a load run: when it was submitted and when the first node finalized it. */
export interface LoadSetRecord {
  readonly conflict: string;
  /** submission start, ms after the load began */
  readonly submittedMs: number;
  /** first finalized event from any node, ms after the load began; null if none by the drain's end */
  readonly finalizedMs: number | null;
  /** finality latency in ms (finalizedMs − submittedMs), or null */
  readonly latencyMs: number | null;
  readonly doubleSpend: boolean;
}

export interface LoadReport {
  readonly apis: number;
  readonly rate: number;
  readonly durationS: number;
  readonly submitted: number;
  readonly doubleSpends: number;
  readonly refused: number;
  /** submissions a node shed as `overloaded` (HTTP 503: its poll loop cannot keep up; load-gauge.ts) */
  readonly overloaded: number;
  readonly errors: number;
  readonly finalized: number;
  /** finalized conflict sets per second over the load window (the drain excluded) */
  readonly finalizedPerSecond: number;
  /**
   * Sustained throughput: conflict sets finalized per second from the first submission to
   * the last finalization (load and drain), so a slow but steady network is not scored 0.
   */
  readonly throughputPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** conflict sets submitted but not finalized by the end of the drain */
  readonly unfinalized: number;
  /** event streams reconnected after they ended or failed (a node restarting, say) */
  readonly streamReconnects: number;
  /** submissions retried once after the server closed the connection as they went out */
  readonly retried: number;
  /** the first failed request's error (with `errors` > 0) */
  readonly firstError?: string;
  /** per conflict set, in submission order (with `recordSets`) */
  readonly sets?: readonly LoadSetRecord[];
}

/** First and largest delay between reconnection attempts of an event stream, ms. */
export const STREAM_RETRY_MS = { first: 100, max: 2000 } as const;

/**
 * A connection the server closed as the request went out (a keep-alive socket it timed
 * out, more likely when its event loop lags under load): the request never reached the
 * node's handler, and submitting a signed transaction again is idempotent, so it is
 * retried once on a fresh connection. A refused connection (node down) is not retried.
 */
function isConnectionRace(err: unknown): boolean {
  return err instanceof ApiUnreachableError && /ECONNRESET|UND_ERR_SOCKET|EPIPE/.test(err.message);
}

/** Wait `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  if (o.apis.length === 0) throw new RangeError("at least one API URL is needed");
  const clients = o.apis.map((u) => new NodeClient(u));
  const abort = new AbortController();
  // conflict key → submit time
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const early = new Map<string, number>(); // first finalized event of a set, when it beat the submit response
  const counted = new Set<string>(); // sets whose finality was measured (later nodes' events are ignored)
  const t0 = performance.now();
  const windowEnd = t0 + o.durationS * 1000;
  let finalizedInWindow = 0;
  let lastFinal = t0;
  let streamReconnects = 0;
  // conflict key → [submitted, finalized, double spend] relative to t0, with recordSets
  const records = new Map<string, { submittedMs: number; finalizedMs: number | null; doubleSpend: boolean }>();
  const recordFinal = (conflict: string, at: number) => {
    const r = records.get(conflict);
    if (r !== undefined && r.finalizedMs === null) r.finalizedMs = at - t0;
  };
  const onFinalized = (conflict: string) => {
    if (counted.has(conflict)) return;
    const now = performance.now();
    const t = pending.get(conflict);
    if (t === undefined) {
      // Not ours, or the event beat the submit response.
      if (early.size < 100_000 && !early.has(conflict)) early.set(conflict, now);
      return;
    }
    pending.delete(conflict);
    counted.add(conflict);
    recordFinal(conflict, now);
    latencies.push(now - t);
    lastFinal = now;
    if (now <= windowEnd) finalizedInWindow++;
  };
  const streams = clients.map(async (c) => {
    let delay: number = STREAM_RETRY_MS.first;
    while (!abort.signal.aborted) {
      try {
        for await (const e of c.events(abort.signal)) {
          delay = STREAM_RETRY_MS.first; // connected again
          if (e.type === "finalized") onFinalized(e.conflict);
        }
      } catch {
        // the node is gone (restarting, killed): retry below
      }
      if (abort.signal.aborted) break;
      await sleep(delay, abort.signal);
      delay = Math.min(STREAM_RETRY_MS.max, delay * 2);
      if (!abort.signal.aborted) streamReconnects++;
    }
  });
  await new Promise((r) => setTimeout(r, 200)); // let the event streams connect

  const maxInFlight = o.maxInFlight ?? 512;
  let inFlight = 0;
  let submitted = 0;
  let doubleSpends = 0;
  let refused = 0;
  let overloaded = 0;
  let errors = 0;
  let firstError: string | undefined;
  let retried = 0;
  const submit = async (client: NodeClient, tx: Tx) => {
    try {
      return await client.submitTx(tx);
    } catch (err) {
      if (!isConnectionRace(err)) throw err;
      retried++;
      return client.submitTx(tx);
    }
  };
  let nonce = Date.now() * 1000;
  let next = 0;
  const submitOne = async (api: number, conflictTwin: boolean): Promise<void> => {
    const n = nonce++;
    const t = performance.now();
    const a = createTx(nodeSignatures, o.keys, n, utf8(`load ${n} a`));
    inFlight++;
    try {
      const sends = [submit(clients[api]!, a)];
      if (conflictTwin) {
        sends.push(submit(clients[(api + 1) % clients.length]!, createTx(nodeSignatures, o.keys, n, utf8(`load ${n} b`))));
        doubleSpends++;
      }
      const [r] = await Promise.all(sends);
      submitted += sends.length;
      if (o.recordSets && !records.has(r!.conflict)) records.set(r!.conflict, { submittedMs: t - t0, finalizedMs: null, doubleSpend: conflictTwin });
      const seen = early.get(r!.conflict);
      if (seen !== undefined) {
        early.delete(r!.conflict);
        counted.add(r!.conflict);
        recordFinal(r!.conflict, seen);
        latencies.push(seen - t);
        lastFinal = Math.max(lastFinal, seen);
        if (seen <= windowEnd) finalizedInWindow++;
      } else if (!pending.has(r!.conflict) && !counted.has(r!.conflict)) {
        pending.set(r!.conflict, t);
      }
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== undefined && status < 500) refused++;
      else if (status === 503 && (err as { errorCode?: string }).errorCode === "overloaded") overloaded++;
      else {
        errors++;
        firstError ??= (err as Error).message.split("\n")[0];
      }
    } finally {
      inFlight--;
    }
  };

  const total = Math.round(o.rate * o.durationS);
  const tasks: Promise<void>[] = [];
  let conflictAcc = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i / o.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= maxInFlight) await new Promise((r) => setTimeout(r, 1));
    conflictAcc += o.conflictShare;
    const twin = conflictAcc >= 1;
    if (twin) conflictAcc -= 1;
    tasks.push(submitOne(next, twin));
    next = (next + 1) % clients.length;
    if (i % 50 === 0) o.onProgress?.((performance.now() - t0) / 1000, o.durationS, latencies.length);
  }
  await Promise.all(tasks);
  const drainEnd = performance.now() + (o.drainS ?? 10) * 1000;
  while (pending.size > 0 && performance.now() < drainEnd) {
    o.onProgress?.(o.durationS, o.durationS, latencies.length);
    await new Promise((r) => setTimeout(r, 100));
  }
  abort.abort();
  await Promise.all(streams);
  const sorted = latencies.slice().sort((a, b) => a - b);
  const windowS = Math.max(o.durationS, 1e-9);
  return {
    apis: clients.length,
    rate: o.rate,
    durationS: o.durationS,
    submitted,
    doubleSpends,
    refused,
    overloaded,
    errors,
    finalized: latencies.length,
    finalizedPerSecond: finalizedInWindow / windowS,
    throughputPerSecond: lastFinal > t0 ? latencies.length / ((lastFinal - t0) / 1000) : 0,
    latencyMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? Number.NaN },
    unfinalized: pending.size,
    streamReconnects,
    retried,
    ...(firstError !== undefined ? { firstError } : {}),
    ...(o.recordSets
      ? {
          sets: [...records]
            .sort((x, y) => x[1].submittedMs - y[1].submittedMs)
            .map(([conflict, r]) => ({
            conflict,
            submittedMs: r.submittedMs,
            finalizedMs: r.finalizedMs,
            latencyMs: r.finalizedMs === null ? null : r.finalizedMs - r.submittedMs,
            doubleSpend: r.doubleSpend,
          })),
        }
      : {}),
  };
}
