/**
 * `createNode`: a live node on real ports — libp2p transport, LevelDB ledger, wall clock —
 * with its HTTP API. The CLI's `entropic node` is a thin shell over this.
 */
import "../polyfill.js";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng } from "../../core/prng.js";
import { ScenarioError } from "../../core/errors.js";
import type { ApiServerOptions } from "../api/options.js";
import { type ApiServer, startApiServer } from "../api/server.js";
import { systemClock } from "../clock.js";
import { nodeCrypto, nodeSignatures } from "../crypto-node.js";
import { LevelLedger } from "../ledger/level.js";
import type { TimerHandle, Transport } from "../ports.js";
import { createLibp2pTransport } from "../transport/libp2p.js";
import { NodeEngine, type EngineTuning } from "./engine.js";
import { KEY_FILE, loadOrCreateIdentity } from "./identity.js";
import { service, type Startable, stopAll } from "./lifecycle.js";
import { isLiveProtocolName, liveParams, liveProtocols, type LiveProtocolName } from "./protocols.js";
import { checkKeyMatches, writeLabelKeyIfAbsent } from "./key-label.js";

export { liveParams, liveProtocols, type LiveProtocolName } from "./protocols.js";

export interface NodeConfig {
  /** the node's folder: key file, ledger, node.json */
  readonly dataDir: string;
  readonly protocol: LiveProtocolName;
  /** protocol parameters (validated by the protocol's schema; defaults fill the rest) */
  readonly params?: Readonly<Record<string, unknown>>;
  /** libp2p listen addresses (default /ip4/127.0.0.1/tcp/0) */
  readonly listen?: readonly string[];
  /** addresses peers are told to dial instead of the listen ones (libp2p `addresses.announce`) */
  readonly announce?: readonly string[];
  /**
   * derive the node key from this public label (key-label.ts; devnets and tests only): the
   * key file is written from it when absent and must match it when present
   */
  readonly keyLabel?: string;
  /** peers to dial at start and to keep re-dialing while disconnected */
  readonly bootstrap?: readonly string[];
  /** HTTP API port (0: any free port) and host (default 127.0.0.1) */
  readonly apiPort?: number;
  readonly apiHost?: string;
  /**
   * Per-client-address budgets of the HTTP API (guard.ts; `entropic node --api-rate-limit`
   * and friends); default the server's `DEFAULT_RATE_LIMIT` and `DEFAULT_MALFORMED_LIMIT`.
   */
  readonly apiLimits?: Pick<ApiServerOptions, "rateLimit" | "malformedLimit">;
  /**
   * A file holding a JSON list of peer ids to refuse (transport deny list), re-read every
   * 250 ms: the hook tests and devnets use to partition nodes without root.
   */
  readonly denyFile?: string;
  readonly tuning?: Partial<EngineTuning>;
  /** diagnostics (verbose) */
  readonly log?: (line: string) => void;
  /**
   * Failures the node caught and survived (a background task that threw, with its stack);
   * default: {@link log}. `entropic node` always writes them to stderr.
   */
  readonly warn?: (line: string) => void;
}

/** What `DATA/node.json` holds once the node is up. */
export interface NodeInfo {
  readonly peerId: string;
  readonly api: string;
  readonly multiaddrs: readonly string[];
  readonly pid: number;
  readonly protocol: LiveProtocolName;
}

export interface RunningNode extends NodeInfo {
  readonly engine: NodeEngine;
  readonly transport: Transport;
  stop(): Promise<void>;
}

