import assert from "node:assert/strict";
import http from "node:http";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ApiKeyStrategy, createServer, silentLogger, tool, type AuditEvent, type CraftServer, type QuotaOptions } from "../../src";
import { createTestClient } from "../../src/testing";
import { waitFor } from "../fixtures/oauth";
import path from "node:path";
import { DIST, httpClient, stdioClient } from "../fixtures/processes";
import { describeWithRedis, startRedis, type RedisProcess } from "../fixtures/redis";

const KEYS = { alice: "sk-quota-alice-0123456789", bob: "sk-quota-bob-0123456789ab", admin: "sk-quota-admin-0123456789" };
type Who = keyof typeof KEYS;
const CAP = 3;

/** Releases every held call at once; counts how many are held. */
class Gate {
  entered = 0;
  private open!: () => void;
  private readonly opened = new Promise<void>((r) => (this.open = r));
  hold = async () => {
    this.entered++;
    await this.opened;
    return "released";
  };
  release() {
    this.open();
  }
}

function build(events: AuditEvent[], gate: Gate, quotas: QuotaOptions = {}): CraftServer {
  const server = createServer({
    name: "quota",
    logger: silentLogger,
    onAudit: (e) => events.push(e),
    auth: new ApiKeyStrategy({ keys: [{ id: "alice", key: KEYS.alice }, { id: "bob", key: KEYS.bob }, { id: "admin", key: KEYS.admin, roles: ["admin"] }] }),
    quotas,
    maxInFlightPerSession: CAP,
  });
  server.add(
    tool({ name: "search", description: "3 a minute", input: { q: { type: "string", description: "query" } }, rateLimit: { points: 3, duration: 60 }, run: ({ q }) => `found ${q}` }),
    tool({ name: "quick", description: "2 a second", input: {}, rateLimit: { points: 2, duration: 1 }, run: () => "quick" }),
    tool({ name: "other", description: "unlimited", input: {}, run: () => "other" }),
    tool({ name: "admin_only", description: "1 a minute, admins", input: {}, roles: ["admin"], rateLimit: { points: 1, duration: 60 }, run: () => "admin" }),
    tool({ name: "hold", description: "waits for the test", input: {}, run: () => gate.hold() }),
  );
  return server;
}

/** The client's error for a refused call: the SDK raises McpError with the JSON-RPC code and data. */
async function refusal(p: Promise<unknown>): Promise<{ code: number; message: string; data: any }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string; data: any };
  }
  assert.fail("the call was not refused");
}

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

interface Harness {
  client(who: Who): Promise<Client>;
  events: AuditEvent[];
  gate: Gate;
  transport: string;
}

/** The same behaviour, whatever carries the calls. */
function scenarios(h: () => Harness, stateless: boolean): void {
  it("refuses the (N+1)th call within the window with -32032, the retry time and the tool, and audits quota.exceeded", async () => {
    const alice = await h().client("alice");
    for (let i = 0; i < 3; i++) assert.equal(text(await alice.callTool({ name: "search", arguments: { q: `q${i}` } })), `found q${i}`);
    const err = await refusal(alice.callTool({ name: "search", arguments: { q: "q3" } }));
    assert.equal(err.code, -32032);
    assert.equal(err.data.tool, "search");
    assert.ok(err.data.retryAfterSeconds >= 1 && err.data.retryAfterSeconds <= 60, String(err.data.retryAfterSeconds));
    assert.match(err.message, /Quota exceeded for tool search/);
    const event = h().events.find((e) => e.type === "quota.exceeded");
    assert.ok(event && event.type === "quota.exceeded", "no quota.exceeded event");
    assert.equal(event.tool, "search");
    assert.equal(event.subject, "apikey:alice");
    assert.equal(event.keyId, "alice");
    assert.equal(event.strategy, "api-key");
    assert.equal(event.transport, h().transport);
    assert.equal(event.retryAfterSeconds, err.data.retryAfterSeconds);
    assert.ok(event.requestId !== undefined && typeof event.time === "number");
    if (h().transport === "http") assert.match(event.ip ?? "", /127\.0\.0\.1/);
  });

  it("leaves another principal and another tool unaffected", async () => {
    const alice = await h().client("alice");
    const bob = await h().client("bob");
    for (let i = 0; i < 3; i++) await alice.callTool({ name: "search", arguments: { q: `q${i}` } });
    assert.equal((await refusal(alice.callTool({ name: "search", arguments: { q: "again" } }))).code, -32032);
    assert.equal(text(await bob.callTool({ name: "search", arguments: { q: "bob" } })), "found bob");
    assert.equal(text(await alice.callTool({ name: "other", arguments: {} })), "other");
  });

  it("allows the principal again once the window has passed", async () => {
    const alice = await h().client("alice");
    // Call until refused (bounded), so a slow machine that crosses a window boundary cannot fail the test.
    let refused: { code: number; data: any } | undefined;
    for (let i = 0; i < 20 && !refused; i++) refused = await alice.callTool({ name: "quick", arguments: {} }).then(() => undefined, (e) => e);
    assert.equal(refused?.code, -32032);
    assert.equal(refused?.data.retryAfterSeconds, 1);
    const allowed = await waitFor("the 1 s window to pass", () => alice.callTool({ name: "quick", arguments: {} }).then(text, () => undefined), 5000, 100);
    assert.equal(allowed, "quick");
  });

  it("spends no quota on a call the static rules refuse (-32003, however often), but does on invalid arguments", async () => {
    const bob = await h().client("bob");
    for (let i = 0; i < 3; i++) assert.equal((await refusal(bob.callTool({ name: "admin_only", arguments: {} }))).code, -32003);
    const admin = await h().client("admin");
    assert.equal(text(await admin.callTool({ name: "admin_only", arguments: {} })), "admin");
    assert.equal((await refusal(admin.callTool({ name: "admin_only", arguments: {} }))).code, -32032);
    for (let i = 0; i < 3; i++) assert.equal(((await bob.callTool({ name: "search", arguments: { q: 42 } })) as CallToolResult).isError, true);
    assert.equal((await refusal(bob.callTool({ name: "search", arguments: { q: "valid" } }))).code, -32032);
  });

  // Stateless HTTP has no session: each POST is its own connection (its batch test is below).
  if (!stateless) it(`refuses the (cap+1)th concurrent request of one session with -32033 while the ${CAP} others complete`, async () => {
    const alice = await h().client("alice");
    const held = Array.from({ length: CAP }, () => alice.callTool({ name: "hold", arguments: {} }));
    await waitFor(`${CAP} calls in flight`, () => h().gate.entered === CAP);
    const err = await refusal(alice.callTool({ name: "other", arguments: {} }));
    assert.equal(err.code, -32033);
    assert.match(err.message, /Too many requests in flight/);
    assert.equal((await alice.ping()) !== undefined, true);
    const other = await h().client("alice");
    assert.equal(text(await other.callTool({ name: "other", arguments: {} })), "other", "another session has its own cap");
    h().gate.release();
    assert.deepEqual((await Promise.all(held)).map(text), Array(CAP).fill("released"));
    assert.equal(text(await alice.callTool({ name: "other", arguments: {} })), "other", "finished calls leave the count");
  });
}

