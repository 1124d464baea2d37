import type { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { AuditTrail } from "./audit";
import type { RedisLink } from "./redis-link";

let library: typeof import("rate-limiter-flexible") | undefined;
/** rate-limiter-flexible, loaded at first use (~20 ms of start-up a server without limits never pays). */
export const limiterLibrary = (): typeof import("rate-limiter-flexible") => (library ??= require("rate-limiter-flexible"));

export interface LimiterSettings {
  points: number;
  /** Seconds. */
  duration: number;
  keyPrefix: string;
}

/**
 * One rate-limiter-flexible limiter, in Redis when a link is given, with an in-memory stand-in that takes over
 * while Redis is unreachable (counts stay per instance then, but nothing fails open or stops). The memory store
 * is built at first use, not at start-up.
 */
export class FailoverLimiter {
  private memoryStore?: RateLimiterMemory;
  private readonly redis?: RateLimiterRedis;

  constructor(
    private readonly settings: LimiterSettings,
    link: RedisLink | undefined,
    /** Told of every Redis failure that made an operation fall back to memory. */
    private readonly onDegraded: (err: unknown) => void,
  ) {
    if (link) this.redis = new (limiterLibrary().RateLimiterRedis)({ storeClient: link.client, ...settings });
  }

  /** False while nothing was ever counted in memory and there is no Redis: nobody can be over a limit yet. */
  get started(): boolean {
    return !!this.redis || !!this.memoryStore;
  }

  async run<T>(op: (l: RateLimiterAbstract) => Promise<T>): Promise<T> {
    if (!this.redis) return op(this.memory);
    try {
      return await op(this.redis);
    } catch (err) {
      // Going over the limit rejects with a RateLimiterRes: that is an answer, not an outage.
      if (err instanceof limiterLibrary().RateLimiterRes) throw err;
      this.onDegraded(err);
      return op(this.memory);
    }
  }

  private get memory(): RateLimiterMemory {
    return (this.memoryStore ??= new (limiterLibrary().RateLimiterMemory)(this.settings));
  }
}

/** Redis outages are reported at most this often, not once per request. */
const DEGRADED_LOG_INTERVAL_MS = 30_000;

/** The `onDegraded` of a limiter: a `ratelimit.degraded` audit event, at most one per 30 s. */
export function degradationReporter(audit: AuditTrail, limiter: "auth" | "quota"): (err: unknown) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last <= DEGRADED_LOG_INTERVAL_MS) return;
    last = now;
    audit.emit({ type: "ratelimit.degraded", limiter, error: (err as Error)?.message ?? String(err) });
  };
}