export async function createNode(config: NodeConfig): Promise<RunningNode> {
  if (!isLiveProtocolName(config.protocol)) throw new ScenarioError([{ path: "protocol", message: `expected one of ${Object.keys(liveProtocols).join(", ")}` }]);
  const protocol = liveProtocols[config.protocol];
  const params = liveParams(config.protocol, config.params);
  mkdirSync(config.dataDir, { recursive: true });
  if (config.keyLabel !== undefined) writeLabelKeyIfAbsent(join(config.dataDir, KEY_FILE), config.keyLabel);
  const identity = loadOrCreateIdentity(config.dataDir, nodeSignatures);
  if (config.keyLabel !== undefined) checkKeyMatches(join(config.dataDir, KEY_FILE), identity.seed, config.keyLabel);
  const ledger = new LevelLedger(join(config.dataDir, "ledger"));
  // Every service is a Startable, started in order and stopped in reverse (lifecycle.ts).
  // The engine is opened (ledger loaded, handlers installed) before the transport starts,
  // so no message arrives before it can be handled; the API closes first at stop.
  const started: Startable[] = [];
  const run = async (x: Startable): Promise<void> => {
    await x.start();
    started.push(x);
  };
  let transport: Transport | undefined;
  let api: ApiServer | undefined;
  let engine: NodeEngine | undefined;
  try {
    await run(service("ledger", () => ledger.open(), () => ledger.close()));
    const t = await createLibp2pTransport({
      listen: [...(config.listen ?? ["/ip4/127.0.0.1/tcp/0"])],
      ...(config.announce?.length ? { announce: [...config.announce] } : {}),
      privateKey: identity.seed,
      // Everything the node gossips is signed by its author (transactions, vertices) or is
      // only a hint checked against signed data (heads), and Noise authenticates each hop;
      // gossipsub's own per-message signature would be a second, redundant verify per
      // message per node (measured: the largest CPU item under load).
      gossip: { signaturePolicy: "StrictNoSign" },
    });
    transport = t;
    const seed = randomBytes(4).readUInt32LE(0);
    const e = await NodeEngine.create(
      { protocol, params, ...(config.tuning ? { tuning: config.tuning } : {}) },
      {
        transport: t,
        ledger,
        clock: systemClock,
        crypto: nodeCrypto,
        keys: identity.keys,
        rng: createRng(seed, "live-node"),
        ...(config.log ? { log: config.log } : {}),
        ...(config.warn ? { warn: config.warn } : {}),
      },
    );
    engine = e;
    await run(service("transport", () => t.start(), () => t.stop()));
    await run(e);
    await run(
      service(
        "api",
        async () => {
          api = await startApiServer(e, { port: config.apiPort ?? 0, host: config.apiHost ?? "127.0.0.1", ...config.apiLimits });
        },
        () => api?.close(),
      ),
    );
    await run(keepDialing(t, config.bootstrap ?? [], config.log, (err) => e.recordFailure("dial", err)));
    if (config.denyFile) await run(watchDenyFile(t, config.denyFile, config.log));
  } catch (err) {
    // A transport created but never started is stopped too (libp2p holds resources from creation).
    if (transport !== undefined && !started.some((x) => x.name === "transport")) await transport.stop().catch(() => undefined);
    await stopAll(started);
    throw err;
  }
  const info: NodeInfo = { peerId: transport.peerId, api: api!.url, multiaddrs: transport.addresses(), pid: process.pid, protocol: config.protocol };
  const infoPath = join(config.dataDir, "node.json");
  writeFileSync(`${infoPath}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(`${infoPath}.tmp`, infoPath);
  let stopped: Promise<void> | null = null;
  return {
    ...info,
    engine,
    transport,
    stop() {
      stopped ??= stopAll(started);
      return stopped;
    },
  };
}

/**
 * Dial the bootstrap peers now, and again every second while any is not connected. An
 * address naming this node itself is skipped, so every node of a deployment can be given
 * one list of all nodes (a StatefulSet's pods share one template).
 */
function keepDialing(transport: Transport, all: readonly string[], log: ((line: string) => void) | undefined, failed: (err: unknown) => void): Startable {
  const peerOf = (a: string) => a.split("/p2p/")[1];
  const addresses = all.filter((a) => peerOf(a) !== transport.peerId);
  let timer: TimerHandle | null = null;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const connected = new Set(transport.peers());
      await Promise.all(
        addresses
          .filter((a) => !connected.has(peerOf(a) ?? ""))
          .map((a) => transport.dial(a).catch((err: unknown) => log?.(`dial ${a}: ${(err as Error).message}`))),
      );
    } finally {
      busy = false;
    }
  };
  // A refused dial is normal (the peer is down) and only logged above; anything else that
  // throws is counted by the engine (task "dial").
  const run = () => void tick().catch(failed);
  return service(
    "dial",
    () => {
      if (addresses.length === 0 || timer !== null) return;
      run();
      timer = systemClock.every(1000, run);
    },
    () => {
      timer?.cancel();
      timer = null;
    },
  );
}

/** Apply the deny list in `path` (a JSON array of peer ids; missing file: deny nobody). */
function watchDenyFile(transport: Transport, path: string, log?: (line: string) => void): Startable {
  let last = "";
  const tick = () => {
    let text = "[]";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // no file: nobody denied
    }
    if (text === last) return;
    try {
      const peers = JSON.parse(text) as unknown;
      if (!Array.isArray(peers) || !peers.every((p) => typeof p === "string")) throw new Error("expected a JSON array of peer ids");
      transport.deny(peers);
      last = text;
      log?.(`deny list: ${peers.length} peers`);
    } catch (err) {
      log?.(`${path}: ${(err as Error).message}`);
      last = text;
    }
  };
  let timer: TimerHandle | null = null;
  return service(
    "deny-file",
    () => {
      if (timer !== null) return;
      tick();
      timer = systemClock.every(250, tick);
    },
    () => {
      timer?.cancel();
      timer = null;
    },
  );
}

/** What {@link guardProcess} counts into: the running node's engine. */
export interface FailureSink {
  recordFailure(task: "unhandled", err: unknown): void;
}

/**
 * The process-level safety net of `entropic node`: a promise rejection nobody handled is
 * reported with its stack and counted as background task `unhandled` (in `/v1/metrics`
 * and `/v1/status`), instead of killing the node, which is Node's default.
 * Every known background task catches its own failures; this is for the ones nobody knew
 * of. Rejections before {@link attach} are counted once the engine is attached.
 */
export function guardProcess(write: (line: string) => void): { attach(sink: FailureSink): void; dispose(): void } {
  let sink: FailureSink | null = null;
  const early: unknown[] = [];
  const onRejection = (reason: unknown) => {
    // Once attached, the engine reports it (through its `warn`, with the stack) as it counts it.
    if (sink) return sink.recordFailure("unhandled", reason);
    write(`unhandled promise rejection (caught; counted as task "unhandled"): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    early.push(reason);
  };
  process.on("unhandledRejection", onRejection);
  return {
    attach(s) {
      sink = s;
      for (const r of early.splice(0)) s.recordFailure("unhandled", r);
    },
    dispose() {
      process.off("unhandledRejection", onRejection);
    },
  };
}
