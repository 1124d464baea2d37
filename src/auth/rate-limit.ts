import type { Redis } from "ioredis";
import type { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { ConfigurationError, RateLimitedError } from "../errors";
import type { AuditTrail } from "./audit";

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

const DEGRADED_LOG_INTERVAL_MS = 30_000;

let library: typeof import("rate-limiter-flexible") | undefined;
const limiterLibrary = (): typeof import("rate-limiter-flexible") => (library ??= require("rate-limiter-flexible"));

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
  private memoryStore?: RateLimiterMemory;
  private readonly memoryOptions: { points: number; duration: number; keyPrefix: string };
  private readonly redis?: RateLimiterRedis;
  private readonly ownedClient?: Redis;
  private readonly client?: Redis;
  private readonly points: number;
  private lastDegradedLog = 0;

  constructor(
    options: RateLimitOptions,
    private readonly audit: AuditTrail,
  ) {
    this.points = options.points ?? 10;
    const duration = options.duration ?? 60;
    if (!(this.points >= 1) || !(duration >= 1)) throw new ConfigurationError("rateLimit: points and duration must be ≥ 1");
    const keyPrefix = options.keyPrefix ?? "mcpcraft:authfail";
    this.memoryOptions = { points: this.points, duration, keyPrefix };
    if (options.redis) {
      const lib = limiterLibrary();
      // ioredis is loaded only when a Redis URL is configured: it costs ~46 ms of start-up for everyone else.
      const client =
        typeof options.redis === "string"
          ? new (require("ioredis") as typeof import("ioredis")).Redis(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
          : options.redis;
      this.client = client;
      if (typeof options.redis === "string") {
        this.ownedClient = client;
        // ioredis emits "error" while reconnecting; the limiter reports degradation itself.
        client.on("error", () => {});
      }
      this.redis = new lib.RateLimiterRedis({ storeClient: client, points: this.points, duration, keyPrefix });
    }
  }

  async blockedFor(client: string): Promise<number> {
    // In memory, nobody is blocked before the first failure: the happy path never loads the library (~20 ms of
    // start-up) nor asks it anything.
    if (!this.redis && !this.memoryStore) return 0;
    const res = await this.run((l) => l.get(client));
    if (!res || res.consumedPoints < this.points) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  async recordFailure(client: string): Promise<void> {
    await this.run((l) => l.consume(client)).catch((err) => {
      // Going over the limit rejects with a RateLimiterRes: the count is recorded, nothing failed.
      if (!(err instanceof limiterLibrary().RateLimiterRes)) throw err;
    });
  }

  /** Throws `RateLimitedError` (429) when this client is blocked. */
  async check(client: string): Promise<void> {
    const wait = await this.blockedFor(client);
    if (wait > 0) {
      this.audit.emit({ type: "ratelimit.blocked", ip: client, retryAfterSeconds: wait });
      throw new RateLimitedError(wait);
    }
  }

  /**
   * Resolves once Redis is connected, or after `timeoutMs` (then the limiter runs degraded, in memory, until it
   * connects). Without this wait, failures counted in the first moments after start-up stayed per instance.
   */
  async ready(timeoutMs = 2000): Promise<void> {
    const client = this.client;
    if (!client || client.status === "ready") return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      client.once("ready", done);
    });
  }

  async close(): Promise<void> {
    if (this.ownedClient) this.ownedClient.disconnect();
  }

  /** Built at the first failure (or the first Redis outage), not at start-up. */
  private get memory(): RateLimiterMemory {
    return (this.memoryStore ??= new (limiterLibrary().RateLimiterMemory)(this.memoryOptions));
  }

  private async run<T>(op: (l: RateLimiterAbstract) => Promise<T>): Promise<T> {
    if (!this.redis) return op(this.memory);
    try {
      return await op(this.redis);
    } catch (err) {
      if (err instanceof limiterLibrary().RateLimiterRes) throw err;
      const now = Date.now();
      if (now - this.lastDegradedLog > DEGRADED_LOG_INTERVAL_MS) {
        this.lastDegradedLog = now;
        this.audit.emit({ type: "ratelimit.degraded", error: (err as Error)?.message ?? String(err) });
      }
      return op(this.memory);
    }
  }
}
