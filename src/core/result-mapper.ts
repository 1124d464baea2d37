import type { CallToolResult, GetPromptResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

const CONTENT_TYPES = new Set(["text", "image", "audio", "resource", "resource_link"]);

/** An array of content blocks (what the `text()`, `image()`, … helpers build), as opposed to an array of data. */
const isContentList = (v: unknown): v is CallToolResult["content"] =>
  Array.isArray(v) && v.length > 0 && v.every((b) => isPlainObject(b) && typeof b.type === "string" && CONTENT_TYPES.has(b.type));

/**
 * DESIGN §1a: a string → one text content; a `CallToolResult` → as is; an array of content blocks → that content;
 * anything else → JSON text plus `structuredContent` (when it is an object, as the spec requires).
 */
export function toToolResult(value: unknown): CallToolResult {
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (value === undefined || value === null) return { content: [] };
  if (isContentList(value)) return { content: value };
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
