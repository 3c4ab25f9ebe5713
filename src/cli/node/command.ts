/** `entropic node`: run one live node until Ctrl-C or SIGTERM. */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { LIVE_PROTOCOL_NAMES, type LiveProtocolName } from "../../runtime/node/protocols.js";
import { collect } from "../sim/command.js";
import { parseAssignment } from "../scenario-input.js";
import { checkFileIfPresent, checkOutputDir } from "../files.js";
import { checkApiPort, checkBootstrap, checkListen, checkLiveParams } from "../live-options.js";
import { checkAnnounce, checkApiHost, checkKeyLabel } from "./host-options.js";
import { API_LIMIT_FLAGS, type ApiLimitOptions, parseApiLimits } from "./api-limits.js";
import { applyNodeGcPolicy } from "./gc.js";
import { DEFAULT_TUNING, PARTITION_MODES, type PartitionMode } from "../../runtime/node/options.js";

interface NodeOptions extends ApiLimitOptions {
  data: string;
  listen: string[];
  bootstrap: string[];
  api: string;
  apiHost: string;
  announce: string[];
  keySeed?: string;
  protocol: string;
  param: string[];
  denyFile?: string;
  partitionMode: string;
  validators: string;
  minAdmitted: string;
  maxQueueDelay: string;
  verbose?: boolean;
}

