import assert from "node:assert/strict";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { example, httpClient, startHttpExample } from "../fixtures/processes";

const SERVER = example("client-requests/server.js");

describe("examples/client-requests: progress, client logs, sampling and elicitation", function () {
  this.timeout(60_000);

  it("client.ts drives every tool over stdio and prints what the client saw", async () => {
    const lines: string[] = [];
    const { main } = await import(example("client-requests/client.js"));
    await main((line: string) => lines.push(line));
    // Progress lines are left out: whether the SDK client shows them depends on read timing (see server.ts).
    assert.deepEqual(lines.filter((l) => !l.startsWith("progress ")), [
      "counted to 3",
      'log info: {"step":"start","lines":3}',
      'log warning: "1 blank line(s) skipped"',
      "imported 2 line(s)",
      "sampling asked: Summarise in one sentence:",
      "A short summary. (model: stand-in-model)",
      "elicitation asked: Delete note n-1? This cannot be undone.",
      "deleted note n-1: duplicate",
    ]);
  });

  it("count_to sends one notifications/progress per step, for the caller's token, before its answer (stdio)", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER, "--stdio"], env: { API_KEY: "sk-progress", MCPCRAFT_LOG_LEVEL: "warn" } });
    const client = new Client({ name: "progress", version: "1.0.0" });
    await client.connect(transport);
    // Recorded at the transport, in arrival order, so the SDK client's own handling cannot hide one.
    const seen: JSONRPCMessage[] = [];
    const deliver = transport.onmessage!;
    transport.onmessage = (m) => (seen.push(m), deliver(m));
    try {
      await client.callTool({ name: "count_to", arguments: { to: 3 } }, undefined, { onprogress: () => undefined });
      const progress = seen.flatMap((m) => ("method" in m && m.method === "notifications/progress" ? [m.params] : []));
      assert.deepEqual(progress.map((p) => [p!.progress, p!.total, p!.message]), [[1, 3, "counted 1"], [2, 3, "counted 2"], [3, 3, "counted 3"]]);
      assert.equal(new Set(progress.map((p) => p!.progressToken)).size, 1);
      assert.ok("result" in seen[seen.length - 1], "the answer comes after the progress notifications");
    } finally {
      await client.close();
    }
  });

  it("over stateful HTTP: sampling and elicitation reach the client and a declined elicitation keeps the note", async () => {
    const server = await startHttpExample(SERVER, { API_KEY: "sk-http" });
    try {
      const client = new Client({ name: "http", version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: {} } });
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: "assistant", model: "m", content: { type: "text", text: "Short." } }));
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
      const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { "x-api-key": "sk-http" } } }));
      const summary = await client.callTool({ name: "summarize", arguments: { text: "x" } });
      assert.deepEqual(summary.content, [{ type: "text", text: "Short. (model: m)" }]);
      const kept = await client.callTool({ name: "delete_note", arguments: { noteId: "n-2" } });
      assert.deepEqual(kept.content, [{ type: "text", text: "kept note n-2 (decline)" }]);
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("a client without the sampling capability gets a tool error, not a hang", async () => {
    const server = await startHttpExample(SERVER, { API_KEY: "sk-http" });
    try {
      const client = await httpClient(server.url, { "x-api-key": "sk-http" });
      const result = await client.callTool({ name: "summarize", arguments: { text: "x" } });
      assert.equal(result.isError, true);
      await client.close();
    } finally {
      await server.stop();
    }
  });
});
