// The SDK's documented stateless pattern (examples/server/simpleStatelessStreamableHttp): a new McpServer and
// StreamableHTTPServerTransport for every request, torn down when the response closes. Mounted on node:http
// rather than Express so the figure is the SDK's cost, not Express's; the JWT is checked by hand first.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { announce, authedJsonBody, rpcError } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { verifyBearer } from "../lib/jwt-check";
import { buildSdkEchoServer } from "../lib/sdk-echo";

const key = secretKeyFromEnv();

const http = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/mcp") return rpcError(res, 405, -32000, "Method not allowed");
  const body = await authedJsonBody(req, res, (h) => verifyBearer(h, key));
  if (body === undefined) return;
  const server = buildSdkEchoServer();
  // The documented pattern leaves enableJsonResponse at its default: the answer is one SSE event.
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  } catch {
    if (!res.headersSent) rpcError(res, 500, -32603, "Internal server error");
  }
});

http.listen(0, "127.0.0.1", () => {
  announce(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
});
