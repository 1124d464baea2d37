import { randomUUID } from "node:crypto";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { TransportError } from "../errors";
import { HttpSession } from "./http-session";
import type { SessionRegistry } from "./session-registry";
import { SessionStore } from "./session-store";

export interface MemorySessionSettings {
  maxSessions: number;
  maxSessionsPerPrincipal: number;
  sessionIdleMs: number;
  keepAliveMs: number;
  eventStore?: EventStore;
}

/** The default {@link SessionRegistry}: the sessions of this process only, in a {@link SessionStore}. */
export class MemorySessionRegistry implements SessionRegistry {
  readonly eventStore?: EventStore;
  private readonly sessions: SessionStore;

  constructor(private readonly settings: MemorySessionSettings) {
    this.eventStore = settings.eventStore;
    this.sessions = new SessionStore(settings.maxSessionsPerPrincipal, settings.sessionIdleMs);
  }

  claim(id: string, principal: string): HttpSession | undefined {
    return this.sessions.claim(id, principal);
  }

  live(id: string): boolean {
    return this.sessions.alive(id);
  }

  async open(principal: string): Promise<HttpSession> {
    this.sessions.makeRoomFor(principal);
    if (this.sessions.size >= this.settings.maxSessions) throw new TransportError("too_many_sessions", "Too many sessions", { "retry-after": "5" });
    const session = new HttpSession(randomUUID(), principal, { eventStore: this.eventStore, keepAliveMs: this.settings.keepAliveMs });
    this.sessions.add(session);
    return session;
  }

  async remove(session: HttpSession): Promise<void> {
    session.close();
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.sessions.closeAll();
  }
}
