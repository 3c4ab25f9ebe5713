/**
 * A fake devnet for dashboard tests: N node:http servers speaking the node HTTP API
 * (`GET /v1/status`, `GET /v1/events`, `POST /v1/tx`, `GET /v1/conflicts/:key`) over one
 * shared in-process "network" that decides every conflict set for the first transaction
 * it sees and has each node finalize it a little later, with a `finalized` event.
 * It writes DIR/devnet.json as `entropic devnet` does.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conflictKey, txId, verifyTx } from "../../src/core/tx.js";
import type { NodeEvent, StatusView } from "../../src/runtime/api/facade.js";
import { txFromJson, txJsonSchema, type TxJson } from "../../src/runtime/api/json.js";
import { nodeHasher, nodeSignatures } from "../../src/runtime/crypto-node.js";

export interface FakeDevnetOptions {
  /** number of nodes (default 3) */
  readonly nodes?: number;
  /** "complete" (default) or "ring" */
  readonly topology?: "complete" | "ring";
  /** ms from a conflict's first sighting to its finalization on node 0; node i adds i × 15 ms (default 120) */
  readonly finalizeDelayMs?: number;
  /** up to this many ms more per conflict set, fixed by its first CID (default 0) */
  readonly jitterMs?: number;
  /** folder for devnet.json (default: a fresh temp folder) */
  readonly dir?: string;
  readonly protocol?: string;
}

export interface FakeNode {
  readonly index: number;
  readonly peerId: string;
  readonly api: string;
  /** transactions POSTed to this node, in order */
  readonly submitted: TxJson[];
  /** report this ledger root instead of the real one (null = the real one) */
  rootOverride: string | null;
  /** stop answering (the server closes); the dashboard should show it offline */
  stop(): Promise<void>;
}

export interface FakeDevnet {
  readonly dir: string;
  readonly nodes: readonly FakeNode[];
  close(): Promise<void>;
}

interface ConflictState {
  readonly candidates: string[];
  readonly winner: string;
  readonly firstSeen: number;
  /** node index → finalized at (ms) */
  readonly finalizedOn: Map<number, number>;
}

