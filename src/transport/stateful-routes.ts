import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { AuthContext } from "../contracts/auth-context";
import type { DecisionMemo } from "../core/decision-memo";
import type { RequestPipeline } from "../core/request-pipeline";
import { TransportError } from "../errors";
import { refuseBatch } from "./http-request";
import { HttpSession } from "./http-session";
import type { HttpHandlerOptions } from "./http.transport";
import { answerPost } from "./post-answer";
import { SessionStore } from "./session-store";

const principalKey = (auth: AuthContext | undefined) => (auth ? `${auth.strategy}\u0000${auth.subject}` : "anonymous");
const isInitialize = (m: JSONRPCMessage) => "method" in m && m.method === "initialize";

/**
 * Stateful Streamable HTTP: `initialize` opens a session bound to its principal, later requests name it with
 * `Mcp-Session-Id`, `GET` opens (or resumes) its stream, `DELETE` ends it. A session of another principal is
 * answered exactly as an unknown one.
 */
export class StatefulRoutes {
  private readonly sessions: SessionStore;

  constructor(
    private readonly pipeline: RequestPipeline,
    private readonly options: HttpHandlerOptions,
    private readonly keepAliveMs: number,
  ) {
    this.sessions = new SessionStore(options.maxSessionsPerPrincipal ?? 100, options.sessionIdleMs ?? 30 * 60 * 1000);
  }

  async route(
    req: IncomingMessage,
    res: ServerResponse,
    body: { messages: JSONRPCMessage[]; batch: boolean } | undefined,
    who: { principal: AuthContext | undefined; decisions: DecisionMemo },
  ): Promise<void> {
    const sid = req.headers["mcp-session-id"];
    const principal = principalKey(who.principal);
    if (typeof sid !== "string") {
      if (!body || !body.messages.some(isInitialize)) throw new TransportError("missing_session", "Bad Request: No valid session ID provided");
      return this.open(res, body, principal, who);
    }
    const session = this.sessions.claim(sid, principal);
    if (!session) throw new TransportError("session_not_found", "Session not found");
    if (body) {
      if (body.messages.some(isInitialize)) throw new TransportError("already_initialized", "Invalid Request: Server already initialized");
      if (body.batch) refuseBatch(body.messages, session.connection.protocolVersion);
      return this.post(res, body, session, who);
    }
    if (req.method === "DELETE") {
      session.close();
      res.writeHead(200, session.headers);
      res.end();
      return;
    }
    return this.get(req, res, session);
  }

  close(): void {
    this.sessions.closeAll();
  }

  private async open(res: ServerResponse, body: { messages: JSONRPCMessage[]; batch: boolean }, principal: string, who: { principal: AuthContext | undefined; decisions: DecisionMemo }): Promise<void> {
    if (body.messages.length > 1) throw new TransportError("already_initialized", "Invalid Request: Only one initialization request is allowed");
    if (body.batch) refuseBatch(body.messages, undefined);
    this.sessions.makeRoomFor(principal);
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) throw new TransportError("too_many_sessions", "Too many sessions", { "retry-after": "5" });
    const session = new HttpSession(randomUUID(), principal, { eventStore: this.options.eventStore, keepAliveMs: this.keepAliveMs });
    this.sessions.add(session);
    return this.post(res, body, session, who);
  }

  private post(res: ServerResponse, body: { messages: JSONRPCMessage[]; batch: boolean }, session: HttpSession, who: { principal: AuthContext | undefined; decisions: DecisionMemo }): Promise<void> {
    return answerPost(res, body.messages, { connection: session.connection, principal: who.principal, decisions: who.decisions }, this.pipeline, {
      json: this.options.jsonResponse ?? false,
      headers: session.headers,
      batch: body.batch,
      eventStore: this.options.eventStore,
      retryInterval: this.options.retryInterval,
      keepAliveMs: this.keepAliveMs,
      session,
    });
  }

  private async get(req: IncomingMessage, res: ServerResponse, session: HttpSession): Promise<void> {
    if (!(req.headers.accept ?? "").includes("text/event-stream"))
      throw new TransportError("not_acceptable", "Not Acceptable: Client must accept text/event-stream");
    const lastEventId = req.headers["last-event-id"];
    if (this.options.eventStore && typeof lastEventId === "string" && lastEventId) return session.resume(lastEventId, res);
    session.openStandalone(res);
  }
}
