import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport, type EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { AuthContext } from "../contracts/auth-context";
import type { ProtectedResourceMetadata } from "../auth/auth-strategy";
import { AUTH_INFO_KEY, type Runtime } from "../core/runtime";
import type { AuthFailureLimiter } from "../auth/rate-limit";
import { AuthenticationError, InsufficientScopeError, InvalidRequestError, JsonRpcCode } from "../errors";
import { exceedsDepth } from "../schema/input-validator";
import { writeFrameworkError, writeRpcError } from "./http-answers";
import { BodyTooLarge, flatHeaders, hostnameOf, readBody } from "./http-request";
import { SessionStore } from "./session-store";

export interface HttpHandlerOptions {
  /** MCP endpoint path. Default `/mcp`. */
  path?: string;
  /** One SDK server + transport per request, no sessions. Default false (sessions bound to their principal). */
  stateless?: boolean;
  /** Answer with `application/json` instead of SSE. Default: true when stateless, false otherwise. */
  jsonResponse?: boolean;
  /** Largest request body accepted (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Host header names accepted (DNS-rebinding protection). Default when listening on a loopback address:
   * localhost, 127.0.0.1 and [::1]; otherwise no check unless given.
   */
  allowedHosts?: string[];
  /** Origins accepted when a browser sends `Origin`. Default: loopback origins on loopback, else same-origin. */
  allowedOrigins?: string[];
  /** Most concurrent sessions (503 above). Default 10,000. */
  maxSessions?: number;
  /**
   * Most concurrent sessions one principal may hold; opening another closes that principal's least recently used
   * one, so no single caller can use up `maxSessions`. Default 100.
   */
  maxSessionsPerPrincipal?: number;
  /**
   * Makes stateful SSE streams resumable (SEP-1699): events get ids and are kept here, so a client that lost its
   * stream reconnects with `Last-Event-ID` and misses nothing. E.g. the SDK's `InMemoryEventStore`.
   */
  eventStore?: EventStore;
  /** Milliseconds a client should wait before reconnecting a closed SSE stream (the SSE `retry:` field). */
  retryInterval?: number;
  /** Sessions idle longer than this are closed. Default 30 minutes. */
  sessionIdleMs?: number;
}

export interface HttpListenOptions extends HttpHandlerOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface HttpListening {
  /** The full MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  port: number;
  close(): Promise<void>;
}


const WELL_KNOWN = "/.well-known/oauth-protected-resource";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const QUERY_CREDENTIALS = ["access_token", "api_key", "apikey", "token", "key"];
const MAX_DEPTH = 64;

const principalKey = (auth: AuthContext | undefined) => (auth ? `${auth.strategy}\u0000${auth.subject}` : "anonymous");




/**
 * Streamable HTTP for a {@link Runtime}. The only module that knows how the SDK transport is driven: it runs the
 * HTTP-level checks in DESIGN §4 order (Host/Origin → body → authenticate → step-up) on every request, then hands
 * the request to a per-session or per-request SDK transport with the principal attached.
 */
export class HttpHost {
  private readonly path: string;
  private readonly sessions: SessionStore;
  private readonly nodeServers = new Set<NodeHttpServer>();
  private allowedHosts?: Set<string>;
  private closed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly options: HttpListenOptions,
    private readonly limiter?: AuthFailureLimiter,
  ) {
    this.path = options.path ?? "/mcp";
    if (!this.path.startsWith("/")) throw new InvalidRequestError("path must start with /");
    this.sessions = new SessionStore(options.maxSessionsPerPrincipal ?? 100, options.sessionIdleMs ?? 30 * 60 * 1000);
    if (options.allowedHosts) this.allowedHosts = new Set(options.allowedHosts.map((h) => hostnameOf(h)));
  }

  readonly handler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void => {
    this.handle(req, res, next).catch((err) => {
      this.runtime.def.logger.error({ event: "http.error", error: (err as Error)?.message }, "unhandled error in HTTP handler");
      writeRpcError(res, 500, JsonRpcCode.InternalError, "Internal server error");
    });
  };

