import { BoundedCache, type CacheStats } from "./bounded-cache";

/** What a loader hands back: the value and until when (epoch ms) it may be reused; no deadline, no reuse. */
export interface Loaded<V> {
  value: V;
  reuseUntil?: number;
}

/**
 * A {@link BoundedCache} that also joins concurrent misses: while one load for a key is in flight, every
 * other caller of that key awaits the same promise, so a hundred calls needing one token make one request
 * (no stampede at expiry either). Failures are shared by the callers that waited, and never kept.
 *
 * @example
 * ```ts
 * const tokens = new SingleFlightCache<string>(10_000, Date.now)
 * const token = await tokens.get(key, async () => ({ value: await fetchToken(), reuseUntil: Date.now() + 60_000 }))
 * ```
 */
export class SingleFlightCache<V> {
  private readonly cache: BoundedCache<V>;
  private readonly flights = new Map<string, Promise<V>>();

  constructor(maxEntries: number, now: () => number) {
    this.cache = new BoundedCache<V>(maxEntries, now);
  }

  get(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const flying = this.flights.get(key);
    if (flying) return flying;
    const flight = load().then(
      ({ value, reuseUntil }) => {
        this.flights.delete(key);
        if (reuseUntil !== undefined) this.cache.set(key, value, reuseUntil);
        return value;
      },
      (err: unknown) => {
        this.flights.delete(key);
        throw err;
      },
    );
    this.flights.set(key, flight);
    return flight;
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}
