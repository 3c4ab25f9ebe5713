/**
 * `driver: node`: the live node engine — the very `NodeEngine` that `entropic node` runs —
 * N times over a simulated network, simulated disks and simulated time (tigerbeetle's
 * VOPR model). The run is a pure function of its scenario and seed: the world clock moves
 * only from one due timer to the next, and between steps every woken promise runs to
 * completion (time.ts). Faults: latency distributions, loss, duplication and partitions
 * on a schedule (links.ts), process crashes with torn last writes and restarts from the
 * ledger (ledger.ts), clock skew and drift (time.ts), and Byzantine processes (byzantine.ts).
 * The checkers (checkers.ts) judge every run.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import { deriveKeySeed } from "../../core/crypto.js";
import { ScenarioError } from "../../core/errors.js";
import { createRng, type Rng } from "../../core/prng.js";
import { quantile } from "../../core/quantile.js";
import { createTx, conflictKey, type Tx, txId } from "../../core/tx.js";
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import { emtd } from "../../protocols/emtd/index.js";
import { snowball } from "../../protocols/snowball/index.js";
import { tmesh } from "../../protocols/tmesh/index.js";
import { type ConsensusSetting, nodeDriverSchema, type NodeDriverSpec } from "../../sim/consensus/setting.js";
import { networkSchema, resolvePartition } from "../../sim/event/network.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { neighbors } from "../../topology/csr.js";
import { buildTopology } from "../../topology/index.js";
import type { NodeEvent, SubmitResult } from "../api/facade.js";
import { nodeCrypto } from "../crypto-node.js";
import { DEFAULT_TUNING, type EngineTuning, NodeEngine } from "../node/engine.js";
import { memoryAddress, MemoryNetwork, type MemoryTransport } from "../transport/memory.js";
import { peerIdFromEd25519PublicKey } from "../transport/keys.js";
import { ByzantineProcess, BYZANTINE_KINDS, type ByzantineKind } from "./byzantine.js";
import { type CheckerName, runCheckers, type Violation } from "./checkers.js";
import { idealCrypto } from "./ideal-signatures.js";
import { DecodeMemo } from "../node/decode-memo.js";
import { SimDisk } from "./ledger.js";
import { SimLinks } from "./links.js";
import { NodeClock, SimTime } from "./time.js";

/** The protocols the node driver runs (the live node's; `gossip-avg` has none). */
const NODE_PROTOCOLS: Readonly<Record<string, ConsensusProtocol<unknown>>> = {
  emtd: emtd as ConsensusProtocol<unknown>,
  tmesh: tmesh as ConsensusProtocol<unknown>,
  snowball: snowball as ConsensusProtocol<unknown>,
};

/** Clients signing the workload's transactions (conflict key = author + nonce). */
const CLIENTS = 16;
/** Times a simulated client tries a submission again after `overloaded` (once a simulated second). */
const MAX_OVERLOAD_RETRIES = 120;
/** How often the run checks whether everything is decided, simulated ms. */
const DONE_CHECK_MS = 100;
/** With every virtuous set decided, the run ends after this long without a new decision. */
const QUIET_MS = 5000;

export interface NodeRunOptions {
  /** called about every simulated second: simulated ms so far, and the deadline */
  readonly onProgress?: (simMs: number, deadlineMs: number) => void;
  /** wall clock for the speed figures (default performance.now) */
  readonly wallClock?: () => number;
  /** called once the run ends, before the nodes stop: each honest node's engine (null when down), for diagnosis */
  readonly inspect?: (engines: readonly (NodeEngine | null)[]) => void;
  /**
   * Whether the run's cores share one memo of decoded gossip (default true; decode-memo.ts).
   * Off, every core decodes every vertex and heads announcement itself, as live nodes do:
   * a test checks both give the same run.
   */
  readonly shareDecodes?: boolean;
  /**
   * Whether the simulated network and disks hand nodes the bytes they were handed, not
   * private copies (default true; memory.ts and ledger/memory.ts `shareBytes`). Off, every
   * receiver and every disk copies, as separate processes would: a test checks both give
   * the same run.
   */
  readonly shareBytes?: boolean;
}