  async listen(): Promise<HttpListening> {
    const host = this.options.host ?? "127.0.0.1";
    if (!this.allowedHosts && LOOPBACK.has(host.toLowerCase())) this.allowedHosts = new Set(LOOPBACK);
    const server = createHttpServer(this.handler);
    this.nodeServers.add(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 3000, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return { url: `http://${shownHost}:${port}${this.path}`, port, close: () => this.close() };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sessions.closeAll();
    await Promise.all(
      [...this.nodeServers].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.nodeServers.clear();
  }

  /** RFC 9728 §3.1: the metadata URL is the resource's origin + the well-known prefix + the resource's path. */
  private resourceMetadataUrl(req: IncomingMessage, meta: ProtectedResourceMetadata): string {
    try {
      const u = new URL(meta.resource);
      return `${u.origin}${WELL_KNOWN}${u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "")}`;
    } catch {
      return `http://${req.headers.host}${WELL_KNOWN}${this.path}`;
    }
  }

  private challenge(req: IncomingMessage): { resourceMetadata?: string; scope?: string } {
    const meta = this.runtime.def.strategy?.resourceMetadata?.();
    if (!meta) return {};
    return { resourceMetadata: this.resourceMetadataUrl(req, meta), scope: meta.scopes_supported?.join(" ") || undefined };
  }

  private originAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    if (this.allowedHosts && (!host || !this.allowedHosts.has(hostnameOf(host)))) return false;
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.options.allowedOrigins) return this.options.allowedOrigins.includes(origin);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (this.allowedHosts) return this.allowedHosts.has(parsed.hostname.toLowerCase()) || this.allowedHosts.has(`[${parsed.hostname}]`);
    return parsed.host === host;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    if (this.closed) return writeRpcError(res, 503, JsonRpcCode.InternalError, "Server is shutting down");
    // A plain split, not `new URL()`: URL parsing showed up at ~6% of server CPU in bench/ profiles. Paths are
    // matched exactly as sent (no dot-segment normalisation), which only makes routing stricter.
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const url = { pathname: q === -1 ? target : target.slice(0, q), query: q === -1 ? "" : target.slice(q + 1) };
    if (!this.originAllowed(req)) return writeRpcError(res, 403, JsonRpcCode.InvalidRequest, "Forbidden: Host or Origin not allowed");

    if (url.pathname === WELL_KNOWN || url.pathname === `${WELL_KNOWN}${this.path}`) return this.serveMetadata(req, res);
    if (url.pathname !== this.path) {
      if (next) return next();
      return writeRpcError(res, 404, JsonRpcCode.InvalidRequest, "Not found");
    }
    const method = req.method ?? "GET";
    if (method !== "POST" && method !== "GET" && method !== "DELETE") {
      return writeRpcError(res, 405, JsonRpcCode.InvalidRequest, "Method not allowed", { allow: "GET, POST, DELETE" });
    }
    if (this.options.stateless && method !== "POST")
      return writeRpcError(res, 405, JsonRpcCode.InvalidRequest, "Method not allowed: this server is stateless", { allow: "POST" });

    let body: unknown;
    if (method === "POST") {
      const preParsed = (req as IncomingMessage & { body?: unknown }).body;
      if (preParsed !== undefined && typeof preParsed === "object") body = preParsed;
      else {
        let raw: string;
        try {
          raw = await readBody(req, this.options.maxBodyBytes ?? 1024 * 1024);
        } catch (err) {
          if (err instanceof BodyTooLarge) {
            req.resume();
            return writeRpcError(res, 413, JsonRpcCode.ParseError, "Request body too large", { connection: "close" });
          }
          throw err;
        }
        try {
          body = JSON.parse(raw);
        } catch {
          return writeRpcError(res, 400, JsonRpcCode.ParseError, "Parse error: invalid JSON");
        }
      }
      if (body === null || typeof body !== "object") return writeRpcError(res, 400, JsonRpcCode.InvalidRequest, "Invalid Request: expected a JSON-RPC object or batch");
      if (exceedsDepth(body, MAX_DEPTH)) return writeRpcError(res, 400, JsonRpcCode.InvalidRequest, "Invalid Request: JSON nested too deeply");
    }
    const messages = (Array.isArray(body) ? body : body === undefined ? [] : [body]) as Record<string, unknown>[];
    const singleId = messages.length === 1 && (typeof messages[0]?.id === "string" || typeof messages[0]?.id === "number") ? (messages[0].id as string | number) : null;
    const challenge = this.challenge(req);

    let auth: AuthContext | undefined;
    const ip = req.socket.remoteAddress ?? "unknown";
    try {
      if (this.limiter) await this.limiter.check(ip);
      if (this.runtime.def.strategy) try {
        this.checkCredentialShape(req, url);
      } catch (err) {
        // Refused before any strategy ran; still an authentication failure worth auditing.
        this.runtime.def.audit.emit({ type: "auth.failure", reason: "invalid_request", strategy: this.runtime.def.strategy?.name, ip, transport: "http" });
        throw err;
      }
      auth = await this.runtime.authenticate({ headers: flatHeaders(req), transport: "http", ip });
    } catch (err) {
      // Only presented-but-wrong credentials count: a client's first, credential-less probe (OAuth discovery)
      // must not lock it out.
      const failed = (err instanceof AuthenticationError && err.reason !== "missing_credentials") || err instanceof InvalidRequestError;
      if (failed && this.limiter) await this.limiter.recordFailure(ip);
      return writeFrameworkError(res, err, challenge, singleId);
    }

    // MCP 2025-11-25 step-up: a bearer token lacking a tool's scopes gets HTTP 403 before the SDK answers 200.
    if (auth && method === "POST" && /^bearer\s/i.test(req.headers.authorization ?? "")) {
      for (const m of messages) {
        if (m?.method !== "tools/call") continue;
        const name = (m.params as { name?: unknown } | undefined)?.name;
        const { required, missing } = this.runtime.missingScopesFor(name, auth);
        if (!missing.length) continue;
        this.runtime.auditDenied("tool", String(name), auth, { allowed: false, missingRoles: [], missingScopes: missing, reason: "insufficient_scope" }, "http");
        return writeFrameworkError(res, new InsufficientScopeError(required, missing), challenge, singleId);
      }
    }

    // Always overwrite: a value set by some earlier middleware must never stand in for our authentication.
    (req as IncomingMessage & { auth?: AuthInfo }).auth = auth
      ? { token: auth.token ?? "", clientId: auth.subject, scopes: auth.scopes, expiresAt: auth.expiresAt, extra: { [AUTH_INFO_KEY]: auth } }
      : undefined;

    if (this.options.stateless) return this.handleStateless(req, res, body);
    return this.handleStateful(req, res, body, messages, auth);
  }

