import assert from "node:assert/strict";
import http from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ApiKeyStrategy, createServer, silentLogger, tool, type CraftServer } from "../../src";
import { waitFor } from "../fixtures/oauth";
import { INIT } from "../fixtures/processes";

// Memory stays flat: what a request or an abandoned session leaves behind must be collectable. Heap is compared
// after a full GC (exposed here at run time, so `npm test` needs no node flag).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MB = 1024 * 1024;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const KEY = "sk-memory-0123456789abcdef";
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One POST on a kept-alive socket; resolves to status, headers and body. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": KEY, "content-length": Buffer.byteLength(text), ...headers },
    });
    req.on("response", (res) => {
      let out = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (out += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: out }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

function build(): CraftServer {
  const server = createServer({ name: "memory", logger: silentLogger, rateLimit: false, auth: new ApiKeyStrategy({ keys: [{ id: "k", key: KEY }] }) });
  server.add(tool({ name: "echo", description: "echo", input: { text: { type: "string" } }, run: async ({ text }) => text }));
  return server;
}

describe("memory stays flat", function () {
  this.timeout(120_000);
  after(() => agent.destroy());

  it("10,000 sequential stateless calls grow the heap by less than 8 MB", async () => {
    const server = build();
    const { url } = await server.listen({ port: 0, stateless: true });
    try {
      const call = (i: number) => post(url, { jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "echo", arguments: { text: `m${i}` } } });
      for (let i = 0; i < 500; i++) await call(i); // warm: JIT, caches, sockets
      const before = heapAfterGc();
      for (let i = 0; i < 10_000; i++) {
        const r = await call(i);
        if (r.status !== 200 || !r.text.includes(`"m${i}"`)) assert.fail(`call ${i}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      const growth = heapAfterGc() - before;
      assert.ok(growth < 8 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB over 10,000 calls`);
    } finally {
      await server.close();
    }
  });

  it("1,000 opened-and-abandoned sessions expire when idle and leave the heap within 8 MB of where it started", async () => {
    const server = build();
    const { url } = await server.listen({ port: 0, sessionIdleMs: 300 });
    try {
      const before = heapAfterGc();
      const ids: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const r = await post(url, INIT);
        assert.equal(r.status, 200, r.text);
        ids.push(String(r.headers["mcp-session-id"]));
      }
      const ping = (sid: string) => post(url, { jsonrpc: "2.0", id: 1, method: "ping" }, { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" });
      assert.equal((await ping(ids[999])).status, 200, "a fresh session answers");
      // The idle sweep closes them; an expired session is answered exactly as an unknown one. A probe that finds a
      // session alive renews it, so each probe asks about a newer-than-the-rest session never probed before: once
      // one of those is gone, every older one is too.
      let next = 998;
      await waitFor("the sessions to expire", async () => (await ping(ids[next--])).status === 404, 10_000, 100);
      assert.ok(next > 500, "most sessions were never touched again");
      for (const sid of [ids[0], ids[250], ids[next]]) assert.equal((await ping(sid)).status, 404);
      const growth = heapAfterGc() - before;
      assert.ok(growth < 8 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB after 1,000 abandoned sessions expired`);
    } finally {
      await server.close();
    }
  });

  it("the global session cap answers 503 with Retry-After once reached, and frees a place when a session ends", async () => {
    const server = build();
    const { url } = await server.listen({ port: 0, maxSessions: 20, maxSessionsPerPrincipal: 1000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(String((await post(url, INIT)).headers["mcp-session-id"]));
      const refused = await post(url, INIT);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.headers["retry-after"], "5");
      assert.equal(JSON.parse(refused.text).error.code, -32603);
      const end = await new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: "DELETE", agent, headers: { "x-api-key": KEY, "mcp-session-id": ids[0] } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
      assert.equal(end, 200);
      assert.equal((await post(url, INIT)).status, 200);
    } finally {
      await server.close();
    }
  });
});
