/**
 * Devnet mode: follow every node of a devnet (DIR/devnet.json) — its event stream and a
 * status poll every second — and fold what they say into the dashboard picture; submit
 * double spends on request and watch how each node resolves them.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyPair } from "../../core/crypto.js";
import { UsageError } from "../../core/errors.js";
import { conflictKey, createTx, txId } from "../../core/tx.js";
import type { NodeEvent, StatusView } from "../../runtime/api/facade.js";
import { txToJson } from "../../runtime/api/json.js";
import { nodeHasher, nodeSignatures } from "../../runtime/crypto-node.js";
import { readTextFile } from "../files.js";
import { type DevnetFile, conflictReplySchema, parseDevnetFile, statusSchema, submitReplySchema } from "./inputs.js";
import { quantiles } from "../../core/quantile.js";
import type { DoubleSpendOutcome, DoubleSpendView, NodeRow } from "../../web-shared/dashboard-model.js";
import { followEvents, requestJson, sleep } from "./node-link.js";
import { type DashboardSource, DashboardStore } from "./store.js";

export interface DevnetSourceOptions {
  /** status poll period, ms (default 1000) */
  readonly pollMs?: number;
  /** how long finalized latencies count towards the percentiles, ms (default 30 s) */
  readonly latencyWindowMs?: number;
  /** stop watching an unresolved double spend after this long, ms (default 120 s) */
  readonly doubleSpendTimeoutMs?: number;
}

/** Name of the file in the devnet folder holding the dashboard's signing key (hex seed). */
export const DASHBOARD_KEY_FILE = "dashboard.key";

/** Read DIR/devnet.json; a missing or bad file is a {@link UsageError}. */
export function readDevnet(dir: string): DevnetFile {
  const path = join(dir, "devnet.json");
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (is ${dir} a folder written by \`entropic devnet\`?)`);
  }
  return parseDevnetFile(text, path);
}

/**
 * The dashboard's author key: kept in DIR/dashboard.key so double spends from one devnet
 * share an author across restarts; held in memory when the folder is not writable.
 */
