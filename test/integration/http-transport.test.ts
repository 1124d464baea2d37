import assert from "node:assert/strict";
import http from "node:http";
import { ApiKeyStrategy, createServer, IdentityProviderUnavailableError, tool, silentLogger, type AuditEvent, type CraftServer } from "../../src";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryEventStore } from "@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js";
import { httpClient, rawPost, INIT } from "../fixtures/processes";

const ALICE = "sk-alice-0123456789abcdef";
const BOB = "sk-bob-0123456789abcdef";

function build(events: AuditEvent[] = []): CraftServer {
  const server = createServer({
    name: "http-test",
    logger: silentLogger,
    onAudit: (e) => events.push(e),
    auth: new ApiKeyStrategy({ keys: [{ id: "alice", key: ALICE, subject: "alice" }, { id: "bob", key: BOB, subject: "bob" }] }),
  });
  server.add(
    tool({ name: "whoami", description: "caller", input: {}, run: async (_a, ctx) => ctx.auth?.subject ?? "nobody" }),
    tool({ name: "echo", description: "echo", input: { text: { type: "string" } }, run: async ({ text }) => text }),
  );
  return server;
}

describe("Streamable HTTP transport", () => {
  for (const stateless of [false, true]) {
    describe(stateless ? "stateless mode" : "stateful mode (sessions)", () => {
      let server: CraftServer;
      let url: string;
      before(async () => {
        server = build();
        ({ url } = await server.listen({ port: 0, stateless }));
      });
      after(() => server.close());

      it("serves the official SDK client and authenticates every request", async () => {
        const client = await httpClient(url, { "x-api-key": ALICE });
        try {
          for (let i = 0; i < 3; i++) {
            const r = await client.callTool({ name: "whoami", arguments: {} });
            assert.deepEqual(r.content, [{ type: "text", text: "alice" }]);
          }
        } finally {
          await client.close();
        }
      });

      it("two clients as different principals, concurrently, each see only themselves", async () => {
        const [a, b] = await Promise.all([httpClient(url, { "x-api-key": ALICE }), httpClient(url, { "x-api-key": BOB })]);
        try {
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) => ((i % 2 ? b : a).callTool({ name: "whoami", arguments: {} })).then((r) => [i % 2 ? "bob" : "alice", r.content] as const)),
          );
          for (const [who, content] of results) assert.deepEqual(content, [{ type: "text", text: who }]);
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      });
    });
  }

  describe("sessions are bound to the principal that opened them", () => {
    let server: CraftServer;
    let url: string;
    before(async () => {
      server = build();
      ({ url } = await server.listen({ port: 0 }));
    });
    after(() => server.close());

    it("another principal's request with that session id gets 404, exactly as an unknown session", async () => {
      const init = await rawPost(url, INIT, { "x-api-key": ALICE });
      assert.equal(init.status, 200);
      const sid = init.headers.get("mcp-session-id")!;
      assert.ok(sid);
      const call = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "whoami", arguments: {} } };
      const headers = (key: string, session = sid) => ({ "x-api-key": key, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" });
      const hijack = await rawPost(url, call, headers(BOB));
      const unknown = await rawPost(url, call, headers(BOB, "00000000-0000-0000-0000-000000000000"));
      assert.equal(hijack.status, 404);
      assert.equal(hijack.text, unknown.text);
      const own = await rawPost(url, call, headers(ALICE));
      assert.equal(own.status, 200);
      assert.match(own.text, /"text":"alice"/);
      // No credentials at all with a valid session id: sessions never stand in for authentication.
      assert.equal((await rawPost(url, call, { "mcp-session-id": sid })).status, 401);
    });

    it("caps sessions per principal: a new one closes that principal's least recently used, others are untouched", async () => {
      const capped = build();
      const { url: cappedUrl } = await capped.listen({ port: 0, maxSessionsPerPrincipal: 2 });
      try {
        const open = async (key: string) => (await rawPost(cappedUrl, INIT, { "x-api-key": key })).headers.get("mcp-session-id")!;
        const ping = async (key: string, sid: string) =>
          (await rawPost(cappedUrl, { jsonrpc: "2.0", id: 5, method: "ping" }, { "x-api-key": key, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" })).status;
        const bobs = await open(BOB);
        const [a1, a2] = [await open(ALICE), await open(ALICE)];
        assert.equal(await ping(ALICE, a1), 200);
        const a3 = await open(ALICE);
        assert.equal(await ping(ALICE, a2), 404, "the least recently used of alice's sessions was closed");
        assert.equal(await ping(ALICE, a1), 200);
        assert.equal(await ping(ALICE, a3), 200);
        assert.equal(await ping(BOB, bobs), 200, "another principal's session is untouched");
      } finally {
        await capped.close();
      }
    });

    it("answers 400 for a non-initialize request without a session", async () => {
      const r = await rawPost(url, { jsonrpc: "2.0", id: 3, method: "tools/list" }, { "x-api-key": ALICE });
      assert.equal(r.status, 400);
    });
  });

  describe("hostile and malformed requests", () => {
    let server: CraftServer;
    let url: string;
    const events: AuditEvent[] = [];
    before(async () => {
      server = build(events);
      ({ url } = await server.listen({ port: 0, stateless: true, maxBodyBytes: 64 * 1024 }));
    });
    after(() => server.close());

    it("refuses a foreign Host or Origin with 403 (DNS rebinding)", async () => {
      const port = new URL(url).port;
      const status = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": ALICE, ...headers } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          });
          req.on("error", reject);
          req.end(JSON.stringify(INIT));
        });
      assert.equal(await status({ host: "evil.example:" + port }), 403);
      assert.equal(await status({ host: `127.0.0.1:${port}`, origin: "http://evil.example" }), 403);
      assert.equal(await status({ host: `localhost:${port}`, origin: `http://localhost:${port}` }), 200);
    });

    it("answers malformed JSON with 400 / -32700 and oversized bodies with 413", async () => {
      const bad = await rawPost(url, "{\"jsonrpc\":", { "x-api-key": ALICE });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, -32700);
      const big = await rawPost(url, JSON.stringify({ ...INIT, pad: "x".repeat(70 * 1024) }), { "x-api-key": ALICE });
      assert.equal(big.status, 413);
      let deep = "1";
      for (let i = 0; i < 1000; i++) deep = `[${deep}]`;
      assert.equal((await rawPost(url, `{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":${deep}}}`, { "x-api-key": ALICE })).status, 400);
      assert.equal((await rawPost(url, "42", { "x-api-key": ALICE })).status, 400);
    });

    it("refuses two credentials, duplicate headers and credentials in the query string with 400 invalid_request", async () => {
      const both = await rawPost(url, INIT, { "x-api-key": ALICE, authorization: "Bearer x" });
      assert.equal(both.status, 400);
      assert.match(both.headers.get("www-authenticate") ?? "", /error="invalid_request"/);
      const q = await rawPost(`${url}?api_key=${ALICE}`, INIT, {});
      assert.equal(q.status, 400);
      // The array form of headers sends no Host of its own: give one, or Node itself answers 400 before the app runs.
      const dup = await new Promise<{ status: number; challenge?: string }>((resolve, reject) => {
        const u = new URL(url);
        const headers = [["host", u.host], ["content-type", "application/json"], ["accept", "application/json, text/event-stream"], ["x-api-key", ALICE], ["x-api-key", BOB]];
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: headers as unknown as http.OutgoingHttpHeaders }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, challenge: res.headers["www-authenticate"] });
        });
        req.on("error", reject);
        req.end(JSON.stringify(INIT));
      });
      assert.equal(dup.status, 400);
      assert.match(dup.challenge ?? "", /error="invalid_request", error_description="Multiple API key headers"/);
    });

    it("audits auth failures with reason and key id but never the credential", async () => {
      events.length = 0;
      await rawPost(url, INIT, { "x-api-key": "sk-guess-0123456789" });
      const failure = events.find((e) => e.type === "auth.failure");
      assert.ok(failure && failure.type === "auth.failure");
      assert.equal(failure.reason, "invalid_credentials");
      assert.equal(failure.strategy, "api-key");
      assert.ok(!JSON.stringify(events).includes("sk-guess"));
    });

    it("keeps serving after all of the above", async () => {
      const client = await httpClient(url, { "x-api-key": BOB });
      try {
        assert.deepEqual((await client.callTool({ name: "whoami", arguments: {} })).content, [{ type: "text", text: "bob" }]);
      } finally {
        await client.close();
      }
    });
  });

  describe("resumable SSE (SEP-1699) with an eventStore", () => {
    it("a tool closes its own stream mid-call, keeps working, and the official client gets the result on its resumed stream", async () => {
      // The store tells us when the client has come back with Last-Event-ID, so the tool answers on the resumed
      // stream (the polling pattern of SEP-1699) without any timing assumption.
      const store = new InMemoryEventStore();
      let resumed!: () => void;
      const clientResumed = new Promise<void>((r) => (resumed = r));
      const replay = store.replayEventsAfter.bind(store);
      store.replayEventsAfter = async (...args: Parameters<typeof replay>) => {
        const streamId = await replay(...args);
        resumed();
        return streamId;
      };
      const server = createServer({ name: "resume", logger: silentLogger });
      let closedStreams = 0;
      server.add(
        tool({
          name: "slow",
          description: "closes its stream, then answers once the client is back",
          input: {},
          run: async (_a, ctx) => {
            if (ctx.closeSSEStream) {
              closedStreams++;
              ctx.closeSSEStream();
            }
            await clientResumed;
            return "done";
          },
        }),
      );
      const { url } = await server.listen({ port: 0, eventStore: store, retryInterval: 50 });
      const client = new Client({ name: "resume", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          reconnectionOptions: { initialReconnectionDelay: 50, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1.5, maxRetries: 10 },
        }),
      );
      try {
        assert.deepEqual((await client.callTool({ name: "slow", arguments: {} })).content, [{ type: "text", text: "done" }]);
        assert.equal(closedStreams, 1, "the stream was really closed mid-call");
      } finally {
        await client.close();
        await server.close();
      }
    });
  });

  describe("a functional authenticate() hook", () => {
    it("keeps framework errors' meaning: an identity-provider outage is 503 + Retry-After, never 401 or a pass", async () => {
      const server = createServer({
        name: "hook",
        logger: silentLogger,
        rateLimit: false,
        resourceMetadata: { resource: "http://127.0.0.1/mcp", authorization_servers: ["http://127.0.0.1:9"] },
        authenticate: async (headers) => {
          if (headers.authorization === "Bearer idp-down") throw new IdentityProviderUnavailableError(7);
          if (headers.authorization !== "Bearer ok") throw new Error("Invalid token");
          return { user: { id: "u" } };
        },
      });
      server.add(tool({ name: "whoami", description: "caller", input: {}, run: async (_a, ctx) => ctx.auth?.subject ?? "" }));
      const { url } = await server.listen({ port: 0 });
      try {
        const down = await rawPost(url, INIT, { authorization: "Bearer idp-down" });
        assert.equal(down.status, 503);
        assert.equal(down.headers.get("retry-after"), "7");
        const bad = await rawPost(url, INIT, { authorization: "Bearer nope" });
        assert.equal(bad.status, 401);
        assert.match(bad.headers.get("www-authenticate") ?? "", /error_description="Invalid token", resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource\/mcp"/);
        const meta = await fetch(url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"));
        assert.equal(meta.status, 200);
        assert.deepEqual(((await meta.json()) as { authorization_servers: string[] }).authorization_servers, ["http://127.0.0.1:9"]);
        assert.equal((await rawPost(url, INIT, { authorization: "Bearer ok" })).status, 200);
      } finally {
        await server.close();
      }
    });
  });

  describe("server.handler() mounted in an existing node:http app", () => {
    it("serves MCP on its path and passes other paths to next()", async () => {
      const server = build();
      const mcp = server.handler();
      const app = http.createServer((req, res) =>
        mcp(req, res, () => {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("app route");
        }),
      );
      await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
      const port = (app.address() as { port: number }).port;
      try {
        const client = await httpClient(`http://127.0.0.1:${port}/mcp`, { "x-api-key": ALICE });
        assert.deepEqual((await client.callTool({ name: "echo", arguments: { text: "mounted" } })).content, [{ type: "text", text: "mounted" }]);
        await client.close();
        assert.equal(await (await fetch(`http://127.0.0.1:${port}/health`)).text(), "app route");
      } finally {
        await server.close();
        app.closeAllConnections();
        await new Promise((r) => app.close(r));
      }
    });
  });
});
