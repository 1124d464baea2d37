import type { Connection } from "./connection";

/** The lists whose changes the server announces (`notifications/<kind>/list_changed`). */
export type ListKind = "tools" | "resources" | "prompts";

/**
 * The live connections that can be told things tied to no request — HTTP sessions, stdio, in-memory clients —
 * registered when they initialize, forgotten when they close. Used to announce list changes.
 */
export class ConnectionRegistry {
  private readonly live = new Set<Connection>();
  /** Set when sessions are shared by several instances: the notice goes to all of them (as for resource updates). */
  fanOut?: (kind: ListKind) => Promise<number>;

  add(connection: Connection): void {
    if (!connection.peer || this.live.has(connection)) return;
    this.live.add(connection);
    connection.onClose(() => this.live.delete(connection));
  }

  notifyListChanged(kind: ListKind): Promise<number> {
    return this.fanOut ? this.fanOut(kind) : this.deliver(kind);
  }

  /** Tells this process's connections; resolves to how many were told. */
  async deliver(kind: ListKind): Promise<number> {
    const targets = [...this.live].filter((c) => !c.closed);
    const results = await Promise.allSettled(targets.map((c) => c.peer!.send({ jsonrpc: "2.0", method: `notifications/${kind}/list_changed` })));
    return results.filter((r) => r.status === "fulfilled").length;
  }
}
