import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { ApiKeyStrategy, createServer, silentLogger, tool, type AuditEvent, type AuthStrategy, type CraftServer } from "../../src";
import { rawRequest } from "../fixtures/oauth";
import { DIST, INIT } from "../fixtures/processes";

// Issue 7 item 8: bounds found by probing — hooks that never settle, hooks that name nobody, arguments with
// 100,000 keys, malformed params, and batches under protocol versions that dropped them.
const KEY = "sk-edges-0123456789abcdef";
const auth = { "x-api-key": KEY };
const KEYED = path.join(DIST, "test", "fixtures", "servers", "keyed.server.js");
const never = () => new Promise<never>(() => {});

describe("hostile edges", () => {
  describe("authentication that never settles", () => {
    const events: AuditEvent[] = [];
    let hook: CraftServer;
    let strategy: CraftServer;
    let hookUrl: string;
    let strategyUrl: string;
    before(async () => {
      hook = createServer({
        name: "hangs",
        logger: silentLogger,
        onAudit: (e) => events.push(e),
        authenticationTimeoutMs: 200,
        authenticate: (headers) => (headers["x-api-key"] === KEY ? { user: { id: "u1" } } : never()),
      });
      hook.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
      ({ url: hookUrl } = await hook.listen({ port: 0, stateless: true }));
      const hanging: AuthStrategy = { name: "hanging", authenticate: never };
      strategy = createServer({ name: "hangs-too", logger: silentLogger, authenticationTimeoutMs: 200, auth: hanging });
      strategy.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
      ({ url: strategyUrl } = await strategy.listen({ port: 0, stateless: true }));
    });
    after(async () => {
      await hook.close();
      await strategy.close();
    });

    for (const [label, url] of [["an authenticate hook", () => hookUrl], ["a custom strategy", () => strategyUrl]] as const) {
      it(`${label} that never resolves answers 503 with Retry-After and -32034`, async () => {
        const res = await rawRequest(url(), { headers: { "x-api-key": "sk-stuck" } });
        assert.equal(res.status, 503, res.text);
        assert.ok(Number(res.headers["retry-after"]) >= 1, String(res.headers["retry-after"]));
        assert.equal(res.json.error.code, -32034);
        assert.equal(res.json.error.message, "Authentication timed out");
      });
    }

    it("is audited as an unavailable dependency, not counted as a failed login, and others are still served", async () => {
      assert.ok(events.some((e) => e.type === "auth.dependency_unavailable" && e.strategy === "custom"));
      assert.ok(!events.some((e) => e.type === "auth.failure"));
      const ok = await rawRequest(hookUrl, { headers: auth });
      assert.equal(ok.status, 200, ok.text);
    });
  });

  describe("a hook that returns nothing", () => {
    const build = async (requireSubject?: boolean) => {
      const server = createServer({
        name: "lenient",
        logger: silentLogger,
        ...(requireSubject === undefined ? {} : { requireSubject }),
        authenticate: (headers) => {
          if (headers["x-api-key"] !== KEY) throw new Error("Invalid API key");
          return headers["x-user"] ? { user: { id: headers["x-user"] } } : undefined;
        },
      });
      server.add(tool({ name: "whoami", description: "who", input: {}, run: (_a, ctx) => ctx.auth?.subject ?? "nobody" }));
      const { url } = await server.listen({ port: 0, stateless: true });
      return { server, url };
    };
    const whoami = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "whoami", arguments: {} } };

    it("admits the caller by default, as the guide's sample needs", async () => {
      const { server, url } = await build();
      try {
        const res = await rawRequest(url, { headers: auth, body: whoami });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json.result.content, [{ type: "text", text: "authenticated" }]);
      } finally {
        await server.close();
      }
    });

    it("with requireSubject: true, refuses it with 401 and serves a hook answer that names a subject", async () => {
      const { server, url } = await build(true);
      try {
        const res = await rawRequest(url, { headers: auth, body: whoami });
        assert.equal(res.status, 401, res.text);
        assert.equal(res.json.error.code, -32001);
        assert.match(String(res.headers["www-authenticate"]), /invalid_token/);
        const named = await rawRequest(url, { headers: { ...auth, "x-user": "alice" }, body: whoami });
        assert.equal(named.status, 200, named.text);
        assert.deepEqual(named.json.result.content, [{ type: "text", text: "alice" }]);
      } finally {
        await server.close();
      }
    });

    it("requireSubject without a hook is a configuration error", () => {
      assert.throws(() => createServer({ name: "x", requireSubject: true, auth: new ApiKeyStrategy({ keys: [KEY] }) }), /requireSubject applies to an authenticate\(\) hook/);
    });
  });

  describe("wide arguments", () => {
    let server: CraftServer;
    let url: string;
    before(async () => {
      server = createServer({ name: "wide", logger: silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [KEY] }) });
      server.add(tool({ name: "echo", description: "echo", input: { text: { type: "string" } }, run: ({ text }) => text }));
      ({ url } = await server.listen({ port: 0, stateless: true, maxBodyBytes: 4 * 1024 * 1024 }));
    });
    after(() => server.close());
    const callWith = (args: unknown) => ({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "echo", arguments: args } });

    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_v, i) => [`k${i}`, i]));

    it("refuses 100,000 argument keys before parsing them (400, small answer), and still answers another caller", async () => {
      const [wide, other] = await Promise.all([
        rawRequest(url, { headers: auth, body: callWith(keys(100_000)) }),
        rawRequest(url, { headers: auth, body: callWith({ text: "still here" }) }),
      ]);
      assert.equal(wide.status, 400, wide.text.slice(0, 200));
      assert.equal(wide.json.error.code, -32600);
      assert.equal(wide.json.error.message, "Invalid Request: an object has more than 10000 properties");
      assert.ok(wide.text.length < 1024, `answer of ${wide.text.length} bytes`);
      assert.deepEqual(other.json.result.content, [{ type: "text", text: "still here" }]);
    });

    // The message, its params and `objects` nested objects as the arguments: 2 + objects containers deep.
    const nested = (objects: number): unknown => (objects === 1 ? {} : { a: nested(objects - 1) });

    it("refuses a body nested deeper than 64 containers (400, -32600), and takes one exactly 64 deep to the tool", async () => {
      const deep = await rawRequest(url, { headers: auth, body: callWith(nested(63)) });
      assert.equal(deep.status, 400, deep.text.slice(0, 200));
      assert.equal(deep.json.error.code, -32600);
      assert.equal(deep.json.error.message, "Invalid Request: JSON nested too deeply");
      const edge = await rawRequest(url, { headers: auth, body: callWith(nested(62)) });
      assert.equal(edge.status, 200, edge.text.slice(0, 200));
      assert.equal(edge.json.result.isError, true);
    });

    it("serves a shallow body whose strings are full of brackets (they are counted, then the body is walked)", async () => {
      const text = "{[".repeat(500);
      const res = await rawRequest(url, { headers: auth, body: callWith({ text }) });
      assert.equal(res.status, 200, res.text.slice(0, 200));
      assert.deepEqual(res.json.result.content, [{ type: "text", text }]);
    });

    it("answers 5,000 argument keys with one small invalid-arguments result, before validating them", async () => {
      const res = await rawRequest(url, { headers: auth, body: callWith(keys(5_000)) });
      assert.equal(res.status, 200);
      assert.equal(res.json.result.isError, true);
      assert.equal(res.json.result.content[0].text, "Invalid arguments: an object in the input has more than 1000 properties");
      assert.ok(res.text.length < 1024, `answer of ${res.text.length} bytes`);
    });

    it("names at most 20 failing fields and counts the rest", async () => {
      const args = Object.fromEntries(Array.from({ length: 500 }, (_v, i) => [`extra${i}`, i]));
      const res = await rawRequest(url, { headers: auth, body: callWith({ text: "x", ...args }) });
      const text: string = res.json.result.content[0].text;
      assert.equal(res.json.result.isError, true);
      assert.equal((text.match(/is not allowed/g) ?? []).length, 20);
      assert.match(text, /; and 480 more$/);
    });
  });

  describe("JSON-RPC batches follow the negotiated protocol version", () => {
    let server: CraftServer;
    let stateless: string;
    let stateful: string;
    before(async () => {
      server = createServer({ name: "batches", logger: silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [KEY] }) });
      server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }));
      ({ url: stateless } = await server.listen({ port: 0, stateless: true }));
      ({ url: stateful } = await server.listen({ port: 0 }));
    });
    after(() => server.close());
    const batch = [
      { jsonrpc: "2.0", id: 11, method: "ping" },
      { jsonrpc: "2.0", id: 12, method: "tools/list" },
    ];
    const idsOf = (text: string): number[] =>
      text.startsWith("[")
        ? JSON.parse(text).map((a: { id: number }) => a.id)
        : [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]).id).filter((id: unknown) => typeof id === "number");

    it("stateless: refused under MCP-Protocol-Version 2025-06-18 and later, accepted under 2025-03-26 or with no header", async () => {
      for (const version of ["2025-06-18", "2025-11-25"]) {
        const res = await rawRequest(stateless, { headers: { ...auth, "mcp-protocol-version": version }, body: batch });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.json.error.code, -32600);
        assert.equal(res.json.error.message, `Invalid Request: batches are not supported by protocol version ${version}`);
      }
      for (const headers of [auth, { ...auth, "mcp-protocol-version": "2025-03-26" }]) {
        const res = await rawRequest(stateless, { headers, body: batch });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(idsOf(res.text).sort(), [11, 12]);
      }
    });

    it("stateful: refused in a session that negotiated 2025-11-25 (and for a batched initialize), accepted in a 2025-03-26 session", async () => {
      const open = async (protocolVersion: string) => {
        const init = await rawRequest(stateful, { headers: auth, body: { ...INIT, params: { ...INIT.params, protocolVersion } } });
        assert.equal(init.status, 200, init.text);
        return { ...auth, "mcp-session-id": String(init.headers["mcp-session-id"]), "mcp-protocol-version": protocolVersion };
      };
      const modern = await rawRequest(stateful, { headers: await open("2025-11-25"), body: batch });
      assert.equal(modern.status, 400, modern.text);
      assert.equal(modern.json.error.code, -32600);
      assert.match(modern.json.error.message, /batches are not supported by protocol version 2025-11-25/);
      const batchedInit = await rawRequest(stateful, { headers: auth, body: [INIT] });
      assert.equal(batchedInit.status, 400, batchedInit.text);
      assert.equal(batchedInit.headers["mcp-session-id"], undefined);
      const old = await rawRequest(stateful, { headers: await open("2025-03-26"), body: batch });
      assert.equal(old.status, 200, old.text);
      assert.deepEqual(idsOf(old.text).sort(), [11, 12]);
    });
  });

  it("stdio: malformed params answer -32602 with a clean message, and the server keeps serving", async () => {
    const child = spawn(process.execPath, [KEYED], { env: { PATH: process.env.PATH, API_KEY: "sk-fixture-good-0123456789" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    const answered = new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/"id":9\b/.test(stdout)) resolve();
      }),
    );
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + "\n");
    send(INIT);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: 42, arguments: "nope" } });
    send({ jsonrpc: "2.0", id: 8, method: "resources/read", params: { uri: { deep: [1, 2] } } });
    send({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "whoami", arguments: {} } });
    await answered;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
    const answers = stdout.trim().split("\n").map((l) => JSON.parse(l));
    const bad = answers.find((a) => a.id === 7);
    assert.equal(bad.error.code, -32602);
    assert.match(bad.error.message, /^Invalid params for tools\/call: params\.name: [^{}[\]\n]+; params\.arguments: [^{}[\]\n]+$/);
    assert.ok([-32601, -32602].includes(answers.find((a) => a.id === 8).error.code));
    assert.match(JSON.stringify(answers.find((a) => a.id === 9).result), /apikey:good/);
  });
});
