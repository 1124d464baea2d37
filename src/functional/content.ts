import type { AudioContent, EmbeddedResource, ImageContent, ResourceLink, TextContent } from "@modelcontextprotocol/sdk/types.js";

/** One block of a tool result or prompt message; return an array of them (mixed freely) from a tool. */
export type ContentBlock = TextContent | ImageContent | AudioContent | EmbeddedResource | ResourceLink;

const base64 = (data: Uint8Array | string): string => (typeof data === "string" ? data : Buffer.from(data).toString("base64"));

/**
 * A text block.
 *
 * @example
 * ```ts
 * run: async () => [text("Here is the chart:"), image(png, "image/png")]
 * ```
 */
export function text(value: string): TextContent {
  return { type: "text", text: value };
}

/**
 * An image block from bytes (base64-encoded for you) or a base64 string.
 *
 * @example
 * ```ts
 * run: async () => [image(await readFile("chart.png"), "image/png")]
 * ```
 */
export function image(data: Uint8Array | string, mimeType: string): ImageContent {
  return { type: "image", data: base64(data), mimeType };
}

/**
 * An audio block from bytes or a base64 string.
 *
 * @example
 * ```ts
 * run: async () => [text("Your recording:"), audio(wav, "audio/wav")]
 * ```
 */
export function audio(data: Uint8Array | string, mimeType: string): AudioContent {
  return { type: "audio", data: base64(data), mimeType };
}

/**
 * A resource embedded in the result: text, or bytes (sent as a base64 `blob`).
 *
 * @example
 * ```ts
 * run: async () => [embeddedResource("file:///notes.md", "# Notes", "text/markdown")]
 * ```
 */
export function embeddedResource(uri: string, contents: string | Uint8Array, mimeType?: string): EmbeddedResource {
  const resource = typeof contents === "string" ? { uri, text: contents } : { uri, blob: base64(contents) };
  return { type: "resource", resource: mimeType ? { ...resource, mimeType } : resource };
}

/**
 * A link to a resource the client may read (`resources/read`) instead of the contents themselves.
 *
 * @example
 * ```ts
 * run: async () => [text("Report ready"), resourceLink("reports://2026/q4", "Q4 report", { mimeType: "application/pdf" })]
 * ```
 */
export function resourceLink(uri: string, name: string, extra: { title?: string; description?: string; mimeType?: string } = {}): ResourceLink {
  return { type: "resource_link", uri, name, ...extra };
}
