import type { Integrations } from "../auth/integrations/integrations";
import type { IntegrationRequiredError } from "../auth/integrations/integration-required.error";
import type { Call } from "./call";

/** How often a call waiting for a connection looks at the (possibly shared) store; the callback may land on another instance. */
const POLL_MS = 250;

/** The client declared URL-mode elicitation and this call's channel can carry a server→client request. */
export function canElicitUrl(call: Call): boolean {
  const elicitation = call.connection.clientCapabilities?.elicitation as { url?: unknown } | undefined;
  return call.relay.open && elicitation?.url !== undefined;
}

/**
 * The "call goes on" form of URL elicitation (MCP 2025-11-25): `elicitation/create` with `mode: "url"` on the
 * call's own stream, then — once the user accepted — the call waits until the callback has stored the token,
 * tells the client with `notifications/elicitation/complete`, and resumes with the token.
 */
export async function connectInline(integrations: Integrations, call: Call, name: string, required: IntegrationRequiredError): Promise<string> {
  const [elicitation] = required.elicitations;
  const deadline = Date.now() + integrations.connectMs;
  const answer = await call.connection.request(call.relay, { method: "elicitation/create", params: { ...elicitation } }, { signal: call.signal, timeout: integrations.connectMs });
  if ((answer as { action?: unknown } | undefined)?.action !== "accept") throw new Error(`The user did not connect ${name}`);
  while (!(await integrations.connected(call.principal, name))) {
    if (Date.now() > deadline) throw new Error(`Connecting ${name} timed out`);
    if (call.signal.aborted) throw call.signal.reason instanceof Error ? call.signal.reason : new Error("Request aborted");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (call.relay.open) await call.relay.send({ jsonrpc: "2.0", method: "notifications/elicitation/complete", params: { elicitationId: elicitation.elicitationId } });
  return integrations.token(call.principal, call.connection.sessionId, name);
}
