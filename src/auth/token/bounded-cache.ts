/** How a {@link BoundedCache} is doing: for metrics, and for tests that prove a hit skipped the work. */
export interface CacheStats {
  /** Entries held now (expired ones count until they are looked up or evicted). */
  entries: number;
  /** The size bound; 0 when caching is off. */
  maxEntries: number;
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that found nothing usable (absent, expired or no longer valid). */
  misses: number;
}

/**
 * A small map with a per-entry deadline and a hard size bound, evicting the least recently used entry when
 * full. Used for verification results, where an unbounded cache keyed by attacker-chosen tokens would be a
 * memory exhaustion vector (OWASP API4).
 *
 * @example
 * ```ts
 * const cache = new BoundedCache<string>(10_000, () => Date.now())
 * cache.set(key, "value", Date.now() + 60_000)
 * cache.get(key) // → "value" until the deadline, then undefined
 * ```
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The value stored under `key` while its deadline has not passed. `stillValid` lets the caller retire an
   * entry for a reason the cache cannot see (a key set that changed since); a refused entry is dropped.
   */
  get(key: string, stillValid?: (value: V) => boolean): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || this.now() >= entry.expiresAt || (stillValid && !stillValid(entry.value))) {
      if (entry) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert so Map order doubles as recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  /** Stores `value` until `expiresAt` (same clock as `now`). A deadline already past stores nothing. */
  set(key: string, value: V, expiresAt: number): void {
    if (!(expiresAt > this.now()) || this.maxEntries <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    return { entries: this.entries.size, maxEntries: Math.max(0, this.maxEntries), hits: this.hits, misses: this.misses };
  }
}
