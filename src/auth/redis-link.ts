import type { Redis } from "ioredis";
import { connectRedis } from "./redis-connect";

/**
 * The Redis connection of a limiter: the user's ioredis client, or one opened here from a `redis://` URL (and then
 * owned, so closed here too). ioredis is loaded only when a URL is given: it costs ~46 ms of start-up.
 */
export class RedisLink {
  private constructor(
    readonly client: Redis,
    private readonly owned: boolean,
  ) {}

  static open(spec: Redis | string): RedisLink {
    if (typeof spec !== "string") return new RedisLink(spec, false);
    const client = connectRedis(spec, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // ioredis emits "error" while reconnecting; the limiters report degradation themselves.
    client.on("error", () => {});
    return new RedisLink(client, true);
  }

  /**
   * Resolves once Redis is connected, or after `timeoutMs` (then the limiters run degraded, in memory, until it
   * connects). Without this wait, counts made in the first moments after start-up stayed per instance.
   */
  async ready(timeoutMs = 2000): Promise<void> {
    const client = this.client;
    if (client.status === "ready") return;
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

  close(): void {
    if (this.owned) this.client.disconnect();
  }
}
