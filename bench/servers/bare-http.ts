// The ceiling: node:http, the same JWT check, and a JSON-RPC reply built by hand. No MCP library at all; the
// reply copies the request's id and text so the load generator's echo check holds for it too. A 2026-07-28
// request (its `_meta` envelope names the revision) gets what that revision asks of every server and no more:
// `Mcp-Method` must repeat the body's method, and the result carries `resultType` and the server's identity.
// That makes the ceiling's own 2026 / 2025 ratio the cost of the revision's larger messages, with no framework.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announce, authedJsonBody, rpcError } from "../lib/child";
import { secretKeyFromEnv } from "../lib/config";
import { verifyBearer } from "../lib/jwt-check";
import { PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY } from "../../src/contracts/protocol-2026";

interface RpcRequest {
  id?: string | number;
  method?: string;
  params?: { arguments?: { text?: unknown }; _meta?: Record<string, unknown> };
}

const SERVER_META = { [SERVER_INFO_META_KEY]: { name: "bare-http", version: "1.0.0" } };

const key = secretKeyFromEnv();

const server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/mcp") return rpcError(res, 404, -32600, "Not found");
  const msg = (await authedJsonBody(req, res, (h) => verifyBearer(h, key))) as RpcRequest | undefined;
  if (msg === undefined) return;
  const text = msg.method === "tools/call" ? String(msg.params?.arguments?.text ?? "") : "";
  const modern = msg.params?._meta?.[PROTOCOL_VERSION_META_KEY] !== undefined;
  if (modern && req.headers["mcp-method"] !== msg.method) return rpcError(res, 400, -32020, "Header mismatch");
  const content = [{ type: "text", text }];
  const result = modern ? { content, resultType: "complete", _meta: SERVER_META } : { content };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ result, jsonrpc: "2.0", id: msg.id ?? null }));
});

server.listen(0, "127.0.0.1", () => {
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
