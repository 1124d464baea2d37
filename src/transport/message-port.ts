import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthContext, TransportKind } from "../contracts/auth-context";
import { Connection, type Relay } from "../core/connection";
import type { RequestPipeline } from "../core/request-pipeline";

/**
 * Serves one connection over an SDK `Transport` that already frames JSON-RPC messages — stdio, the in-memory
 * pair of the test kit — with a principal fixed for its lifetime (authenticated once, as DESIGN §4 says for
 * stdio). Requests run concurrently; each answer is sent when it is ready.
 */
export async function serveMessagePort(
  pipeline: RequestPipeline,
  transport: Transport,
  principal: AuthContext | undefined,
  kind: TransportKind,
): Promise<{ close(): Promise<void> }> {
  const send = (message: Parameters<Transport["send"]>[0]) => transport.send(message);
  const connection = new Connection(kind, { send });
  const relay: Relay = { open: true, send };
  const inbound = { connection, principal, relay };
  const logger = pipeline.def.logger;
  transport.onmessage = (message) => {
    pipeline
      .handle(message, inbound)
      .then((answer) => (answer && !connection.closed ? transport.send(answer) : undefined))
      .catch((err: Error) => logger.error({ event: "transport.error", transport: kind, error: err?.message }, "could not answer a message"));
  };
  // A line that is not JSON-RPC is the peer's fault, not ours: note it where operators look, never on stdout.
  transport.onerror = (err) => logger.debug({ event: "transport.bad_message", transport: kind, error: err?.message }, "unreadable message");
  transport.onclose = () => connection.close();
  await transport.start();
  return {
    close: async () => {
      connection.close();
      await transport.close();
    },
  };
}
