import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { AuthContext } from "../contracts/auth-context";
import type { DecisionMemo } from "../core/decision-memo";
import type { RequestPipeline } from "../core/request-pipeline";
import { TransportError } from "../errors";
import { refuseBatch } from "./http-request";
import type { HttpSession } from "./http-session";
import type { HttpHandlerOptions } from "./http.transport";
import { MemorySessionRegistry } from "./memory-session-registry";
import { answerPost } from "./post-answer";
import { RedisSessionRegistry } from "./redis-session-registry";
import type { SessionRegistry } from "./session-registry";

const principalKey = (auth: AuthContext | undefined) => (auth ? `${auth.strategy}\u0000${auth.subject}` : "anonymous");
/** Who sent a request, as the HTTP host admitted it. */
type Who = { principal: AuthContext | undefined; decisions: DecisionMemo; clientAddress?: string };
const isInitialize = (m: JSONRPCMessage) => "method" in m && m.method === "initialize";

/**
 * Stateful Streamable HTTP: `initialize` opens a session bound to its principal, later requests name it with
 * `Mcp-Session-Id`, `GET` opens (or resumes) its stream, `DELETE` ends it. A session of another principal is
 * answered exactly as an unknown one.
 */
export class StatefulRoutes {
  private readonly sessions: SessionRegistry;
  /** Stops the connect-link callback from asking these sessions (once they are closed). */
  private readonly unwatch?: () => void;

  constructor(
    private readonly pipeline: RequestPipeline,
    private readonly options: HttpHandlerOptions,
    private readonly keepAliveMs: number,
  ) {
    const settings = {
      maxSessions: options.maxSessions ?? 10_000,
      maxSessionsPerPrincipal: options.maxSessionsPerPrincipal ?? 100,
      sessionIdleMs: options.sessionIdleMs ?? 30 * 60 * 1000,
      keepAliveMs,
      eventStore: options.eventStore,
    };
    this.sessions = options.sessions ? new RedisSessionRegistry(pipeline, options.sessions, settings) : new MemorySessionRegistry(settings);
    this.unwatch = pipeline.def.integrations?.watchSessions(this.sessions);
  }

  /** Resolves once sessions can be served (a shared store is connected), or after a bounded wait. */
  ready(): Promise<void> {
    return this.sessions.ready();
  }

  async route(
    req: IncomingMessage,
    res: ServerResponse,
    body: { messages: JSONRPCMessage[]; batch: boolean } | undefined,
    who: Who,
  ): Promise<void> {
    const sid = req.headers["mcp-session-id"];
    const principal = principalKey(who.principal);
    if (typeof sid !== "string") {
      if (!body || !body.messages.some(isInitialize)) throw new TransportError("missing_session", "Bad Request: No valid session ID provided");
      return this.open(res, body, principal, who);
    }
    const session = await this.sessions.claim(sid, principal);
    if (!session) throw new TransportError("session_not_found", "Session not found");
    if (body) {
      if (body.messages.some(isInitialize)) throw new TransportError("already_initialized", "Invalid Request: Server already initialized");
      if (body.batch) refuseBatch(body.messages, session.connection.protocolVersion);
      return this.post(res, body, session, who);
    }
    if (req.method === "DELETE") {
      await this.sessions.remove(session);
      res.writeHead(200, session.headers);
      res.end();
      return;
    }
    return this.get(req, res, session);
  }

  close(): Promise<void> {
    this.unwatch?.();
    return this.sessions.close();
  }

  private async open(res: ServerResponse, body: { messages: JSONRPCMessage[]; batch: boolean }, principal: string, who: Who): Promise<void> {
    if (body.messages.length > 1) throw new TransportError("already_initialized", "Invalid Request: Only one initialization request is allowed");
    if (body.batch) refuseBatch(body.messages, undefined);
    const session = await this.sessions.open(principal);
    return this.post(res, body, session, who);
  }

  private post(res: ServerResponse, body: { messages: JSONRPCMessage[]; batch: boolean }, session: HttpSession, who: Who): Promise<void> {
    return answerPost(res, body.messages, { connection: session.connection, principal: who.principal, decisions: who.decisions, clientAddress: who.clientAddress }, this.pipeline, {
      json: this.options.jsonResponse ?? false,
      headers: session.headers,
      batch: body.batch,
      eventStore: this.sessions.eventStore,
      retryInterval: this.options.retryInterval,
      keepAliveMs: this.keepAliveMs,
      session,
    });
  }

  private async get(req: IncomingMessage, res: ServerResponse, session: HttpSession): Promise<void> {
    if (!(req.headers.accept ?? "").includes("text/event-stream"))
      throw new TransportError("not_acceptable", "Not Acceptable: Client must accept text/event-stream");
    const lastEventId = req.headers["last-event-id"];
    if (this.sessions.eventStore && typeof lastEventId === "string" && lastEventId) return session.resume(lastEventId, res);
    return session.openStandalone(res);
  }
}
