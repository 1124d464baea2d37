import type { Redis } from "ioredis";
import { connectRedis } from "../auth/redis-connect";

/**
 * The two connections shared sessions need: commands (and publishing), and one in subscriber mode. A URL gets
 * both made here with `enableOfflineQueue: false`, so a Redis outage fails requests at once instead of queueing
 * them; a client passed in is used for commands and duplicated for listening.
 */
export function redisPair(redis: Redis | string, onError: (err: Error) => void): { commands: Redis; listener: Redis; owned: Redis[] } {
  // ioredis is loaded only when Redis is configured: it costs ~46 ms of start-up for everyone else.
  const commands =
    typeof redis === "string" ? connectRedis(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : redis;
  const listener = commands.duplicate();
  const owned = typeof redis === "string" ? [commands, listener] : [listener];
  // ioredis emits "error" while reconnecting; the registry reports and refuses (503) while it is down.
  for (const client of owned) client.on("error", onError);
  return { commands, listener, owned };
}
