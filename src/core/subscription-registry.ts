import type { ResourceSubscriptions } from "../contracts/resource-subscriptions";
import type { Connection } from "./connection";

/**
 * Who subscribed to which resource URI (`resources/subscribe`), per live connection — an HTTP session, the stdio
 * process, an in-memory client. A connection's entries go when it closes.
 */
export class SubscriptionRegistry implements ResourceSubscriptions {
  private readonly byConnection = new Map<Connection, Set<string>>();
  /**
   * Set when sessions are shared by several instances: a notice goes to all of them (each calls
   * {@link deliver} for the connections it holds) and resolves to how many instances it reached.
   */
  fanOut?: (uri: string) => Promise<number>;

  subscribe(connection: Connection, uri: string): void {
    let uris = this.byConnection.get(connection);
    if (!uris) {
      uris = new Set();
      this.byConnection.set(connection, uris);
      connection.onClose(() => this.byConnection.delete(connection));
    }
    uris.add(uri);
  }

  unsubscribe(connection: Connection, uri: string): void {
    this.byConnection.get(connection)?.delete(uri);
  }

  notifyUpdated(uri: string): Promise<number> {
    return this.fanOut ? this.fanOut(uri) : this.deliver(uri);
  }

  /** The URIs `connection` is subscribed to. */
  of(connection: Connection): string[] {
    return [...(this.byConnection.get(connection) ?? [])];
  }

  /** Tells the subscribed connections of this process; resolves to how many were told. */
  async deliver(uri: string): Promise<number> {
    const targets = [...this.byConnection].filter(([c, uris]) => uris.has(uri) && c.peer && !c.closed).map(([c]) => c);
    const results = await Promise.allSettled(
      targets.map((c) => c.peer!.send({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri } })),
    );
    results.forEach((r, i) => {
      if (r.status === "rejected") this.byConnection.delete(targets[i]);
    });
    return results.filter((r) => r.status === "fulfilled").length;
  }
}
