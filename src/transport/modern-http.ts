import type { IncomingMessage } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcCode } from "../contracts/json-rpc-code";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { MODERN_PROTOCOL_VERSIONS } from "../contracts/protocol-2026";
import { envelopeClaim, readEnvelope, type ModernEnvelope } from "../core/modern/envelope";
import { ProtocolError, TransportError } from "../errors";

/**
 * A request of the 2026 era: it says so in `MCP-Protocol-Version`, which its clients send on every request. A
 * version this server does not speak takes this path too, unless it is a date before 2026-07-28 (an old 2025-era
 * client, answered 400 as before): a later or unknown revision is answered -32022 with the versions it can use
 * instead, the revision's corrective step.
 */
export function isModernHttp(req: IncomingMessage): boolean {
  const version = req.headers["mcp-protocol-version"];
  if (typeof version !== "string" || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return false;
  if (MODERN_PROTOCOL_VERSIONS.includes(version)) return true;
  return !(/^\d{4}-\d{2}-\d{2}$/.test(version) && version < MODERN_PROTOCOL_VERSIONS[0]);
}

/** What `Mcp-Name` must repeat for the methods that name a target (SEP-2243). */
const NAMED: Record<string, "name" | "uri"> = { "tools/call": "name", "prompts/get": "name", "resources/read": "uri" };

const mismatch = (what: string) => new ProtocolError(JsonRpcCode.HeaderMismatch, `Header mismatch: ${what}`);

/**
 * 2026-07-28 over HTTP: one message per POST, whose envelope names the header's version, and whose `Mcp-Method`
 * and `Mcp-Name` headers repeat its method and target (and `Mcp-Param-*` the arguments that ask for one): a proxy that routes on headers must never
 * be shown one request while the server runs another. Any disagreement is -32020 with HTTP 400.
 */
export function checkModernPost(req: IncomingMessage, body: { messages: JSONRPCMessage[]; batch: boolean }, inputSchemaOf: (tool: string) => unknown): ModernEnvelope | undefined {
  if (body.batch) throw new TransportError("batch_not_supported", "Invalid Request: batches are not supported by protocol version 2026-07-28");
  const [message] = body.messages;
  if (!("method" in message)) return undefined;
  // Header against body first: a version the two disagree on is a mismatch, whichever of them is unknown.
  const claim = envelopeClaim(message);
  if (claim !== undefined && claim !== req.headers["mcp-protocol-version"]) throw mismatch("MCP-Protocol-Version does not match the request's _meta protocol version");
  if (!("id" in message)) return undefined;
  if (req.headers["mcp-method"] !== message.method) throw mismatch("Mcp-Method is missing or does not match the request's method");
  const field = NAMED[message.method];
  const name = req.headers["mcp-name"];
  if (field && (typeof name !== "string" || name.trim() !== String((message.params as Record<string, unknown> | undefined)?.[field] ?? "")))
    throw mismatch("Mcp-Name is missing or does not match the request");
  if (message.method === "tools/call") checkParamHeaders(req, message.params as { name?: unknown; arguments?: Record<string, unknown> } | undefined, inputSchemaOf);
  // Read here rather than in the pipeline (which is handed it): the revision answers a bad envelope with HTTP 400.
  return readEnvelope(message);
}

/** A tool schema's `x-mcp-header` arguments, found once per schema (not per call). */
const headerParams = new WeakMap<object, [param: string, suffix: string][]>();
function headerParamsOf(schema: object): [string, string][] {
  let found = headerParams.get(schema);
  if (!found) {
    const properties = (schema as { properties?: Record<string, { "x-mcp-header"?: unknown } | null> }).properties ?? {};
    found = Object.entries(properties).flatMap(([param, def]) => (typeof def?.["x-mcp-header"] === "string" ? [[param, def["x-mcp-header"]] as [string, string]] : []));
    headerParams.set(schema, found);
  }
  return found;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * SEP-2243: a tool argument whose schema names an `x-mcp-header` travels in `Mcp-Param-<name>` too (as is, or as
 * `=?base64?…?=`), so a gateway can route on it; the header must be there whenever the argument is, and say the
 * same. A header that is not valid Base64 inside its wrapper is refused rather than guessed at.
 */
function checkParamHeaders(req: IncomingMessage, params: { name?: unknown; arguments?: Record<string, unknown> } | undefined, inputSchemaOf: (tool: string) => unknown): void {
  const schema = typeof params?.name === "string" ? inputSchemaOf(params.name) : undefined;
  if (!schema || typeof schema !== "object") return;
  for (const [param, suffix] of headerParamsOf(schema)) {
    const value = params?.arguments?.[param];
    if (value === undefined || value === null) continue;
    const header = req.headers[`mcp-param-${suffix.toLowerCase()}`];
    if (typeof header !== "string") throw mismatch(`Mcp-Param-${suffix} is missing`);
    const wrapped = /^=\?base64\?(.*)\?=$/.exec(header.trim());
    if (wrapped && !BASE64.test(wrapped[1])) throw mismatch(`Mcp-Param-${suffix} is not valid Base64`);
    const sent = wrapped ? Buffer.from(wrapped[1], "base64").toString("utf8") : header.trim();
    if (sent !== String(value)) throw mismatch(`Mcp-Param-${suffix} does not match the argument`);
  }
}

/**
 * Whether a 2026-07-28 request's answer may need a stream: `subscriptions/listen` is one, and otherwise only
 * progress (the request sent a `progressToken`) and logs (it named a log level) travel before a result on this
 * revision, which has no server→client requests. Anything else is answered as one JSON body.
 */
export function modernNeedsStream(messages: JSONRPCMessage[]): boolean {
  return messages.some((m) => {
    if ("method" in m && m.method === "subscriptions/listen") return true;
    const meta = ("params" in m ? (m.params as { _meta?: Record<string, unknown> } | undefined)?._meta : undefined) ?? {};
    return meta.progressToken !== undefined || meta["io.modelcontextprotocol/logLevel"] !== undefined;
  });
}
