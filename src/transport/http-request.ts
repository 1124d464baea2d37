import type { IncomingMessage } from "node:http";
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { negotiatedVersion } from "../core/handlers/lifecycle.handlers";
import { InvalidRequestError, TransportError } from "../errors";
import type { AuditFacts } from "../auth/audit";

/** The host name of a Host header (`[::1]:3000` → `[::1]`, `Localhost:80` → `localhost`). */
export function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1).toLowerCase();
  return hostHeader.split(":")[0].toLowerCase();
}

/** The request body exceeded the configured limit. */
export class BodyTooLarge extends Error {}

/**
 * The client went away before its body was in (reset, destroyed, or cut by the request timeout). Nobody is left
 * to answer, and it is the client's doing: logged at debug, never as a server error (alert flooding).
 */
export class ClientAborted extends Error {}

/** Reads a request body as UTF-8, refusing (early, by Content-Length, or while streaming) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (!done) reject(new ClientAborted(err.message));
    });
    req.on("close", () => {
      if (!done && !req.complete) reject(new ClientAborted("connection closed mid-body"));
    });
  });
}

/** Node lower-cases header names; keep single values only (duplicates were refused above for credentials). */
export function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = Object.create(null);
  const headers = req.headers;
  for (const k in headers) {
    const v = headers[k];
    out[k] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/**
 * The request id and tool of a POST that carries one request, for the audit events of its admission (which
 * happens per HTTP request, before any message is handled). The tool is named only when the server has it, so
 * no caller-chosen text reaches the audit log through it.
 */
export function admissionFacts(messages: JSONRPCMessage[] | undefined, tools: ReadonlyMap<string, unknown>): AuditFacts {
  if (messages?.length !== 1 || !("id" in messages[0]) || !("method" in messages[0])) return {};
  const m = messages[0];
  const name = m.method === "tools/call" ? (m.params as { name?: unknown } | undefined)?.name : undefined;
  return { requestId: m.id, ...(typeof name === "string" && tools.has(name) ? { tool: name } : {}) };
}

/** The first revision without JSON-RPC batching (MCP 2025-06-18 removed it). */
const BATCHLESS_FROM = "2025-06-18";

/**
 * Refuses a batch when the protocol version in force has no batches: the one a batched `initialize` would
 * negotiate, else the session's, else (stateless) the `MCP-Protocol-Version` header, whose absence means 2025-03-26.
 */
export function refuseBatch(messages: JSONRPCMessage[], version: string | undefined): void {
  const init = messages.find((m) => "method" in m && m.method === "initialize");
  const inForce = init ? negotiatedVersion((init as { params?: { protocolVersion?: unknown } }).params?.protocolVersion) : (version ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
  if (inForce >= BATCHLESS_FROM) throw new TransportError("batch_not_supported", `Invalid Request: batches are not supported by protocol version ${inForce.slice(0, 32)}`);
}

/** Streamable HTTP: a POST accepts both answer forms and carries JSON. */
export function checkPostHeaders(req: IncomingMessage): void {
  const accept = req.headers.accept ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream"))
    throw new TransportError("not_acceptable", "Not Acceptable: Client must accept both application/json and text/event-stream");
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) throw new TransportError("unsupported_media_type", "Unsupported Media Type: Content-Type must be application/json");
}

/** MCP 2025-06-18 §Transports: an invalid or unsupported `MCP-Protocol-Version` header is 400. */
export function checkProtocolVersion(req: IncomingMessage): void {
  const version = req.headers["mcp-protocol-version"];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(String(version)))
    throw new TransportError("unsupported_protocol_version", `Bad Request: Unsupported protocol version: ${String(version).slice(0, 32)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`);
}

const QUERY_CREDENTIALS = ["access_token", "api_key", "apikey", "token", "key"];

/** RFC 6750 §2: one credential, in one header, never in the query string. */
export function checkCredentialShape(req: IncomingMessage, query: string): void {
  // Counted in rawHeaders: Node keeps only the first Authorization in `headers`, and `headersDistinct` builds
  // arrays for every header of every request (it showed in bench/ profiles).
  let authorizations = 0;
  let apiKeys = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 13 && name.toLowerCase() === "authorization") authorizations++;
    else if (name.length === 9 && name.toLowerCase() === "x-api-key") apiKeys++;
  }
  if (authorizations > 1) throw new InvalidRequestError("Multiple Authorization headers");
  if (apiKeys > 1) throw new InvalidRequestError("Multiple API key headers");
  const params = query ? new URLSearchParams(query) : undefined;
  if (params && QUERY_CREDENTIALS.some((k) => params.has(k))) throw new InvalidRequestError("Credentials in the query string are not accepted");
  if (req.headers.authorization !== undefined && req.headers["x-api-key"] !== undefined)
    throw new InvalidRequestError("Send one credential: an API key or an Authorization header, not both");
}
