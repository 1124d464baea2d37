import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthContext, TransportKind } from "../contracts/auth-context";
import { Connection, type Relay } from "../core/connection";
import { PendingWork, drainTimeout, type CloseOptions } from "../core/pending-work";
import type { RequestPipeline } from "../core/request-pipeline";
import { TransportError, rpcErrorFor } from "../errors";

/** One served message port: `close` drains it (new requests refused, in-flight ones finish until the deadline). */
export interface PortHandle {
  close(options?: CloseOptions): Promise<void>;
}

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
): Promise<PortHandle> {
  const send = (message: Parameters<Transport["send"]>[0]) => transport.send(message);
  const connection = new Connection(kind, { send });
  const relay: Relay = { open: true, send };
  const inbound = { connection, principal, relay };
  const logger = pipeline.def.logger;
  const pending = new PendingWork();
  let draining = false;
  transport.onmessage = (message) => {
    // While draining, cancellations and the client's answers to server requests still pass: in-flight calls need them.
    if (draining && "method" in message && "id" in message) {
      const refusal = rpcErrorFor(new TransportError("shutting_down", "Server is shutting down"));
      void transport.send({ jsonrpc: "2.0", id: message.id, error: refusal }).catch(() => undefined);
      return;
    }
    void pending.add(
      pipeline
        .handle(message, inbound)
        .then((answer) => (answer && !connection.closed ? transport.send(answer) : undefined))
        .catch((err: Error) => logger.error({ event: "transport.error", transport: kind, error: err?.message }, "could not answer a message")),
    );
  };
  // A line that is not JSON-RPC is the peer's fault, not ours: note it where operators look, never on stdout.
  transport.onerror = (err) => logger.debug({ event: "transport.bad_message", transport: kind, error: err?.message }, "unreadable message");
  transport.onclose = () => connection.close();
  await transport.start();
  return {
    close: async (options) => {
      draining = true;
      const aborted = (await pending.idle(drainTimeout(options))) ? 0 : pending.size;
      connection.close();
      await transport.close();
      if (aborted) logger.warn({ event: "server.drain", transport: kind, aborted }, "drain deadline passed: in-flight requests aborted");
    },
  };
}