/** A fresh server per test, so the tests of one transport share no counts. */
function harnessed(transport: string, stateless: boolean, connect: (server: CraftServer, who: Who, opened: { close(): Promise<void> }[]) => Promise<Client>, listen?: (server: CraftServer) => Promise<void>) {
  let current: Harness;
  let server: CraftServer;
  let opened: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    const events: AuditEvent[] = [];
    const gate = new Gate();
    server = build(events, gate);
    await listen?.(server);
    opened = [];
    current = { events, gate, transport, client: (who) => connect(server, who, opened) };
  });
  afterEach(async () => {
    current.gate.release();
    await Promise.allSettled(opened.map((o) => o.close()));
    await server.close();
  });
  scenarios(() => current, stateless);
}

describe("tool quotas and the in-flight cap", () => {
  describe("in memory (createTestClient)", () => {
    harnessed("memory", false, async (server, who, opened) => {
      const t = await createTestClient(server, { headers: { "x-api-key": KEYS[who] } });
      opened.push(t);
      return t.client as unknown as Client;
    });
  });

  for (const stateless of [false, true]) {
    describe(`over HTTP, ${stateless ? "stateless" : "stateful"}`, () => {
      const urls = new Map<CraftServer, string>();
      harnessed(
        "http",
        stateless,
        async (server, who, opened) => {
          const client = await httpClient(urls.get(server)!, { "x-api-key": KEYS[who] });
          opened.push(client);
          return client;
        },
        async (server) => {
          urls.set(server, (await server.listen({ port: 0, stateless })).url);
        },
      );
    });
  }

  it("over stdio (a real child process): the (N+1)th call is refused with -32032 and the retry time, warned on stderr", async () => {
    const run = await stdioClient(path.join(DIST, "test", "fixtures", "servers", "quota.server.js"), { API_KEY: "sk-quota-stdio-0123456789" });
    try {
      for (let i = 0; i < 2; i++) assert.equal(text(await run.client.callTool({ name: "metered", arguments: {} })), "metered");
      const err = await refusal(run.client.callTool({ name: "metered", arguments: {} }));
      assert.equal(err.code, -32032);
      assert.deepEqual({ ...err.data, retryAfterSeconds: err.data.retryAfterSeconds >= 1 }, { tool: "metered", retryAfterSeconds: true });
      assert.equal(text(await run.client.callTool({ name: "free", arguments: {} })), "free");
      const line = await waitFor("the quota.exceeded line on stderr", () => run.stderr().split("\n").find((l) => l.includes('"quota.exceeded"')));
      assert.equal(JSON.parse(line).subject, "apikey:stdio");
    } finally {
      await run.close();
    }
  });

  describe("over HTTP, stateless: one POST is one connection", () => {
    let server: CraftServer;
    let url: string;
    const gate = new Gate();
    before(async () => {
      server = build([], gate);
      ({ url } = await server.listen({ port: 0, stateless: true }));
    });
    after(async () => {
      gate.release();
      await server.close();
    });

    it(`answers the (cap+1)th request of a batch with -32033 while the ${CAP} others complete`, async () => {
      const batch = Array.from({ length: CAP + 1 }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params: { name: "hold", arguments: {} } }));
      // 2025-03-26 is the last revision with JSON-RPC batches.
      const answer = post(url, batch, { "x-api-key": KEYS.alice, "mcp-protocol-version": "2025-03-26" });
      await waitFor(`${CAP} calls in flight`, () => gate.entered === CAP);
      gate.release();
      const { status, body } = await answer;
      assert.equal(status, 200, JSON.stringify(body));
      const byId = new Map((body as { id: number; result?: unknown; error?: { code: number } }[]).map((a) => [a.id, a]));
      assert.equal(byId.get(CAP + 1)?.error?.code, -32033);
      for (let id = 1; id <= CAP; id++) assert.equal(text(byId.get(id)?.result), "released");
    });

    it("counts anonymous callers per client address", async () => {
      const open = createServer({ name: "open", logger: silentLogger });
      open.add(tool({ name: "once", description: "1 a minute", input: {}, rateLimit: { points: 1, duration: 60 }, run: () => "once" }));
      const { url: openUrl } = await open.listen({ port: 0, stateless: true });
      try {
        const once = (from: string) => post(openUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "once", arguments: {} } }, {}, from);
        assert.equal(text(((await once("127.0.0.2")).body as { result: unknown }).result), "once");
        assert.equal(((await once("127.0.0.2")).body as { error: { code: number } }).error.code, -32032);
        assert.equal(text(((await once("127.0.0.3")).body as { result: unknown }).result), "once");
      } finally {
        await open.close();
      }
    });
  });
});

