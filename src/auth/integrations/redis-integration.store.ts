import type { Redis } from "ioredis";
import { connectRedis } from "../redis-connect";
import type { IntegrationStore } from "./integration-store";

/**
 * An {@link IntegrationStore} in Redis, so every instance of a deployment sees the tokens a user connected
 * through any of them, and a connect `state` issued by one instance completes on another, once.
 *
 * @example
 * ```ts
 * const store = new RedisIntegrationStore({ redis: "redis://127.0.0.1:6379", prefix: "repo-server:" })
 * ```
 */
export class RedisIntegrationStore implements IntegrationStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly owned: boolean;

  constructor(options: { redis: Redis | string; prefix?: string }) {
    // ioredis is loaded only when a Redis store is configured, as for the rate limiter.
    this.owned = typeof options.redis === "string";
    this.redis = typeof options.redis === "string" ? connectRedis(options.redis, { maxRetriesPerRequest: 1 }) : options.redis;
    this.prefix = options.prefix ?? "mcpcraft:integrations:";
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.prefix + key, value);
    else await this.redis.set(this.prefix + key, value, "PX", Math.max(1, Math.ceil(ttlMs)));
  }

  async take(key: string): Promise<string | undefined> {
    // MULTI rather than GETDEL: atomic on every Redis version ioredis supports, not only 6.2+.
    const results = await this.redis.multi().get(this.prefix + key).del(this.prefix + key).exec();
    const value = results?.[0]?.[1];
    return typeof value === "string" ? value : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    if (this.owned) this.redis.disconnect();
  }
}