export function loadDashboardKey(dir: string): KeyPair {
  const path = join(dir, DASHBOARD_KEY_FILE);
  if (existsSync(path)) {
    const hex = readFileSync(path, "utf8").trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new UsageError(`${path}: expected 64 hex characters (an Ed25519 seed)`);
    return nodeSignatures.generateKeyPair(new Uint8Array(Buffer.from(hex, "hex")));
  }
  const keys = nodeSignatures.generateKeyPair();
  try {
    writeFileSync(path, `${Buffer.from(keys.secretKey).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch {
    // read-only devnet folder: an in-memory key works just as well for this session
  }
  return keys;
}

/** The percentiles use at most this many of the latest latencies (a busy devnet sends many). */
const MAX_LATENCY_SAMPLES = 50_000;

interface TrackedSpend {
  view: DoubleSpendView;
  outcomes: Map<number, DoubleSpendOutcome>;
  deadline: number;
}

/** Start following the devnet in `dir`. */
export function startDevnetSource(dir: string, options: DevnetSourceOptions = {}): DashboardSource {
  const devnet = readDevnet(dir);
  const pollMs = options.pollMs ?? 1000;
  const latencyWindowMs = options.latencyWindowMs ?? 30_000;
  const spendTimeoutMs = options.doubleSpendTimeoutMs ?? 120_000;
  // The header already says "devnet" (the mode badge): the title names the folder and size.
  const store = new DashboardStore("devnet", `folder ${dir}, ${devnet.nodes.length} node${devnet.nodes.length === 1 ? "" : "s"}`, devnet.protocol);
  const abort = new AbortController();
  const nodes = [...devnet.nodes].sort((a, b) => a.index - b.index);

  let rows: NodeRow[] = nodes.map((n) => ({
    index: n.index,
    api: n.api,
    peerId: n.peerId,
    online: false,
    error: "not polled yet",
    protocol: devnet.protocol,
    peers: [],
    finalizedCount: 0,
    pendingCount: 0,
    ledgerRoot: "",
    heads: 0,
    uptimeMs: 0,
  }));
  store.emit({ type: "nodes", nodes: rows });

  // Throughput counts each conflict set once, when its first node finalizes it.
  const finalizedConflicts = new Set<string>();
  let finalizedTotal = 0;
  let newlyFinalized = 0;
  const latencies: { at: number; ms: number }[] = [];
  const spends = new Map<string, TrackedSpend>();
  let nextSpendId = 1;
  let lastNonce = 0;
  let keys: KeyPair | null = null;

  function onNodeEvent(node: number, event: NodeEvent): void {
    if (event.type !== "finalized") return;
    store.emit({ type: "finalized", finalization: { node, conflict: event.conflict, cid: event.cid, latencyMs: event.latencyMs, at: event.at } });
    latencies.push({ at: Date.now(), ms: event.latencyMs });
    if (latencies.length > MAX_LATENCY_SAMPLES) latencies.splice(0, latencies.length - MAX_LATENCY_SAMPLES);
    if (!finalizedConflicts.has(event.conflict)) {
      finalizedConflicts.add(event.conflict);
      finalizedTotal++;
      newlyFinalized++;
      // Bound memory on long runs: forget the oldest conflicts (a late duplicate then counts twice).
      if (finalizedConflicts.size > 200_000) {
        for (const key of finalizedConflicts) {
          finalizedConflicts.delete(key);
          if (finalizedConflicts.size <= 150_000) break;
        }
      }
    }
    const spend = spends.get(event.conflict);
    if (spend) {
      const prior = spend.outcomes.get(node);
      spend.outcomes.set(node, { node, preferred: prior?.preferred ?? event.cid, final: event.cid });
      publishSpend(spend);
    }
  }

  function publishSpend(spend: TrackedSpend): void {
    const outcomes = rows.map((r) => spend.outcomes.get(r.index) ?? { node: r.index, preferred: null, final: null });
    const finals = new Set(outcomes.map((o) => o.final).filter((f): f is string => f !== null));
    const allFinal = outcomes.every((o) => o.final !== null);
    spend.view = {
      ...spend.view,
      outcomes,
      split: finals.size > 1,
      winner: allFinal && finals.size === 1 ? [...finals][0]! : null,
    };
    store.emit({ type: "double-spend", view: spend.view });
    if (allFinal) spends.delete(spend.view.conflict);
  }

  async function pollStatus(): Promise<void> {
    rows = await Promise.all(
      rows.map(async (row): Promise<NodeRow> => {
        try {
          const s: StatusView = await requestJson(`${row.api}/v1/status`, statusSchema, { timeoutMs: Math.max(200, pollMs - 100), signal: abort.signal });
          return {
            index: row.index,
            api: row.api,
            peerId: s.peerId,
            online: true,
            protocol: s.protocol,
            peers: s.peers,
            finalizedCount: s.finalizedCount,
            pendingCount: s.pendingCount,
            ledgerRoot: s.ledgerRoot,
            heads: s.heads.length,
            uptimeMs: s.uptimeMs,
          };
        } catch (error) {
          return { ...row, online: false, error: (error as Error).message };
        }
      }),
    );
    if (!abort.signal.aborted) store.emit({ type: "nodes", nodes: rows });
  }

  async function pollSpends(): Promise<void> {
    const now = Date.now();
    for (const spend of [...spends.values()]) {
      if (now > spend.deadline) {
        spends.delete(spend.view.conflict);
        spend.view = { ...spend.view, error: spend.view.error ?? "not finalized by every node in time" };
        store.emit({ type: "double-spend", view: spend.view });
        continue;
      }
      await Promise.all(
        rows.map(async (row) => {
          try {
            const c = await requestJson(`${row.api}/v1/conflicts/${encodeURIComponent(spend.view.conflict)}`, conflictReplySchema, {
              timeoutMs: 800,
              signal: abort.signal,
            });
            const prior = spend.outcomes.get(row.index);
            spend.outcomes.set(row.index, { node: row.index, preferred: c.preferred, final: c.final ?? prior?.final ?? null });
          } catch {
            // not seen there yet, or the node is down: keep what the events said
          }
        }),
      );
      if (spends.has(spend.view.conflict)) publishSpend(spend);
    }
  }

  function tick(): void {
    const now = Date.now();
    const firstKept = latencies.findIndex((l) => l.at >= now - latencyWindowMs);
    latencies.splice(0, firstKept < 0 ? latencies.length : firstKept);
    const q = latencies.length > 0 ? quantiles(latencies.map((l) => l.ms), [0.5, 0.95, 0.99]) : null;
    store.emit({
      type: "metric",
      point: { t: now, tps: newlyFinalized, p50: q && q[0]!, p95: q && q[1]!, p99: q && q[2]!, finalized: finalizedTotal },
    });
    newlyFinalized = 0;
  }

  const streams = rows.map((row) => followEvents(row.api, (e) => onNodeEvent(row.index, e), abort.signal));
  const loop = (async () => {
    while (!abort.signal.aborted) {
      const started = Date.now();
      await Promise.all([pollStatus(), pollSpends()]);
      await sleep(Math.max(0, pollMs - (Date.now() - started)), abort.signal);
    }
  })();
  const ticker = setInterval(tick, 1000);

  async function doubleSpend(request: { a?: number; b?: number }): Promise<DoubleSpendView> {
    const a = request.a ?? rows[0]!.index;
    const b = request.b ?? rows[Math.min(1, rows.length - 1)]!.index;
    const nodeA = rows.find((r) => r.index === a);
    const nodeB = rows.find((r) => r.index === b);
    if (!nodeA || !nodeB) throw new UsageError(`double spend: no node with index ${!nodeA ? a : b}`);
    keys ??= loadDashboardKey(dir);
    // Wall-clock milliseconds make nonces unique across dashboard restarts with the same key.
    const nonce = (lastNonce = Math.max(Date.now(), lastNonce + 1));
    const id = nextSpendId++;
    const txs = (["A", "B"] as const).map((side) =>
      createTx(nodeSignatures, keys!, nonce, new TextEncoder().encode(`dashboard double spend #${id}, version ${side}`)),
    );
    const cids = txs.map((tx) => txId(tx, nodeHasher).toString()) as [string, string];
    const conflict = conflictKey(txs[0]!);
    const spend: TrackedSpend = {
      view: { id, conflict, cids, sentTo: [a, b], startedAt: Date.now(), outcomes: [], winner: null, split: false },
      outcomes: new Map(),
      deadline: Date.now() + spendTimeoutMs,
    };
    spends.set(conflict, spend);
    const results = await Promise.allSettled(
      [nodeA, nodeB].map((node, i) =>
        requestJson(`${node.api}/v1/tx`, submitReplySchema, { method: "POST", body: txToJson(txs[i]!), timeoutMs: 5000, signal: abort.signal }),
      ),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
    if (failures.length > 0) spend.view = { ...spend.view, error: `submit failed: ${failures.join("; ")}` };
    if (failures.length === results.length) spends.delete(conflict);
    publishSpend(spend);
    return spend.view;
  }

  return {
    store,
    actions: { doubleSpend },
    async close() {
      abort.abort();
      clearInterval(ticker);
      await Promise.allSettled([loop, ...streams]);
    },
  };
}
