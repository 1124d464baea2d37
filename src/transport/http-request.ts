import type { IncomingMessage } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { AuditFacts } from "../auth/audit";

/** The host name of a Host header (`[::1]:3000` → `[::1]`, `Localhost:80` → `localhost`). */
export function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1).toLowerCase();
  return hostHeader.split(":")[0].toLowerCase();
}

/** The request body exceeded the configured limit. */
export class BodyTooLarge extends Error {}

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
      if (!done) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (!done) reject(err);
    });
  });
}

/** Node lower-cases header names; keep single values only (duplicates were refused above for credentials). */
export function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = Object.create(null);
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v[0] : v;
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
