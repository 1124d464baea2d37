import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Redis } from "ioredis";

/** Where a {@link RedisEventStore} keeps resumable SSE events, and for how long. */
export interface RedisEventStoreOptions {
  /** Key prefix; each stream is the Redis stream `<prefix>:<streamId>`. Default `mcpcraft:events`. */
  keyPrefix?: string;
  /** Seconds a stream is kept after its last event. Default 1800. */
  ttlSeconds?: number;
  /** Events kept per stream (older ones are trimmed). Default 1000. */
  maxEvents?: number;
}

/** `<streamId>_<Redis stream entry id>`: a UUID, then `ms-seq`. Anything else a client sends is not ours. */
const EVENT_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_(\d{1,16}-\d{1,16})$/;

/** Compares two Redis stream entry ids (`ms-seq`). */
export function entryOrder(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

/**
 * The SDK's `EventStore` on Redis, so a client that lost its SSE stream can resume it (`Last-Event-ID`) at any
 * instance: one Redis stream per SSE stream, trimmed and expiring. A stream that is complete ends with a marker
 * entry, so an instance that did not carry it knows there is nothing more to wait for.
 *
 * @example
 * ```ts
 * await server.listen({ port: 3000, eventStore: new RedisEventStore(new Redis(process.env.REDIS_URL!)) })
 * ```
 */
export class RedisEventStore implements EventStore {
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly maxEvents: number;

  constructor(
    private readonly redis: Redis,
    options: RedisEventStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? "mcpcraft:events";
    this.ttl = options.ttlSeconds ?? 1800;
    this.maxEvents = options.maxEvents ?? 1000;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    return `${streamId}_${await this.append(streamId, "m", JSON.stringify(message))}`;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return EVENT_ID.exec(eventId)?.[1];
  }

  /** Marks the stream complete. */
  async finish(streamId: string): Promise<void> {
    await this.append(streamId, "end", "1");
  }

  /** True when the stream's last entry is the completion marker. */
  async finished(streamId: string): Promise<boolean> {
    const last = await this.redis.xrevrange(this.key(streamId), "+", "-", "COUNT", 1);
    return last.length > 0 && last[0][1][0] === "end";
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const parsed = EVENT_ID.exec(lastEventId);
    if (!parsed) return "";
    const [, streamId, after] = parsed;
    const key = this.key(streamId);
    const [range, exists] = (await this.redis.multi().xrange(key, `(${after}`, "+").exists(key).exec()) ?? [];
    if (range?.[0] || exists?.[0]) throw range?.[0] ?? exists?.[0];
    // An expired or invented stream: nothing to resume, say so rather than wait on it.
    if (!exists?.[1]) return "";
    const entries = range![1] as [string, string[]][];
    for (const [entry, fields] of entries) {
      if (fields[0] !== "m") continue;
      const message = JSON.parse(fields[1]) as JSONRPCMessage;
      // The priming event's placeholder carries nothing to replay.
      if (Object.keys(message).length) await send(`${streamId}_${entry}`, message);
    }
    return streamId;
  }

  private async append(streamId: string, field: string, value: string): Promise<string> {
    const key = this.key(streamId);
    const results = await this.redis
      .multi()
      .xadd(key, "MAXLEN", "~", this.maxEvents, "*", field, value)
      .expire(key, this.ttl)
      .exec();
    const [err, id] = results?.[0] ?? [new Error("event not stored"), null];
    if (err) throw err;
    return id as string;
  }

  private key(streamId: string): string {
    return `${this.prefix}:${streamId}`;
  }
}
