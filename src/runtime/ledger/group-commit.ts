/**
 * Group commit: batches handed in while a write is in flight are merged into the next
 * single LevelDB batch, so a node that accepts a thousand transactions a second does a
 * few dozen writes, not a thousand, and each caller still resumes only once its own data
 * is durable (persist before send holds per caller).
 *
 * A merged write that fails with {@link LedgerConflictError} (some batch tried to change
 * a final decision) is retried batch by batch, so only the offending batch fails.
 */
import { type Ledger, type LedgerBatch, LedgerConflictError } from "../ports.js";

interface Waiting {
  readonly batch: LedgerBatch;
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommitter {
  private queue: Waiting[] = [];
  private writing = false;
  /** number of ledger writes issued, for metrics */
  writes = 0;

  constructor(private readonly ledger: Ledger) {}

  commit(batch: LedgerBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      // drain() settles every queued write itself; a failure outside a write (a bug) must
      // still reach the writers waiting on it, not reject unhandled
      if (!this.writing) void this.drain().catch((err: unknown) => this.rejectQueued(err));
    });
  }

  private rejectQueued(err: unknown): void {
    for (const w of this.queue.splice(0)) w.reject(err);
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        this.writes++;
        try {
          await this.ledger.commit(merge(group.map((w) => w.batch)));
          for (const w of group) w.resolve();
        } catch (err) {
          if (!(err instanceof LedgerConflictError) || group.length === 1) {
            for (const w of group) w.reject(err);
            continue;
          }
          for (const w of group) {
            this.writes++;
            await this.ledger.commit(w.batch).then(w.resolve, w.reject);
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

function merge(batches: readonly LedgerBatch[]): LedgerBatch {
  if (batches.length === 1) return batches[0]!;
  const txs = batches.flatMap((b) => b.txs ?? []);
  const vertices = batches.flatMap((b) => b.vertices ?? []);
  const finalized = batches.flatMap((b) => b.finalized ?? []);
  const meta = batches.flatMap((b) => b.meta ?? []);
  const sets = batches.flatMap((b) => b.sets ?? []);
  const reverted = batches.flatMap((b) => b.reverted ?? []);
  return { txs, vertices, finalized, meta, sets, ...(reverted.length > 0 ? { reverted } : {}) };
}
