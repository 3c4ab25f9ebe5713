/**
 * An in-memory NodeFacade for the HTTP API tests: it verifies signatures as the real node
 * does, stores what it accepts, counts every call, and can be told to refuse or fail.
 */
import { DecodeError } from "../../../src/core/errors.js";
import { conflictKey, createTx, txId, verifyTx, type Tx } from "../../../src/core/tx.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import type {
  ConflictView,
  MetricSample,
  NodeEvent,
  NodeFacade,
  StatusView,
  SubmitResult,
  TxView,
} from "../../../src/runtime/api/facade.js";
import { utf8 } from "../../../src/core/bytes.js";

export const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(7));
export const otherKeys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(9));

/** A signed transaction by `keys`. */
export function signedTx(nonce = 1, payload = "hello"): Tx {
  return createTx(nodeSignatures, keys, nonce, utf8(payload));
}

export const STATUS: StatusView = {
  peerId: "12D3KooWFake",
  protocol: "snowball",
  addresses: ["/ip4/127.0.0.1/tcp/4001"],
  peers: ["12D3KooWPeerA", "12D3KooWPeerB"],
  heads: ["bafyreiebebcx4rvz74sz3rpg6beok2rg2dqebocgu5ierl4ewr2zdf65ve"],
  ledgerRoot: "00".repeat(32),
  finalizedCount: 3,
  pendingCount: 1,
  uptimeMs: 1234,
  counters: { messagesIn: 10, messagesOut: 12 },
};

export const METRICS: readonly MetricSample[] = [
  { name: "entropic_messages_total", help: "Messages by direction.", type: "counter", value: 10, labels: { direction: "in" } },
  { name: "entropic_pending", help: "Pending conflict sets.", type: "gauge", value: 1 },
  { name: "entropic_messages_total", help: "ignored", type: "counter", value: 12, labels: { direction: "out" } },
  { name: "entropic_peer_info", help: 'A "tricky" help \\ with\nnewline.', type: "gauge", value: 1, labels: { peer: 'a"b\\c\nd' } },
];

export class FakeNode implements NodeFacade {
  /** every call of submitTx, stored or not */
  submitCalls = 0;
  readonly stored = new Map<string, TxView>();
  readonly conflicts = new Map<string, { author: Uint8Array; nonce: number; cids: string[] }>();
  /** when set, submitTx answers this instead of storing */
  nextResult: SubmitResult | undefined;
  /** when set, every facade method throws it */
  failure: Error | undefined;
  private readonly listeners = new Set<(event: NodeEvent) => void>();
  clock = 1_000;

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: NodeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async submitTx(tx: Tx): Promise<SubmitResult> {
    this.submitCalls++;
    this.check();
    if (!verifyTx(nodeSignatures, tx)) throw new DecodeError("bad-signature", "tx", "signature does not verify for the author");
    if (this.nextResult !== undefined) return this.nextResult;
    const cid = txId(tx, nodeHasher).toString();
    const conflict = conflictKey(tx);
    const isNew = !this.stored.has(cid);
    if (isNew) {
      this.stored.set(cid, { cid, tx, status: "pending", conflict, seenAt: this.clock++ });
      const set = this.conflicts.get(conflict) ?? { author: tx.author, nonce: tx.nonce, cids: [] };
      set.cids.push(cid);
      this.conflicts.set(conflict, set);
    }
    return { ok: true, cid, conflict, status: "pending", isNew };
  }

  getTx(cid: string): TxView | undefined {
    this.check();
    return this.stored.get(cid);
  }

  getConflict(key: string): ConflictView | undefined {
    this.check();
    const set = this.conflicts.get(key);
    if (set === undefined) return undefined;
    return {
      key,
      author: set.author,
      nonce: set.nonce,
      candidates: set.cids.map((cid) => ({ cid, status: this.stored.get(cid)!.status })),
      preferred: set.cids[0] ?? null,
      final: null,
      observables: { confidence: 3, temperature: 0.5 },
      reverted: [],
    };
  }

  status(): StatusView {
    this.check();
    return STATUS;
  }

  metrics(): readonly MetricSample[] {
    this.check();
    return METRICS;
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.check();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Poll until `condition` holds (bounded); throws with `what` on timeout. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
