import { randomUUID } from "node:crypto";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Redis } from "ioredis";
import type { Connection, ConnectionChange, ConnectionStateSink } from "../core/connection";
import type { RequestPipeline } from "../core/request-pipeline";
import { ConfigurationError, SessionStoreUnavailableError, TransportError } from "../errors";
import { FailClosedRedis } from "./fail-closed-redis";
import { HttpSession, type SessionSharing } from "./http-session";
import type { MemorySessionSettings } from "./memory-session-registry";
import { redisPair } from "./redis-clients";
import { useStamp } from "./use-stamp";
import { RedisEventStore } from "./redis-event-store";
import type { StreamMirror } from "./resumable-stream";
import { SessionBus, type BusMessage } from "./session-bus";
import { bindingOf, fieldsOf, sameDigest, SessionKeys, stateOf } from "./session-record";
import type { SessionRegistry } from "./session-registry";
import { SessionStore } from "./session-store";
import { StandaloneClaims } from "./standalone-claim";
import type { SseStream } from "./sse-stream";
import { StreamFollower } from "./stream-follower";

/** `listen({ sessions })`: stateful sessions kept in Redis, so any instance serves any request of any session. */
export interface RedisSessionOptions {
  /** An ioredis client (create it with `enableOfflineQueue: false`) or a `redis://` URL. */
  redis: Redis | string;
  /** Prefix of every key and of the pub/sub channel. Default `mcpcraft:session`. */
  keyPrefix?: string;
  /** Seconds a session lives in Redis after its last request. Default: `sessionIdleMs` (30 minutes). */
  ttlSeconds?: number;
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OUTGOING_ID = /^mcpcraft-([0-9a-f]{8})-\d+$/;
const LISTS = new Set(["tools", "resources", "prompts"]);
const MAX_GONE = 1000;

/**
 * Sessions kept in Redis, shared by every instance: the principal binding (a digest), the negotiated protocol
 * version, client capabilities and info, the log level (a hash) and the resource subscriptions (a set), all
 * expiring `ttlSeconds` after the last request. Each instance caches the sessions it has served and keeps the
 * copies current from the session bus rather than reading Redis per request; the bus also carries resource
 * updates, standalone-stream hand-overs, client answers to another instance's server→client request and POST
 * streams resumed elsewhere.
 */
export class RedisSessionRegistry implements SessionRegistry, ConnectionStateSink {
  readonly eventStore: RedisEventStore;
  private readonly local: SessionStore;
  private readonly bus: SessionBus;
  private readonly redis: Redis;
  private readonly owned: Redis[];
  private readonly keys: SessionKeys;
  private readonly ttl: number;
  private readonly checked = new WeakMap<HttpSession, { generation: number; at: number }>();
  private readonly loading = new Map<string, Promise<HttpSession | undefined>>();
  private readonly followers = new Map<string, Set<StreamFollower>>();
  /** Sessions deleted lately: a load that raced the DELETE (read before it, answered after) must not revive one. */
  private readonly gone = new Set<string>();
  private readonly mirror: StreamMirror;
  private readonly ops: FailClosedRedis;
  private readonly claims: StandaloneClaims;

  constructor(
    private readonly pipeline: RequestPipeline,
    options: RedisSessionOptions,
    private readonly settings: MemorySessionSettings,
  ) {
    if (!options?.redis) throw new ConfigurationError("sessions: { redis } needs an ioredis client or a redis:// URL");
    if (settings.eventStore) throw new ConfigurationError("give eventStore or sessions: { redis }, not both: Redis sessions keep their SSE events in Redis");
    const prefix = options.keyPrefix ?? "mcpcraft:session";
    this.keys = new SessionKeys(prefix);
    this.ttl = Math.ceil(options.ttlSeconds ?? settings.sessionIdleMs / 1000);
    if (!(this.ttl >= 1)) throw new ConfigurationError("sessions.ttlSeconds must be ≥ 1");
    this.ops = new FailClosedRedis(pipeline.def.logger);
    const { commands, listener, owned } = redisPair(options.redis, (err) => this.ops.degraded(err));
    this.redis = commands;
    this.owned = owned;
    this.eventStore = new RedisEventStore(commands, { keyPrefix: `${prefix}:events`, ttlSeconds: this.ttl });
    this.bus = new SessionBus(commands, listener, prefix, (m) => this.receive(m), pipeline.def.logger);
    this.claims = new StandaloneClaims(commands, this.keys, this.bus);
    this.local = new SessionStore(settings.maxSessionsPerPrincipal, settings.sessionIdleMs);
    this.mirror = {
      sent: async (stream, id, message) => void (await this.bus.publish({ t: "event", stream, id, message })),
      finished: (stream) => void this.eventStore.finish(stream).then(() => this.bus.publish({ t: "end", stream })).catch((err: Error) => this.ops.degraded(err)),
    };
    pipeline.subscriptions.fanOut = (uri) => this.ops.guard(() => this.bus.publish({ t: "updated", uri }));
    pipeline.connections.fanOut = (kind) => this.ops.guard(() => this.bus.publish({ t: "list", kind }));
  }

