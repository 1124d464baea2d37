import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { AUDIENCE, ISSUER, PROTOCOL_VERSION, SUBJECT } from "./config";

/**
 * A bearer token every contender accepts. 15 minutes is mcpcraft's default longest lifetime (`maxTokenAge`),
 * and a fresh token is signed for every measurement, so none expires mid-run. Tokens for distinct subjects
 * are distinct tokens (the same claims signed in the same second would not be).
 */
export function signToken(secret: Buffer, subject = SUBJECT): string {
  const key: KeyObject = createSecretKey(secret);
  return jwt.sign({ sub: subject, scope: "echo" }, key, { algorithm: "HS256", issuer: ISSUER, audience: AUDIENCE, expiresIn: "15m" });
}

/** Longest wait for one answer outside autocannon's load (fetch would otherwise wait minutes for a hung server). */
export const FETCH_TIMEOUT_MS = 10_000;

/** What a Streamable HTTP client sends on every POST after initialisation. */
export function baseHeaders(token: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": PROTOCOL_VERSION,
  };
}

/** What the bench's client says about itself in every `initialize`, over HTTP and stdio alike. */
export const INITIALIZE_PARAMS = { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "mcpcraft-bench", version: "1.0.0" } };

/**
 * Opens one session the way an MCP client does (initialize, then notifications/initialized) and returns the
 * headers that put later requests on it.
 */
export async function openSession(url: string, token: string): Promise<Record<string, string>> {
  const headers = baseHeaders(token);
  const init = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: INITIALIZE_PARAMS }),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  const answer = await init.text();
  const sessionId = init.headers.get("mcp-session-id");
  if (init.status !== 200 || !sessionId) throw new Error(`initialize failed: HTTP ${init.status} ${answer.slice(0, 200)}`);
  const withSession = { ...headers, "mcp-session-id": sessionId };
  const ack = await fetch(url, {
    method: "POST",
    headers: withSession,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  await ack.text();
  if (ack.status !== 202) throw new Error(`notifications/initialized failed: HTTP ${ack.status}`);
  return withSession;
}
