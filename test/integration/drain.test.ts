import assert from "node:assert/strict";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { waitFor } from "../fixtures/oauth";
import { DIST, INIT, httpClient, rawPost, startHttpExample, type RunningServer } from "../fixtures/processes";
import { buildDeadlinesServer, deadlinesOverHttp, fixtureEvents, startHolder } from "../fixtures/servers/deadlines.server";

const FIXTURE = path.join(DIST, "test", "fixtures", "servers", "deadlines.server.js");
const textOf = (r: any): string => r.content?.[0]?.text ?? "";

const exitOf = (run: RunningServer) =>
  new Promise<number | null>((resolve) => {
    if (run.child.exitCode !== null) resolve(run.child.exitCode);
    else run.child.once("exit", (code) => resolve(code));
  });

const CALL = { jsonrpc: "2.0", id: 99, method: "tools/call", params: { name: "events", arguments: {} } };

describe("graceful drain: close({ timeoutMs }) and SIGTERM", () => {
  let holder: Awaited<ReturnType<typeof startHolder>>;
  beforeEach(async () => (holder = await startHolder()));
  afterEach(() => holder.close());

  it("SIGTERM to a real server: new requests get 503 + Connection: close, the in-flight call completes, exit 0", async () => {
    const run = await startHttpExample(FIXTURE, { HOLD_URL: holder.url, DRAIN_TIMEOUT_MS: "15000" });
    const exited = exitOf(run);
    const client = await httpClient(run.url);
    client.onerror = () => undefined; // its GET stream ends with the server
    try {
      const call = client.callTool({ name: "hold", arguments: { tag: "drained" } });
      await waitFor("the call to reach the holder", () => holder.held.length === 1);
      run.child.kill("SIGTERM");
      await waitFor("the server to start draining", () => run.stderr().includes("SIGTERM, draining"));

      const refused = await rawPost(run.url, CALL);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("connection"), "close");
      assert.equal(refused.json.error.code, -32603);
      assert.equal(refused.json.error.message, "Server is shutting down");

      holder.held[0].end("ok");
      assert.equal(textOf(await call), "released: ok");
      assert.equal(await exited, 0, run.stderr());
      assert.ok(!run.stderr().includes("server.drain"), "nothing was cut");
    } finally {
      await client.close();
      await run.stop();
    }
  });

  it("a call still running at the deadline has its signal aborted, and the process still exits", async () => {
    const run = await startHttpExample(FIXTURE, { HOLD_URL: holder.url, DRAIN_TIMEOUT_MS: "200" });
    const exited = exitOf(run);
    const client = await httpClient(run.url);
    client.onerror = () => undefined;
    try {
      // Cut at the deadline, the call gets no answer; the SDK client then waits for its own request timeout.
      void client.callTool({ name: "hold", arguments: { tag: "cut" } }).catch(() => undefined);
      await waitFor("the call to reach the holder", () => holder.held.length === 1);
      const holdClosed = new Promise<boolean>((resolve) => holder.held[0].once("close", () => resolve(!holder.held[0].writableEnded)));
      run.child.kill("SIGTERM");
      // The tool's fetch carried ctx.signal: the holder sees it go away unanswered.
      assert.equal(await holdClosed, true, "the held request was aborted by the tool's signal");
      assert.equal(await exited, 0, run.stderr());
      assert.match(run.stderr(), /fixture: cut aborted/);
      assert.match(run.stderr(), /"event":"server.drain".*"aborted":1/);
    } finally {
      await client.close();
      await run.stop();
    }
  });

  it("while draining over HTTP, a POST carrying only a cancel still passes and aborts the in-flight call", async () => {
    const { server, url, transport, client } = await deadlinesOverHttp();
    try {
      const controller = new AbortController();
      const call = assert.rejects(client.callTool({ name: "wait_for_abort", arguments: { tag: "drain-cancel" } }, undefined, { signal: controller.signal }));
      await waitFor("the call to start", () => fixtureEvents().includes("drain-cancel started"));
      const closed = server.close({ timeoutMs: 15_000 });
      const refused = await rawPost(url, CALL, { "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-11-25" });
      assert.equal(refused.status, 503);
      controller.abort("stop");
      await call;
      await waitFor("the cancel to abort the call", () => fixtureEvents().includes("drain-cancel aborted stop"));
      // Nothing is in flight any more: the drain ends well before its deadline.
      await closed;
      assert.equal((await rawPost(url, INIT).catch(() => ({ status: 0 }))).status, 0, "the listener is closed");
    } finally {
      await client.close();
    }
  });

  it("over a message port (stdio, the test kit): new requests get -32603, the in-flight call finishes, then close resolves", async () => {
    const server = buildDeadlinesServer({ holdUrl: holder.url });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      const call = client.callTool({ name: "hold", arguments: { tag: "port" } });
      await waitFor("the call to reach the holder", () => holder.held.length === 1);
      let closed = false;
      const closing = server.close({ timeoutMs: 15_000 }).then(() => (closed = true));
      await assert.rejects(client.callTool({ name: "events", arguments: {} }), (err: unknown) => err instanceof McpError && err.code === -32603 && /shutting down/.test(err.message));
      assert.equal(closed, false, "still draining while the call runs");
      holder.held[0].end("done");
      assert.equal(textOf(await call), "released: done");
      await closing;
    } finally {
      await client.close();
    }
  });
});
