// The ceiling: node:http, the same JWT check, and a JSON-RPC reply built by hand. No MCP library at all; the
// reply copies the request's id and text so the load generator's echo check holds for it too.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announce, authedJsonBody, rpcError } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { verifyBearer } from "../lib/jwt-check";

interface RpcRequest {
  id?: string | number;
  method?: string;
  params?: { arguments?: { text?: unknown } };
}

const key = secretKeyFromEnv();

const server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/mcp") return rpcError(res, 404, -32600, "Not found");
  const msg = (await authedJsonBody(req, res, (h) => verifyBearer(h, key))) as RpcRequest | undefined;
  if (msg === undefined) return;
  const text = msg.method === "tools/call" ? String(msg.params?.arguments?.text ?? "") : "";
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ result: { content: [{ type: "text", text }] }, jsonrpc: "2.0", id: msg.id ?? null }));
});

server.listen(0, "127.0.0.1", () => {
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
