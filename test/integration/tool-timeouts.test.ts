import assert from "node:assert/strict";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { ConfigurationError, createServer, JsonRpcCode, Server, silentLogger, Tool, ToolTimeoutError, tool } from "../../src";
import { rpcErrorFor } from "../../src/errors";
import { waitFor } from "../fixtures/oauth";
import { DIST } from "../fixtures/processes";
import { buildDeadlinesServer, deadlinesOverHttp, fixtureEvents, startHolder } from "../fixtures/servers/deadlines.server";

const FIXTURE = path.join(DIST, "test", "fixtures", "servers", "deadlines.server.js");
const textOf = (r: any): string => r.content?.[0]?.text ?? "";

/** The call must fail with the documented -32031 naming the tool and its deadline. */
async function assertTimedOut(call: Promise<unknown>, toolName: string, ms: number): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof McpError, String(err));
    assert.equal(err.code, -32031);
    assert.match(err.message, new RegExp(`Tool ${toolName} timed out after ${ms} ms`));
    assert.deepEqual(err.data, { tool: toolName, timeoutMs: ms });
    return true;
  });
}

describe("tool timeouts: past its deadline a call answers -32031 and its signal aborts", () => {
  it("has one row in the error table: tool_timeout, JSON-RPC -32031, clear of the 2026 revision's codes", () => {
    const err = new ToolTimeoutError("report", 250);
    assert.equal(err.code, "tool_timeout");
    assert.equal(JsonRpcCode.ToolTimeout, -32031);
    assert.ok(![-32020, -32021, -32022, -32042].includes(JsonRpcCode.ToolTimeout));
    assert.deepEqual(rpcErrorFor(err), { code: -32031, message: "Tool report timed out after 250 ms", data: { tool: "report", timeoutMs: 250 } });
  });

  describe("over HTTP", () => {
    let close: () => Promise<void>;
    let client: Client;
    before(async () => ({ client, close } = await deadlinesOverHttp()));
    after(() => close());

    it("tool({ timeout }): the error is answered and the tool's signal aborted with a ToolTimeoutError", async () => {
      await assertTimedOut(client.callTool({ name: "timed", arguments: { tag: "http-timed" } }), "timed", 100);
      assert.ok(fixtureEvents().includes("http-timed aborted ToolTimeoutError: Tool timed timed out after 100 ms"), fixtureEvents().join("\n"));
    });

    it("a tool that ignores its signal is still answered at its deadline", async () => {
      await assertTimedOut(client.callTool({ name: "stubborn", arguments: { tag: "http-stubborn" } }), "stubborn", 100);
      // The connection keeps serving.
      assert.match(textOf(await client.callTool({ name: "events", arguments: {} })), /http-stubborn started/);
    });
  });

  it("over stdio (a real child process): the same -32031, and the tool saw its signal abort", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [FIXTURE, "--stdio"], env: { MCPCRAFT_LOG_LEVEL: "warn" }, stderr: "pipe" });
    const client = new Client({ name: "test", version: "1.0.0" });
    try {
      await client.connect(transport);
      await assertTimedOut(client.callTool({ name: "timed", arguments: { tag: "stdio-timed" } }), "timed", 100);
      assert.match(textOf(await client.callTool({ name: "events", arguments: {} })), /stdio-timed aborted ToolTimeoutError: Tool timed timed out after 100 ms/);
    } finally {
      await client.close();
    }
  });

  it("createServer({ timeouts: { toolMs } }) is the default of every tool without its own timeout (over stdio)", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [FIXTURE, "--stdio"],
      env: { MCPCRAFT_LOG_LEVEL: "warn", TOOL_TIMEOUT_MS: "150" },
      stderr: "pipe",
    });
    const client = new Client({ name: "test", version: "1.0.0" });
    try {
      await client.connect(transport);
      await assertTimedOut(client.callTool({ name: "wait_for_abort", arguments: { tag: "default" } }), "wait_for_abort", 150);
      // A tool's own timeout wins over the default.
      await assertTimedOut(client.callTool({ name: "timed", arguments: { tag: "own" } }), "timed", 100);
    } finally {
      await client.close();
    }
  });

  it("timeout: 0 exempts a tool from the server's default: it outlives a later call that hit the default", async () => {
    const holder = await startHolder();
    const held = holder.held;
    const server = buildDeadlinesServer({ toolMs: 100, holdUrl: holder.url });
    const { url } = await server.listen({ port: 0 });
    const client = new Client({ name: "test", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const untimed = client.callTool({ name: "hold", arguments: { tag: "exempt" } });
      await waitFor("the exempt call to reach the holder", () => held.length === 1);
      // Started later, under the 100 ms default: once it has timed out, the exempt call has run longer than that.
      await assertTimedOut(client.callTool({ name: "wait_for_abort", arguments: { tag: "defaulted" } }), "wait_for_abort", 100);
      held[0].end("still here");
      assert.equal(textOf(await untimed), "released: still here");
    } finally {
      await client.close();
      await server.close({ timeoutMs: 0 });
      await holder.close();
    }
  });

  it("a tool that finishes within the default deadline answers normally", async () => {
    const server = createServer({ name: "quick", logger: silentLogger, timeouts: { toolMs: 60_000 } });
    server.add(tool({ name: "quick", description: "Answers at once", run: () => "done" }));
    const { url } = await server.listen({ port: 0 });
    const client = new Client({ name: "test", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      assert.equal(textOf(await client.callTool({ name: "quick", arguments: {} })), "done");
    } finally {
      await client.close();
      await server.close({ timeoutMs: 0 });
    }
  });

  it("refuses a timeout that is not a number of milliseconds, at start-up", () => {
    for (const bad of [-1, Number.NaN, "5s", Infinity]) {
      assert.throws(() => createServer({ name: "x", timeouts: { toolMs: bad as number } }), ConfigurationError);
      assert.throws(() => createServer({ name: "x" }).add(tool({ name: "t", description: "t", timeout: bad as number, run: () => "" })), ConfigurationError);
    }
    @Server({ name: "bad-timeout" })
    class BadTimeout {
      @Tool({ description: "t", timeout: -5 })
      t() {
        return "";
      }
    }
    assert.throws(() => createServer(BadTimeout), /BadTimeout\.t: timeout must be a number of milliseconds/);
  });
});
