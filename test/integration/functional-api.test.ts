import assert from "node:assert/strict";
import { IsString } from "class-validator";
import { AuthenticationError, createServer, tool, ConfigurationError, silentLogger } from "../../src";
import { createTestClient } from "../../src/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CreateMessageRequestSchema, CreateMessageResultSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

function expectRpcError(err: unknown, code: number, pattern?: RegExp): true {
  assert.equal((err as { code?: number }).code, code, `expected JSON-RPC ${code}, got ${err}`);
  if (pattern) assert.match((err as Error).message, pattern);
  return true;
}

describe("functional API: createServer + tool()", () => {
  function build() {
    const server = createServer({
      name: "api-server",
      logger: silentLogger,
      authenticate: async (headers) => {
        if (headers["x-api-key"] !== "k-admin" && headers["x-api-key"] !== "k-user") throw new Error("Invalid API key");
        return { user: { id: headers["x-api-key"] === "k-admin" ? "ada" : "bob", roles: headers["x-api-key"] === "k-admin" ? ["admin"] : [] } };
      },
    });
    class NoteInput {
      @IsString()
      note!: string;
    }
    server.add(
      tool({ name: "text", description: "string → text", input: {}, run: async () => "hello" }),
      tool({ name: "object", description: "object → JSON + structured", input: {}, run: async () => ({ a: 1 }) }),
      tool({ name: "list", description: "array → JSON text", input: {}, run: async () => [1, 2] }),
      tool({ name: "raw", description: "CallToolResult → as is", input: {}, run: async () => ({ content: [{ type: "text", text: "raw" }] }) }),
      tool({ name: "boom", description: "throws", input: {}, run: async () => { throw new Error("database exploded"); } }),
      tool({ name: "whoami", description: "context", input: {}, run: async (_a, ctx) => ({ user: ctx.user, subject: ctx.auth?.subject, roles: ctx.auth?.roles }) }),
      tool({
        name: "delete_user",
        description: "Delete a user account",
        input: { userId: { type: "string", description: "User ID to delete" } },
        run: async ({ userId }, context) => {
          // The guide's per-tool sample, verbatim.
          if (!context.user?.roles?.includes("admin")) {
            throw new Error("Admin access required");
          }
          return `deleted ${userId}`;
        },
      }),
      tool({ name: "admin_only", description: "roles via tool()", input: {}, roles: ["admin"], run: async () => "ok" }),
      tool({ name: "dto", description: "DTO input", input: NoteInput, run: async (a: NoteInput) => `${a.constructor.name}:${a.note}` }),
      tool({
        name: "schema",
        description: "raw JSON Schema",
        input: { type: "object", properties: { n: { type: "integer", minimum: 1 } }, required: ["n"], additionalProperties: false },
        run: async ({ n }) => String(n * 2),
      }),
    );
    return server;
  }

  it("maps return values as DESIGN §1a says", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "k-user" } });
    try {
      assert.deepEqual((await t.callTool("text")).content, [{ type: "text", text: "hello" }]);
      const obj = await t.callTool("object");
      assert.deepEqual(obj.content, [{ type: "text", text: '{"a":1}' }]);
      assert.deepEqual(obj.structuredContent, { a: 1 });
      const list = await t.callTool("list");
      assert.deepEqual(list.content, [{ type: "text", text: "[1,2]" }]);
      assert.equal(list.structuredContent, undefined);
      assert.deepEqual((await t.callTool("raw")).content, [{ type: "text", text: "raw" }]);
    } finally {
      await t.close();
    }
  });

  it("a throwing tool gives isError with its message, no stack, and the server keeps serving", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "k-user" } });
    try {
      const r = await t.callTool("boom");
      assert.equal(r.isError, true);
      assert.deepEqual(r.content, [{ type: "text", text: "database exploded" }]);
      assert.doesNotMatch(JSON.stringify(r), /at .*\.js:\d+/);
      assert.equal((await t.callTool("text")).isError, undefined);
    } finally {
      await t.close();
    }
  });

  it("puts what authenticate() returned into the context (context.user) and derives context.auth from it", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "k-admin" } });
    try {
      const r = await t.callTool("whoami");
      assert.deepEqual(r.structuredContent, { user: { id: "ada", roles: ["admin"] }, subject: "ada", roles: ["admin"] });
    } finally {
      await t.close();
    }
  });

  it("the guide's per-tool sample works as written, and tool({ roles }) enforces the same rule", async () => {
    const user = await createTestClient(build(), { headers: { "x-api-key": "k-user" } });
    const admin = await createTestClient(build(), { headers: { "x-api-key": "k-admin" } });
    try {
      const denied = await user.callTool("delete_user", { userId: "42" });
      assert.equal(denied.isError, true);
      assert.deepEqual(denied.content, [{ type: "text", text: "Admin access required" }]);
      assert.deepEqual((await admin.callTool("delete_user", { userId: "42" })).content, [{ type: "text", text: "deleted 42" }]);
      await assert.rejects(user.callTool("admin_only"), (e) => expectRpcError(e, -32003, /Forbidden: requires role admin/));
      assert.ok(!(await user.listTools()).some((t) => t.name === "admin_only"), "hidden from tools/list");
      assert.ok((await admin.listTools()).some((t) => t.name === "admin_only"));
    } finally {
      await user.close();
      await admin.close();
    }
  });

  it("validates every call: bad input → isError naming each field; unknown tool → -32602", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "k-user" } });
    try {
      const bad = await t.callTool("delete_user", { userId: 7, surprise: true });
      assert.equal(bad.isError, true);
      const text = (bad.content[0] as { text: string }).text;
      assert.match(text, /userId/);
      assert.match(text, /surprise/);
      const missing = await t.callTool("delete_user", {});
      assert.match((missing.content[0] as { text: string }).text, /userId: is required/);
      assert.equal((await t.callTool("schema", { n: 0 })).isError, true);
      assert.deepEqual((await t.callTool("schema", { n: 4 })).content, [{ type: "text", text: "8" }]);
      assert.deepEqual((await t.callTool("dto", { note: "x" })).content, [{ type: "text", text: "NoteInput:x" }]);
      assert.equal((await t.callTool("dto", { note: 1 })).isError, true);
      await assert.rejects(t.callTool("no_such_tool"), (e) => expectRpcError(e, -32602, /Unknown tool/));
    } finally {
      await t.close();
    }
  });

  it("lists tools with their JSON Schemas", async () => {
    const t = await createTestClient(build(), { headers: { "x-api-key": "k-user" } });
    try {
      const tools = await t.listTools();
      const del = tools.find((x) => x.name === "delete_user")!;
      assert.equal(del.description, "Delete a user account");
      assert.deepEqual(del.inputSchema, {
        type: "object",
        properties: { userId: { type: "string", description: "User ID to delete" } },
        required: ["userId"],
        additionalProperties: false,
      });
    } finally {
      await t.close();
    }
  });

  it("an authenticate() that throws refuses the connection with its message", async () => {
    await assert.rejects(createTestClient(build(), { headers: { "x-api-key": "nope" } }), /Invalid API key/);
  });

  it("refuses misconfiguration at createServer/add time", () => {
    assert.throws(() => createServer({ name: "" }), ConfigurationError);
    const open = createServer({ name: "no-auth", logger: silentLogger });
    assert.throws(() => open.add(tool({ name: "x", description: "", roles: ["admin"], run: () => "" })), /has no authentication/);
    assert.throws(() => open.add(tool({ name: "bad name!", description: "", run: () => "" })), ConfigurationError);
    open.add(tool({ name: "dup", description: "", run: () => "" }));
    assert.throws(() => open.add(tool({ name: "dup", description: "", run: () => "" })), /duplicate/);
    assert.throws(() => open.add(tool({ name: "p", description: "", public: true, roles: ["a"], run: () => "" })), ConfigurationError);
  });

  it("lets a tool talk back to the client: progress, log notifications and sampling requests", async () => {
    const server = createServer({ name: "talkative", logger: silentLogger });
    server.add(
      tool({
        name: "ask_model",
        description: "samples the client's model",
        input: { question: { type: "string" } },
        run: async ({ question }, ctx) => {
          await ctx.progress(1, 2, "asking");
          await ctx.sendNotification({ method: "notifications/message", params: { level: "info", data: `asking: ${question}` } });
          const answer = await ctx.sendRequest(
            { method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text: question } }], maxTokens: 10 } },
            CreateMessageResultSchema,
          );
          await ctx.progress(2, 2, "done");
          return answer.content.type === "text" ? answer.content.text : "?";
        },
      }),
    );
    const client = new Client({ name: "c", version: "1" }, { capabilities: { sampling: {} } });
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
      role: "assistant",
      model: "test-model",
      content: { type: "text", text: `42 (${(req.params.messages[0].content as { text: string }).text})` },
    }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const handle = await server.connect(serverSide);
    await client.connect(clientSide);
    try {
      const progress: number[] = [];
      const r = await client.callTool({ name: "ask_model", arguments: { question: "meaning?" } }, undefined, { onprogress: (p) => progress.push(p.progress) });
      assert.deepEqual(r.content, [{ type: "text", text: "42 (meaning?)" }]);
      assert.deepEqual(progress, [1, 2]);
      assert.deepEqual(logs, ["asking: meaning?"]);
    } finally {
      await client.close();
      await handle.close();
    }
  });

  it("anonymous access works with a custom strategy that has no hasCredentials(): missing credentials → anonymous", async () => {
    const strategy = {
      name: "header",
      async authenticate(req: { headers: Record<string, string | undefined> }) {
        if (!req.headers["x-user"]) throw new AuthenticationError("missing_credentials");
        if (req.headers["x-user"] !== "alice") throw new AuthenticationError("invalid_credentials");
        return { subject: "alice", roles: [], scopes: [], claims: {}, strategy: "header" };
      },
    };
    const server = createServer({ name: "anon", logger: silentLogger, auth: { strategy, anonymous: true } });
    server.add(
      tool({ name: "status", description: "public", input: {}, public: true, run: () => "up" }),
      tool({ name: "whoami", description: "private", input: {}, run: (_a, ctx) => ctx.auth!.subject }),
    );
    const anon = await createTestClient(server);
    const alice = await createTestClient(server, { headers: { "x-user": "alice" } });
    try {
      assert.deepEqual((await anon.listTools()).map((t) => t.name), ["status"]);
      assert.deepEqual((await anon.callTool("status")).content, [{ type: "text", text: "up" }]);
      await assert.rejects(anon.callTool("whoami"), (e) => expectRpcError(e, -32003, /authentication required/));
      assert.deepEqual((await alice.callTool("whoami")).content, [{ type: "text", text: "alice" }]);
      await assert.rejects(createTestClient(server, { headers: { "x-user": "mallory" } }), /Invalid credentials/);
    } finally {
      await anon.close();
      await alice.close();
    }
  });

  it("ctx.clientLog honours the level the client set with logging/setLevel", async () => {
    const server = createServer({ name: "levels", logger: silentLogger });
    server.add(
      tool({
        name: "chatty",
        description: "logs at several levels",
        input: {},
        run: async (_a, ctx) => {
          for (const level of ["debug", "info", "warning", "error"] as const) await ctx.clientLog(level, `at ${level}`);
          return "ok";
        },
      }),
    );
    const t = await createTestClient(server);
    const seen: unknown[] = [];
    t.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      seen.push(n.params.data);
    });
    try {
      await t.callTool("chatty");
      assert.deepEqual(seen.splice(0), ["at debug", "at info", "at warning", "at error"]);
      await t.client.setLoggingLevel("warning");
      await t.callTool("chatty");
      assert.deepEqual(seen, ["at warning", "at error"]);
    } finally {
      await t.close();
    }
  });
});
