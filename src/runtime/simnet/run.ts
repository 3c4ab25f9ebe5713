/**
 * `driver: node`: the live node engine — the very `NodeEngine` that `entropic node` runs —
 * N times over a simulated network, simulated disks and simulated time (tigerbeetle's
 * VOPR model). The run is a pure function of its scenario and seed: the world clock moves
 * only from one due timer to the next, and between steps every woken promise runs to
 * completion (time.ts). Faults: latency distributions, loss, duplication and partitions
 * on a schedule (links.ts), process crashes with torn last writes and restarts from the
 * ledger (ledger.ts, lifecycle.ts), clock skew and drift (time.ts), and Byzantine
 * processes (byzantine.ts). The checkers (checkers.ts) judge every run (outcome.ts).
 *
 * This file is the run itself: it wires the parts (scenario-checks.ts, world.ts,
 * lifecycle.ts, workload.ts, completion.ts, outcome.ts) and keeps, in one place, the
 * sequence of awaits that orders the whole simulation. Between two awaits, concurrent
 * promise chains (engines, transports, disks) interleave by the microtask queue, so an
 * await added or removed here could reorder a run: the parts' async methods are awaited
 * exactly where the code they replace was.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import { createRng, type Rng } from "../../core/prng.js";
import type { Scenario } from "../../sim/scenario/schema.js";
import { buildTopology } from "../../topology/index.js";
import { nodeCrypto } from "../crypto-node.js";
import { DecodeMemo } from "../node/decode-memo.js";
import type { NodeEngine } from "../node/engine.js";
import { MemoryNetwork } from "../transport/memory.js";
import { Completion } from "./completion.js";
import { idealCrypto } from "./ideal-signatures.js";
import { Lifecycle } from "./lifecycle.js";
import { SimLinks } from "./links.js";
import { judge, type NodeRunOutput } from "./outcome.js";
import { nodeSetting, resolveFaults } from "./scenario-checks.js";
import { SimTime } from "./time.js";
import { ClientLoad } from "./workload.js";
import { populate } from "./world.js";

export type { NodeRunOutput, NodeRunSummary } from "./outcome.js";

/** How often the run checks whether everything is decided, simulated ms. */
const DONE_CHECK_MS = 100;

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

/** Run a `driver: node` scenario. Throws {@link ScenarioError} for what the schema cannot check. */
export async function runNodeScenario(scenario: Scenario, options: NodeRunOptions = {}): Promise<NodeRunOutput> {
  const wall = options.wallClock ?? (() => performance.now());
  const wallStart = wall();
  const { setting, protocol, spec, network, tuning } = nodeSetting(scenario);
  const seed = scenario.seed;
  const rng = (purpose: string): Rng => createRng(seed, `simnet/${purpose}`);

  const graph = buildTopology(setting.topology, rng("topology"));
  const partitions = resolveFaults(spec, network, graph.n);

  const crypto: CryptoSuite = spec.crypto === "ideal" ? idealCrypto() : nodeCrypto;
  // One memo of decoded gossip for the run's cores: each vertex and heads announcement decoded once, not once per node (decode-memo.ts).
  const decodeMemo = options.shareDecodes === false ? undefined : new DecodeMemo();
  const time = new SimTime();
  const indexOf = new Map<string, number>();
  const mesh = new Map<string, string[]>();
  const links = new SimLinks({ time, rng: rng("links"), latency: network.latency, loss: network.loss, duplication: network.duplication, partitions, indexOf, mesh });
  const shareBytes = options.shareBytes !== false;
  const hub = new MemoryNetwork({ shareBytes }, links);
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", onUnhandled);

  try {
    // ---- the honest nodes and their disks, the Byzantine processes, the mesh; then the boot
    const { nodes, byzantine } = await populate({ spec, graph, seed, crypto, time, rng, hub, shareBytes, exchange: scenario.protocol === "tmesh", indexOf, mesh });
    const life = new Lifecycle({ nodes, byzantine, time, protocol, params: scenario.params, crypto, tuning, decodeMemo, rng });
    for (const node of nodes) await time.settle(life.boot(node), 60_000, `node ${node.index} start`);
    for (const b of byzantine) await b.transport.start();
    await time.settle(Promise.all(nodes.map((node) => life.connect(node, true))), 60_000, "connecting the nodes");
    for (const node of nodes) node.engine!.start();
    for (const b of byzantine) b.process.start();
    // Crashes and submissions are scheduled from here, after the boot (which takes the
    // dials' simulated time); partitions are on the world's clock from 0 (links.ts).
    const bootedAt = time.now();

    // ---- faults
    const background = (what: string, work: Promise<void>) =>
      work.catch((e: unknown) => unhandled.push(`${what}: ${e instanceof Error ? e.message : String(e)}`));
    for (const c of spec.crashes) {
      const node = nodes[c.node]!;
      time.clock.after(c.at, () => void background(`crash of node ${c.node}`, life.crash(node)));
      time.clock.after(c.restart, () => void background(`restart of node ${c.node}`, life.restart(node)));
    }

    // ---- workload
    const load = new ClientLoad({ spec, seed, crypto, time, nodes, rng: rng("workload") });
    load.schedule(background);

    // ---- run: through the faults, then until everything is decided or the drain ends
    const lastSubmission = bootedAt + spec.start + Math.floor((spec.txs - 1) * load.interval);
    const lastFaultMs = Math.max(lastSubmission, ...partitions.map((p) => p.heal), ...spec.crashes.map((c) => bootedAt + c.restart));
    const deadline = lastFaultMs + spec.drain;
    const completion = new Completion({ nodes, load, time, partition: spec.partition });
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
      if (time.now() > lastFaultMs && nodes.every((x) => x.engine !== null) && completion.decidedEverywhere()) {
        allDecidedAtMs = time.now();
        break;
      }
    }
    const simulatedMs = time.now();
    // A submission its node never answered by the deadline is a stuck node, not a set owed nothing.
    if (load.submitting > 0) unhandled.push(`${load.submitting} submission(s) still unanswered when the run ended at ${simulatedMs} ms`);

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
    const events = time.steps;
    const summary = judge({ scenario, spec, nodes, load, life, linkStats: links.stats, ledgers, up, roots, unhandled, allDecidedAtMs, simulatedMs, lastFaultMs, events });
    const wallMs = wall() - wallStart;
    return { summary, speed: { wallMs, eventsPerSecond: wallMs > 0 ? (events / wallMs) * 1000 : 0 } };
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
}
