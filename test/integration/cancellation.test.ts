import assert from "node:assert/strict";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { waitFor } from "../fixtures/oauth";
import { DIST, INIT } from "../fixtures/processes";
import { buildDeadlinesServer, deadlinesOverHttp, fixtureEvents } from "../fixtures/servers/deadlines.server";

const FIXTURE = path.join(DIST, "test", "fixtures", "servers", "deadlines.server.js");

/** Records what the client sends and receives, beneath the SDK `Client`. */
function watch(transport: Transport): { sent: JSONRPCMessage[]; received: JSONRPCMessage[] } {
  const seen = { sent: [] as JSONRPCMessage[], received: [] as JSONRPCMessage[] };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    seen.sent.push(message);
    return send(message, options);
  };
  const inner = transport.onmessage!;
  transport.onmessage = (message, extra) => {
    seen.received.push(message);
    inner(message, extra);
  };
  return seen;
}

const idOfCall = (sent: JSONRPCMessage[], tag: string) =>
  sent.find((m) => "method" in m && m.method === "tools/call" && (m.params as any)?.arguments?.tag === tag && "id" in m) as { id: string | number } | undefined;

/**
 * Cancels a `wait_for_abort` call through the SDK (`callTool(…, { signal })`), which sends `notifications/cancelled`;
 * `events()` reads what the tool saw. Asserts the tool's signal aborted and that no answer came for the request.
 */
async function cancelAndCheck(client: Client, seen: ReturnType<typeof watch>, tag: string, events: () => Promise<string>): Promise<void> {
  const controller = new AbortController();
  const call = client.callTool({ name: "wait_for_abort", arguments: { tag } }, undefined, { signal: controller.signal });
  const rejected = assert.rejects(call);
  await waitFor(`${tag} to start`, async () => (await events()).includes(`${tag} started`));
  controller.abort("user pressed stop");
  await rejected;
  const cancel = await waitFor("the cancel notification", () => seen.sent.find((m) => "method" in m && m.method === "notifications/cancelled"));
  const id = idOfCall(seen.sent, tag)!.id;
  assert.equal((cancel as any).params.requestId, id);
  await waitFor(`${tag}'s signal to abort`, async () => (await events()).includes(`${tag} aborted user pressed stop`));
  // Answered after the cancelled call settled on the server: had it been answered, that answer came first.
  assert.match(await events(), /aborted/);
  assert.deepEqual(seen.received.filter((m) => "id" in m && m.id === id), [], "no answer for a cancelled request");
}

const textOf = (r: any): string => r.content?.[0]?.text ?? "";

describe("cancellation: notifications/cancelled and closed connections abort ctx.signal", () => {
  it("over stateful HTTP: the cancel arrives in its own POST and aborts the call's signal; the call gets no answer", async () => {
    const { client, transport, close } = await deadlinesOverHttp();
    try {
      const seen = watch(transport);
      await cancelAndCheck(client, seen, "http-cancel", async () => fixtureEvents().join("\n"));
      assert.ok(transport.sessionId, "a stateful session carried both POSTs");
    } finally {
      await close();
    }
  });

  it("over stdio (a real child process): the SDK client's abort reaches the tool's signal; no answer is written", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [FIXTURE, "--stdio"], env: { MCPCRAFT_LOG_LEVEL: "warn" }, stderr: "pipe" });
    const client = new Client({ name: "test", version: "1.0.0" });
    try {
      await client.connect(transport);
      const seen = watch(transport);
      await cancelAndCheck(client, seen, "stdio-cancel", async () => textOf(await client.callTool({ name: "events", arguments: {} })));
    } finally {
      await client.close();
    }
  });

  it("over stateless HTTP: a client that aborts its fetch aborts the call's signal", async () => {
    const server = buildDeadlinesServer();
    const { url } = await server.listen({ port: 0, stateless: true });
    try {
      const controller = new AbortController();
      const body = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "wait_for_abort", arguments: { tag: "stateless-gone" } } };
      const request = fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const rejected = assert.rejects(request);
      await waitFor("the call to start", () => fixtureEvents().includes("stateless-gone started"));
      controller.abort();
      await rejected;
      await waitFor("the call's signal to abort", () => fixtureEvents().some((e) => e.startsWith("stateless-gone aborted")));
      assert.ok(fixtureEvents().includes("stateless-gone aborted Error: Connection closed"), fixtureEvents().join("\n"));
    } finally {
      await server.close({ timeoutMs: 0 });
    }
  });

  it("a cancel for another connection's request id aborts nothing", async () => {
    const server = buildDeadlinesServer();
    const { url } = await server.listen({ port: 0 });
    const a = new Client({ name: "a", version: "1" });
    const b = new StreamableHTTPClientTransport(new URL(url));
    try {
      await a.connect(new StreamableHTTPClientTransport(new URL(url)));
      await b.start();
      await b.send(INIT as JSONRPCMessage);
      const call = a.callTool({ name: "wait_for_abort", arguments: { tag: "other-conn" } });
      await waitFor("the call to start", () => fixtureEvents().includes("other-conn started"));
      // Same request id, other session: a's call must keep running.
      await b.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "not yours" } });
      await b.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 2, reason: "not yours" } });
      const ids = a.callTool({ name: "events", arguments: {} });
      assert.ok(!textOf(await ids).includes("other-conn aborted"));
      void call.catch(() => undefined);
    } finally {
      await a.close();
      await b.close();
      await server.close({ timeoutMs: 0 });
    }
  });
});