  /** RFC 6750 §2: one credential, in one header, never in the query string. */
  private checkCredentialShape(req: IncomingMessage, url: { query: string }): void {
    if ((req.headersDistinct.authorization?.length ?? 0) > 1) throw new InvalidRequestError("Multiple Authorization headers");
    if ((req.headersDistinct["x-api-key"]?.length ?? 0) > 1) throw new InvalidRequestError("Multiple API key headers");
    const params = url.query ? new URLSearchParams(url.query) : undefined;
    if (params && QUERY_CREDENTIALS.some((k) => params.has(k))) throw new InvalidRequestError("Credentials in the query string are not accepted");
    if (req.headers.authorization !== undefined && req.headers["x-api-key"] !== undefined)
      throw new InvalidRequestError("Send one credential: an API key or an Authorization header, not both");
  }

  private serveMetadata(req: IncomingMessage, res: ServerResponse): void {
    const meta = this.runtime.def.strategy?.resourceMetadata?.();
    if (!meta || req.method === "POST") return writeRpcError(res, 404, JsonRpcCode.InvalidRequest, "Not found");
    const headers = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS", "cache-control": "max-age=300" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(meta));
  }

  private async handleStateless(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = this.runtime.createSdkServer("http");
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: this.options.jsonResponse ?? true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private async handleStateful(req: IncomingMessage, res: ServerResponse, body: unknown, messages: Record<string, unknown>[], auth: AuthContext | undefined): Promise<void> {
    const sid = req.headers["mcp-session-id"];
    const principal = principalKey(auth);
    if (typeof sid === "string") {
      const session = this.sessions.claim(sid, principal);
      // A session is bound to the principal that opened it; anyone else gets exactly the unknown-session answer.
      if (!session) return writeRpcError(res, 404, -32001, "Session not found");
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== "POST" || !messages.some((m) => m?.method === "initialize"))
      return writeRpcError(res, 400, -32000, "Bad Request: No valid session ID provided");
    this.sessions.makeRoomFor(principal);
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) return writeRpcError(res, 503, JsonRpcCode.InternalError, "Too many sessions", { "retry-after": "5" });

    const server = this.runtime.createSdkServer("http");
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: this.options.jsonResponse ?? false,
      eventStore: this.options.eventStore,
      retryInterval: this.options.retryInterval,
      onsessioninitialized: (id) => {
        this.sessions.add(id, { transport, server, principal, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }
}
