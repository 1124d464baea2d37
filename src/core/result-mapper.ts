import type { CallToolResult, GetPromptResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * DESIGN §1a: a string → one text content; a `CallToolResult` → as is; anything else → JSON text plus
 * `structuredContent` (when it is an object, as the spec requires).
 */
export function toToolResult(value: unknown): CallToolResult {
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (value === undefined || value === null) return { content: [] };
  if (isPlainObject(value) && Array.isArray(value.content)) return value as CallToolResult;
  const text = JSON.stringify(value) ?? String(value);
  return isPlainObject(value) ? { content: [{ type: "text", text }], structuredContent: value } : { content: [{ type: "text", text }] };
}

export function toolErrorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

export function toResourceResult(uri: string, mimeType: string | undefined, value: unknown): ReadResourceResult {
  if (isPlainObject(value) && Array.isArray(value.contents)) return value as ReadResourceResult;
  if (typeof value === "string") return { contents: [{ uri, mimeType: mimeType ?? "text/plain", text: value }] };
  if (value instanceof Uint8Array)
    return { contents: [{ uri, mimeType: mimeType ?? "application/octet-stream", blob: Buffer.from(value).toString("base64") }] };
  return { contents: [{ uri, mimeType: mimeType ?? "application/json", text: JSON.stringify(value ?? null) }] };
}

export function toPromptResult(value: unknown, description?: string): GetPromptResult {
  if (typeof value === "string") return { description, messages: [{ role: "user", content: { type: "text", text: value } }] };
  if (Array.isArray(value)) return { description, messages: value } as GetPromptResult;
  if (isPlainObject(value) && Array.isArray(value.messages)) return value as GetPromptResult;
  return { description, messages: [{ role: "user", content: { type: "text", text: JSON.stringify(value ?? null) } }] };
}
