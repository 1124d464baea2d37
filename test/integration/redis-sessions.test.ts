import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { ApiKeyStrategy, ConfigurationError, createServer, RedisEventStore, silentLogger, tool, type CraftServer, type HttpListening } from "../../src";
import { waitFor } from "../fixtures/oauth";
import { INIT, rawPost } from "../fixtures/processes";
import { describeWithRedis, startRedis, type RedisProcess } from "../fixtures/redis";

const KEY = "sk-rsess-0123456789abcdef";
const PING = { jsonrpc: "2.0", id: 2, method: "ping" };
const headers = (sid?: string): Record<string, string> => ({ "x-api-key": KEY, "mcp-protocol-version": "2025-11-25", ...(sid ? { "mcp-session-id": sid } : {}) });

function build(): CraftServer {
  const server = createServer({ name: "rsess", logger: silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [{ id: "k", key: KEY }] }) });
  server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
  return server;
}

async function open(url: string): Promise<string> {
  const res = await rawPost(url, INIT, headers());
  assert.equal(res.status, 200, res.text);
  return res.headers.get("mcp-session-id")!;
}

describeWithRedis("Redis sessions: expiry, DELETE and outages", () => {
  let redis: RedisProcess;
  const servers: CraftServer[] = [];
  const listen = async (sessions: { ttlSeconds?: number; keyPrefix?: string } = {}, more: { maxSessionsPerPrincipal?: number } = {}): Promise<HttpListening> => {
    const server = build();
    servers.push(server);
    return server.listen({ port: 0, sessions: { redis: redis.url, ...sessions }, ...more });
  };

  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await redis.stop();
  });

  it("expires an idle session in Redis after ttlSeconds, on every instance", async () => {
    const [a, b] = [await listen({ ttlSeconds: 1 }), await listen({ ttlSeconds: 1 })];
    const sid = await open(a.url);
    assert.equal((await rawPost(b.url, PING, headers(sid))).status, 200);
    const r = new Redis(redis.url);
    try {
      await waitFor("Redis to expire the session", async () => (await r.exists(`mcpcraft:session:${sid}`)) === 0, 5000, 100);
    } finally {
      r.disconnect();
    }
    await waitFor("both instances to answer 404", async () => (await rawPost(a.url, PING, headers(sid))).status === 404 && (await rawPost(b.url, PING, headers(sid))).status === 404);
  });

  it("ends a session on every instance at DELETE, whichever instance receives it", async () => {
    const [a, b] = [await listen(), await listen()];
    const sid = await open(a.url);
    assert.equal((await rawPost(b.url, PING, headers(sid))).status, 200);
    const deleted = await fetch(b.url, { method: "DELETE", headers: headers(sid) });
    assert.equal(deleted.status, 200);
    await waitFor("the instance that opened it to forget it", async () => (await rawPost(a.url, PING, headers(sid))).status === 404);
    assert.equal((await rawPost(b.url, PING, headers(sid))).status, 404);
  });

  it("fails closed while Redis is down: stateful requests answer 503 with Retry-After, never a fresh or stale session", async () => {
    const a = await listen();
    const sid = await open(a.url);
    await redis.stop();
    await waitFor("the outage to be noticed", async () => (await rawPost(a.url, PING, headers(sid))).status === 503);
    const res = await rawPost(a.url, PING, headers(sid));
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.equal(res.json.error.message, "Session store unavailable");
    assert.equal((await rawPost(a.url, INIT, headers())).status, 503, "no new session either");
  });

  it("reads a session from Redis once per instance, not per request", async () => {
    const [a, b] = [await listen(), await listen()];
    const sid = await open(a.url);
    const r = new Redis(redis.url);
    const reads = async () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await r.info("commandstats"))?.[1] ?? 0);
    try {
      assert.equal((await rawPost(b.url, PING, headers(sid))).status, 200);
      const before = await reads();
      assert.ok(before >= 1, "b loaded the session it had never seen");
      for (let i = 0; i < 10; i++) assert.equal((await rawPost(i % 2 ? a.url : b.url, PING, headers(sid))).status, 200);
      assert.equal(await reads(), before);
    } finally {
      r.disconnect();
    }
  });

  it("caps a principal's sessions across the deployment: opening one more ends its least recently used one everywhere", async () => {
    const [a, b] = [await listen({}, { maxSessionsPerPrincipal: 2 }), await listen({}, { maxSessionsPerPrincipal: 2 })];
    const first = await open(a.url);
    assert.equal((await rawPost(b.url, PING, headers(first))).status, 200);
    const second = await open(b.url);
    const third = await open(b.url);
    for (const url of [a.url, b.url]) {
      await waitFor("the oldest session to end", async () => (await rawPost(url, PING, headers(first))).status === 404);
      for (const sid of [second, third]) assert.equal((await rawPost(url, PING, headers(sid))).status, 200);
    }
  });

  it("keeps sessions of two key prefixes apart", async () => {
    const [a, b] = [await listen({ keyPrefix: "app-a" }), await listen({ keyPrefix: "app-b" })];
    const sid = await open(a.url);
    assert.equal((await rawPost(b.url, PING, headers(sid))).status, 404);
  });

  it("refuses eventStore together with sessions: { redis }, naming the fix", async () => {
    const server = build();
    servers.push(server);
    const r = new Redis(redis.url);
    try {
      await assert.rejects(server.listen({ port: 0, eventStore: new RedisEventStore(r), sessions: { redis: redis.url } }), (err: Error) => err instanceof ConfigurationError && /not both/.test(err.message));
    } finally {
      r.disconnect();
    }
  });
});

describeWithRedis("RedisEventStore", () => {
  let redis: RedisProcess;
  let client: Redis;
  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client.disconnect();
    await redis.stop();
  });

  const STREAM = "0b5c8b1e-5d2a-4c1b-9f3e-2a7d6c5b4a39";
  const note = (n: number) => ({ jsonrpc: "2.0" as const, method: "notifications/progress", params: { progressToken: 1, progress: n } });

  it("replays what came after an event, in order, and reports the stream", async () => {
    const store = new RedisEventStore(client, { keyPrefix: "t1" });
    const first = await store.storeEvent(STREAM, note(1));
    await store.storeEvent(STREAM, note(2));
    const third = await store.storeEvent(STREAM, note(3));
    const seen: [string, unknown][] = [];
    assert.equal(await store.replayEventsAfter(first, { send: async (id, m) => void seen.push([id, m]) }), STREAM);
    assert.deepEqual(seen.map(([, m]) => m), [note(2), note(3)]);
    assert.equal(seen[1][0], third);
    assert.equal(await store.getStreamIdForEventId(third), STREAM);
  });

  it("knows a complete stream, and answers an invented or malformed event id with nothing", async () => {
    const store = new RedisEventStore(client, { keyPrefix: "t2" });
    await store.storeEvent(STREAM, note(1));
    assert.equal(await store.finished(STREAM), false);
    await store.finish(STREAM);
    assert.equal(await store.finished(STREAM), true);
    const sent: unknown[] = [];
    const send = async (_id: string, m: unknown) => void sent.push(m);
    for (const bad of ["", "x", `${STREAM}_1-0\r\nX`, "../../etc_1-0", `${"a".repeat(36)}_1-0`, `${STREAM.replace("0b", "ff")}_1-0`]) {
      assert.equal(await store.replayEventsAfter(bad, { send }), "", JSON.stringify(bad));
    }
    assert.deepEqual(sent, []);
  });
});
