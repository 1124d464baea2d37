import assert from "node:assert/strict";
import { ApiKeyStrategy, createServer, tool, type AuditEvent, type CraftServer } from "../../src";
import { createTestClient } from "../../src/testing";
import { call, capture, rawRequest, type Capture } from "../fixtures/oauth";

const ALICE = "sk-audit-alice-0123456789abcdef";
const BOB = "sk-audit-bob-0123456789abcdef01";

function build(cap: Capture): CraftServer {
  const server = createServer({
    name: "audit",
    logger: cap.logger,
    onAudit: cap.onAudit,
    rateLimit: { points: 3, duration: 60 },
    auth: new ApiKeyStrategy({ keys: [{ id: "alice", key: ALICE, roles: ["admin"] }, { id: "bob", key: BOB }] }),
  });
  server.add(
    tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }),
    tool({ name: "purge", description: "admins", input: {}, roles: ["admin"], run: () => "purged" }),
    tool({ name: "metered", description: "1 a minute", input: {}, rateLimit: { points: 1, duration: 60 }, run: () => "ok" }),
  );
  return server;
}

const of = <T extends AuditEvent["type"]>(cap: Capture, type: T) => cap.events.filter((e): e is Extract<AuditEvent, { type: T }> => e.type === type);
const LOOPBACK = /127\.0\.0\.1/;

describe("audit events: time, request id, strategy, subject or key id, client address and tool", () => {
  let server: CraftServer;
  let url: string;
  const cap = capture();
  before(async () => {
    server = build(cap);
    ({ url } = await server.listen({ port: 0, stateless: true }));
  });
  after(() => server.close());
  beforeEach(() => cap.clear());

  it("auth.success, at debug level, for every authenticated HTTP request", async () => {
    const res = await rawRequest(url, { headers: { "x-api-key": ALICE }, body: call("ping", 41) });
    assert.equal(res.status, 200, res.text);
    const [event] = of(cap, "auth.success");
    assert.ok(event, "no auth.success");
    assert.deepEqual({ ...event, time: typeof event.time }, {
      type: "auth.success",
      time: "number",
      requestId: 41,
      tool: "ping",
      strategy: "api-key",
      subject: "apikey:alice",
      keyId: "alice",
      ip: event.ip,
      transport: "http",
    });
    assert.match(event.ip ?? "", LOOPBACK);
    const line = cap.lines.map((l) => JSON.parse(l)).find((l) => l.event === "auth.success");
    assert.equal(line?.level, "debug");
  });

  it("auth.failure names the request, the tool it was for and the address, never the credential", async () => {
    await rawRequest(url, { headers: { "x-api-key": "sk-wrong-guess-0000000000000" }, body: { ...call("purge"), id: "r-7" } });
    const [event] = of(cap, "auth.failure");
    assert.equal(event?.reason, "invalid_credentials");
    assert.equal(event.requestId, "r-7");
    assert.equal(event.tool, "purge");
    assert.equal(event.strategy, "api-key");
    assert.match(event.ip ?? "", LOOPBACK);
    assert.equal(typeof event.time, "number");
    assert.ok(!cap.all().includes("sk-wrong-guess"));
    const line = cap.lines.map((l) => JSON.parse(l)).find((l) => l.event === "auth.failure");
    assert.equal(line?.level, "warn");
  });

  it("names no tool the server does not have (no caller-chosen text in the log)", async () => {
    await rawRequest(url, { headers: { "x-api-key": "sk-wrong-guess-1111111111111" }, body: call("no_such_tool<script>", 3) });
    const [event] = of(cap, "auth.failure");
    assert.equal(event?.requestId, 3);
    assert.equal(event.tool, undefined);
    assert.ok(!cap.all().includes("<script>"));
  });

  it("authz.denied carries the request id, strategy, subject, key id, address and tool", async () => {
    const res = await rawRequest(url, { headers: { "x-api-key": BOB }, body: call("purge", 9) });
    assert.equal(res.json?.error?.code, -32003, res.text);
    const [event] = of(cap, "authz.denied");
    assert.equal(event?.requestId, 9);
    assert.equal(event.tool, "purge");
    assert.equal(event.target, "purge");
    assert.equal(event.strategy, "api-key");
    assert.equal(event.subject, "apikey:bob");
    assert.equal(event.keyId, "bob");
    assert.match(event.ip ?? "", LOOPBACK);
    assert.deepEqual(event.missingRoles, [["admin"]]);
  });

  it("ratelimit.blocked carries the address, request id, tool and strategy", async () => {
    // A server of its own: the failures of the tests above must not count here.
    const own = build(cap);
    const ownUrl = (await own.listen({ port: 0, stateless: true })).url;
    for (let i = 0; i < 3; i++) await rawRequest(ownUrl, { headers: { "x-api-key": `sk-wrong-${i}-000000000000000` }, body: call("ping", i) });
    const blocked = await rawRequest(ownUrl, { headers: { "x-api-key": ALICE }, body: call("ping", 99) });
    await own.close();
    assert.equal(blocked.status, 429);
    const [event] = of(cap, "ratelimit.blocked");
    assert.equal(event?.requestId, 99);
    assert.equal(event.tool, "ping");
    assert.equal(event.strategy, "api-key");
    assert.match(event.ip ?? "", LOOPBACK);
    assert.ok(event.retryAfterSeconds >= 1);
  });

  it("quota.exceeded, in memory too, with the principal and the quota", async () => {
    const t = await createTestClient(build(cap), { headers: { "x-api-key": BOB } });
    try {
      await t.callTool("metered");
      await assert.rejects(t.callTool("metered"), (e: { code: number }) => e.code === -32032);
    } finally {
      await t.close();
    }
    const [event] = of(cap, "quota.exceeded");
    assert.deepEqual({ ...event, time: typeof event?.time, requestId: typeof event?.requestId }, {
      type: "quota.exceeded",
      time: "number",
      requestId: "number",
      tool: "metered",
      strategy: "api-key",
      subject: "apikey:bob",
      keyId: "bob",
      transport: "memory",
      points: 1,
      duration: 60,
      retryAfterSeconds: event?.retryAfterSeconds,
    });
  });
});
