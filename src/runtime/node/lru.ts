/**
 * A bounded map that forgets its least recently used entry beyond a fixed capacity. The
 * node's caches of finalized history (recent sets, vertex bytes, known CIDs) are these,
 * so their memory is stated by their capacity, not by how long the node has run.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(
    /** entries kept (≥ 1) */
    readonly capacity: number,
    /** called with each entry pushed out by {@link set} (not by {@link delete}) */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** The value, refreshed as most recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** The value without refreshing it. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const [k, v] = this.map.entries().next().value as [K, V];
      this.map.delete(k);
      this.onEvict?.(k, v);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Forget everything (no eviction callbacks). */
  clear(): void {
    this.map.clear();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }
}
