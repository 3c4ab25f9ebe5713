/**
 * A node's disk in the simulator: a {@link MemoryLedger} that outlives the node's
 * processes, written through one {@link Ledger} handle per process incarnation.
 *
 * Writes take simulated time and land in order, as LevelDB's single writer does: a
 * `commit` resolves `writeMs` after the previous write finished. When the process dies
 * ({@link SimDisk.crash}) the writes still in flight land as a prefix — the first k of
 * them, k drawn uniformly from 0…all — and the rest are lost whole: LevelDB's write-ahead
 * log checksums each batch, so a torn last batch is discarded on recovery, never half
 * applied. A commit that had resolved is durable (a process crash keeps the OS's page
 * cache; power loss is not simulated). The dead incarnation's handle never answers again:
 * its pending and later calls stay pending, as a killed process's would.
 */
import type { Rng } from "../../core/prng.js";
import { MemoryLedger } from "../ledger/memory.js";
import type { Ledger, LedgerBatch } from "../ports.js";
import type { SimTime } from "./time.js";

interface InFlight {
  readonly batch: LedgerBatch;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  readonly cancel: () => void;
}

export interface DiskStats {
  commits: number;
  /** batches that landed at a crash although their commit never resolved */
  landedAtCrash: number;
  /** batches lost at a crash */
  lostAtCrash: number;
}

const never = <T>(): Promise<T> => new Promise<T>(() => {});

export class SimDisk {
  /** what is on disk */
  readonly store: MemoryLedger;
  readonly stats: DiskStats = { commits: 0, landedAtCrash: 0, lostAtCrash: 0 };
  /** conflict keys finalized on disk (a synchronous mirror for the simulator's done-check) */
  readonly finalKeys = new Set<string>();
  private queue: InFlight[] = [];
  private writerFreeAt = 0;
  private incarnation = 0;

  constructor(
    private readonly time: SimTime,
    private readonly rng: Rng,
    /** simulated duration of one write, ms */
    private readonly writeMs = 1,
    /** keep the bytes written instead of a copy (ledger/memory.ts `shareBytes`) */
    shareBytes = false,
  ) {
    this.store = new MemoryLedger({ shareBytes });
  }

  async format(): Promise<void> {
    await this.store.open();
  }

  /** The ledger a new process opens; only the newest incarnation's handle works. */
  open(): Ledger {
    const me = ++this.incarnation;
    const alive = () => me === this.incarnation;
    const store = this.store;
    const gate = <T>(read: () => Promise<T>): Promise<T> => (alive() ? read() : never<T>());
    return {
      open: () => gate(async () => {}),
      close: () => gate(async () => {}),
      commit: (batch) => (alive() ? this.commit(batch) : never()),
      getTx: (cid) => gate(() => store.getTx(cid)),
      getVertex: (cid) => gate(() => store.getVertex(cid)),
      getFinal: (key) => gate(() => store.getFinal(key)),
      getMeta: (name) => gate(() => store.getMeta(name)),
      getSet: (id) => gate(() => store.getSet(id)),
      txs: () => gated(alive, () => store.txs()),
      vertices: () => gated(alive, () => store.vertices()),
      finalized: () => gated(alive, () => store.finalized()),
    };
  }

  /**
   * The process died: the in-flight writes land as a random prefix, the rest vanish, and
   * the dead incarnation's handle goes silent.
   */
  async crash(): Promise<void> {
    this.incarnation++;
    const queue = this.queue;
    this.queue = [];
    for (const w of queue) w.cancel();
    const landed = this.rng.nextInt(queue.length + 1);
    for (let i = 0; i < queue.length; i++) {
      if (i < landed) {
        try {
          await this.store.commit(queue[i]!.batch);
          this.landed(queue[i]!.batch);
          this.stats.landedAtCrash++;
        } catch {
          // a conflicting batch the live write would have refused: nothing of it lands
          this.stats.lostAtCrash++;
        }
      } else {
        this.stats.lostAtCrash++;
      }
    }
    this.writerFreeAt = this.time.now();
  }

  private landed(batch: LedgerBatch): void {
    for (const [key] of batch.finalized ?? []) this.finalKeys.add(key);
  }

  private commit(batch: LedgerBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const at = Math.max(this.writerFreeAt, this.time.now()) + this.writeMs;
      this.writerFreeAt = at;
      const handle = this.time.clock.after(at - this.time.now(), () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        this.stats.commits++;
        this.store.commit(batch).then(() => {
          this.landed(batch);
          resolve();
        }, reject);
      });
      const entry: InFlight = { batch, resolve, reject, cancel: () => handle.cancel() };
      this.queue.push(entry);
    });
  }
}

async function* gated<T>(alive: () => boolean, source: () => AsyncIterable<T>): AsyncGenerator<T> {
  if (!alive()) await never<void>();
  for await (const item of source()) {
    if (!alive()) await never<void>();
    yield item;
  }
}
