import type { Integrations } from "../auth/integrations/integrations";
import type { IntegrationRequiredError } from "../auth/integrations/integration-required.error";
import { JsonRpcCode } from "../contracts/json-rpc-code";
import { ProtocolError } from "../errors";
import type { Call } from "./call";

/** How often a call waiting for a connection looks at the (possibly shared) store; the callback may land on another instance. */
const POLL_MS = 250;

/** The client declared URL-mode elicitation and this call's channel can carry a server→client request. */
export function canElicitUrl(call: Call): boolean {
  const elicitation = call.connection.clientCapabilities?.elicitation as { url?: unknown } | undefined;
  return call.relay.open && elicitation?.url !== undefined;
}

/** Waits until the callback (on any instance) has stored the caller's token for `name`, within the connect window. */
async function connectedWithin(integrations: Integrations, call: Call, name: string, deadline: number): Promise<void> {
  while (!(await integrations.connected(call.principal, name))) {
    if (Date.now() > deadline) throw new Error(`Connecting ${name} timed out`);
    if (call.signal.aborted) throw call.signal.reason instanceof Error ? call.signal.reason : new Error("Request aborted");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * MCP 2026-07-28 has no -32042 and no server→client requests: the connect link is a URL-mode elicitation in the
 * call's `input_required` result (key `connect_<provider>`); once the client answers "accept" and sends the call
 * again, it waits for the callback's token and goes on, as `awaitConnection` does on 2025.
 */
export async function connectByRounds(integrations: Integrations, call: Call, name: string, required: IntegrationRequiredError): Promise<string> {
  const modern = call.modern!;
  if ((modern.envelope.clientCapabilities.elicitation as { url?: unknown } | undefined)?.url === undefined)
    throw new ProtocolError(JsonRpcCode.MissingRequiredClientCapability, `Client does not support URL elicitation (needed to connect ${name})`, {
      requiredCapabilities: { elicitation: { url: {} } },
    });
  const [link] = required.elicitations;
  const request = { method: "elicitation/create", params: { mode: "url", message: link.message, url: link.url } };
  const answer = modern.rounds.answer(request, (a) => a as { action?: unknown }, `connect_${name}`);
  if (answer?.action !== "accept") throw new Error(`The user did not connect ${name}`);
  await connectedWithin(integrations, call, name, Date.now() + integrations.connectMs);
  return integrations.token(call.principal, call.connection.sessionId, name);
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
  await connectedWithin(integrations, call, name, deadline);
  if (call.relay.open) await call.relay.send({ jsonrpc: "2.0", method: "notifications/elicitation/complete", params: { elicitationId: elicitation.elicitationId } });
  return integrations.token(call.principal, call.connection.sessionId, name);
}
