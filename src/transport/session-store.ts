import type { HttpSession } from "./http-session";

/**
 * The live sessions of one HTTP host, with the limits that keep one caller from exhausting them: a cap per
 * principal (its least recently used session is closed) and an idle timeout.
 */
export class SessionStore {
  private readonly sessions = new Map<string, HttpSession>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly perPrincipal: number,
    private readonly idleMs: number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The session, touched, if it exists and belongs to `principal`. */
  claim(id: string, principal: string): HttpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.principal !== principal) return undefined;
    session.lastSeen = Date.now();
    // Recency is the map's order, not the clock: sessions used within one millisecond must still rank.
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  /** Whether the session is open here and not idle past its timeout (even before the sweeper closes it). */
  alive(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && session.lastSeen >= Date.now() - this.idleMs;
  }

  /** The session of this process with that id, whoever it belongs to (for messages from other instances). */
  peek(id: string): HttpSession | undefined {
    return this.sessions.get(id);
  }

  add(session: HttpSession): void {
    this.sessions.set(session.id, session);
    session.connection.onClose(() => {
      if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    });
    this.startSweeper();
  }

  /** Makes room for one more session of `principal` by closing its least recently used ones. */
  makeRoomFor(principal: string): void {
    const own = [...this.sessions.values()].filter((s) => s.principal === principal);
    if (own.length < this.perPrincipal) return;
    for (const s of own.slice(0, own.length - this.perPrincipal + 1)) s.close();
  }

  closeAll(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const s of [...this.sessions.values()]) s.close();
    this.sessions.clear();
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const cutoff = Date.now() - this.idleMs;
      for (const s of [...this.sessions.values()]) if (s.lastSeen < cutoff) s.close();
    }, Math.min(this.idleMs, 60_000));
    this.sweeper.unref();
  }
}
