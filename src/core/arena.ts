/**
 * Typed arrays that are kept a while (a standing answer's columns, a remembered answer's
 * resolutions), carved from one owner's chunks instead of allocated one by one.
 *
 * Why: each typed array of more than 64 bytes lives outside V8's heap, with an extension
 * the collector tracks and sweeps. A short-lived one costs ~1.2–3.6 µs (bench/typed-alloc.ts;
 * transient.ts carves those), and one kept alive in a large heap costs more: in a 100-node,
 * 1,000-set simulation `new ArrayBuffer` for standing answers was 3.7% of the CPU, ~20 µs per
 * answer (docs/node-simulator.md, fifth session). A view into a chunk is an on-heap object.
 *
 * Unlike transient.ts's chunks, an arena belongs to one owner (one node's standing answers,
 * one node's poller), so what its chunks pin is that owner's memory, bounded by the owner's
 * own bound: a chunk is freed by the collector when the last array carved from it is, so at
 * worst each array still alive pins a whole chunk. An owner that keeps at most N arrays
 * holds at most N chunks of {@link ARENA_CHUNK_BYTES} (plus what it holds alone). Arrays
 * carved together (a round's registrations) are mostly dropped together, so in practice the
 * chunks hold little more than what is alive. Every carved array is zero and private: a
 * chunk is carved once, front to back, never reused.
 */

/** Default size of an arena's chunk; larger arrays (over a quarter of a chunk) are allocated alone. */
export const ARENA_CHUNK_BYTES = 16 * 1024;

export class Arena {
  private chunk: ArrayBuffer | undefined;
  private used = 0;
  /** chunks started so far (its tests read it) */
  chunks = 0;

  /** @param chunkBytes the size of a chunk ({@link ARENA_CHUNK_BYTES} by default; a multiple of 8) */
  constructor(readonly chunkBytes = ARENA_CHUNK_BYTES) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 64 || chunkBytes % 8 !== 0) throw new RangeError(`an arena's chunk must be a multiple of 8 bytes, at least 64, got ${chunkBytes}`);
  }

  /**
   * `bytes` fresh zero bytes as a buffer and an 8-aligned offset into it (views of any
   * element type may start there): carved from the current chunk, or a buffer of its own.
   */
  region(bytes: number): { readonly buffer: ArrayBuffer; readonly offset: number } {
    const size = (bytes + 7) & ~7;
    if (size > this.chunkBytes / 4) return { buffer: new ArrayBuffer(bytes), offset: 0 };
    if (this.chunk === undefined || this.used + size > this.chunkBytes) {
      this.chunk = new ArrayBuffer(this.chunkBytes);
      this.used = 0;
      this.chunks++;
    }
    const offset = this.used;
    this.used += size;
    return { buffer: this.chunk, offset };
  }

  /** `n` zero 32-bit integers. */
  int32(n: number): Int32Array {
    if (4 * n <= 64) return new Int32Array(n); // on V8's heap already
    const { buffer, offset } = this.region(4 * n);
    return new Int32Array(buffer, offset, n);
  }

  /** `n` zero bytes. */
  bytes(n: number): Uint8Array {
    if (n <= 64) return new Uint8Array(n);
    const { buffer, offset } = this.region(n);
    return new Uint8Array(buffer, offset, n);
  }
}
