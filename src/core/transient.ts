/**
 * Typed arrays for values that die with the message being handled (an answer being
 * built, a round's scratch), carved from shared chunks instead of allocated one by one.
 *
 * Why: V8 keeps a typed array of more than 64 bytes outside its heap, and allocating one
 * (a calloc, plus an extension the garbage collector tracks and sweeps) costs ~1.2–3.6 µs on
 * this machine, against ~0.05 µs for a view into a larger buffer (bench/typed-alloc.ts).
 * A 100-node simulation allocated millions of them (docs/node-simulator.md).
 *
 * This is Node's Buffer pool, for typed arrays: a chunk is never reused, only carved once,
 * front to back, so every array it gives is zero-filled and shares memory with no other;
 * a chunk is freed by the collector when the last array carved from it is. The cost of a
 * mistake is memory, never a wrong value: an array kept long keeps its whole chunk
 * ({@link CHUNK_BYTES}) alive, so what is kept (a standing answer, a remembered answer)
 * is allocated on its own.
 */

/** Size of a chunk; arrays over an eighth of it are allocated on their own. */
export const CHUNK_BYTES = 64 * 1024;

let chunk = new ArrayBuffer(CHUNK_BYTES);
let used = 0;

/** Offset of `bytes` fresh bytes in `chunk` (8-aligned, for any element type), starting a new chunk when it is full. */
function carve(bytes: number): number {
  const size = (bytes + 7) & ~7;
  if (used + size > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    used = 0;
  }
  const at = used;
  used += size;
  return at;
}

/** Whether `bytes` are better allocated on their own: small ones live on V8's heap already, large ones would waste a chunk. */
function alone(bytes: number): boolean {
  return bytes <= 64 || bytes > CHUNK_BYTES / 8;
}

/** `n` zero bytes, short-lived. */
export function transientBytes(n: number): Uint8Array {
  if (alone(n)) return new Uint8Array(n);
  const at = carve(n);
  return new Uint8Array(chunk, at, n);
}

/** `n` zero 32-bit integers, short-lived. */
export function transientInt32(n: number): Int32Array {
  if (alone(4 * n)) return new Int32Array(n);
  const at = carve(4 * n);
  return new Int32Array(chunk, at, n);
}
