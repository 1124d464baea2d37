import assert from "node:assert/strict";
import http from "node:http";
import { ApiKeyStrategy, createServer, tool, silentLogger, type AuditEvent, type CraftServer, type RateLimitOptions } from "../../src";
import { describeWithRedis, startRedis, type RedisProcess } from "../fixtures/redis";
import { INIT } from "../fixtures/processes";

const GOOD = "sk-rl-good-0123456789abcdef";

function build(rateLimit: RateLimitOptions | false, events: AuditEvent[] = []): CraftServer {
  const server = createServer({
    name: "rl",
    logger: silentLogger,
    onAudit: (e) => events.push(e),
    rateLimit,
    auth: new ApiKeyStrategy({ keys: [{ id: "good", key: GOOD }] }),
  });
  server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
  return server;
}

/** A raw POST from a chosen loopback source address, so one test can act as several clients. */
function post(url: string, key: string | undefined, from = "127.0.0.1"): Promise<{ status: number; retryAfter?: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        localAddress: from,
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(key ? { "x-api-key": key } : {}) },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string | undefined, body }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(INIT));
  });
}

describe("rate limiting failed authentications", () => {
  describe("in memory (default store)", () => {
    let server: CraftServer;
    let url: string;
    const events: AuditEvent[] = [];
    before(async () => {
      server = build({ points: 5, duration: 60 }, events);
      ({ url } = await server.listen({ port: 0, stateless: true }));
    });
    after(() => server.close());

    it("never throttles valid traffic, however concurrent", async () => {
      const results = await Promise.all(Array.from({ length: 40 }, () => post(url, GOOD, "127.0.0.5")));
      assert.deepEqual([...new Set(results.map((r) => r.status))], [200]);
    });

    it("does not count credential-less probes (OAuth discovery) as failures", async () => {
      for (let i = 0; i < 8; i++) assert.equal((await post(url, undefined, "127.0.0.6")).status, 401);
      assert.equal((await post(url, GOOD, "127.0.0.6")).status, 200);
    });

    it("answers 429 with Retry-After and -32029 at exactly the (N+1)th attempt after N failures, even with the right key", async () => {
      for (let i = 0; i < 5; i++) assert.equal((await post(url, `sk-guess-${i}`, "127.0.0.2")).status, 401);
      const blocked = await post(url, GOOD, "127.0.0.2");
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.retryAfter) >= 1 && Number(blocked.retryAfter) <= 60, blocked.retryAfter);
      assert.equal(JSON.parse(blocked.body).error.code, -32029);
      assert.ok(events.some((e) => e.type === "ratelimit.blocked" && e.ip === "127.0.0.2"));
    });

    it("limits per client: another address is unaffected", async () => {
      assert.equal((await post(url, GOOD, "127.0.0.3")).status, 200);
    });
  });

  describeWithRedis("in Redis, shared by two instances", () => {
    let redis: RedisProcess;
    let a: CraftServer;
    let b: CraftServer;
    let urlA: string;
    let urlB: string;
    const events: AuditEvent[] = [];
    before(async () => {
      redis = await startRedis();
      const opts = { points: 4, duration: 60, redis: redis.url, keyPrefix: `t${Date.now()}` };
      a = build(opts, events);
      b = build(opts, events);
      ({ url: urlA } = await a.listen({ port: 0, stateless: true }));
      ({ url: urlB } = await b.listen({ port: 0, stateless: true }));
    });
    after(async () => {
      await a.close();
      await b.close();
      await redis.stop();
    });

    it("sums failures across instances", async () => {
      for (let i = 0; i < 2; i++) assert.equal((await post(urlA, `sk-guess-a${i}`, "127.0.0.7")).status, 401);
      for (let i = 0; i < 2; i++) assert.equal((await post(urlB, `sk-guess-b${i}`, "127.0.0.7")).status, 401);
      assert.equal((await post(urlA, GOOD, "127.0.0.7")).status, 429);
      assert.equal((await post(urlB, GOOD, "127.0.0.7")).status, 429);
      assert.equal((await post(urlB, GOOD, "127.0.0.8")).status, 200);
    });

    it("degrades to memory when Redis goes away: authentication keeps working and it is logged", async () => {
      await redis.stop();
      assert.equal((await post(urlA, GOOD, "127.0.0.9")).status, 200);
      assert.equal((await post(urlA, "sk-guess-x", "127.0.0.9")).status, 401);
      assert.ok(events.some((e) => e.type === "ratelimit.degraded"));
    });
  });
});
