import type { Redis, RedisOptions } from "ioredis";

/**
 * A new ioredis client for a `redis://` URL. ioredis is required here, on first use, because loading it costs
 * ~46 ms of start-up that servers without Redis should not pay. The constructor is taken into a local first:
 * TypeScript 7 emits `new (require("ioredis") as T).Redis(...)` without its parentheses, which calls the class
 * without `new`.
 */
export function connectRedis(url: string, options: RedisOptions): Redis {
  const { Redis: RedisClient } = require("ioredis") as typeof import("ioredis");
  return new RedisClient(url, options);
}
