/**
 * The event driver's queue: events ordered by (tick, sequence number), so events due at the
 * same tick come out in the order they were scheduled — the whole run is deterministic.
 *
 * Events are not objects: they are slots in a structure-of-arrays pool (kind and six int32
 * fields, `width` float64 payload words, and one optional object reference), recycled
 * through a free list, so the hot path allocates nothing once the pool has grown.
 *
 * Order is kept by a binary min-heap over the distinct pending ticks, each tick holding a
 * FIFO list of its events. This pops in exactly the (tick, sequence) order of a binary heap
 * keyed by (tick, seq) over all events — the FIFO *is* the sequence order within a tick —
 * but the heap holds a few dozen ticks instead of millions of in-flight messages, so a push
 * or pop costs O(log ticks) and touches one cache line. A test checks the two orders agree.
 */

const NONE = -1;

export class EventQueue {
  /** event kind per slot (driver-defined, 0 = free) */
  kind: Uint8Array;
  /** six int32 fields per slot, meaning defined by the kind */
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  d: Int32Array;
  e: Int32Array;
  f: Int32Array;
  /** `width` float64 words per slot */
  payload: Float64Array;
  /** one object per slot (e.g. a signed statement), undefined when unused */
  readonly refs: unknown[] = [];
  /** events pending */
  size = 0;
  /** events ever scheduled (the sequence counter) */
  scheduled = 0;
  /** tick of the event popped last */
  now = 0;

  private next: Int32Array;
  private capacity: number;
  private freeHead = NONE;
  private used = 0;
  // Distinct pending ticks: a binary min-heap, and per tick a FIFO of slots.
  private heap: Float64Array;
  private heapSize = 0;
  private readonly bucketOf = new Map<number, number>();
  private bucketHead: Int32Array;
  private bucketTail: Int32Array;
  private bucketFree: number[] = [];
  // the bucket of the smallest pending tick, cached between pops
  private headTick = Number.NaN;
  private headBucket = NONE;
  private bucketsUsed = 0;

  constructor(
    readonly width: number,
    initialCapacity = 1024,
  ) {
    const cap = Math.max(16, initialCapacity);
    this.capacity = cap;
    this.kind = new Uint8Array(cap);
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.c = new Int32Array(cap);
    this.d = new Int32Array(cap);
    this.e = new Int32Array(cap);
    this.f = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.payload = new Float64Array(cap * Math.max(1, width));
    this.heap = new Float64Array(64);
    this.bucketHead = new Int32Array(64);
    this.bucketTail = new Int32Array(64);
  }

  /** A fresh slot of the given kind (fields are stale: set every one you read). */
  alloc(kind: number): number {
    let ev: number;
    if (this.freeHead !== NONE) {
      ev = this.freeHead;
      this.freeHead = this.next[ev]!;
    } else {
      if (this.used === this.capacity) this.grow();
      ev = this.used++;
    }
    this.kind[ev] = kind;
    return ev;
  }

  /** Return a slot to the pool (after it was popped and handled, or instead of scheduling it). */
  release(ev: number): void {
    this.kind[ev] = 0;
    if (this.refs[ev] !== undefined) this.refs[ev] = undefined;
    this.next[ev] = this.freeHead;
    this.freeHead = ev;
  }

  /** Schedule slot `ev` at `tick` (an integer, not before the last popped tick). */
  push(ev: number, tick: number): void {
    if (tick < this.now) throw new RangeError(`event scheduled in the past: tick ${tick} < now ${this.now}`);
    this.scheduled++;
    this.size++;
    this.next[ev] = NONE;
    let bucket = this.bucketOf.get(tick);
    if (bucket === undefined) {
      bucket = this.newBucket(tick);
      this.bucketHead[bucket] = ev;
      this.bucketTail[bucket] = ev;
      return;
    }
    this.next[this.bucketTail[bucket]!] = ev;
    this.bucketTail[bucket] = ev;
  }

  /** Tick of the next event, or Infinity when empty. */
  peekTick(): number {
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heap[0]!;
  }

  /** Remove and return the next event's slot (−1 when empty); `now` becomes its tick. */
  pop(): number {
    if (this.heapSize === 0) return NONE;
    const tick = this.heap[0]!;
    if (tick !== this.headTick) {
      this.headTick = tick;
      this.headBucket = this.bucketOf.get(tick)!;
    }
    const bucket = this.headBucket;
    const ev = this.bucketHead[bucket]!;
    const after = this.next[ev]!;
    this.now = tick;
    this.size--;
    if (after === NONE) {
      this.bucketOf.delete(tick);
      this.bucketFree.push(bucket);
      this.headTick = Number.NaN;
      this.heapPop();
    } else {
      this.bucketHead[bucket] = after;
    }
    return ev;
  }

  private newBucket(tick: number): number {
    let bucket = this.bucketFree.pop();
    if (bucket === undefined) {
      if (this.bucketsUsed === this.bucketHead.length) {
        const n = this.bucketHead.length * 2;
        this.bucketHead = grow32(this.bucketHead, n);
        this.bucketTail = grow32(this.bucketTail, n);
      }
      bucket = this.bucketsUsed++;
    }
    this.bucketOf.set(tick, bucket);
    this.heapPush(tick);
    return bucket;
  }

  private heapPush(tick: number): void {
    if (this.heapSize === this.heap.length) {
      const h = new Float64Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p <= tick) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = tick;
  }

  private heapPop(): void {
    const heap = this.heap;
    const last = heap[--this.heapSize]!;
    const n = this.heapSize;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.kind = grow8(this.kind, cap);
    this.a = grow32(this.a, cap);
    this.b = grow32(this.b, cap);
    this.c = grow32(this.c, cap);
    this.d = grow32(this.d, cap);
    this.e = grow32(this.e, cap);
    this.f = grow32(this.f, cap);
    this.next = grow32(this.next, cap);
    const p = new Float64Array(cap * Math.max(1, this.width));
    p.set(this.payload);
    this.payload = p;
    this.capacity = cap;
  }

  /** Slots allocated so far (the pool's high-water mark). */
  get poolSize(): number {
    return this.used;
  }
}

function grow32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function grow8(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
