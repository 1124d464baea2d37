// MCP revision 2026-07-28 beside 2025-11-25: the official v2 client (pinned to 2026-07-28, and in auto mode) and
// the 1.x client call one server, over real HTTP (stateful and stateless configurations) and a real stdio child.
import assert from "node:assert/strict";
import path from "node:path";
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { JsonRpcCode, tool, type CraftServer } from "../../src";
import { TestIdentityProvider } from "../../src/testing";
import { buildStepUpServer } from "../fixtures/servers/step-up.server";
import { ERA_KEYS } from "../fixtures/servers/two-eras.server";
import { waitFor } from "../fixtures/oauth";
import { DIST, rawPost, startHttpExample, type RunningServer } from "../fixtures/processes";

const SCRIPT = path.join(DIST, "test", "fixtures", "servers", "two-eras.server.js");
const MODERN = "2026-07-28";
type Mode = "auto" | { pin: string };

/** A v2 client with form elicitation and sampling, answering as a user who likes teal. */
function v2Client(mode: Mode): ClientV2 {
  const client = new ClientV2({ name: "v2", version: "2.4.0" }, { versionNegotiation: { mode }, capabilities: { elicitation: { form: {} }, sampling: {} } });
  client.setRequestHandler("elicitation/create", async (req) => ({
    action: "accept" as const,
    content: ((req.params as { message: string }).message.startsWith("Sure") ? { sure: true } : { color: "teal" }) as Record<string, string | boolean>,
  }));
  client.setRequestHandler("sampling/createMessage", async () => ({ model: "fixture", role: "assistant", content: { type: "text", text: "a summary" } }));
  return client;
}

async function overHttp(url: string, key: string, mode: Mode, headers: Record<string, string> = { "x-api-key": key }): Promise<ClientV2> {
  const client = v2Client(mode);
  await client.connect(new HttpV2(new URL(url), { requestInit: { headers } }));
  return client;
}

const textOf = (r: { content?: unknown }) => (r.content as { type: string; text: string }[])[0]?.text;

/** Every message the client's transport receives from now on (notifications and the results of its requests). */
function watch(client: ClientV2): { method?: string; params?: unknown }[] {
  const seen: { method?: string; params?: unknown }[] = [];
  const transport = client.transport as { onmessage?: (m: { method?: string; params?: unknown }, extra?: unknown) => void };
  const inner = transport.onmessage!;
  transport.onmessage = (m, extra) => {
    seen.push(m);
    inner(m, extra);
  };
  return seen;
}

