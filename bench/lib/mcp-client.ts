import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { AUDIENCE, ISSUER, PROTOCOL_VERSION, SUBJECT } from "./config";

/**
 * A bearer token every contender accepts. 15 minutes is mcpcraft's default longest lifetime (`maxTokenAge`),
 * and a fresh token is signed for every measurement, so none expires mid-run.
 */
export function signToken(secret: Buffer): string {
  const key: KeyObject = createSecretKey(secret);
  return jwt.sign({ sub: SUBJECT, scope: "echo" }, key, { algorithm: "HS256", issuer: ISSUER, audience: AUDIENCE, expiresIn: "15m" });
}

/** What a Streamable HTTP client sends on every POST after initialisation. */
export function baseHeaders(token: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": PROTOCOL_VERSION,
  };
}

/**
 * The measured request. autocannon puts one fresh id at every `[<id>]`, so each request has a unique JSON-RPC
 * id (required within one session) and asks for its own text back, which {@link verifyEcho} checks.
 */
export const CALL_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: "[<id>]",
  method: "tools/call",
  params: { name: "echo", arguments: { text: "echo-[<id>]" } },
});

const ID_IN_ANSWER = /"id":"([^"]+)"/;

/**
 * A response is right when it is a tool result (JSON, or SSE whose event data holds the JSON) whose text is
 * `echo-<its own id>`: that catches errors answered with 200, tool errors, and answers routed to the wrong
 * request. The HTTP status is counted separately by autocannon (non-2xx).
 */
export function verifyEcho(body: string): boolean {
  const id = ID_IN_ANSWER.exec(body)?.[1];
  return id !== undefined && body.includes(`"text":"echo-${id}"`) && !body.includes('"isError":true');
}

/**
 * Opens one session the way an MCP client does (initialize, then notifications/initialized) and returns the
 * headers that put later requests on it.
 */
export async function openSession(url: string, token: string): Promise<Record<string, string>> {
  const headers = baseHeaders(token);
  const init = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "mcpcraft-bench", version: "1.0.0" } },
    }),
  });
  const answer = await init.text();
  const sessionId = init.headers.get("mcp-session-id");
  if (init.status !== 200 || !sessionId) throw new Error(`initialize failed: HTTP ${init.status} ${answer.slice(0, 200)}`);
  const withSession = { ...headers, "mcp-session-id": sessionId };
  const ack = await fetch(url, { method: "POST", headers: withSession, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
  await ack.text();
  if (ack.status !== 202) throw new Error(`notifications/initialized failed: HTTP ${ack.status}`);
  return withSession;
}

/** One checked call before any load, so a contender that answers wrongly fails with its answer, not a count. */
export async function probeEcho(url: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { method: "POST", headers, body: CALL_BODY.replace(/\[<id>\]/g, "probe") });
  const body = await res.text();
  if (res.status !== 200 || !verifyEcho(body)) throw new Error(`echo probe failed: HTTP ${res.status} ${body.slice(0, 300)}`);
}
