import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Redis } from "ioredis";
import { waitFor } from "../fixtures/oauth";
import { DIST, INIT, rawPost, startHttpExample, type RunningServer } from "../fixtures/processes";
import { describeWithRedis, startRedis, type RedisProcess } from "../fixtures/redis";

const SCRIPT = path.join(DIST, "test", "fixtures", "servers", "shared-sessions.server.js");
const ALICE = "sk-shared-alice-0123456789";
const BOB = "sk-shared-bob-0123456789";

/** One request as the proxy passed it on. */
interface Hop {
  instance: number;
  method: string;
  /** JSON-RPC methods of the body (`tools/call:<tool>`); `answer:<id>` for a response the client sent. */
  rpc: string[];
  lastEventId?: string;
  status?: number;
  open: boolean;
}

/**
 * A round-robin load balancer on loopback, as small as one can be: every request (POST, GET streams, DELETE) goes
 * to the next live instance; an instance that refuses connections is taken out, and the request goes to the next.
 * `x-test-source` picks the source address of the upstream connection, so one test can act as several clients.
 */
class RoundRobinProxy {
  readonly hops: Hop[] = [];
  private readonly alive: boolean[];
  private next = 0;
  private server?: http.Server;

  constructor(private readonly ports: number[]) {
    this.alive = ports.map(() => true);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.forward(req, Buffer.concat(chunks), res, 0));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
  }

  perInstance(hops = this.hops): number[] {
    return this.ports.map((_p, i) => hops.filter((h) => h.instance === i).length);
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private pick(): number {
    for (let k = 0; k < this.ports.length; k++) {
      const i = this.next++ % this.ports.length;
      if (this.alive[i]) return i;
    }
    throw new Error("no live instance");
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, attempt: number): void {
    const instance = this.pick();
    const hop: Hop = { instance, method: req.method!, rpc: rpcOf(body), lastEventId: req.headers["last-event-id"] as string | undefined, open: true };
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: `127.0.0.1:${this.ports[instance]}` };
    const source = headers["x-test-source"] as string | undefined;
    delete headers["x-test-source"];
    // Recorded as it goes upstream, not when answered: a client's answer to a sampling request can be applied,
    // and the call it unblocks answered, before the instance that took it has answered its POST.
    this.hops.push(hop);
    const up = http.request({ host: "127.0.0.1", port: this.ports[instance], method: req.method, path: req.url, headers, localAddress: source, agent: false }, (upRes) => {
      hop.status = upRes.statusCode;
      res.writeHead(upRes.statusCode!, upRes.headers);
      upRes.pipe(res);
      // An instance that dies mid-stream cuts the client's stream too, as a real balancer does.
      upRes.on("close", () => {
        hop.open = false;
        if (!upRes.complete) res.destroy();
      });
    });
    up.on("error", (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      this.hops.splice(this.hops.indexOf(hop), 1);
      if (err.code === "ECONNREFUSED") this.alive[instance] = false;
      if (attempt + 1 < this.ports.length) this.forward(req, body, res, attempt + 1);
      else res.destroy();
    });
    res.on("close", () => up.destroy());
    up.end(body);
  }
}

function rpcOf(body: Buffer): string[] {
  if (!body.length) return [];
  try {
    const parsed = JSON.parse(body.toString("utf8"));
    return (Array.isArray(parsed) ? parsed : [parsed]).map((m: { method?: string; id?: unknown; params?: { name?: string } }) =>
      m.method === "tools/call" ? `tools/call:${m.params?.name}` : (m.method ?? `answer:${String(m.id)}`),
    );
  } catch {
    return ["(unparsed)"];
  }
}

