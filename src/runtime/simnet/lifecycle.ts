/**
 * An honest node's life in the node driver: boot (its engine opened on its disk's ledger,
 * its clock, its reports subscribed), dial, crash as `kill -9` does (process gone, torn
 * last writes on disk), restart from its ledger. It also tallies what the engines report
 * (decisions, sheaf conflicts, reversals) across every incarnation, for the summary.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import type { Rng } from "../../core/prng.js";
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import type { NodeEvent } from "../api/facade.js";
import type { DecodeMemo } from "../node/decode-memo.js";
import { type EngineTuning, NodeEngine } from "../node/engine.js";
import { memoryAddress } from "../transport/memory.js";
import { NodeClock, type SimTime } from "./time.js";
import type { ByzantineMember, HonestNode } from "./world.js";

export interface LifecycleOptions {
  readonly nodes: readonly HonestNode[];
  readonly byzantine: readonly ByzantineMember[];
  readonly time: SimTime;
  readonly protocol: ConsensusProtocol<unknown>;
  readonly params: unknown;
  readonly crypto: CryptoSuite;
  readonly tuning: Partial<EngineTuning>;
  /** one memo of decoded gossip shared by every core, or undefined (each decodes for itself) */
  readonly decodeMemo: DecodeMemo | undefined;
  /** the run's named streams (`simnet/<purpose>`) */
  readonly rng: (purpose: string) => Rng;
}

export class Lifecycle {
  /** sheaf-conflict events honest nodes raised */
  sheafConflicts = 0;
  /** decisions honest nodes took back and reported (`available` partition mode) */
  reversals = 0;
  /** simulated time of the first decision any honest node made (null: none) */
  firstDecisionAtMs: number | null = null;
  /** finality latency of every `finalized` event, ms */
  readonly latencies: number[] = [];
  crashes = 0;

  constructor(private readonly o: LifecycleOptions) {}

  /**
   * Start a new incarnation: a fresh clock and engine on the same transport identity and
   * disk. Its engine, or null when the incarnation was killed while it opened (a crash
   * can land during a restart's boot, as `kill -9` can: swarm seed 5069).
   */
  async boot(node: HonestNode): Promise<NodeEngine | null> {
    const { time, protocol, params, crypto, tuning, decodeMemo, rng } = this.o;
    const session = node.session;
    node.alive = true;
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
    // Killed while opening (its dead disk handle went silent, or the open was past it): the
    // engine never runs. Nothing of it is subscribed; what it wrote is on the disk's terms.
    if (!node.alive || node.session !== session) return null;
    node.engine = engine;
    node.unsubscribe = engine.subscribe((e: NodeEvent) => {
      if (e.type === "finalized") {
        this.firstDecisionAtMs ??= time.now();
        node.reported.set(e.conflict, e.cid);
        this.latencies.push(e.latencyMs);
      } else if (e.type === "sheaf-conflict") this.sheafConflicts++;
      else if (e.type === "decision-reverted") {
        // `available` mode: a reported reversal replaces what this node told its clients.
        node.reported.set(e.conflict, e.to);
        this.reversals++;
      }
    });
    return engine;
  }

  /** Dial every running node (at start only those above it: one dial per pair) and the Byzantine ones linked to it. */
  async connect(node: HonestNode, initial: boolean): Promise<void> {
    const dials: Promise<void>[] = [];
    for (const other of this.o.nodes) {
      if (other === node || (initial && other.index < node.index) || !other.transport.isRunning) continue;
      dials.push(node.transport.dial(memoryAddress(other.peerId)).catch(() => {}));
    }
    for (const b of this.o.byzantine) if (b.neighbours.includes(node.index)) dials.push(b.transport.dial(memoryAddress(node.peerId)).catch(() => {}));
    await Promise.all(dials);
  }

  /** Kill the node's process: clients waiting on it see their connection drop, its timers die, its disk tears its last writes. */
  async crash(node: HonestNode): Promise<void> {
    if (!node.alive) return; // down already
    node.alive = false;
    const engine = node.engine; // null when killed while booting: the process dies all the same
    this.crashes++;
    node.die();
    node.clock?.kill();
    node.unsubscribe?.();
    node.unsubscribe = null;
    node.engine = null;
    await node.transport.stop();
    await node.disk.crash();
    // What the dead process failed at before it died counts; its death throes do not.
    if (engine === null) return;
    const failures = engine.failures();
    if (failures.total > 0) node.failures.push(`node ${node.index} (session ${node.session}): ${failures.total} background failure(s), last: ${failures.lastError ?? "?"}`);
    for (const p of engine.convicted()) node.convicted.add(p);
  }

  /** A new incarnation from the node's ledger, dialled back into the network. */
  async restart(node: HonestNode): Promise<void> {
    node.session++;
    const engine = await this.boot(node);
    if (engine === null) return; // killed while opening its ledger
    await this.connect(node, false);
    // Killed while dialling (the next crash of the schedule can land during a restart): that
    // incarnation is gone, and starting its engine would run a dead process's timers.
    if (node.engine !== engine) return;
    engine.start();
  }
}
