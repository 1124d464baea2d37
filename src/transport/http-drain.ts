import type { Server as NodeHttpServer, ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Connection } from "../core/connection";
import { PendingWork, drainTimeout, type CloseOptions, type DrainResult } from "../core/pending-work";
import { TransportError } from "../errors";

/**
 * The graceful close of one HTTP host. Once it starts, anything that would begin new work — a POST carrying a
 * request, a GET stream — gets 503 with `Connection: close`, while POSTs carrying only notifications and responses
 * still pass, so an in-flight call can still be cancelled or receive its client's answer to sampling or
 * elicitation. The listener stays open meanwhile, so a load balancer's health check sees the 503 rather than a
 * refused connection; in-flight requests finish until the deadline, then are cut.
 */
export class HttpDrain {
  private readonly work = new PendingWork();
  private readonly stateless = new Set<Connection>();
  private draining = false;

  /** Counts one request's handling until it settles. */
  track(handling: Promise<void>): Promise<void> {
    return this.work.add(handling);
  }

  /** A stateless request's connection lives as long as its response: a client that goes away aborts its call. */
  hold(connection: Connection, res: ServerResponse): void {
    this.stateless.add(connection);
    res.once("close", () => {
      this.stateless.delete(connection);
      connection.close();
    });
  }

  /** Throws the 503 for a request that would start new work while draining. */
  admit(body: { messages: JSONRPCMessage[] } | undefined): void {
    if (this.draining && (!body || body.messages.some((m) => "method" in m && "id" in m)))
      throw new TransportError("shutting_down", "Server is shutting down", { connection: "close" });
  }

  /**
   * Waits for in-flight requests until the deadline, then closes what is left — stateless calls, sessions and
   * their SSE streams (`endSessions`), the listeners — and says whether anything had to be cut.
   */
  async close(options: CloseOptions | undefined, endSessions: () => void, servers: Iterable<NodeHttpServer>): Promise<DrainResult> {
    this.draining = true;
    const drained = await this.work.idle(drainTimeout(options));
    const aborted = drained ? 0 : this.work.size;
    for (const connection of [...this.stateless]) connection.close();
    endSessions();
    await Promise.all([...servers].map(closeListener));
    return { drained, aborted };
  }
}

function closeListener(server: NodeHttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
