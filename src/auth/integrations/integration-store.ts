/**
 * Where integration tokens and pending connect states live, as opaque strings (already encrypted by the
 * framework: a store never sees a token in clear). Memory for one process, Redis for several instances.
 * Implement it for another database; `take` must read and delete atomically, so a connect `state` works once.
 *
 * @example
 * ```ts
 * createServer({ ..., integrations: { providers, store: new RedisIntegrationStore({ redis: process.env.REDIS_URL! }) } })
 * ```
 */
export interface IntegrationStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlMs`: forget the value after that long (pending states); absent: keep until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Reads and deletes in one step. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

/**
 * The default store: a map in this process, for development and single-instance servers. Entries with a TTL
 * are dropped when read after it, and swept once the map holds `maxEntries`, so connect links nobody opens
 * cannot grow it without bound.
 *
 * @example
 * ```ts
 * const store = new MemoryIntegrationStore()
 * ```
 */
export class MemoryIntegrationStore implements IntegrationStore {
  private readonly entries = new Map<string, { value: string; until: number }>();

  constructor(private readonly maxEntries = 100_000) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.until <= Date.now()) this.entries.delete(key);
    return entry && entry.until > Date.now() ? entry.value : undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (this.entries.size >= this.maxEntries) this.sweep();
    this.entries.set(key, { value, until: ttlMs === undefined ? Infinity : Date.now() + ttlMs });
  }

  /** Drops what has expired, then — still full — the oldest entries that expire at all (pending links before tokens). */
  private sweep(): void {
    const now = Date.now();
    for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
    for (const [k, e] of this.entries) {
      if (this.entries.size < this.maxEntries) break;
      if (e.until !== Infinity) this.entries.delete(k);
    }
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.get(key);
    this.entries.delete(key);
    return value;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
