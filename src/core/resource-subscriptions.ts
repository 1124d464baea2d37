import type { Server as SdkServer } from "@modelcontextprotocol/sdk/server/index.js";

/**
 * Who subscribed to which resource URI (`resources/subscribe`), per live connection: one entry per SDK server,
 * i.e. per HTTP session, stdio process or in-memory client. Entries go away when their connection closes.
 */
export class ResourceSubscriptions {
  private readonly byConnection = new Map<SdkServer, Set<string>>();

  subscribe(connection: SdkServer, uri: string): void {
    let uris = this.byConnection.get(connection);
    if (!uris) {
      uris = new Set();
      this.byConnection.set(connection, uris);
      const previous = connection.onclose;
      connection.onclose = () => {
        this.byConnection.delete(connection);
        previous?.();
      };
    }
    uris.add(uri);
  }

  unsubscribe(connection: SdkServer, uri: string): void {
    this.byConnection.get(connection)?.delete(uri);
  }

  /**
   * Sends `notifications/resources/updated` for `uri` to every connection subscribed to it and returns how many
   * were told. A connection that fails to receive it is dropped from the registry, not retried.
   *
   * @example
   * ```ts
   * await server.notifyResourceUpdated("config://app")   // after changing what resources/read returns
   * ```
   */
  async notifyUpdated(uri: string): Promise<number> {
    const targets = [...this.byConnection].filter(([, uris]) => uris.has(uri)).map(([connection]) => connection);
    const results = await Promise.allSettled(targets.map((c) => c.sendResourceUpdated({ uri })));
    results.forEach((r, i) => {
      if (r.status === "rejected") this.byConnection.delete(targets[i]);
    });
    return results.filter((r) => r.status === "fulfilled").length;
  }
}
