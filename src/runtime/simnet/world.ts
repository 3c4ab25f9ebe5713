/**
 * The node driver's world before it boots: the honest nodes (each one's key, transport on
 * the simulated network, formatted disk, clock skew and drift), the Byzantine processes
 * placed beside them, and the gossip mesh that links them. Everything here is drawn from
 * the run's seeded streams, in node order, so the world is the same for a scenario and seed.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import { deriveKeySeed } from "../../core/crypto.js";
import type { Rng } from "../../core/prng.js";
import type { NodeDriverSpec } from "../../sim/consensus/setting.js";
import { type Csr, neighbors } from "../../topology/csr.js";
import type { NodeEngine } from "../node/engine.js";
import type { MemoryNetwork, MemoryTransport } from "../transport/memory.js";
import { peerIdFromEd25519PublicKey } from "../transport/keys.js";
import { ByzantineProcess, BYZANTINE_KINDS } from "./byzantine.js";
import { SimDisk } from "./ledger.js";
import type { NodeClock, SimTime } from "./time.js";

/** An honest node: what outlives its process (key, transport, disk, clock error) and its current incarnation. */
export interface HonestNode {
  readonly index: number;
  readonly peerId: string;
  readonly transport: MemoryTransport;
  readonly disk: SimDisk;
  readonly seed: Uint8Array;
  readonly skew: number;
  readonly drift: number;
  /** the current incarnation's engine, once it opened (null: down, or still opening its ledger) */
  engine: NodeEngine | null;
  /** an incarnation is running or booting (false: never booted, or killed) */
  alive: boolean;
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

export interface ByzantineMember {
  readonly transport: MemoryTransport;
  readonly process: ByzantineProcess;
  /** honest nodes it connects to */
  readonly neighbours: number[];
}

export interface WorldOptions {
  readonly spec: NodeDriverSpec;
  readonly graph: Csr;
  readonly seed: number;
  readonly crypto: CryptoSuite;
  readonly time: SimTime;
  /** the run's named streams (`simnet/<purpose>`) */
  readonly rng: (purpose: string) => Rng;
  readonly hub: MemoryNetwork;
  /** disks keep the bytes written instead of a copy */
  readonly shareBytes: boolean;
  /** exchange protocol (T-MESH): Byzantine answers are one-hot vectors */
  readonly exchange: boolean;
  /** filled here: peer id → honest node index (the links' view of who is who) */
  readonly indexOf: Map<string, number>;
  /** filled here: peer id → the peers it gossips with (the links read it) */
  readonly mesh: Map<string, string[]>;
}

/** Create the honest nodes and their disks, then the Byzantine processes, then the gossip mesh. */
export async function populate(o: WorldOptions): Promise<{ nodes: HonestNode[]; byzantine: ByzantineMember[] }> {
  const { spec, graph, seed, crypto, time, rng, hub, indexOf, mesh } = o;
  const n = graph.n;
  const faultRng = rng("faults");
  const nodes: HonestNode[] = [];
  for (let i = 0; i < n; i++) {
    const keySeed = deriveKeySeed(crypto.hasher, `simnet/${seed}/node`, i);
    const peerId = peerIdFromEd25519PublicKey(crypto.signatures.generateKeyPair(keySeed).publicKey);
    indexOf.set(peerId, i);
    const transport = hub.createTransport(peerId);
    const disk = new SimDisk(time, rng(`disk/${i}`), spec.writeMs, o.shareBytes);
    await disk.format();
    const skew = spec.skew === 0 ? 0 : Math.round((2 * faultRng.nextFloat() - 1) * spec.skew);
    const drift = spec.drift === 0 ? 0 : (2 * faultRng.nextFloat() - 1) * spec.drift;
    nodes.push({ index: i, peerId, transport, disk, seed: keySeed, skew, drift, engine: null, alive: false, clock: null, unsubscribe: null, session: 0, reported: new Map(), failures: [], convicted: new Set(), died: Promise.resolve(), die: () => {} });
  }
  const byzantine = spawnByzantine(spec, n, hub, crypto, time, rng, o.exchange, seed);
  // The gossip mesh is the scenario's topology (plus each Byzantine process's links);
  // connections are complete, so any node may poll any other.
  for (const node of nodes) mesh.set(node.peerId, neighbors(graph, node.index).map((j) => nodes[j]!.peerId));
  for (const b of byzantine) {
    mesh.set(b.transport.peerId, b.neighbours.map((j) => nodes[j]!.peerId));
    for (const j of b.neighbours) mesh.get(nodes[j]!.peerId)!.push(b.transport.peerId);
  }
  return { nodes, byzantine };
}

/** The scenario's Byzantine processes, kind by kind, each linked to up to 10 honest nodes drawn at random. */
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
