import { JSONRPCMessageSchema, type JSONRPCMessage, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";

const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A request's envelope, checked as the SDK's strict `JSONRPCRequestSchema` checks it — `jsonrpc: "2.0"`, a string
 * or safe-integer id, a string method, object params, no other key — without zod's union over the four message kinds,
 * which tried each in turn and copied the message only for the method's own schema to copy it again. The params
 * themselves are the method schema's to check (the pipeline parses every request with it before any handler runs).
 */
function asRequest(item: Record<string, unknown>): JSONRPCRequest | undefined {
  if (item.jsonrpc !== "2.0" || typeof item.method !== "string") return undefined;
  const id = item.id;
  if (typeof id !== "string" && !Number.isSafeInteger(id)) return undefined;
  const params = item.params;
  if (params !== undefined && (!isPlainObject(params) || (params._meta !== undefined && !isPlainObject(params._meta)))) return undefined;
  for (const key in item) if (!REQUEST_KEYS.has(key)) return undefined;
  return item as unknown as JSONRPCRequest;
}

/**
 * One JSON-RPC message of a POST body, or `undefined` when it is none. Requests take the fast envelope check;
 * notifications and responses (and anything the fast check refuses) go through the SDK's schema, so what is
 * accepted is exactly what the SDK accepts.
 */
export function readMessage(item: unknown): JSONRPCMessage | undefined {
  if (isPlainObject(item) && "id" in item && "method" in item) {
    const request = asRequest(item);
    if (request) return request;
  }
  const parsed = JSONRPCMessageSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}