export interface NodeRunSummary {
  readonly driver: "node";
  readonly protocol: string;
  readonly seed: number;
  readonly nodes: number;
  readonly byzantine: Readonly<Record<ByzantineKind, number>>;
  readonly crypto: "ideal" | "ed25519";
  /** conflict sets submitted, transactions submitted, refused by the node asked, double spends */
  readonly workload: {
    readonly sets: number;
    readonly txs: number;
    readonly refused: number;
    /** submissions a node answered `overloaded`, tried again a simulated second later */
    readonly overloadRetries: number;
    /** submissions whose node was killed before it answered (counted in `refused` too) */
    readonly connectionLost: number;
    readonly doubleSpends: number;
    readonly accepted: number;
  };
  /** decided sets per honest node at the end: min / median / max */
  readonly decided: { readonly min: number; readonly median: number; readonly max: number };
  /** finality latency from a node's first sight to its decision (its `finalized` events), ms */
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null; readonly max: number | null };
  /** simulated ms when every honest node up had decided every accepted virtuous set (null: never) */
  readonly allDecidedAtMs: number | null;
  /** simulated time of the first decision any honest node made (null: none) */
  readonly firstDecisionAtMs: number | null;
  readonly simulatedMs: number;
  /** when the last fault healed (partition, restart) or the last set was submitted */
  readonly lastFaultMs: number;
  readonly crashes: number;
  readonly network: { readonly delivered: number; readonly lost: number; readonly cut: number; readonly duplicated: number };
  readonly disks: { readonly commits: number; readonly landedAtCrash: number; readonly lostAtCrash: number };
  /** sheaf-conflict events honest nodes raised */
  readonly sheafConflicts: number;
  /** decisions honest nodes took back and reported (`available` partition mode) */
  readonly reversals: number;
  /** the partition mode the nodes ran (docs/partitions.md) */
  readonly partition: "safe" | "available";
  /** double-spend sets some node up at the end left undecided (largest count over nodes; not a violation) */
  readonly rogueUndecided: number;
  /** simulator events: timers fired and messages delivered */
  readonly events: number;
  readonly checks: Readonly<Record<CheckerName, number>>;
  readonly violations: readonly Violation[];
}

export interface NodeRunOutput {
  readonly summary: NodeRunSummary;
  /** wall-clock figures (not part of the deterministic summary) */
  readonly speed: { readonly wallMs: number; readonly eventsPerSecond: number };
}

interface HonestNode {
  readonly index: number;
  readonly peerId: string;
  readonly transport: MemoryTransport;
  readonly disk: SimDisk;
  readonly seed: Uint8Array;
  readonly skew: number;
  readonly drift: number;
  engine: NodeEngine | null;
  clock: NodeClock | null;
  unsubscribe: (() => void) | null;
  session: number;
  readonly reported: Map<string, string>;
  readonly failures: string[];
  /** peers this node held proven equivocators, over its incarnations */
  readonly convicted: Set<string>;
  /** settles when the current incarnation dies: a client waiting on it sees its connection drop */
  died: Promise<void>;
  die: () => void;
}

