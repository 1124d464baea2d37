import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY = 64 * 1024;

/** Compares secrets in constant time whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, " "));

/** RFC 6749 §2.3.1: HTTP Basic with form-encoded id and secret. */
export function basicClientMatches(req: IncomingMessage, clientId: string, clientSecret: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return false;
  try {
    return formDecode(decoded.slice(0, colon)) === clientId && sameSecret(formDecode(decoded.slice(colon + 1)), clientSecret);
  } catch {
    return false;
  }
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function unauthorizedClient(res: ServerResponse): void {
  res.setHeader("www-authenticate", 'Basic realm="test-idp"');
  sendJson(res, 401, { error: "invalid_client" });
}

export function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
