import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallbackOutcome, Integrations } from "../auth/integrations/integrations";
import { TransportError } from "../errors";

const PAGES: Record<"ok" | Extract<CallbackOutcome, { ok: false }>["reason"], string> = {
  ok: "Connected. You can close this window and return to your MCP client.",
  unknown_state: "This link is invalid, expired or already used. Ask your MCP client to connect again.",
  denied: "The connection was not authorised.",
  refused: "The provider did not accept the authorisation. Ask your MCP client to connect again.",
  wrong_user: "This link was made for another user. Ask your MCP client to connect again, signed in as yourself.",
  session_ended: "The MCP session that asked for this link has ended. Ask your MCP client to connect again.",
};

/**
 * The OAuth redirect URI of `createServer({ integrations })`, on the framework's own HTTP listener. The browser
 * arrives here from the provider with `code` and `state`; the page it gets says only whether that worked.
 * `Referrer-Policy: no-referrer` keeps the code in this URL from leaking to anything the page could link to.
 */
export async function serveOAuthCallback(req: IncomingMessage, res: ServerResponse, integrations: Integrations, query: string): Promise<void> {
  if (req.method !== "GET") throw new TransportError("method_not_allowed", "Method not allowed", { allow: "GET" });
  const outcome = await integrations.complete(new URLSearchParams(query), req);
  const text = PAGES[outcome.ok ? "ok" : outcome.reason];
  const html = `<!doctype html><meta charset="utf-8"><title>${outcome.ok ? "Connected" : "Not connected"}</title><p>${text}</p>`;
  res.writeHead(outcome.ok ? 200 : 400, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'",
    "content-length": Buffer.byteLength(html),
  });
  res.end(html);
}