/** Run a `driver: node` scenario. Throws {@link ScenarioError} for what the schema cannot check. */
export async function runNodeScenario(scenario: Scenario, options: NodeRunOptions = {}): Promise<NodeRunOutput> {
  const wall = options.wallClock ?? (() => performance.now());
  const wallStart = wall();
  const setting = scenario.sections as unknown as ConsensusSetting;
  if (setting.driver !== "node") throw new ScenarioError([{ path: "driver", message: `runNodeScenario runs driver: node, not ${setting.driver}` }]);
  if (scenario.rng !== "xoshiro") throw new ScenarioError([{ path: "rng", message: "driver: node draws from xoshiro streams only (the python family replays the seeds' programs, which have no live node)" }]);
  const protocol = NODE_PROTOCOLS[scenario.protocol];
  if (protocol === undefined) throw new ScenarioError([{ path: "protocol", message: `driver: node runs ${Object.keys(NODE_PROTOCOLS).join(", ")}` }]);
  const spec: NodeDriverSpec = setting.node ?? nodeDriverSchema.parse({});
  const network = setting.network ?? networkSchema.parse({});
  const tuning: Partial<EngineTuning> = { ...checkTuning(spec.tuning), partitionMode: spec.partition };
  const seed = scenario.seed;
  const rng = (purpose: string): Rng => createRng(seed, `simnet/${purpose}`);

  const graph = buildTopology(setting.topology, rng("topology"));
  const n = graph.n;
  checkCrashes(spec, n);
  const partitions = network.partitions.map((p, i) => resolvePartition(p, n, `network.partitions.${i}`));
  if (network.churn !== undefined) throw new ScenarioError([{ path: "network.churn", message: "driver: node schedules crashes explicitly in node.crashes (each restarts from its ledger)" }]);

  const crypto: CryptoSuite = spec.crypto === "ideal" ? idealCrypto() : nodeCrypto;
  // One memo of decoded gossip for the run's cores: each vertex and heads announcement decoded once, not once per node (decode-memo.ts).
  const decodeMemo = options.shareDecodes === false ? undefined : new DecodeMemo();
  const time = new SimTime();
  const indexOf = new Map<string, number>();
  const mesh = new Map<string, string[]>();
  const links = new SimLinks({ time, rng: rng("links"), latency: network.latency, loss: network.loss, duplication: network.duplication, partitions, indexOf, mesh });
  const shareBytes = options.shareBytes !== false;
  const hub = new MemoryNetwork({ shareBytes }, links);
  const faultRng = rng("faults");
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", onUnhandled);

  try {
    // ---- the honest nodes and their disks
    const nodes: HonestNode[] = [];
    for (let i = 0; i < n; i++) {
      const keySeed = deriveKeySeed(crypto.hasher, `simnet/${seed}/node`, i);
      const peerId = peerIdFromEd25519PublicKey(crypto.signatures.generateKeyPair(keySeed).publicKey);
      indexOf.set(peerId, i);
      const transport = hub.createTransport(peerId);
      const disk = new SimDisk(time, rng(`disk/${i}`), spec.writeMs, shareBytes);
      await disk.format();
      const skew = spec.skew === 0 ? 0 : Math.round((2 * faultRng.nextFloat() - 1) * spec.skew);
      const drift = spec.drift === 0 ? 0 : (2 * faultRng.nextFloat() - 1) * spec.drift;
      nodes.push({ index: i, peerId, transport, disk, seed: keySeed, skew, drift, engine: null, clock: null, unsubscribe: null, session: 0, reported: new Map(), failures: [], convicted: new Set(), died: Promise.resolve(), die: () => {} });
    }
    const byzantine = spawnByzantine(spec, n, hub, crypto, time, rng, scenario.protocol === "tmesh", seed);
    // The gossip mesh is the scenario's topology (plus each Byzantine process's links);
    // connections are complete, so any node may poll any other.
    for (const node of nodes) mesh.set(node.peerId, neighbors(graph, node.index).map((j) => nodes[j]!.peerId));
    for (const b of byzantine) {
      mesh.set(b.transport.peerId, b.neighbours.map((j) => nodes[j]!.peerId));
      for (const j of b.neighbours) mesh.get(nodes[j]!.peerId)!.push(b.transport.peerId);
    }

    let sheafConflicts = 0;
    let reversals = 0;
    let firstDecisionAtMs: number | null = null;
    const latencies: number[] = [];
    const params = scenario.params;
    const boot = async (node: HonestNode) => {
      node.died = new Promise<void>((resolve) => (node.die = resolve));
      node.clock = new NodeClock(time, node.skew, node.drift);
      await node.transport.start();
      const engine = await NodeEngine.open({
        protocol,
        params,
        transport: node.transport,
        ledger: node.disk.open(),
        clock: node.clock,
        crypto,
        keys: crypto.signatures.generateKeyPair(node.seed),
        rng: rng(`node/${node.index}/${node.session}`),
        tuning,
        ...(decodeMemo !== undefined ? { decodeMemo } : {}),
        warn: (line) => node.failures.push(`node ${node.index}: ${line}`),
      });
      node.engine = engine;
      node.unsubscribe = engine.subscribe((e: NodeEvent) => {
        if (e.type === "finalized") {
          firstDecisionAtMs ??= time.now();
          node.reported.set(e.conflict, e.cid);
          latencies.push(e.latencyMs);
        } else if (e.type === "sheaf-conflict") sheafConflicts++;
        else if (e.type === "decision-reverted") {
          // `available` mode: a reported reversal replaces what this node told its clients.
          node.reported.set(e.conflict, e.to);
          reversals++;
        }
      });
    };
    /** Dial every running node (at start only those above it: one dial per pair) and the Byzantine ones linked to it. */
    const connect = async (node: HonestNode, initial: boolean) => {
      const dials: Promise<void>[] = [];
      for (const other of nodes) {
        if (other === node || (initial && other.index < node.index) || !other.transport.isRunning) continue;
        dials.push(node.transport.dial(memoryAddress(other.peerId)).catch(() => {}));
      }
      for (const b of byzantine) if (b.neighbours.includes(node.index)) dials.push(b.transport.dial(memoryAddress(node.peerId)).catch(() => {}));
      await Promise.all(dials);
    };

    for (const node of nodes) await time.settle(boot(node), 60_000, `node ${node.index} start`);
    for (const b of byzantine) await b.transport.start();
    await time.settle(Promise.all(nodes.map((node) => connect(node, true))), 60_000, "connecting the nodes");
    for (const node of nodes) node.engine!.start();
    for (const b of byzantine) b.process.start();
    // Crashes and submissions are scheduled from here, after the boot (which takes the
    // dials' simulated time); partitions are on the world's clock from 0 (links.ts).
    const bootedAt = time.now();

    // ---- faults
    let crashes = 0;
    const crash = async (node: HonestNode) => {
      const engine = node.engine;
      if (engine === null) return;
      crashes++;
      node.die();
      node.clock!.kill();
      node.unsubscribe?.();
      node.engine = null;
      await node.transport.stop();
      await node.disk.crash();
      // What the dead process failed at before it died counts; its death throes do not.
      const failures = engine.failures();
      if (failures.total > 0) node.failures.push(`node ${node.index} (session ${node.session}): ${failures.total} background failure(s), last: ${failures.lastError ?? "?"}`);
      for (const p of engine.convicted()) node.convicted.add(p);
    };
    const restart = async (node: HonestNode) => {
      node.session++;
      await boot(node);
      await connect(node, false);
      node.engine!.start();
    };
    const background = (what: string, work: Promise<void>) =>
      work.catch((e: unknown) => unhandled.push(`${what}: ${e instanceof Error ? e.message : String(e)}`));
    for (const c of spec.crashes) {
      const node = nodes[c.node]!;
      time.clock.after(c.at, () => void background(`crash of node ${c.node}`, crash(node)));
      time.clock.after(c.restart, () => void background(`restart of node ${c.node}`, restart(node)));
    }

    // ---- workload
    const workRng = rng("workload");
    const clients = Array.from({ length: CLIENTS }, (_, c) => crypto.signatures.generateKeyPair(deriveKeySeed(crypto.hasher, `simnet/${seed}/client`, c)));
    const submitted = new Map<string, Set<string>>();
    const accepted = new Set<string>();
    let txCount = 0;
    let refused = 0;
    let overloadRetries = 0;
    let doubleSpends = 0;
    const interval = 1000 / spec.rate;
    const liveNode = (from: number): HonestNode | undefined => {
      for (let k = 0; k < n; k++) {
        const node = nodes[(from + k) % n]!;
        if (node.engine !== null) return node;
      }
      return undefined;
    };
    let submitting = 0;
    let lostInCrash = 0;
    // A client whose node is killed before it answers sees its connection drop: the
    // submission counts as refused (if it landed on the disk anyway, the set is owed all the
    // same: owedKeys). Without this the client waited forever (swarm seed 2058).
    const submitTo = (node: HonestNode, tx: Tx): Promise<SubmitResult | { ok: false; reason: "connection-lost" }> =>
      Promise.race([node.engine!.submitTx(tx), node.died.then(() => ({ ok: false as const, reason: "connection-lost" as const }))]);
    const submit = async (s: number) => {
      submitting++;
      try {
        await submitSet(s);
      } finally {
        submitting--;
      }
    };
    const submitSet = async (s: number) => {
      const keys = clients[s % CLIENTS]!;
      const nonce = Math.floor(s / CLIENTS);
      const twin = workRng.nextFloat() < spec.doubleSpends;
      if (twin) doubleSpends++;
      const copies = twin ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const tx = createTx(crypto.signatures, keys, nonce, new TextEncoder().encode(`set ${s} copy ${c}`));
        const key = conflictKey(tx);
        const cid = txId(tx, crypto.hasher).toString();
        let cids = submitted.get(key);
        if (cids === undefined) submitted.set(key, (cids = new Set()));
        cids.add(cid);
        txCount++;
        const node = liveNode(s + c);
        if (node === undefined) {
          refused++;
          continue;
        }
        let result = await submitTo(node, tx);
        // A client honours `overloaded` (HTTP 503, Retry-After: 1) as a real one would: it
        // tries again a simulated second later (admission control, load-gauge.ts).
        for (let tries = 0; !result.ok && result.reason === "overloaded" && tries < MAX_OVERLOAD_RETRIES; tries++) {
          overloadRetries++;
          await new Promise<void>((resolve) => time.clock.after(1000, resolve));
          const again = liveNode(s + c);
          if (again === undefined) break;
          result = await submitTo(again, tx);
        }
        if (result.ok) accepted.add(key);
        else {
          refused++;
          if (result.reason === "connection-lost") lostInCrash++;
        }
      }
    };
    for (let s = 0; s < spec.txs; s++) time.clock.after(spec.start + Math.floor(s * interval), () => void background(`submission ${s}`, submit(s)));

    // ---- run: through the faults, then until everything is decided or the drain ends
    const lastSubmission = bootedAt + spec.start + Math.floor((spec.txs - 1) * interval);
    const lastFaultMs = Math.max(lastSubmission, ...partitions.map((p) => p.heal), ...spec.crashes.map((c) => bootedAt + c.restart));
    const deadline = lastFaultMs + spec.drain;
    // A set is owed a decision everywhere once any honest node accepted it, or finalized it:
    // a submission whose node died before answering may still have landed on its disk and
    // been re-announced after the restart (issue 14 §3), and then every node must decide it.
    const owedKeys = (): Set<string> => {
      const owed = new Set(accepted);
      for (const node of nodes) for (const key of node.disk.finalKeys) owed.add(key);
      return owed;
    };
    // Done when every node decided every accepted set, or decided every virtuous one and
    // nothing more was decided for QUIET_MS (double spends stuck in an even split).
    let lastDecidedCount = -1;
    let lastChangeAt = 0;
    const decidedEverywhere = () => {
      // A submission still waiting for its node's answer (or retrying) may yet be accepted.
      if (submitting > 0) return false;
      const total = nodes.reduce((a, node) => a + node.disk.finalKeys.size, 0);
      if (total !== lastDecidedCount) {
        lastDecidedCount = total;
        lastChangeAt = time.now();
      }
      const owed = owedKeys();
      // `available` mode: decided is not done until the sides' conflicting decisions are
      // reconciled, i.e. every node holds the same finalized map (equal roots).
      if (spec.partition === "available" && new Set(nodes.map((node) => node.engine?.status().ledgerRoot)).size > 1) return false;
      const all = nodes.every((node) => [...owed].every((key) => node.disk.finalKeys.has(key)));
      if (all) return true;
      const virtuous = nodes.every((node) => [...owed].every((key) => node.disk.finalKeys.has(key) || (submitted.get(key)?.size ?? 0) > 1));
      return virtuous && time.now() - lastChangeAt >= QUIET_MS;
    };
    let allDecidedAtMs: number | null = null;
    let nextProgress = 1000;
    for (let t = time.now(); t < deadline; t = time.now()) {
      const until = Math.min(deadline, t + DONE_CHECK_MS);
      await time.runUntil(until);
      if (time.now() < until) time.clock.advance(until - time.now());
      if (time.now() >= nextProgress) {
        options.onProgress?.(time.now(), deadline);
        nextProgress = time.now() + 1000;
      }
      if (time.now() > lastFaultMs && nodes.every((x) => x.engine !== null) && decidedEverywhere()) {
        allDecidedAtMs = time.now();
        break;
      }
    }
    const simulatedMs = time.now();
    // A submission its node never answered by the deadline is a stuck node, not a set owed nothing.
    if (submitting > 0) unhandled.push(`${submitting} submission(s) still unanswered when the run ended at ${simulatedMs} ms`);

    // ---- stop, read the disks, judge
    options.inspect?.(nodes.map((x) => x.engine));
    const up = nodes.map((x) => x.engine !== null);
    const roots = nodes.map((x) => (x.engine === null ? null : x.engine.status().ledgerRoot));
    for (const x of nodes) {
      for (const p of x.engine?.convicted() ?? []) x.convicted.add(p);
      const failures = x.engine?.failures();
      if (failures !== undefined && failures.total > 0) x.failures.push(`node ${x.index}: ${failures.total} background failure(s), last: ${failures.lastError ?? "?"}`);
    }
    for (const b of byzantine) b.process.stop();
    await time.settle(Promise.all(nodes.map((x) => x.engine?.stop() ?? Promise.resolve())), 60_000, "stopping the nodes");
    const ledgers: Map<string, string>[] = [];
    for (const x of nodes) {
      const map = new Map<string, string>();
      for await (const [key, cid] of x.disk.store.finalized()) map.set(key, cid);
      ledgers.push(map);
    }
    const { violations, counts, rogueUndecided } = runCheckers({
      ledgers,
      reported: nodes.map((x) => x.reported),
      upAtEnd: up,
      roots,
      submitted,
      accepted: owedKeys(),
      failures: nodes.flatMap((x) => x.failures),
      unhandled,
      convictions: nodes.map((x) => x.convicted),
      honestPeers: nodes.map((x) => x.peerId),
    });
    const sizes = ledgers.map((l) => l.size).sort((a, b) => a - b);
    const sortedLatencies = latencies.slice().sort((a, b) => a - b);
    const diskStats = nodes.map((x) => x.disk.stats);
    const events = time.steps;
    const summary: NodeRunSummary = {
      driver: "node",
      protocol: scenario.protocol,
      seed,
      nodes: n,
      byzantine: Object.fromEntries(BYZANTINE_KINDS.map((k) => [k, spec.byzantine[k]])) as Record<ByzantineKind, number>,
      crypto: spec.crypto,
      workload: { sets: spec.txs, txs: txCount, refused, overloadRetries, connectionLost: lostInCrash, doubleSpends, accepted: accepted.size },
      decided: { min: sizes[0] ?? 0, median: quantile(sizes, 0.5), max: sizes[sizes.length - 1] ?? 0 },
      latencyMs: {
        p50: sortedLatencies.length > 0 ? quantile(sortedLatencies, 0.5) : null,
        p99: sortedLatencies.length > 0 ? quantile(sortedLatencies, 0.99) : null,
        max: sortedLatencies.length > 0 ? sortedLatencies[sortedLatencies.length - 1]! : null,
      },
      allDecidedAtMs,
      firstDecisionAtMs,
      simulatedMs,
      lastFaultMs,
      crashes,
      network: { ...links.stats },
      disks: {
        commits: diskStats.reduce((a, d) => a + d.commits, 0),
        landedAtCrash: diskStats.reduce((a, d) => a + d.landedAtCrash, 0),
        lostAtCrash: diskStats.reduce((a, d) => a + d.lostAtCrash, 0),
      },
      sheafConflicts,
      reversals,
      partition: spec.partition,
      rogueUndecided,
      events,
      checks: counts,
      violations,
    };
    const wallMs = wall() - wallStart;
    return { summary, speed: { wallMs, eventsPerSecond: wallMs > 0 ? (events / wallMs) * 1000 : 0 } };
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
}

