import type { IncomingMessage } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode } from "../contracts/json-rpc-code";
import { MODERN_PROTOCOL_VERSIONS } from "../contracts/protocol-2026";
import { envelopeClaim } from "../core/modern/envelope";
import { ProtocolError, TransportError } from "../errors";

/**
 * A request of the 2026 era: it says so in `MCP-Protocol-Version`, which its clients send on every request. A
 * later revision than this server speaks is that era too, so that it is answered -32022 with the versions it can
 * use instead (the revision's corrective step), not the 2025 era's 400.
 */
export function isModernHttp(req: IncomingMessage): boolean {
  const version = req.headers["mcp-protocol-version"];
  return typeof version === "string" && (MODERN_PROTOCOL_VERSIONS.includes(version) || (/^\d{4}-\d{2}-\d{2}$/.test(version) && version > MODERN_PROTOCOL_VERSIONS[0]));
}

/** What `Mcp-Name` must repeat for the methods that name a target (SEP-2243). */
const NAMED: Record<string, "name" | "uri"> = { "tools/call": "name", "prompts/get": "name", "resources/read": "uri" };

const mismatch = (what: string) => new ProtocolError(JsonRpcCode.HeaderMismatch, `Header mismatch: ${what}`);

/**
 * 2026-07-28 over HTTP: one message per POST, whose envelope names the header's version, and whose `Mcp-Method`
 * and `Mcp-Name` headers (when sent) repeat its method and target: a proxy that routes on headers must never
 * be shown one request while the server runs another. Any disagreement is -32020 with HTTP 400.
 */
export function checkModernPost(req: IncomingMessage, body: { messages: JSONRPCMessage[]; batch: boolean }): void {
  if (body.batch) throw new TransportError("batch_not_supported", "Invalid Request: batches are not supported by protocol version 2026-07-28");
  const [message] = body.messages;
  if (!("method" in message)) return;
  if (envelopeClaim(message) !== req.headers["mcp-protocol-version"]) throw mismatch("MCP-Protocol-Version does not match the request's _meta protocol version");
  const method = req.headers["mcp-method"];
  if (method !== undefined && method !== message.method) throw mismatch("Mcp-Method does not match the request's method");
  const field = NAMED[message.method];
  const name = req.headers["mcp-name"];
  if (field && name !== undefined && name !== String((message.params as Record<string, unknown> | undefined)?.[field] ?? "")) throw mismatch("Mcp-Name does not match the request");
}