/** `--partition-mode` (docs/partitions.md). */
export function parsePartitionMode(raw: string): PartitionMode {
  if (!(PARTITION_MODES as readonly string[]).includes(raw)) throw new UsageError(`--partition-mode must be one of ${PARTITION_MODES.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw as PartitionMode;
}

/** A non-negative integer flag (admission control's `--min-admitted`, `--max-queue-delay`). */
function parseCount(raw: string, flag: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${flag} must be an integer in [0, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** `--validators`: the validator-set size for the quorum (0: the peers this node has known, and itself). */
export function parseValidators(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new UsageError(`--validators must be an integer in [0, 1000000], got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Set by a parent (devnet) to its own pid: the node exits when that process is no longer its
 * parent. "1" means the parent the node had when it started.
 */
export const EXIT_WITH_PARENT = "ENTROPIC_EXIT_WITH_PARENT";

/** `--param name=value` pairs as a record (values parsed as numbers/booleans where they look like one). */
export function parseParams(raw: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of raw) {
    const { name, values } = parseAssignment(r, false);
    out[name] = values[0];
  }
  return out;
}

/** The protocols a live node runs: the one live registry (runtime/node/protocols.ts, which loads no libp2p). */
export const LIVE_PROTOCOLS = LIVE_PROTOCOL_NAMES;
export type LiveProtocol = LiveProtocolName;

export function parseProtocol(raw: string): LiveProtocol {
  if (!(LIVE_PROTOCOLS as readonly string[]).includes(raw)) throw new UsageError(`--protocol must be one of ${LIVE_PROTOCOLS.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw as LiveProtocol;
}

export function parsePort(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number in [0, 65535], got ${JSON.stringify(raw)}`);
  return n;
}

export function registerNode(program: Command): void {
  const command = program
    .command("node")
    .description("run a live node: libp2p transport, LevelDB ledger, HTTP API")
    .requiredOption("--data <dir>", "the node's folder (key file, ledger)")
    .option("--listen <multiaddr>", "libp2p listen address (repeatable)", collect, [])
    .option("--bootstrap <multiaddr>", "peer to dial and keep connected (repeatable)", collect, [])
    .option("--api <port>", "HTTP API port (0: any free port)", "0")
    .option("--api-host <addr>", "address the HTTP API binds (0.0.0.0: every interface, for other hosts and containers)", "127.0.0.1")
    .option("--announce <multiaddr>", "address peers are told to dial instead of the listen ones, e.g. /dns4/node-0/tcp/4001 (repeatable)", collect, [])
    .option("--key-seed <label>", "derive the node key from a public label so its peer id is known in advance (devnets only: the key is not secret)")
    .option("--protocol <name>", `consensus protocol: ${LIVE_PROTOCOLS.join(", ")}`, "snowball")
    .option("--param <name=value>", "protocol parameter (repeatable), e.g. --param k=7", collect, [])
    .option("--deny-file <path>", "JSON list of peer ids to refuse, re-read every 250 ms (partition testing)")
    .option("--partition-mode <mode>", `cut off from a majority of the validators: safe (decide nothing) or available (decide, reconcile at the heal); docs/partitions.md`, "safe")
    .option("--validators <n>", "validator-set size for the safe mode's quorum (0: the peers this node has known, and itself)", "0")
    .option("--min-admitted <n>", "admission control: undecided conflict sets always admitted from clients (docs/throughput.md)", String(DEFAULT_TUNING.minAdmitted))
    .option("--max-queue-delay <ms>", "admission control: refuse a client's new set while the backlog exceeds this many ms of recent finalizations (0: never refuse)", String(DEFAULT_TUNING.maxQueueDelayMs))
    .option("--verbose", "log diagnostics to stderr");
  for (const [flag, help, fallback] of API_LIMIT_FLAGS) command.option(flag, help, fallback);
  command.action(async (opts: NodeOptions) => {
    // Devnet children stop with their parent even when it dies without a word (kill -9, a
    // crash, a SIGTERM during a slow 16-node start-up, which once left 50 orphans running): an
    // orphan is re-parented, so its ppid changes. The watch runs from the first moment, and the
    // parent names its pid, so one that died before this process read its ppid is caught too.
    const named = Number(process.env[EXIT_WITH_PARENT]);
    const parent = Number.isInteger(named) && named > 1 ? named : process.ppid;
    let onOrphaned = (): void => {
      process.stderr.write("entropic: node: the parent process is gone before this node was ready; exiting\n");
      process.exit(1);
    };
    const watching = process.env[EXIT_WITH_PARENT] !== undefined && process.env[EXIT_WITH_PARENT] !== "";
    const orphanWatch = watching ? setInterval(() => process.ppid !== parent && onOrphaned(), 500).unref() : null;
    // Every option checked before anything starts: one line and exit 2, never a library's stack.
    const protocol = parseProtocol(opts.protocol);
    const params = parseParams(opts.param);
    await checkLiveParams(protocol, params);
    const apiPort = parsePort(opts.api, "--api");
    const apiLimits = parseApiLimits(opts);
    const tuning = {
      partitionMode: parsePartitionMode(opts.partitionMode),
      validators: parseValidators(opts.validators),
      minAdmitted: parseCount(opts.minAdmitted, "--min-admitted", 1_000_000),
      maxQueueDelayMs: parseCount(opts.maxQueueDelay, "--max-queue-delay", 3_600_000),
    };
    const listen = opts.listen.length > 0 ? opts.listen : ["/ip4/127.0.0.1/tcp/0"];
    await checkListen(listen);
    await checkBootstrap(opts.bootstrap);
    await checkAnnounce(opts.announce);
    if (opts.keySeed !== undefined) checkKeyLabel(opts.keySeed);
    await checkApiHost(opts.apiHost);
    checkOutputDir(opts.data, "--data");
    if (opts.denyFile) checkFileIfPresent(opts.denyFile, "--deny-file");
    await checkApiPort(apiPort, opts.apiHost);
    applyNodeGcPolicy();
    const { createNode, guardProcess } = await import("../../runtime/node/start.js");
    // Failures the node survives go to stderr always (a devnet keeps them in node.log).
    const warn = (line: string) => process.stderr.write(`entropic node: ${line}\n`);
    const guard = guardProcess(warn);
    const node = await createNode({
      dataDir: opts.data,
      protocol,
      params,
      listen,
      bootstrap: opts.bootstrap,
      apiPort,
      apiHost: opts.apiHost,
      apiLimits,
      tuning,
      ...(opts.announce.length > 0 ? { announce: opts.announce } : {}),
      ...(opts.keySeed !== undefined ? { keyLabel: opts.keySeed } : {}),
      ...(opts.denyFile ? { denyFile: opts.denyFile } : {}),
      ...(opts.verbose ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
      warn,
    });
    guard.attach(node.engine);
    process.stdout.write(`node ${node.peerId} (${node.protocol})\n  api  ${node.api}\n${node.multiaddrs.map((m) => `  p2p  ${m}\n`).join("")}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      onOrphaned = stop; // up now: stop cleanly, as on SIGTERM
    });
    if (orphanWatch !== null) clearInterval(orphanWatch);
    await node.stop();
    guard.dispose();
  });
}