  async claim(id: string, principal: string): Promise<HttpSession | undefined> {
    this.assertHealthy();
    // Only ids this framework makes ever reach Redis.
    if (!SESSION_ID.test(id)) return undefined;
    const cached = this.local.peek(id);
    if (cached) return cached.principal === principal && (await this.stillThere(cached)) ? this.local.claim(id, principal) : undefined;
    const key = `${id}\u0000${principal}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(id, principal).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** The session's hash is in Redis (deleted, evicted and expired ones have none), whichever instance serves it. */
  async live(id: string): Promise<boolean> {
    return SESSION_ID.test(id) && !this.gone.has(id) && (await this.ops.guard(() => this.redis.exists(this.keys.hash(id)))) === 1;
  }

  async open(principal: string): Promise<HttpSession> {
    this.assertHealthy();
    this.local.makeRoomFor(principal);
    if (this.local.size >= this.settings.maxSessions) throw new TransportError("too_many_sessions", "Too many sessions", { "retry-after": "5" });
    const id = randomUUID();
    const standaloneId = randomUUID();
    const key = this.keys.hash(id);
    const owner = this.keys.owner(principal);
    const now = useStamp();
    const m = this.redis.multi().hset(key, { p: bindingOf(id, principal), sa: standaloneId }).expire(key, this.ttl);
    // The principal's sessions by last use, deployment-wide: beyond the cap, the least recently used ones go.
    m.zadd(owner, now, id).zremrangebyscore(owner, "-inf", now - this.ttl * 1000).expire(owner, this.ttl).zrange(owner, "0", String(-(this.settings.maxSessionsPerPrincipal + 1)));
    const evicted = (await this.ops.exec(m)).at(-1) as string[];
    if (evicted.length) await this.drop(owner, evicted);
    return this.adopt(id, principal, standaloneId);
  }

  async remove(session: HttpSession): Promise<void> {
    await this.drop(this.keys.owner(session.principal), [session.id]);
    session.close();
  }

  ready(): Promise<void> {
    return this.bus.ready();
  }

  async close(): Promise<void> {
    this.local.closeAll();
    for (const set of this.followers.values()) for (const f of set) f.stop();
    this.pipeline.subscriptions.fanOut = undefined;
    this.pipeline.connections.fanOut = undefined;
    for (const client of this.owned) client.disconnect();
  }

  /** {@link ConnectionStateSink}: written, and announced to the other instances, before the request is answered. */
  async saved(connection: Connection, change: ConnectionChange): Promise<void> {
    const sid = connection.sessionId!;
    const key = this.keys.hash(sid);
    const fields = fieldsOf(change);
    const m = this.redis.multi();
    if (Object.keys(fields).length) m.hset(key, fields);
    if (change.subscribed) m.sadd(this.keys.subs(sid), change.subscribed).expire(this.keys.subs(sid), this.ttl);
    if (change.unsubscribed) m.srem(this.keys.subs(sid), change.unsubscribed);
    m.expire(key, this.ttl).publish(this.bus.channel, JSON.stringify({ t: "state", from: this.bus.instance, sid, change }));
    await this.ops.exec(m);
  }

  /** {@link ConnectionStateSink}: a client answer to a server→client request another instance sent. */
  unmatched(connection: Connection, message: { id: string | number }): void {
    const to = typeof message.id === "string" ? OUTGOING_ID.exec(message.id)?.[1] : undefined;
    if (!to || to === this.bus.instance || !connection.sessionId) return;
    this.bus.publish({ t: "answer", sid: connection.sessionId, to, message }).catch((err: Error) => this.ops.degraded(err));
  }

  /** {@link ConnectionStateSink}: the client cancelled a request that may run on another instance. */
  cancelled(connection: Connection, id: string | number, reason: unknown): void {
    if (!connection.sessionId) return;
    const why = typeof reason === "string" ? reason.slice(0, 200) : undefined;
    this.bus.publish({ t: "cancel", from: this.bus.instance, sid: connection.sessionId, id, reason: why }).catch((err: Error) => this.ops.degraded(err));
  }

  private async load(id: string, principal: string): Promise<HttpSession | undefined> {
    const [found, members] = await this.ops.exec(this.redis.multi().hgetall(this.keys.hash(id)).smembers(this.keys.subs(id)));
    const hash = found as Record<string, string> | null;
    const subs = members as string[];
    if (!hash?.p || !hash.sa || this.gone.has(id) || !sameDigest(hash.p, bindingOf(id, principal))) return undefined;
    const existing = this.local.peek(id);
    if (existing) return existing;
    const session = this.adopt(id, principal, hash.sa);
    this.apply(session, stateOf(hash), subs);
    return session;
  }

  /** A session object of this instance for a session that lives in Redis. */
  private adopt(id: string, principal: string, standaloneId: string): HttpSession {
    const sharing: SessionSharing = {
      standaloneId,
      mirror: this.mirror,
      claimStandalone: (s, force) => this.ops.guard(() => this.claims.claim(s.id, force)),
      releaseStandalone: (s) => void this.claims.release(s.id).catch((err: Error) => this.ops.degraded(err)),
      follow: (lastEventId, stream) => this.follow(lastEventId, stream),
    };
    const session = new HttpSession(id, principal, { eventStore: this.eventStore, keepAliveMs: this.settings.keepAliveMs, sharing });
    session.connection.sink = this;
    session.connection.outgoingIdPrefix = `mcpcraft-${this.bus.instance}-`;
    this.local.add(session);
    this.pipeline.connections.add(session.connection);
    this.checked.set(session, { generation: this.bus.generation, at: Date.now() });
    return session;
  }

  /**
   * Whether a cached session still exists: re-read after this instance may have missed bus messages (its
   * subscriber reconnected), and its expiry pushed back now and then rather than on every request.
   */
  private async stillThere(session: HttpSession): Promise<boolean> {
    const last = this.checked.get(session)!;
    const stale = last.generation !== this.bus.generation;
    if (!stale && Date.now() - last.at < (this.ttl * 1000) / 4) return true;
    const sid = session.id;
    const m = this.redis.multi().hgetall(this.keys.hash(sid)).expire(this.keys.hash(sid), this.ttl).expire(this.keys.subs(sid), this.ttl);
    const [hash, , , , subs] = await this.ops.exec(m.zadd(this.keys.owner(session.principal), "XX", useStamp(), sid).smembers(this.keys.subs(sid)));
    const alive = !!(hash as Record<string, string> | null)?.p;
    if (!alive) session.close();
    else {
      if (stale) this.apply(session, stateOf(hash as Record<string, string>), subs as string[]);
      this.checked.set(session, { generation: this.bus.generation, at: Date.now() });
    }
    return alive;
  }

  private apply(session: HttpSession, change: ConnectionChange, subscriptions?: string[]): void {
    const c = session.connection;
    if (change.protocolVersion !== undefined) c.protocolVersion = change.protocolVersion;
    if (change.clientCapabilities !== undefined) c.clientCapabilities = change.clientCapabilities;
    if (change.clientInfo !== undefined) c.clientInfo = change.clientInfo;
    if (change.logLevel !== undefined) c.logLevel = change.logLevel;
    const registry = this.pipeline.subscriptions;
    if (subscriptions) {
      for (const uri of registry.of(c)) if (!subscriptions.includes(uri)) registry.unsubscribe(c, uri);
      for (const uri of subscriptions) registry.subscribe(c, uri);
    }
    if (change.subscribed) registry.subscribe(c, change.subscribed);
    if (change.unsubscribed) registry.unsubscribe(c, change.unsubscribed);
  }

  private receive(m: BusMessage): void {
    if (m.t === "updated") return void this.pipeline.subscriptions.deliver(String(m.uri)).catch(() => undefined);
    if (m.t === "list") return void (LISTS.has(m.kind) ? this.pipeline.connections.deliver(m.kind).catch(() => undefined) : undefined);
    if (m.t === "event" || m.t === "end") {
      for (const f of [...(this.followers.get(String(m.stream)) ?? [])]) m.t === "end" ? f.end() : f.event(String(m.id), m.message as JSONRPCMessage);
      return;
    }
    if (m.t === "gone") this.forget(String(m.sid));
    const session = this.local.peek(String(m.sid));
    if (!session) return;
    if (m.t === "gone") session.close();
    else if (m.t === "state" && m.from !== this.bus.instance) this.apply(session, m.change as ConnectionChange);
    else if (m.t === "standalone" && m.from !== this.bus.instance) session.endStandalone();
    else if (m.t === "cancel" && m.from !== this.bus.instance) session.connection.cancel(m.id, m.reason, true);
    else if (m.t === "answer" && m.to === this.bus.instance && m.message) session.connection.accept(m.message as Parameters<Connection["accept"]>[0], true);
  }

  private forget(sid: string): void {
    this.gone.add(sid);
    // Bounded: only loads in flight at the moment of a DELETE need it.
    if (this.gone.size > MAX_GONE) this.gone.delete(this.gone.values().next().value!);
  }

  private follow(lastEventId: string, stream: SseStream): StreamFollower {
    const follower = new StreamFollower(lastEventId, stream, this.eventStore, (f) => {
      const set = this.followers.get(f.streamId);
      set?.delete(f);
      if (set?.size === 0) this.followers.delete(f.streamId);
    }, Math.min(this.ttl * 1000, 2 ** 31 - 1));
    let set = this.followers.get(follower.streamId);
    if (!set) this.followers.set(follower.streamId, (set = new Set()));
    set.add(follower);
    return follower;
  }

  private assertHealthy(): void {
    if (!this.bus.healthy) throw new SessionStoreUnavailableError();
  }

  /** Ends sessions everywhere: their keys go, and every instance is told. */
  private async drop(owner: string, ids: string[]): Promise<void> {
    const m = this.redis.multi().zrem(owner, ...ids);
    for (const sid of ids) m.del(this.keys.hash(sid), this.keys.subs(sid)).publish(this.bus.channel, JSON.stringify({ t: "gone", sid }));
    await this.ops.exec(m);
  }
}
