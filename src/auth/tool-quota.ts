import type { Redis } from "ioredis";
import { QuotaExceededError } from "../errors";
import type { QuotaSpec } from "../metadata";
import type { AuditFacts, AuditTrail } from "./audit";
import { FailoverLimiter, degradationReporter, limiterLibrary } from "./failover-limiter";
import { RedisLink } from "./redis-link";

/**
 * The server's `quotas` option: where per-principal tool quotas are counted, and the budget of tools without their own.
 *
 * @example
 * ```ts
 * createServer({ name: "api", auth: new ApiKeyStrategy(), quotas: { default: { points: 60, duration: 60 }, redis: process.env.REDIS_URL } })
 * ```
 */
export interface QuotaOptions {
  /** Budget of every tool that sets none (`@RateLimit`, `tool({ rateLimit })`). Default: none, unlimited. */
  default?: QuotaSpec;
  /**
   * Share counts across instances: an ioredis client (create it with `enableOfflineQueue: false`) or a `redis://`
   * URL. Default: the failed-auth limiter's `rateLimit.redis`, else memory. When Redis is unreachable the counts
   * fall back to memory (per instance) and `ratelimit.degraded` is logged with `limiter: "quota"`.
   */
  redis?: Redis | string;
  /** Key prefix in Redis; the tool name follows it. Default `mcpcraft:quota`. */
  keyPrefix?: string;
}

/**
 * Per-principal, per-tool call budgets on rate-limiter-flexible: one fixed-window limiter per tool (built at the
 * tool's first call), keyed by the principal. Every call consumes a point; the call over the budget is refused
 * with the time left in the window.
 */
export class ToolQuotas {
  private readonly limiters = new Map<string, FailoverLimiter>();
  private readonly link?: RedisLink;
  private readonly keyPrefix: string;
  private readonly onDegraded: (err: unknown) => void;

  constructor(
    options: QuotaOptions,
    private readonly audit: AuditTrail,
  ) {
    this.keyPrefix = options.keyPrefix ?? "mcpcraft:quota";
    if (options.redis) this.link = RedisLink.open(options.redis);
    this.onDegraded = degradationReporter(audit, "quota");
  }

  /** Counts one call of `tool` by `principal`; throws `QuotaExceededError` (-32032) past the budget. */
  async consume(tool: string, spec: QuotaSpec, principal: string, facts: AuditFacts & { transport: string }): Promise<void> {
    const limiter = this.limiterFor(tool, spec);
    const res = await limiter.run((l) => l.consume(principal)).catch((err: unknown) => {
      if (err instanceof limiterLibrary().RateLimiterRes) return err;
      throw err;
    });
    if (res.consumedPoints <= spec.points) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    this.audit.emit({ type: "quota.exceeded", ...facts, tool, points: spec.points, duration: spec.duration, retryAfterSeconds });
    throw new QuotaExceededError(tool, retryAfterSeconds);
  }

  /** Resolves once Redis is connected, or after `timeoutMs`. */
  async ready(timeoutMs = 2000): Promise<void> {
    await this.link?.ready(timeoutMs);
  }

  close(): void {
    this.link?.close();
  }

  private limiterFor(tool: string, spec: QuotaSpec): FailoverLimiter {
    let limiter = this.limiters.get(tool);
    if (!limiter) {
      limiter = new FailoverLimiter({ ...spec, keyPrefix: `${this.keyPrefix}:${tool}` }, this.link, this.onDegraded);
      this.limiters.set(tool, limiter);
    }
    return limiter;
  }
}