/** Engine tunables from the scenario, every name checked. */
function checkTuning(raw: Readonly<Record<string, number>>): Partial<EngineTuning> {
  // partitionMode is a word, set by `node.partition`; validators may be 0 only by default.
  const known = Object.keys(DEFAULT_TUNING).filter((k) => k !== "partitionMode");
  for (const [name, value] of Object.entries(raw)) {
    if (!known.includes(name)) throw new ScenarioError([{ path: `node.tuning.${name}`, message: `unknown engine tunable; known: ${known.join(", ")}` }]);
    if (!(Number.isFinite(value) && value > 0)) throw new ScenarioError([{ path: `node.tuning.${name}`, message: `must be a positive number, got ${value}` }]);
  }
  return raw as Partial<EngineTuning>;
}

function checkCrashes(spec: NodeDriverSpec, n: number): void {
  const byNode = new Map<number, { at: number; restart: number; i: number }[]>();
  spec.crashes.forEach((c, i) => {
    if (c.node >= n) throw new ScenarioError([{ path: `node.crashes.${i}.node`, message: `node ${c.node} does not exist (${n} honest nodes)` }]);
    const list = byNode.get(c.node) ?? [];
    for (const o of list) {
      if (c.at < o.restart && o.at < c.restart) throw new ScenarioError([{ path: `node.crashes.${i}`, message: `overlaps crash ${o.i} of node ${c.node} (a node is down at most once at a time)` }]);
    }
    list.push({ at: c.at, restart: c.restart, i });
    byNode.set(c.node, list);
  });
}

