import type { ServerResponse } from "node:http";
import { httpAnswerFor, rpcErrorFor } from "../errors";
import type { ChallengeFields } from "./challenge";

/** RFC 7230 quoted-string content: printable ASCII without `"` or `\`, bounded, so no input can break the header. */
export function quoted(value: string): string {
  return value.replace(/[^\x20-\x7e]|["\\]/g, " ").slice(0, 200);
}

export interface ChallengeParts {
  error?: string;
  description?: string;
  scope?: string;
  resourceMetadata?: string;
}

export function bearerChallenge(p: ChallengeParts): string {
  const params: string[] = [];
  if (p.error) params.push(`error="${quoted(p.error)}"`);
  if (p.description) params.push(`error_description="${quoted(p.description)}"`);
  if (p.scope) params.push(`scope="${quoted(p.scope)}"`);
  if (p.resourceMetadata) params.push(`resource_metadata="${quoted(p.resourceMetadata)}"`);
  return params.length ? `Bearer ${params.join(", ")}` : "Bearer";
}

export function writeRpcError(
  res: ServerResponse,
  status: number,
  error: { code: number; message: string; data?: unknown },
  headers: Record<string, string> = {},
  id: string | number | null = null,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error, id }));
}

/** Answers a framework error with its row of the error table: status, JSON-RPC body, headers, Bearer challenge. */
export function writeFrameworkError(res: ServerResponse, err: unknown, challenge: ChallengeFields, id: string | number | null = null): void {
  const a = httpAnswerFor(err);
  const headers: Record<string, string> = { ...a.headers };
  if (a.bearerError) {
    headers["www-authenticate"] = bearerChallenge({
      error: a.bearerError,
      description: a.message,
      scope: a.scope ?? (a.status === 401 ? challenge.scope : undefined),
      resourceMetadata: challenge.resourceMetadata,
    });
  }
  if (a.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(a.retryAfterSeconds)));
  writeRpcError(res, a.status, rpcErrorFor(err), headers, id);
}
