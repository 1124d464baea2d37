// The SDK's stateful pattern (examples/server/simpleStreamableHttp): an `initialize` without a session id gets a
// new McpServer and StreamableHTTPServerTransport, kept in a map by session id; every later request is routed
// to its session's transport. Mounted on node:http; the JWT is checked on every request, before the routing.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { announce, authedJsonBody, rpcError } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { verifyBearer } from "../lib/jwt-check";
import { buildSdkEchoServer } from "../lib/sdk-echo";

const key = secretKeyFromEnv();
const sessions = new Map<string, StreamableHTTPServerTransport>();

/** A session for this `initialize`: registered by id once the transport has generated one, dropped on close. */
async function openSession(): Promise<StreamableHTTPServerTransport> {
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => void sessions.set(id, transport),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  await buildSdkEchoServer().connect(transport);
  return transport;
}

const http = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/mcp") return rpcError(res, 405, -32000, "Method not allowed");
  const body = await authedJsonBody(req, res, (h) => verifyBearer(h, key));
  if (body === undefined) return;
  const id = req.headers["mcp-session-id"];
  let transport: StreamableHTTPServerTransport | undefined;
  if (typeof id === "string") transport = sessions.get(id);
  else if (isInitializeRequest(body)) transport = await openSession();
  if (!transport) {
    return id === undefined ? rpcError(res, 400, -32000, "Bad Request: No valid session ID provided") : rpcError(res, 404, -32001, "Session not found");
  }
  try {
    await transport.handleRequest(req, res, body);
  } catch {
    if (!res.headersSent) rpcError(res, 500, -32603, "Internal server error");
  }
});

http.listen(0, "127.0.0.1", () => {
  announce(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
});
