import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiKeyStrategy, createServer, tool, type CraftServer, type Logger } from "../../src";
import { rawPost, INIT } from "../fixtures/processes";

const KEY = "sk-fuzz-0123456789abcdef";
const STACK = /\n\s+at |node:internal|\.js:\d+:\d+/;

/** Every log line, so the test can prove no credential and no stack reached the log either. */
function capturingLogger(lines: string[]): Logger {
  const put = (fields: Record<string, unknown>, msg?: string) => lines.push(JSON.stringify({ ...fields, msg }));
  return { debug: put, info: put, warn: put, error: put };
}

describe("hostile JSON-RPC bodies over HTTP (fast-check)", function () {
  this.timeout(120_000);
  let server: CraftServer;
  let url: string;
  const logs: string[] = [];
  before(async () => {
    server = createServer({ name: "fuzz", logger: capturingLogger(logs), rateLimit: false, auth: new ApiKeyStrategy({ keys: [KEY] }) });
    server.add(
      tool({ name: "echo", description: "echo", input: { text: { type: "string" } }, run: async ({ text }) => text }),
      tool({ name: "sum", description: "sum", input: { a: { type: "number" }, b: { type: "number" } }, run: async ({ a, b }) => String(a + b) }),
    );
    ({ url } = await server.listen({ port: 0, stateless: true }));
  });
  after(() => server.close());

  const method = fc.constantFrom("tools/call", "tools/list", "initialize", "resources/read", "prompts/get", "ping", "nope", "", "__proto__");
  const params = fc.oneof(
    fc.jsonValue(),
    fc.record({ name: fc.oneof(fc.constantFrom("echo", "sum", "missing", "__proto__", "constructor"), fc.string(), fc.integer()), arguments: fc.jsonValue() }, { requiredKeys: [] }),
  );
  const message = fc.record({ jsonrpc: fc.oneof(fc.constant("2.0"), fc.string()), id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), method, params }, { requiredKeys: ["method"] });
  const body = fc.oneof(
    message.map((m) => JSON.stringify(m)),
    fc.array(message, { maxLength: 5 }).map((b) => JSON.stringify(b)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":{"__proto__":{"x":1}}}}}', "\u0000", "[]", "{}", "null", '{"__proto__":{"polluted":true}}'),
  );

  it("answers every body with a documented status, a JSON-RPC error without a stack, and keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const r = await rawPost(url, text, { "x-api-key": KEY });
        assert.ok([200, 202, 400, 404, 405, 413].includes(r.status), `status ${r.status} for ${text.slice(0, 120)}: ${r.text.slice(0, 200)}`);
        assert.doesNotMatch(r.text, STACK, `stack trace in the answer to ${text.slice(0, 120)}`);
        if (r.status >= 400) assert.equal(typeof r.json?.error?.code, "number", r.text.slice(0, 200));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype is untouched");
    const ok = await rawPost(url, { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "sum", arguments: { a: 2, b: 3 } } }, { "x-api-key": KEY });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /"text":"5"/);
    assert.equal((await rawPost(url, INIT, { "x-api-key": KEY })).status, 200);
    for (const line of logs) {
      assert.ok(!line.includes(KEY), "the API key reached a log line");
      assert.doesNotMatch(line, STACK, "a stack trace reached a log line");
    }
  });
});