/** What every era-2026 connection must do, whatever carries it. */
function behavesAsOneServer(connect: (key: string, mode: Mode) => Promise<ClientV2>, viaStdio = false) {
  for (const mode of [{ pin: MODERN }, "auto"] as Mode[]) {
    describe(`v2 client, ${typeof mode === "string" ? "auto" : `pinned to ${MODERN}`}`, () => {
      let alice: ClientV2;
      let bob: ClientV2;
      before(async () => {
        alice = await connect(ERA_KEYS.alice, mode);
        bob = await connect(ERA_KEYS.bob, mode);
      });
      after(async () => {
        await alice?.close();
        await bob?.close();
      });

      it("lands on the 2026 era, with the server's identity", () => {
        assert.equal(alice.getProtocolEra(), "modern");
        assert.equal(alice.getNegotiatedProtocolVersion(), MODERN);
      });

      it("lists and calls tools as the key's owner, and hides what the caller may not call", async () => {
        assert.deepEqual((await alice.listTools()).tools.map((t) => t.name).sort(), ["ask_color", "count", "flip", "hold", "purge", "summarize", "touch", "whoami"]);
        assert.deepEqual((await bob.listTools()).tools.map((t) => t.name).sort(), ["ask_color", "count", "flip", "hold", "summarize", "touch", "whoami"]);
        const me = await bob.callTool({ name: "whoami", arguments: {} });
        assert.deepEqual(me.structuredContent, { subject: "bob" });
        assert.equal(textOf(await alice.callTool({ name: "purge", arguments: {} })), "purged");
      });

      it("refuses a call the caller's roles do not allow with -32003", async () => {
        await assert.rejects(bob.callTool({ name: "purge", arguments: {} }), (err: { code?: number; message: string }) => err.code === JsonRpcCode.Forbidden && /requires role admin/.test(err.message));
      });

      it("reads resources and gets prompts", async () => {
        const read = await bob.readResource({ uri: "config://app" });
        assert.deepEqual(read.contents, [{ uri: "config://app", mimeType: "text/plain", text: "theme=dark" }]);
        assert.deepEqual((await bob.listPrompts()).prompts.map((p) => p.name), ["greet"]);
        assert.deepEqual((await bob.getPrompt({ name: "greet" })).messages, [{ role: "user", content: { type: "text", text: "Hello!" } }]);
      });

      it("elicits twice and samples through input_required rounds, with the same ctx.elicit and ctx.sample", async () => {
        const asked = await bob.callTool({ name: "ask_color", arguments: {} });
        assert.deepEqual(asked.structuredContent, { color: "teal", sure: true, actions: ["accept", "accept"] });
        assert.equal(textOf(await bob.callTool({ name: "summarize", arguments: {} })), "a summary");
      });

      it("carries change notifications on subscriptions/listen: what was asked, offered and readable, until closed", async () => {
        const updated: string[] = [];
        let listChanges = 0;
        bob.setNotificationHandler("notifications/resources/updated", async (n) => void updated.push(n.params.uri));
        bob.setNotificationHandler("notifications/tools/list_changed", async () => void listChanges++);
        const subscription = await bob.listen({ toolsListChanged: true, resourceSubscriptions: ["config://app", "secret://admin"] });
        assert.deepEqual(subscription.honoredFilter, { toolsListChanged: true, resourceSubscriptions: ["config://app"] }, "bob may not read secret://admin");
        // The caller's own calls: over stdio each client has its own server process.
        await bob.callTool({ name: "touch", arguments: {} });
        await bob.callTool({ name: "flip", arguments: {} });
        await waitFor("the update and the list change", () => updated.length === 1 && listChanges === 1);
        assert.deepEqual(updated, ["config://app"]);
        await subscription.close();
        assert.equal(await subscription.closed, "local");
      });

      it("sends the call's progress before its result, and no log the request did not ask for", async () => {
        const seen = watch(bob);
        const progress: number[] = [];
        const result = await bob.callTool({ name: "count", arguments: {} }, { onprogress: (p) => void progress.push(p.progress) });
        assert.equal(textOf(result), "counted");
        const methods = seen.map((m) => ("method" in m ? `${m.method}:${(m.params as { progress?: number }).progress ?? ""}` : "result"));
        assert.deepEqual(methods, ["notifications/progress:1", "notifications/progress:2", "notifications/progress:3", "result"]);
        // Over SSE the client hands each on before the result; over stdio the v2 client 2.4.0 may resolve the call
        // first (it decodes notifications asynchronously), so only what reached the wire is asserted there.
        if (!viaStdio) assert.deepEqual(progress, [1, 2, 3]);
      });
    });
  }
}

