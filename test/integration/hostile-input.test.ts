import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import fc from "fast-check";
import { ApiKeyStrategy, createServer, tool, type CraftServer, type Logger } from "../../src";
import { rawRequest } from "../fixtures/oauth";
import { DIST, INIT } from "../fixtures/processes";

// Random headers AND bodies, over HTTP (stateful and stateless) and stdio. A few hundred cases in `npm test`;
// FUZZ_RUNS=5000 npm test (or FC_RUNS) runs thousands. Any unhandled rejection fails the test that caused it
// (test/fixtures/unhandled-rejections.ts, loaded for every run).
const RUNS = Number(process.env.FUZZ_RUNS ?? process.env.FC_RUNS ?? 200);
const KEY = "sk-hostile-0123456789abcdef";
const STACK = /\n\s+at |node:internal|\.js:\d+:\d+/;
/** Every status the README and docs/getting-started.md document for a request the server refuses or answers. */
const DOCUMENTED = [200, 202, 400, 401, 403, 404, 405, 406, 409, 413, 415];
const KEYED = path.join(DIST, "test", "fixtures", "servers", "keyed.server.js");

function capturingLogger(lines: string[]): Logger {
  const put = (fields: Record<string, unknown>, msg?: string) => lines.push(JSON.stringify({ ...fields, msg }));
  return { debug: put, info: put, warn: put, error: put };
}

/** Header values a real client could send on the wire (Node refuses control characters before they leave). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_.:/=+;,\"'*()[]{}<>%@!~"), maxLength: 80 }),
  fc.constantFrom(KEY, `Bearer ${KEY}`, "Bearer", "Basic Zm9vOmJhcg==", "application/json", "text/event-stream", "application/json, text/event-stream", "2025-11-25", "1999-01-01", "http://evil.example", "null", "0", ""),
);
const headerName = fc.constantFrom(
  "x-api-key", "authorization", "accept", "content-type", "mcp-session-id", "mcp-protocol-version", "origin", "last-event-id",
  "x-forwarded-for", "forwarded", "cookie", "x-custom", "content-encoding", "transfer-encoding-x",
);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 6 });
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant("2.0"), fc.string({ maxLength: 5 })),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)),
    method: fc.constantFrom("tools/call", "tools/list", "initialize", "ping", "resources/read", "logging/setLevel", "notifications/cancelled", "nope", "__proto__"),
    params: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ name: fc.constantFrom("echo", "missing", "constructor"), arguments: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: [] })),
  },
  { requiredKeys: ["method"] },
);
const body = fc.oneof(message.map((m) => JSON.stringify(m)), fc.array(message, { maxLength: 3 }).map((b) => JSON.stringify(b)), fc.string({ maxLength: 120 }), fc.constantFrom("", "{}", "[]", "null", "\u0000"));
const verb = fc.constantFrom("POST", "POST", "POST", "GET", "DELETE", "PUT");

describe("hostile headers and bodies (fast-check)", function () {
  this.timeout(300_000);
  const logs: string[] = [];
  const servers: CraftServer[] = [];
  const urls: Record<string, string> = {};

  before(async () => {
    for (const stateless of [false, true]) {
      const server = createServer({ name: "hostile", logger: capturingLogger(logs), rateLimit: false, auth: new ApiKeyStrategy({ keys: [{ id: "k", key: KEY }] }) });
      server.add(tool({ name: "echo", description: "echo", input: { text: { type: "string" } }, run: async ({ text }) => text }));
      servers.push(server);
      // Short keep-alive comments would only add noise; GET streams are ended by the client side here.
      urls[stateless ? "stateless" : "stateful"] = (await server.listen({ port: 0, stateless, keepAliveMs: 0 })).url;
    }
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  for (const mode of ["stateful", "stateless"] as const) {
    it(`over HTTP (${mode}): every request gets a documented status, no stack, and the server keeps serving`, async () => {
      await fc.assert(
        fc.asyncProperty(verb, headers, body, async (method, given, text) => {
          // A GET that succeeds opens a stream that never ends by itself: bound every request.
          const r = await Promise.race([
            rawRequest(urls[mode], { method, headers: given, body: method === "POST" ? text : undefined }),
            new Promise<{ status: number; text: string; json: undefined }>((resolve) => setTimeout(() => resolve({ status: 200, text: "(stream left open)", json: undefined }), 2000).unref()),
          ]);
          assert.ok(r.status === 0 || DOCUMENTED.includes(r.status), `status ${r.status} for ${method} ${JSON.stringify(given)} ${text.slice(0, 80)}: ${r.text.slice(0, 200)}`);
          assert.doesNotMatch(r.text, STACK, "a stack trace in the answer");
          if (r.status >= 400) assert.equal(typeof (r.json as { error?: { code?: unknown } } | undefined)?.error?.code, "number", r.text.slice(0, 200));
        }),
        { numRuns: RUNS },
      );
      const ok = await rawRequest(urls[mode], { headers: { "x-api-key": KEY }, body: INIT });
      assert.equal(ok.status, 200, ok.text);
      for (const line of logs) {
        assert.ok(!line.includes(KEY), `the API key reached a log line: ${line.slice(0, 200)}`);
        assert.doesNotMatch(line, STACK, "a stack trace reached a log line");
      }
    });
  }

  it("over stdio: random lines on stdin leave stdout JSON-RPC only, and a valid request is still answered", async () => {
    const lines = fc.sample(fc.oneof(message.map((m) => JSON.stringify(m)), fc.string({ maxLength: 120 }).filter((s) => !s.includes("\n"))), RUNS);
    const child = spawn(process.execPath, [KEYED], { env: { PATH: process.env.PATH, API_KEY: "sk-fixture-good-0123456789" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    const answered = new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/"id":"sentinel"/.test(stdout)) resolve();
      }),
    );
    child.stdin.write(`${JSON.stringify(INIT)}\n`);
    for (const line of lines) child.stdin.write(`${line}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: "sentinel", method: "tools/call", params: { name: "whoami", arguments: {} } })}\n`);
    await answered;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
    for (const line of stdout.trim().split("\n")) assert.equal(JSON.parse(line).jsonrpc, "2.0", line.slice(0, 200));
    assert.match(stdout, /"id":"sentinel".*apikey:good|apikey:good.*"id":"sentinel"/);
    assert.doesNotMatch(stdout, STACK);
  });
});
