import type { Server as SdkServer } from "@modelcontextprotocol/sdk/server/index.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/** One stateful Streamable HTTP session: its SDK server and transport, and the principal that opened it. */
export interface Session {
  transport: StreamableHTTPServerTransport;
  server: SdkServer;
  /** `strategy\0subject` of the opener; requests from anyone else are answered as for an unknown session. */
  principal: string;
  lastSeen: number;
}

/**
 * The live sessions of one HTTP host, with the limits that keep one caller from exhausting them: a cap per
 * principal (its least recently used session is closed) and an idle timeout.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly perPrincipal: number,
    private readonly idleMs: number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The session, touched, if it exists and belongs to `principal`. */
  claim(id: string, principal: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session || session.principal !== principal) return undefined;
    session.lastSeen = Date.now();
    return session;
  }

  add(id: string, session: Session): void {
    this.sessions.set(id, session);
    this.startSweeper();
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Makes room for one more session of `principal` by closing its least recently used ones. */
  makeRoomFor(principal: string): void {
    const own = [...this.sessions].filter(([, s]) => s.principal === principal);
    if (own.length < this.perPrincipal) return;
    own.sort(([, a], [, b]) => a.lastSeen - b.lastSeen);
    for (const [id, s] of own.slice(0, own.length - this.perPrincipal + 1)) this.close(id, s);
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.transport.close()));
  }

  private close(id: string, s: Session): void {
    this.sessions.delete(id);
    void s.transport.close();
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const cutoff = Date.now() - this.idleMs;
      for (const [id, s] of this.sessions) if (s.lastSeen < cutoff) this.close(id, s);
    }, Math.min(this.idleMs, 60_000));
    this.sweeper.unref();
  }
}