function fakePeerId(index: number): string {
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const digest = createHash("sha256").update(`fake-node-${index}`).digest();
  let s = "12D3KooW";
  for (let i = 0; s.length < 52; i++) s += alphabet[digest[i % digest.length]! % alphabet.length];
  return s;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeDevnet(options: FakeDevnetOptions = {}): Promise<FakeDevnet> {
  const count = options.nodes ?? 3;
  const delay = options.finalizeDelayMs ?? 120;
  const protocol = options.protocol ?? "snowball";
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "entropic-fake-devnet-"));
  const conflicts = new Map<string, ConflictState>();
  const listeners: Set<(event: NodeEvent) => void>[] = Array.from({ length: count }, () => new Set());
  const timers = new Set<NodeJS.Timeout>();
  const started = Date.now();
  const peerIds = Array.from({ length: count }, (_, i) => fakePeerId(i));

  const peersOf = (i: number): string[] => {
    if (count === 1) return [];
    if (options.topology === "ring") return [...new Set([(i + 1) % count, (i + count - 1) % count])].filter((j) => j !== i).map((j) => peerIds[j]!);
    return peerIds.filter((_, j) => j !== i);
  };

  const emit = (node: number, event: NodeEvent) => {
    for (const listener of listeners[node]!) listener(event);
  };

  function ledgerRoot(node: number): string {
    const finals = [...conflicts.entries()].filter(([, c]) => c.finalizedOn.has(node)).map(([key, c]) => `${key}=${c.winner}`);
    return createHash("sha256").update(finals.sort().join("\n")).digest("hex");
  }

  function accept(node: number, json: TxJson): { cid: string; conflict: string; status: string; isNew: boolean } {
    const tx = txFromJson(json);
    const cid = txId(tx, nodeHasher).toString();
    const key = conflictKey(tx);
    let state = conflicts.get(key);
    let isNew = false;
    if (!state) {
      state = { candidates: [cid], winner: cid, firstSeen: Date.now(), finalizedOn: new Map() };
      conflicts.set(key, state);
      isNew = true;
      const decided = state;
      const jitter = options.jitterMs ? createHash("sha256").update(cid).digest().readUInt32BE(0) % options.jitterMs : 0;
      for (let i = 0; i < count; i++) {
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            const at = Date.now();
            decided.finalizedOn.set(i, at);
            emit(i, { type: "finalized", conflict: key, cid: decided.winner, latencyMs: at - decided.firstSeen, at });
          },
          delay + jitter + i * 15,
        );
        timers.add(timer);
      }
    } else if (!state.candidates.includes(cid)) {
      state.candidates.push(cid);
      isNew = true;
    }
    emit(node, { type: "tx", conflict: key, cid, at: Date.now() });
    return { cid, conflict: key, status: state.finalizedOn.has(node) ? (cid === state.winner ? "finalized" : "rejected") : cid === state.winner ? "preferred" : "pending", isNew };
  }

  function status(node: number, fake: FakeNode): StatusView {
    const finalizedCount = [...conflicts.values()].filter((c) => c.finalizedOn.has(node)).length;
    return {
      peerId: peerIds[node]!,
      protocol,
      addresses: [`/ip4/127.0.0.1/tcp/${40000 + node}/p2p/${peerIds[node]}`],
      peers: peersOf(node),
      heads: [],
      ledgerRoot: fake.rootOverride ?? ledgerRoot(node),
      finalizedCount,
      pendingCount: conflicts.size - finalizedCount,
      uptimeMs: Date.now() - started,
      counters: { txReceived: fake.submitted.length },
    };
  }

  function handler(node: number, fake: FakeNode) {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://fake");
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "content-type" });
        return res.end();
      }
      if (req.method === "GET" && url.pathname === "/v1/status") return send(res, 200, status(node, fake));
      if (req.method === "GET" && url.pathname === "/v1/events") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", "access-control-allow-origin": "*" });
        res.write(": hello\n\n");
        const listener = (event: NodeEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        listeners[node]!.add(listener);
        req.on("close", () => listeners[node]!.delete(listener));
        return;
      }
      if (req.method === "POST" && url.pathname === "/v1/tx") {
        let json: TxJson;
        try {
          json = txJsonSchema.parse(JSON.parse(await readBody(req)));
        } catch (error) {
          return send(res, 400, { error: { code: "invalid", message: (error as Error).message } });
        }
        if (!verifyTx(nodeSignatures, txFromJson(json))) return send(res, 400, { error: { code: "bad-signature", message: "signature does not verify" } });
        fake.submitted.push(json);
        return send(res, 202, accept(node, json));
      }
      const m = /^\/v1\/conflicts\/(.+)$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        const key = decodeURIComponent(m[1]!);
        const c = conflicts.get(key);
        if (!c) return send(res, 404, { error: { code: "not-found", message: `no conflict set ${key}` } });
        const final = c.finalizedOn.has(node) ? c.winner : null;
        return send(res, 200, {
          key,
          author: key.split(":")[0],
          nonce: Number(key.split(":")[1]),
          candidates: c.candidates.map((cid) => ({ cid, status: final ? (cid === final ? "finalized" : "rejected") : cid === c.winner ? "preferred" : "pending" })),
          preferred: c.winner,
          final,
          observables: {},
        });
      }
      send(res, 404, { error: { code: "not-found", message: `no route ${url.pathname}` } });
    };
  }

  const servers: Server[] = [];
  const nodes: FakeNode[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const fake: FakeNode = {
      index: i,
      peerId: peerIds[i]!,
      api: `http://127.0.0.1:${port}`,
      submitted: [],
      rootOverride: null,
      stop: () => closeServer(server),
    };
    server.on("request", (req, res) => void handler(i, fake)(req, res).catch((error: Error) => send(res, 500, { error: { code: "fake", message: error.message } })));
    nodes.push(fake);
  }
  writeFileSync(
    join(dir, "devnet.json"),
    `${JSON.stringify(
      {
        protocol,
        nodes: nodes.map((n, i) => ({ index: i, api: n.api, multiaddr: `/ip4/127.0.0.1/tcp/${40000 + i}/p2p/${n.peerId}`, peerId: n.peerId, pid: process.pid, data: join(dir, `node-${i}`) })),
      },
      null,
      2,
    )}\n`,
  );
  return {
    dir,
    nodes,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(servers.map(closeServer));
    },
  };
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
