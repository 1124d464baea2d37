import type { Redis } from "ioredis";
import { ConfigurationError, RateLimitedError } from "../errors";
import type { AuditFacts, AuditTrail } from "./audit";
import { FailoverLimiter, degradationReporter, limiterLibrary } from "./failover-limiter";
import { RedisLink } from "./redis-link";

/** Limits on failed authentications per client (`createServer({ rateLimit })`): in memory by default, or in Redis. */
export interface RateLimitOptions {
  /** Failed authentications one client may make within `duration` seconds; the next request gets 429 until the window ends. Default 10. */
  points?: number;
  /** Window in seconds. Default 60. */
  duration?: number;
  /**
   * Share counters across instances: an ioredis client (create it with `enableOfflineQueue: false`) or a
   * `redis://` URL. When Redis is unreachable the limiter degrades to memory and logs `ratelimit.degraded`.
   */
  redis?: Redis | string;
  /** Key prefix in Redis. Default `mcpcraft:authfail`. */
  keyPrefix?: string;
}

/** Where failed-authentication counts live; the built-in stores are memory and Redis. */
export interface RateLimitStore {
  /** Seconds until this client may try again; 0 when it may. */
  blockedFor(client: string): Promise<number>;
  recordFailure(client: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Limits *failed* authentications per client: successes never count, so valid concurrent traffic is never
 * throttled (express-rate-limit's optimistic counting got 15 × 429 for 20 valid requests here).
 *
 * @example
 * ```ts
 * // Usually configured through createServer; 10 failures a minute per client, shared in Redis:
 * createServer(AdminServer, { container, rateLimit: { points: 10, duration: 60, redis: process.env.REDIS_URL } })
 * ```
 */
export class AuthFailureLimiter implements RateLimitStore {
  private readonly limiter: FailoverLimiter;
  private readonly link?: RedisLink;
  private readonly points: number;

  constructor(
    options: RateLimitOptions,
    private readonly audit: AuditTrail,
  ) {
    this.points = options.points ?? 10;
    const duration = options.duration ?? 60;
    if (!(this.points >= 1) || !(duration >= 1)) throw new ConfigurationError("rateLimit: points and duration must be ≥ 1");
    if (options.redis) this.link = RedisLink.open(options.redis);
    const settings = { points: this.points, duration, keyPrefix: options.keyPrefix ?? "mcpcraft:authfail" };
    this.limiter = new FailoverLimiter(settings, this.link, degradationReporter(audit, "auth"));
  }

  async blockedFor(client: string): Promise<number> {
    // In memory, nobody is blocked before the first failure: the happy path never loads the library nor asks it.
    if (!this.limiter.started) return 0;
    const res = await this.limiter.run((l) => l.get(client));
    if (!res || res.consumedPoints < this.points) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  async recordFailure(client: string): Promise<void> {
    await this.limiter.run((l) => l.consume(client)).catch((err) => {
      // Going over the limit rejects with a RateLimiterRes: the count is recorded, nothing failed.
      if (!(err instanceof limiterLibrary().RateLimiterRes)) throw err;
    });
  }

  /** Throws `RateLimitedError` (429) when this client is blocked; `facts` go into the audit event. */
  /** `facts` may be a function: the event is built only for a client that is actually blocked. */
  async check(client: string, facts: AuditFacts | (() => AuditFacts) = {}): Promise<void> {
    const wait = await this.blockedFor(client);
    if (wait > 0) {
      this.audit.emit({ type: "ratelimit.blocked", ...(typeof facts === "function" ? facts() : facts), ip: client, retryAfterSeconds: wait });
      throw new RateLimitedError(wait);
    }
  }

  /** Resolves once Redis is connected, or after `timeoutMs` (see {@link RedisLink.ready}). */
  async ready(timeoutMs = 2000): Promise<void> {
    await this.link?.ready(timeoutMs);
  }

  async close(): Promise<void> {
    this.link?.close();
  }
}
