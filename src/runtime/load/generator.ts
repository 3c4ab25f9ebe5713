/**
 * Steady load against live nodes: signed transactions at a fixed rate, spread round-robin
 * over the given APIs, with a share of double spends (the conflicting twin goes to the
 * next API). Finality latency is measured per conflict set from the client's submit time
 * to the `finalized` event of the node it was submitted to, read from every node's
 * `/v1/events` stream, so the numbers include the API, gossip and consensus.
 */
import { utf8 } from "../../core/bytes.js";
import type { KeyPair } from "../../core/crypto.js";
import { createTx } from "../../core/tx.js";
import { NodeClient } from "../api/client.js";
import { nodeSignatures } from "../crypto-node.js";
import { quantile } from "../../sim/stats.js";

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
}

export interface LoadReport {
  readonly apis: number;
  readonly rate: number;
  readonly durationS: number;
  readonly submitted: number;
  readonly doubleSpends: number;
  readonly refused: number;
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
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  if (o.apis.length === 0) throw new RangeError("at least one API URL is needed");
  const clients = o.apis.map((u) => new NodeClient(u));
  const abort = new AbortController();
  // conflict key → [submit time, index of the API it went to]
  const pending = new Map<string, { t: number; api: number }>();
  const latencies: number[] = [];
  const early = new Map<string, number>(); // finalized events that beat the submit response
  const t0 = performance.now();
  const windowEnd = t0 + o.durationS * 1000;
  let finalizedInWindow = 0;
  let lastFinal = t0;
  const streams = clients.map(async (c, api) => {
    try {
      for await (const e of c.events(abort.signal)) {
        if (e.type !== "finalized") continue;
        const p = pending.get(e.conflict);
        const now = performance.now();
        if (p === undefined) {
          if (early.size < 100_000) early.set(`${api} ${e.conflict}`, now);
          continue;
        }
        if (p.api !== api) continue;
        pending.delete(e.conflict);
        latencies.push(now - p.t);
        lastFinal = now;
        if (now <= windowEnd) finalizedInWindow++;
      }
    } catch {
      // stream closed (abort or node gone)
    }
  });
  await new Promise((r) => setTimeout(r, 200)); // let the event streams connect

  const maxInFlight = o.maxInFlight ?? 512;
  let inFlight = 0;
  let submitted = 0;
  let doubleSpends = 0;
  let refused = 0;
  let errors = 0;
  let nonce = Date.now() * 1000;
  let next = 0;
  const submitOne = async (api: number, conflictTwin: boolean): Promise<void> => {
    const n = nonce++;
    const t = performance.now();
    const a = createTx(nodeSignatures, o.keys, n, utf8(`load ${n} a`));
    inFlight++;
    try {
      const sends = [clients[api]!.submitTx(a)];
      if (conflictTwin) {
        sends.push(clients[(api + 1) % clients.length]!.submitTx(createTx(nodeSignatures, o.keys, n, utf8(`load ${n} b`))));
        doubleSpends++;
      }
      const [r] = await Promise.all(sends);
      submitted += sends.length;
      const seen = early.get(`${api} ${r!.conflict}`);
      if (seen !== undefined) {
        early.delete(`${api} ${r!.conflict}`);
        latencies.push(seen - t);
        lastFinal = Math.max(lastFinal, seen);
        if (seen <= windowEnd) finalizedInWindow++;
      } else {
        pending.set(r!.conflict, { t, api });
      }
    } catch (err) {
      if ((err as { status?: number }).status !== undefined && (err as { status: number }).status < 500) refused++;
      else errors++;
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
    errors,
    finalized: latencies.length,
    finalizedPerSecond: finalizedInWindow / windowS,
    throughputPerSecond: lastFinal > t0 ? latencies.length / ((lastFinal - t0) / 1000) : 0,
    latencyMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? Number.NaN },
    unfinalized: pending.size,
  };
}