interface ByzantineMember {
  readonly transport: MemoryTransport;
  readonly process: ByzantineProcess;
  /** honest nodes it connects to */
  readonly neighbours: number[];
}

function spawnByzantine(spec: NodeDriverSpec, n: number, hub: MemoryNetwork, crypto: CryptoSuite, time: SimTime, rng: (p: string) => Rng, exchange: boolean, seed: number): ByzantineMember[] {
  const out: ByzantineMember[] = [];
  const pick = rng("byzantine/placement");
  let index = 0;
  for (const kind of BYZANTINE_KINDS) {
    for (let k = 0; k < spec.byzantine[kind]; k++, index++) {
      const keys = crypto.signatures.generateKeyPair(deriveKeySeed(crypto.hasher, `simnet/${seed}/byzantine`, index));
      const transport = hub.createTransport(peerIdFromEd25519PublicKey(keys.publicKey));
      const degree = Math.min(n, 10);
      const neighbours: number[] = [];
      while (neighbours.length < degree) {
        const j = pick.nextInt(n);
        if (!neighbours.includes(j)) neighbours.push(j);
      }
      const process = new ByzantineProcess({ kind, transport, keys, crypto, rng: rng(`byzantine/${index}`), time, exchange });
      out.push({ transport, process, neighbours });
    }
  }
  return out;
}
