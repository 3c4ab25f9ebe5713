/**
 * The node driver's client load: simulated clients submit the scenario's conflict sets at
 * its rate, a share of them as double spends (two signed transactions for one conflict
 * key), each to a live node, and behave as real clients do when the node answers
 * `overloaded` or dies before answering. It records what was submitted and accepted: what
 * the checkers later hold the nodes to.
 */
import type { CryptoSuite, KeyPair } from "../../core/crypto.js";
import { deriveKeySeed } from "../../core/crypto.js";
import type { Rng } from "../../core/prng.js";
import { createTx, conflictKey, type Tx, txId } from "../../core/tx.js";
import type { NodeDriverSpec } from "../../sim/consensus/setting.js";
import type { SubmitResult } from "../api/facade.js";
import type { SimTime } from "./time.js";
import type { HonestNode } from "./world.js";

/** Clients signing the workload's transactions (conflict key = author + nonce). */
const CLIENTS = 16;
/** Times a simulated client tries a submission again after `overloaded` (once a simulated second). */
const MAX_OVERLOAD_RETRIES = 120;

export interface ClientLoadOptions {
  readonly spec: NodeDriverSpec;
  readonly seed: number;
  readonly crypto: CryptoSuite;
  readonly time: SimTime;
  readonly nodes: readonly HonestNode[];
  /** stream "workload": which sets are double spends */
  readonly rng: Rng;
}

export class ClientLoad {
  /** conflict key → the ids of the transactions submitted for it (two for a double spend) */
  readonly submitted = new Map<string, Set<string>>();
  /** conflict keys some node accepted a transaction for */
  readonly accepted = new Set<string>();
  txCount = 0;
  refused = 0;
  /** submissions a node answered `overloaded`, tried again a simulated second later */
  overloadRetries = 0;
  doubleSpends = 0;
  /** submissions waiting for their node's answer (or retrying) */
  submitting = 0;
  /** submissions whose node was killed before it answered (counted in `refused` too) */
  lostInCrash = 0;
  /** simulated ms between two submissions */
  readonly interval: number;

  private readonly clients: KeyPair[];

  constructor(private readonly o: ClientLoadOptions) {
    const { crypto, seed, spec } = o;
    this.clients = Array.from({ length: CLIENTS }, (_, c) => crypto.signatures.generateKeyPair(deriveKeySeed(crypto.hasher, `simnet/${seed}/client`, c)));
    this.interval = 1000 / spec.rate;
  }

  /** Schedule every submission on the world clock, `spec.start` ms from now; `background` runs each and records its failure. */
  schedule(background: (what: string, work: Promise<void>) => unknown): void {
    const { spec, time } = this.o;
    for (let s = 0; s < spec.txs; s++) time.clock.after(spec.start + Math.floor(s * this.interval), () => void background(`submission ${s}`, this.submit(s)));
  }

  /** The first node up from node `from` on (wrapping), or undefined when every node is down. */
  private liveNode(from: number): HonestNode | undefined {
    const { nodes } = this.o;
    const n = nodes.length;
    for (let k = 0; k < n; k++) {
      const node = nodes[(from + k) % n]!;
      if (node.engine !== null) return node;
    }
    return undefined;
  }

  // A client whose node is killed before it answers sees its connection drop: the
  // submission counts as refused (if it landed on the disk anyway, the set is owed all the
  // same: owedKeys). Without this the client waited forever (swarm seed 2058).
  private submitTo(node: HonestNode, tx: Tx): Promise<SubmitResult | { ok: false; reason: "connection-lost" }> {
    return Promise.race([node.engine!.submitTx(tx), node.died.then(() => ({ ok: false as const, reason: "connection-lost" as const }))]);
  }

  private async submit(s: number): Promise<void> {
    this.submitting++;
    try {
      await this.submitSet(s);
    } finally {
      this.submitting--;
    }
  }

  private async submitSet(s: number): Promise<void> {
    const { spec, crypto, time } = this.o;
    const keys = this.clients[s % CLIENTS]!;
    const nonce = Math.floor(s / CLIENTS);
    const twin = this.o.rng.nextFloat() < spec.doubleSpends;
    if (twin) this.doubleSpends++;
    const copies = twin ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const tx = createTx(crypto.signatures, keys, nonce, new TextEncoder().encode(`set ${s} copy ${c}`));
      const key = conflictKey(tx);
      const cid = txId(tx, crypto.hasher).toString();
      let cids = this.submitted.get(key);
      if (cids === undefined) this.submitted.set(key, (cids = new Set()));
      cids.add(cid);
      this.txCount++;
      const node = this.liveNode(s + c);
      if (node === undefined) {
        this.refused++;
        continue;
      }
      let result = await this.submitTo(node, tx);
      // A client honours `overloaded` (HTTP 503, Retry-After: 1) as a real one would: it
      // tries again a simulated second later (admission control, load-gauge.ts).
      for (let tries = 0; !result.ok && result.reason === "overloaded" && tries < MAX_OVERLOAD_RETRIES; tries++) {
        this.overloadRetries++;
        await new Promise<void>((resolve) => time.clock.after(1000, resolve));
        const again = this.liveNode(s + c);
        if (again === undefined) break;
        result = await this.submitTo(again, tx);
      }
      if (result.ok) this.accepted.add(key);
      else {
        this.refused++;
        if (result.reason === "connection-lost") this.lostInCrash++;
      }
    }
  }
}