describeWithRedis("sessions shared by three instances through Redis (no sticky routing)", () => {
  let redis: RedisProcess;
  let instances: RunningServer[];
  let proxy: RoundRobinProxy;
  let proxyUrl: string;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const updates: string[] = [];
  let listChanges = 0;

  before(async function () {
    this.timeout(60_000);
    redis = await startRedis();
    instances = await Promise.all([0, 1, 2].map((i) => startHttpExample(SCRIPT, { REDIS_URL: redis.url, INSTANCE: String(i) })));
    proxy = new RoundRobinProxy(instances.map((s) => Number(new URL(s.url).port)));
    proxyUrl = await proxy.start();
    client = new Client({ name: "multi", version: "1" }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: "assistant", content: { type: "text", text: "teal" }, model: "fixture" }));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanges++);
    transport = new StreamableHTTPClientTransport(new URL(proxyUrl), {
      requestInit: { headers: { "x-api-key": ALICE } },
      reconnectionOptions: { initialReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 1.5, maxRetries: 20 },
    });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close().catch(() => undefined);
    await proxy?.close();
    await Promise.all((instances ?? []).map((s) => s.stop()));
    await redis?.stop();
  });

  const standaloneGets = () => proxy.hops.filter((h) => h.method === "GET" && h.status === 200 && h.open);

  it("serves one session's calls from all three instances, as one session of one principal", async () => {
    const from = proxy.hops.length;
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push((await client.callTool({ name: "whoami", arguments: {} })).structuredContent as { instance: string; subject: string; session: string });
    assert.deepEqual([...new Set(seen.map((s) => s.instance))].sort(), ["0", "1", "2"]);
    assert.deepEqual([...new Set(seen.map((s) => s.subject))], ["apikey:alice"]);
    assert.deepEqual([...new Set(seen.map((s) => s.session))], [transport.sessionId]);
    assert.ok(proxy.perInstance(proxy.hops.slice(from)).every((n) => n >= 2), `requests per instance: ${proxy.perInstance()}`);
  });

  it("delivers progress notifications of a call to the client", async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: "count", arguments: {} }, undefined, { onprogress: (p) => void progress.push(p.progress) });
    assert.deepEqual(progress, [1, 2, 3]);
    assert.ok((result.structuredContent as { instance: string }).instance);
  });

  it("delivers a resource update triggered on another instance than the one that took the subscription", async () => {
    await waitFor("the standalone GET stream", () => standaloneGets().length === 1);
    await client.subscribeResource({ uri: "config://app" });
    const subscribedAt = proxy.hops.findLast((h) => h.rpc.includes("resources/subscribe"))!.instance;
    await client.callTool({ name: "touch", arguments: { uri: "config://app" } });
    const touchedAt = proxy.hops.findLast((h) => h.rpc.includes("tools/call:touch"))!.instance;
    assert.notEqual(touchedAt, subscribedAt);
    await waitFor("the resources/updated notification", () => updates.length === 1);
    assert.deepEqual(updates, ["config://app"]);
  });

  it("delivers a list change announced on one instance through the standalone stream another instance holds", async () => {
    const holder = standaloneGets().at(-1)!.instance;
    let flipped: { instance: string; reached: number } | undefined;
    for (let i = 0; i < 3 && (!flipped || flipped.instance === String(holder)); i++)
      flipped = (await client.callTool({ name: "flip", arguments: {} })).structuredContent as { instance: string; reached: number };
    assert.notEqual(flipped!.instance, String(holder));
    assert.equal(flipped!.reached, 3, "all three instances heard it");
    await waitFor("the tools/list_changed notification", () => listChanges >= 1);
    assert.ok(listChanges <= 3, `one notification per flip at most, got ${listChanges}`);
  });

  it("forwards the client's answer to a sampling request to the instance whose tool awaits it", async () => {
    const result = await client.callTool({ name: "ask", arguments: {} });
    const asked = proxy.hops.findLast((h) => h.rpc.includes("tools/call:ask"))!;
    const answered = proxy.hops.findLast((h) => h.rpc.some((r) => r.startsWith("answer:")))!;
    assert.notEqual(answered.instance, asked.instance, "the answer reached another instance than the waiting tool");
    assert.deepEqual(result.structuredContent, { instance: String((result.structuredContent as { instance: string }).instance), answer: "teal" });
    assert.equal((result.structuredContent as { instance: string }).instance, String(asked.instance));
  });

  it("resumes a POST's SSE stream at another instance while the call still runs on the first", async () => {
    const resumes = () => proxy.hops.filter((h) => h.method === "GET" && h.lastEventId && h.status === 200);
    const resumesBefore = resumes().length;
    const progress: string[] = [];
    const pending = client.callTool({ name: "resumable", arguments: { id: "r1" } }, undefined, { onprogress: (p) => void progress.push(p.message ?? "") });
    const resumed = await waitFor("the client to resume the closed stream", () => resumes()[resumesBefore]);
    const ran = proxy.hops.findLast((h) => h.rpc.includes("tools/call:resumable"))!;
    const released = await client.callTool({ name: "release", arguments: { id: "r1" } });
    assert.ok((released.structuredContent as { receivers: number }).receivers >= 3);
    const result = (await pending).structuredContent as { instance: string; closed: boolean };
    assert.equal(result.closed, true, "the call really closed its stream");
    assert.deepEqual(progress, ["before", "after"]);
    assert.equal(result.instance, String(ran.instance));
    assert.notEqual(resumed.instance, ran.instance, "the stream was carried on by another instance than the one running the call");
  });

  it("aborts a call's signal when its cancellation reaches another instance than the one running it", async () => {
    const events: string[] = [];
    const r = new Redis(redis.url);
    try {
      r.on("message", (_c: string, m: string) => void events.push(m));
      await r.subscribe("fixture:events");
      const abort = new AbortController();
      const call = client.callTool({ name: "hold", arguments: { id: "c1" } }, undefined, { signal: abort.signal });
      const started = await waitFor("the call to start", () => events.find((e) => e.startsWith("started:c1:")));
      abort.abort("changed my mind");
      await assert.rejects(call);
      const aborted = await waitFor("its signal to abort", () => events.find((e) => e.startsWith("aborted:c1:")));
      const ranAt = started.split(":")[2];
      assert.equal(aborted.split(":")[2], ranAt);
      const cancelHop = await waitFor("the cancellation hop", () => proxy.hops.findLast((h) => h.rpc.includes("notifications/cancelled")));
      assert.notEqual(String(cancelHop.instance), ranAt, "the cancellation went to another instance");
    } finally {
      r.disconnect();
    }
  });

  it("shares failed-authentication counts: three failures on three instances block the fourth attempt", async () => {
    const from = proxy.hops.length;
    const post = (key: string) => rawPost(proxyUrl, INIT, { "x-api-key": key, "x-test-source": "127.0.0.7" });
    for (let i = 0; i < 3; i++) assert.equal((await post(`sk-wrong-${i}-0123456789`)).status, 401);
    assert.deepEqual([...new Set(proxy.hops.slice(from).map((h) => h.instance))].sort(), [0, 1, 2], "each failure reached another instance");
    const blocked = await post(ALICE);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.json.error.code, -32029);
  });

  it("keeps no subject or credential in clear in Redis, and lets sessions expire", async () => {
    const r = new Redis(redis.url);
    try {
      const key = `mcpcraft:session:${transport.sessionId}`;
      const hash = await r.hgetall(key);
      assert.match(hash.p, /^[0-9a-f]{64}$/);
      assert.ok(!JSON.stringify(hash).includes("alice") && !JSON.stringify(hash).includes(ALICE));
      assert.deepEqual(await r.smembers(`${key}:subs`), ["config://app"]);
      const ttl = await r.ttl(key);
      assert.ok(ttl > 0 && ttl <= 1800, `ttl ${ttl}`);
    } finally {
      r.disconnect();
    }
  });

  it("refuses the session to another principal on every instance, exactly as an unknown one (404)", async () => {
    for (const s of instances) {
      const other = await rawPost(s.url, { jsonrpc: "2.0", id: 9, method: "ping" }, { "x-api-key": BOB, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-11-25" });
      const unknown = await rawPost(s.url, { jsonrpc: "2.0", id: 9, method: "ping" }, { "x-api-key": BOB, "mcp-session-id": "00000000-0000-4000-8000-000000000000", "mcp-protocol-version": "2025-11-25" });
      assert.equal(other.status, 404);
      assert.deepEqual(other.json, unknown.json);
    }
  });

  it("loads a session an instance has never seen from Redis, and refuses it there to another principal (404)", async () => {
    const headers = (key: string, sid?: string): Record<string, string> => ({ "x-api-key": key, "mcp-protocol-version": "2025-11-25", ...(sid ? { "mcp-session-id": sid } : {}) });
    const opened = await rawPost(instances[0].url, INIT, headers(BOB));
    const sid = opened.headers.get("mcp-session-id")!;
    assert.equal(opened.status, 200);
    const ping = { jsonrpc: "2.0", id: 2, method: "ping" };
    const stranger = await rawPost(instances[1].url, ping, headers(ALICE, sid));
    assert.equal(stranger.status, 404, "a principal that does not match is refused on a first load");
    assert.equal((await rawPost(instances[1].url, ping, headers(BOB, sid))).status, 200);
    assert.equal((await rawPost(instances[2].url, ping, headers(BOB, sid))).status, 200);
    assert.equal((await rawPost(instances[1].url, ping, headers(ALICE, sid))).status, 404, "and on a cached one");
  });

  it("answers a second standalone GET with 409 on every instance while one is open, and serves one once it closed", async () => {
    const base = { "x-api-key": BOB, "mcp-protocol-version": "2025-11-25" };
    const opened = await rawPost(instances[0].url, INIT, base);
    const sid = opened.headers.get("mcp-session-id")!;
    const get = (at: RunningServer, signal?: AbortSignal) => fetch(at.url, { headers: { ...base, accept: "text/event-stream", "mcp-session-id": sid }, signal });
    const holding = new AbortController();
    const held = await get(instances[1], holding.signal);
    assert.equal(held.status, 200);
    for (const at of [instances[2], instances[0], instances[1]]) {
      const second = await get(at);
      assert.equal(second.status, 409, "one standalone stream per session, whichever instance is asked");
      assert.equal(((await second.json()) as { error: { code: number } }).error.code, -32000);
    }
    holding.abort();
    const next = await waitFor("another instance to carry the stream once the first closed", async () => {
      const r = await get(instances[2]);
      if (r.status === 200) return r;
      await r.body?.cancel();
      return undefined;
    });
    await next.body!.cancel();
  });

  it("goes on through the other two when an instance is killed mid-session (SIGKILL)", async function () {
    this.timeout(30_000);
    const holder = standaloneGets().at(-1)!.instance;
    const killed = instances[holder];
    await new Promise<void>((resolve) => {
      killed.child.once("exit", () => resolve());
      killed.child.kill("SIGKILL");
    });
    const hopsAtKill = proxy.hops.length;
    await waitFor("the client to reopen its standalone stream elsewhere", () =>
      proxy.hops.slice(hopsAtKill).some((h) => h.method === "GET" && h.status === 200 && h.open && h.instance !== holder),
    10_000);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(((await client.callTool({ name: "whoami", arguments: {} })).structuredContent as { instance: string }).instance);
    assert.deepEqual([...seen].sort(), ["0", "1", "2"].filter((i) => i !== String(holder)));
    const progress: number[] = [];
    await client.callTool({ name: "count", arguments: {} }, undefined, { onprogress: (p) => void progress.push(p.progress) });
    assert.deepEqual(progress, [1, 2, 3]);
    await client.callTool({ name: "touch", arguments: { uri: "config://app" } });
    await waitFor("the update through the new standalone stream", () => updates.length === 2);
    assert.ok(proxy.perInstance(proxy.hops.slice(hopsAtKill)).every((n, i) => (i === holder ? n === 0 : n > 0)));
  });

  it("ends the session everywhere on DELETE", async () => {
    const sid = transport.sessionId!;
    await transport.terminateSession();
    for (const s of instances.filter((x) => x.child.exitCode === null && x.child.signalCode === null)) {
      const after = await rawPost(s.url, { jsonrpc: "2.0", id: 10, method: "ping" }, { "x-api-key": ALICE, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" });
      assert.equal(after.status, 404);
    }
  });
});
