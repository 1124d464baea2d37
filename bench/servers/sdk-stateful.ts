// The SDK with one shared McpServer and one session transport: the bench client initialises once and every
// connection then sends its calls on that session (mcp-session-id). The JWT is still checked on every request.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { announce, authedJsonBody, rpcError } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { verifyBearer } from "../lib/jwt-check";
import { buildSdkEchoServer } from "../lib/sdk-echo";

const key = secretKeyFromEnv();
const server = buildSdkEchoServer();
// One transport holds one session; that is all this contender needs (the bench opens exactly one).
const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });

const http = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/mcp") return rpcError(res, 405, -32000, "Method not allowed");
  const body = await authedJsonBody(req, res, (h) => verifyBearer(h, key));
  if (body === undefined) return;
  try {
    await transport.handleRequest(req, res, body);
  } catch {
    if (!res.headersSent) rpcError(res, 500, -32603, "Internal server error");
  }
});

void server.connect(transport).then(() => {
  http.listen(0, "127.0.0.1", () => {
    announce(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  });
});
