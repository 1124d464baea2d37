import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiKeyStrategy, createServer, silentLogger, tool, type CraftServer } from "../../src";
import { rawRequest, type RawResponse } from "../fixtures/oauth";
import { INIT } from "../fixtures/processes";

// Every row of the transport-refusal table in docs/getting-started.md, over real HTTP: the status and the
// JSON-RPC code come from the one error table in src/errors.ts.
const KEY = "sk-refusals-0123456789abcdef";
const auth = { "x-api-key": KEY };

function build(): CraftServer {
  const server = createServer({ name: "refusals", logger: silentLogger, auth: new ApiKeyStrategy({ keys: [{ id: "k", key: KEY }] }) });
  server.add(tool({ name: "echo", description: "echo", input: { text: { type: "string", description: "t" } }, run: async ({ text }) => text }));
  return server;
}

function refused(res: RawResponse, status: number, code: number, message?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.error?.code, code, res.text);
  if (message) assert.match(res.json.error.message, message);
  assert.ok(!/\bat .+\.js:\d+/.test(res.text), "no stack trace in the answer");
}

describe("Streamable HTTP transport refusals (one error table)", () => {
  let server: CraftServer;
  let url: string;
  let session: string;

  before(async () => {
    server = build();
    // No keep-alive comments: a GET stream must show its 200 by itself, not when the first comment flushes it.
    ({ url } = await server.listen({ port: 0, keepAliveMs: 0 }));
    const init = await rawRequest(url, { headers: auth, body: INIT });
    assert.equal(init.status, 200, init.text);
    session = String(init.headers["mcp-session-id"]);
  });
  after(() => server.close());

  const inSession = () => ({ ...auth, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" });
  const ping = { jsonrpc: "2.0", id: 5, method: "ping" };

  it("406 when a POST does not accept both JSON and SSE, or a GET does not accept SSE", async () => {
    refused(await rawRequest(url, { headers: { ...inSession(), accept: "application/json" }, body: ping }), 406, -32000, /Not Acceptable/);
    refused(await rawRequest(url, { method: "GET", headers: { ...inSession(), accept: "application/json" } }), 406, -32000);
  });

  it("415 when the body is not declared as JSON", async () => {
    refused(await rawRequest(url, { headers: { ...inSession(), "content-type": "text/plain" }, body: ping }), 415, -32000, /Unsupported Media Type/);
  });

  it("400 without a session id, and for initialize on an existing session or inside a batch", async () => {
    refused(await rawRequest(url, { headers: auth, body: ping }), 400, -32000, /No valid session ID/);
    refused(await rawRequest(url, { headers: inSession(), body: INIT }), 400, -32600, /already initialized/);
    refused(await rawRequest(url, { headers: auth, body: [INIT, ping] }), 400, -32600, /Only one initialization/);
  });

  it("400 for an unsupported MCP-Protocol-Version header", async () => {
    refused(await rawRequest(url, { headers: { ...inSession(), "mcp-protocol-version": "1999-01-01" }, body: ping }), 400, -32000, /Unsupported protocol version/);
  });

  it("404 for an unknown session, 409 for a second GET stream", async () => {
    refused(await rawRequest(url, { headers: { ...inSession(), "mcp-session-id": "no-such-session" }, body: ping }), 404, -32001, /Session not found/);
    const controller = new AbortController();
    const first = await fetch(url, { headers: { ...inSession(), accept: "text/event-stream" }, signal: controller.signal });
    try {
      assert.equal(first.status, 200);
      refused(await rawRequest(url, { method: "GET", headers: { ...inSession(), accept: "text/event-stream" } }), 409, -32000, /Only one SSE stream/);
    } finally {
      controller.abort();
    }
  });

  it("400 -32700 for JSON that is not JSON-RPC; -32601 for an unknown method; -32602 naming the bad params", async () => {
    refused(await rawRequest(url, { headers: inSession(), body: { hello: "world" } }), 400, -32700, /Invalid JSON-RPC message/);
    const unknown = await rawRequest(url, { headers: inSession(), body: { jsonrpc: "2.0", id: 6, method: "no/such" } });
    refused(unknown, 200, -32601, /Method not found/);
    assert.equal(unknown.json.id, 6);
    const bad = await rawRequest(url, { headers: inSession(), body: { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: 42 } } });
    refused(bad, 200, -32602, /^Invalid params for tools\/call: params\.name: /);
  });

  it("405 with Allow for other methods; 503 once the server is closing", async () => {
    const put = await rawRequest(url, { method: "PUT", headers: inSession() });
    refused(put, 405, -32600);
    assert.equal(put.headers.allow, "GET, POST, DELETE");
    // A handler mounted in an app outlives its server's close(): whoever still reaches it gets 503.
    const closing = build();
    const app = http.createServer(closing.handler());
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    try {
      await closing.close();
      const port = (app.address() as AddressInfo).port;
      refused(await rawRequest(`http://127.0.0.1:${port}/mcp`, { headers: auth, body: INIT }), 503, -32603, /shutting down/);
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });

  it("keeps serving the session after every refusal", async () => {
    const res = await rawRequest(url, { headers: inSession(), body: { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo", arguments: { text: "still here" } } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.result.content, [{ type: "text", text: "still here" }]);
  });
});
