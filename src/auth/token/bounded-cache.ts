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

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert so Map order doubles as recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
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
}
