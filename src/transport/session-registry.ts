import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { HttpSession } from "./http-session";

/**
 * Where the stateful routes find sessions: in this process ({@link MemorySessionRegistry}, the default) or in
 * Redis, shared by every instance ({@link RedisSessionRegistry}). The routes do not care which.
 */
export interface SessionRegistry {
  /** Where resumable SSE streams are kept, if anywhere. */
  readonly eventStore?: EventStore;
  /**
   * The session, touched, if it exists and belongs to `principal` (`strategy\0subject`); `undefined` otherwise,
   * so another principal's session is answered exactly like an unknown one.
   */
  claim(id: string, principal: string): HttpSession | undefined | Promise<HttpSession | undefined>;
  /** A new session bound to `principal` (an `initialize` without a session id). */
  open(principal: string): Promise<HttpSession>;
  /**
   * Whether the session still exists (not deleted, expired or ended), wherever it is served: for the OAuth
   * callback of a connect link asked for from it.
   */
  live(id: string): boolean | Promise<boolean>;
  /** `DELETE`: ends the session wherever it is served. */
  remove(session: HttpSession): Promise<void>;
  /** Resolves once the registry can serve (its Redis is connected), or after a bounded wait. */
  ready(): Promise<void>;
  /** Ends this process's sessions (not the shared ones) and releases what the registry holds. */
  close(): Promise<void>;
}