describe(`protocol ${MODERN} beside 2025-11-25 on one server`, function () {
  this.timeout(30_000);

  for (const stateless of [false, true]) {
    describe(`Streamable HTTP, ${stateless ? "stateless" : "stateful"} configuration`, () => {
      let server: RunningServer;
      before(async () => {
        server = await startHttpExample(SCRIPT, stateless ? { ERA_STATELESS: "1" } : {});
      });
      after(() => server?.stop());

      behavesAsOneServer((key, mode) => overHttp(server.url, key, mode));

      it("still serves the 1.x client on 2025-11-25, from the same tools", async () => {
        const client = new Client({ name: "v1", version: "1" });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { "x-api-key": ERA_KEYS.bob } } }));
        try {
          assert.equal(client.getServerVersion()?.name, "two-eras");
          assert.deepEqual((await client.callTool({ name: "whoami", arguments: {} })).structuredContent, { subject: "bob" });
        } finally {
          await client.close();
        }
      });

      it("answers 401 without a key, before the era is decided", async () => {
        const client = v2Client({ pin: MODERN });
        await assert.rejects(client.connect(new HttpV2(new URL(server.url))), (err: { code?: unknown; status?: number; message: string }) => /401|Unauthorized|Invalid API key|Missing/i.test(String(err.message) + String(err.status ?? "")));
      });

      it("refuses headers that disagree with the body (-32020, 400), an unknown version (-32022) and a 2025-only method", async () => {
        const envelope = (version: string) => ({ "io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": {} });
        const headers = (extra: Record<string, string> = {}) => ({ "x-api-key": ERA_KEYS.bob, "mcp-protocol-version": MODERN, ...extra });
        const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {}, _meta: envelope(MODERN) } };
        const named = { "mcp-method": "tools/call", "mcp-name": "whoami" };
        const wrongName = await rawPost(server.url, call, headers({ ...named, "mcp-name": "purge" }));
        assert.equal(wrongName.status, 400);
        assert.equal(wrongName.json.error.code, JsonRpcCode.HeaderMismatch);
        assert.equal(wrongName.json.id, 1, "the error answers the request's id");
        assert.equal((await rawPost(server.url, call, headers({ "mcp-method": "tools/list", "mcp-name": "whoami" }))).json.error.code, JsonRpcCode.HeaderMismatch);
        assert.equal((await rawPost(server.url, call, headers({ "mcp-method": "tools/call" }))).json.error.code, JsonRpcCode.HeaderMismatch, "Mcp-Name is required");
        assert.equal((await rawPost(server.url, call, headers({ "mcp-name": "whoami" }))).json.error.code, JsonRpcCode.HeaderMismatch, "Mcp-Method is required");
        assert.equal((await rawPost(server.url, call, headers({ ...named, "mcp-name": "  whoami  " }))).status, 200, "Mcp-Name is trimmed");
        const noEnvelope = await rawPost(server.url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, headers({ "mcp-method": "tools/list" }));
        assert.equal(noEnvelope.status, 400);
        assert.equal(noEnvelope.json.error.code, JsonRpcCode.InvalidParams);
        const versionMismatch = await rawPost(server.url, { ...call, params: { ...call.params, _meta: envelope("2099-01-01") } }, headers(named));
        assert.equal(versionMismatch.json.error.code, JsonRpcCode.HeaderMismatch);
        const future = await rawPost(server.url, { ...call, params: { ...call.params, _meta: envelope("v999.0.0") } }, headers({ ...named, "mcp-protocol-version": "v999.0.0" }));
        assert.equal(future.status, 400);
        assert.equal(future.json.error.code, JsonRpcCode.UnsupportedProtocolVersion);
        assert.deepEqual(future.json.error.data, { supported: [MODERN], requested: "v999.0.0" });
        const init = await rawPost(server.url, { jsonrpc: "2.0", id: 3, method: "initialize", params: { _meta: envelope(MODERN) } }, headers({ "mcp-method": "initialize" }));
        assert.equal(init.status, 404);
        assert.equal(init.json.error.code, JsonRpcCode.MethodNotFound);
        const ok = await rawPost(server.url, call, headers(named));
        assert.equal(ok.status, 200);
        assert.equal(ok.json.result.resultType, "complete");
        assert.deepEqual(ok.json.result._meta["io.modelcontextprotocol/serverInfo"], { name: "two-eras", version: "1.2.3" });
      });

      it("keeps 220 concurrent 2026-era calls of 24 principals apart", async () => {
        const users = Array.from({ length: 24 }, (_, i) => `user${i}`);
        const clients = await Promise.all(users.map((u) => overHttp(server.url, ERA_KEYS[u], { pin: MODERN })));
        try {
          const calls = Array.from({ length: 220 }, (_, n) => {
            const who = n % users.length;
            return clients[who].callTool({ name: "whoami", arguments: { tag: `${users[who]}-${n}` } }).then((r) => ({ who, r }));
          });
          for (const { who, r } of await Promise.all(calls)) {
            const seen = r.structuredContent as { subject: string; tag: string };
            assert.equal(seen.subject, users[who]);
            assert.ok(seen.tag.startsWith(`${users[who]}-`));
          }
        } finally {
          await Promise.all(clients.map((c) => c.close()));
        }
      });
    });
  }

  it("ends open listen streams gracefully when the server drains (SIGTERM), answering each listen request", async () => {
    const server = await startHttpExample(SCRIPT, {});
    const client = await overHttp(server.url, ERA_KEYS.bob, { pin: MODERN });
    try {
      const subscription = await client.listen({ toolsListChanged: true });
      await server.stop();
      assert.equal(await subscription.closed, "graceful");
      assert.equal(server.child.exitCode, 0);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  describe("OAuth step-up and cancellation on 2026-07-28 (in process, real HTTP)", () => {
    let idp: TestIdentityProvider;
    let docs: CraftServer;
    let url: string;
    const aborted: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    before(async () => {
      idp = await TestIdentityProvider.start();
      docs = buildStepUpServer(idp.issuer, idp.audience);
      docs.add(
        tool({
          name: "hold",
          description: "Runs until its caller goes away",
          input: {},
          run: async (_a, ctx) => {
            started();
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
            aborted.push(String(ctx.auth?.subject));
            return "never seen";
          },
        }),
      );
      url = (await docs.listen({ port: 0 })).url;
    });
    after(async () => {
      await docs?.close();
      await idp?.stop();
    });

    const bearer = (scope: string) => overHttp(url, "", { pin: MODERN }, { authorization: `Bearer ${idp.mint({ sub: "carol", scope })}` });

    it("answers a call missing a scope with the 403 insufficient_scope challenge, as on 2025", async () => {
      const client = await bearer("docs:read");
      try {
        assert.equal(textOf(await client.callTool({ name: "read_doc", arguments: {} })), "read by carol");
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${idp.mint({ sub: "carol", scope: "docs:read" })}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "edit_doc" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "edit_doc", arguments: {}, _meta: { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {} } } }),
        });
        assert.equal(res.status, 403);
        const challenge = res.headers.get("www-authenticate") ?? "";
        assert.match(challenge, /error="insufficient_scope"/);
        assert.match(challenge, /scope="docs:read docs:write"/);
        await assert.rejects(client.callTool({ name: "edit_doc", arguments: {} }));
      } finally {
        await client.close();
      }
    });

    it("aborts ctx.signal when the client cancels (it closes the request's stream)", async () => {
      const client = await bearer("docs:read");
      try {
        const cancel = new AbortController();
        const call = client.callTool({ name: "hold", arguments: {} }, { signal: cancel.signal });
        await running;
        cancel.abort("changed my mind");
        await assert.rejects(call);
        await waitFor("the tool's signal to abort", () => aborted.includes("carol"));
      } finally {
        await client.close();
      }
    });
  });

  describe("stdio (a real child process)", () => {
    behavesAsOneServer(async (key, mode) => {
      const client = v2Client(mode);
      await client.connect(new StdioV2({ command: process.execPath, args: [SCRIPT, "--stdio"], env: { PATH: process.env.PATH ?? "", API_KEY: key, MCPCRAFT_LOG_LEVEL: "warn" }, stderr: "pipe" }));
      return client;
    }, true);

    it("aborts ctx.signal when a pinned client cancels a call (notifications/cancelled on stdio)", async () => {
      const transport = new StdioV2({ command: process.execPath, args: [SCRIPT, "--stdio"], env: { PATH: process.env.PATH ?? "", API_KEY: ERA_KEYS.bob, MCPCRAFT_LOG_LEVEL: "warn" }, stderr: "pipe" });
      let stderr = "";
      transport.stderr?.on("data", (d: Buffer) => (stderr += d));
      const client = v2Client({ pin: MODERN });
      await client.connect(transport);
      try {
        const cancel = new AbortController();
        const call = client.callTool({ name: "hold", arguments: {} }, { signal: cancel.signal });
        await waitFor("the call to start", () => stderr.includes("held:bob"));
        cancel.abort("changed my mind");
        await assert.rejects(call);
        await waitFor("its signal to abort", () => stderr.includes("aborted:bob"));
      } finally {
        await client.close();
      }
    });
  });
});