describeWithRedis("tool quotas in Redis, shared by two instances", () => {
  let redis: RedisProcess;
  let a: CraftServer;
  let b: CraftServer;
  const clients: Client[] = [];
  const events: AuditEvent[] = [];
  const urls: Record<"a" | "b", string> = { a: "", b: "" };
  const connect = async (at: "a" | "b", who: Who) => {
    const client = await httpClient(urls[at], { "x-api-key": KEYS[who] });
    clients.push(client);
    return client;
  };
  before(async () => {
    redis = await startRedis();
    const quotas = { redis: redis.url, keyPrefix: `q${Date.now()}` };
    a = build(events, new Gate(), quotas);
    b = build(events, new Gate(), quotas);
    urls.a = (await a.listen({ port: 0, stateless: true })).url;
    urls.b = (await b.listen({ port: 0 })).url;
  });
  after(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await a.close();
    await b.close();
    await redis.stop();
  });

  it("sums one principal's calls across instances: the (N+1)th is refused on both; another principal and tool are not", async () => {
    const onA = await connect("a", "alice");
    const onB = await connect("b", "alice");
    await onA.callTool({ name: "search", arguments: { q: "1" } });
    await onB.callTool({ name: "search", arguments: { q: "2" } });
    await onA.callTool({ name: "search", arguments: { q: "3" } });
    const err = await refusal(onB.callTool({ name: "search", arguments: { q: "4" } }));
    assert.equal(err.code, -32032);
    assert.equal(err.data.tool, "search");
    assert.ok(err.data.retryAfterSeconds >= 1 && err.data.retryAfterSeconds <= 60);
    assert.equal((await refusal(onA.callTool({ name: "search", arguments: { q: "5" } }))).code, -32032);
    assert.equal(text(await (await connect("b", "bob")).callTool({ name: "search", arguments: { q: "bob" } })), "found bob");
    assert.equal(text(await onA.callTool({ name: "other", arguments: {} })), "other");
  });

  it("lets the principal in again once the window has passed, on either instance", async () => {
    const onA = await connect("a", "bob");
    const onB = await connect("b", "bob");
    let refused: { code: number } | undefined;
    for (let i = 0; i < 20 && !refused; i++) refused = await (i % 2 ? onA : onB).callTool({ name: "quick", arguments: {} }).then(() => undefined, (e) => e);
    assert.equal(refused?.code, -32032);
    assert.equal(await waitFor("the 1 s window to pass", () => onA.callTool({ name: "quick", arguments: {} }).then(text, () => undefined), 5000, 100), "quick");
  });

  it("degrades to memory when Redis goes away: calls keep being served and counted, and it is logged", async () => {
    await redis.stop();
    const admin = await connect("a", "admin");
    assert.equal(text(await admin.callTool({ name: "admin_only", arguments: {} })), "admin");
    assert.equal((await refusal(admin.callTool({ name: "admin_only", arguments: {} }))).code, -32032);
    assert.ok(events.some((e) => e.type === "ratelimit.degraded" && e.limiter === "quota"));
  });
});

/** A raw JSON POST from a chosen loopback address. */
function post(url: string, body: unknown, headers: Record<string, string> = {}, from = "127.0.0.1"): Promise<{ status: number; body: unknown }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: "POST", localAddress: from, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}
