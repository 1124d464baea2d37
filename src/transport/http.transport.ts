import { createServer as createHttpServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { AuditFacts } from "../auth/audit";
import type { AuthFailureLimiter } from "../auth/rate-limit";
import type { AuthContext, AuthRequest } from "../contracts/auth-context";
import { Connection } from "../core/connection";
import type { CloseOptions } from "../core/pending-work";
import type { ModernEnvelope } from "../core/modern/envelope";
import type { Inbound, RequestPipeline } from "../core/request-pipeline";
import { InvalidRequestError, McpcraftError, TransportError } from "../errors";
import { challengeFor, type Challenge } from "./challenge";
import { writeFrameworkError } from "./http-answers";
import { clientAddressFor, type ClientAddress, type ForwardedHeader, type TrustProxy } from "./client-address";
import { HttpDrain } from "./http-drain";
import { admissionFacts, checkCredentialShape, checkPostHeaders, checkProtocolVersion, ClientAborted, flatHeaders, hostnameOf, refuseBatch } from "./http-request";
import { checkModernPost, isModernHttp, modernNeedsStream } from "./modern-http";
import { readMessages } from "./post-body";
import { serveOAuthCallback } from "./oauth-callback.route";
import { answerPost } from "./post-answer";
import { DEFAULT_KEEP_ALIVE_MS } from "./sse-stream";
import type { RedisSessionOptions } from "./redis-session-registry";
import { applySocketLimits, nodeServerLimits, type SocketLimits } from "./socket-limits";
import { StatefulRoutes } from "./stateful-routes";

/** Options of `server.handler()`, and the HTTP options `listen()` shares with it. */
export interface HttpHandlerOptions {
  /** MCP endpoint path. Default `/mcp`. */
  path?: string;
  /** No sessions: every request stands alone (and may reach any instance). Default false (sessions bound to their principal). */
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
  /** A `: keepalive` comment on open SSE streams this often, so proxies keep them. Default 15 s; 0 turns it off. */
  keepAliveMs?: number;
  /** Sessions (and resumable SSE) in Redis, so any instance serves any session; see docs/deployment.md. */
  sessions?: RedisSessionOptions;
  /** Proxies allowed to name the client address (limiter, audit log); default off: the socket's. See {@link TrustProxy}. */
  trustProxy?: TrustProxy;
  /** The header the trusted proxies write; the other one is ignored. Default `"x-forwarded-for"`. */
  forwardedHeader?: ForwardedHeader;
}

/** Options of `server.listen({ port, host, … })` over Streamable HTTP; `timeouts` and `maxConnections` bound the node:http server it creates (see {@link SocketLimits}). */
export interface HttpListenOptions extends HttpHandlerOptions, SocketLimits {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** What an HTTP `listen()` resolves to: the full MCP endpoint URL (`http://127.0.0.1:41234/mcp`), the port, how to stop. */
export interface HttpListening {
  url: string;
  port: number;
  /** Drains: new requests get 503, in-flight ones finish until `timeoutMs` (default 10 s), then are aborted. */
  close(options?: CloseOptions): Promise<void>;
}

const WELL_KNOWN = "/.well-known/oauth-protected-resource";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The framework's own Streamable HTTP transport on `node:http`. It runs DESIGN §4's checks on every request in
 * order — Host/Origin → body → rate limit → authenticate → step-up — and hands each JSON-RPC message, with the
 * typed principal, to the pipeline that was built once at start-up. Sessions live in {@link StatefulRoutes}.
 */
export class HttpHost {
  private readonly path: string;
  private readonly routes?: StatefulRoutes;
  private readonly nodeServers = new Set<NodeHttpServer>();
  private allowedHosts?: Set<string>;
  private readonly challenge: Challenge;
  private readonly keepAliveMs: number;
  private readonly clientAddress: ClientAddress;
  private closed = false;
  private readonly drain = new HttpDrain();

  constructor(
    private readonly pipeline: RequestPipeline,
    private readonly options: HttpListenOptions,
    private readonly limiter?: AuthFailureLimiter,
  ) {
    this.path = options.path ?? "/mcp";
    if (!this.path.startsWith("/")) throw new InvalidRequestError("path must start with /");
    if (options.allowedHosts) this.allowedHosts = new Set(options.allowedHosts.map((h) => hostnameOf(h)));
    this.challenge = challengeFor(pipeline.def.strategy?.resourceMetadata?.(), this.path);
    this.keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.clientAddress = clientAddressFor(options.trustProxy, options.forwardedHeader);
    if (!options.stateless) this.routes = new StatefulRoutes(pipeline, options, this.keepAliveMs);
  }

  readonly handler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void => {
    this.drain.track(this.handle(req, res, next)).catch((err) => {
      if (err instanceof ClientAborted) return this.pipeline.def.logger.debug({ event: "http.client_aborted", error: err.message }, "client went away mid-request");
      // Refusals of the error table are answers, not faults; only the unexpected is logged (and never shown).
      if (!(err instanceof McpcraftError)) this.pipeline.def.logger.error({ event: "http.error", error: (err as Error)?.message }, "unhandled error in HTTP handler");
      writeFrameworkError(res, err, {});
    });
  };

  async listen(): Promise<HttpListening> {
    const host = this.options.host ?? "127.0.0.1";
    if (!this.allowedHosts && LOOPBACK.has(host.toLowerCase())) this.allowedHosts = new Set(LOOPBACK);
    const limits = nodeServerLimits(this.options);
    const server = createHttpServer(limits.options, this.handler);
    applySocketLimits(server, limits, this.pipeline.def.logger);
    this.nodeServers.add(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 3000, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    await this.routes?.ready();
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return { url: `http://${shownHost}:${port}${this.path}`, port, close: (options) => this.close(options) };
  }

  /** Graceful: see {@link HttpDrain}. Afterwards every request gets 503. */
  async close(options?: CloseOptions): Promise<void> {
    const { aborted } = await this.drain.close(options, () => this.routes?.close(), this.nodeServers);
    this.closed = true;
    this.nodeServers.clear();
    if (aborted) this.pipeline.def.logger.warn({ event: "server.drain", transport: "http", aborted }, "drain deadline passed: in-flight requests aborted");
  }

  private async handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    if (this.closed) throw new TransportError("shutting_down", "Server is shutting down", { connection: "close" });
    // A plain split, not `new URL()`: URL parsing showed up at ~6% of server CPU in bench/ profiles. Paths are
    // matched exactly as sent (no dot-segment normalisation), which only makes routing stricter.
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const pathname = q === -1 ? target : target.slice(0, q);
    if (!this.originAllowed(req)) throw new TransportError("origin_not_allowed", "Forbidden: Host or Origin not allowed");
    if (pathname === WELL_KNOWN || pathname === `${WELL_KNOWN}${this.path}`) return this.serveMetadata(req, res);
    const integrations = this.pipeline.def.integrations;
    if (integrations && pathname === integrations.callbackPath) return serveOAuthCallback(req, res, integrations, q === -1 ? "" : target.slice(q + 1));
    if (pathname !== this.path) {
      if (next) return next();
      throw new TransportError("route_not_found", "Not found");
    }
    const method = req.method ?? "GET";
    // 2026-07-28 has no sessions: its requests are served as stateless ones, whatever the configuration.
    const modern = isModernHttp(req);
    const stateless = this.options.stateless || modern;
    if (method !== "POST" && (stateless || (method !== "GET" && method !== "DELETE"))) {
      const allow = stateless ? "POST" : "GET, POST, DELETE";
      throw new TransportError("method_not_allowed", stateless ? "Method not allowed: this server is stateless" : "Method not allowed", { allow });
    }
    const body = method === "POST" ? await readMessages(req, this.options.maxBodyBytes ?? 1024 * 1024) : undefined;
    this.drain.admit(body);
    const singleId = body?.messages.length === 1 && "id" in body.messages[0] ? body.messages[0].id : null;
    const authRequest: AuthRequest = { headers: flatHeaders(req), transport: "http", ip: this.clientAddress(req) };
    let principal: AuthContext | undefined;
    const facts = admissionFacts(body?.messages, this.pipeline.def.tools);
    try {
      principal = await this.admit(req, q === -1 ? "" : target.slice(q + 1), authRequest, facts);
    } catch (err) {
      return writeFrameworkError(res, err, this.challenge.forRequest(req), singleId);
    }
    const decisions = this.pipeline.decisions(principal);
    if (body) {
      // The 403 step-up is OAuth's (a bearer token can be re-issued with more scopes); API keys get -32003 in-band.
      if (principal && /^bearer\s/i.test(req.headers.authorization ?? "")) for (const m of body.messages) {
        const refusal = this.pipeline.stepUp(m, decisions, authRequest.ip);
        if (refusal) return writeFrameworkError(res, refusal, this.challenge.forRequest(req), singleId);
      }
      checkPostHeaders(req);
    }
    // As the SDK does: `initialize` negotiates the version in its body, so its header is not checked.
    let envelope: ModernEnvelope | undefined;
    if (modern) {
      try {
        envelope = checkModernPost(req, body!, (tool) => this.pipeline.def.tools.get(tool)?.input.schema);
      } catch (err) {
        return writeFrameworkError(res, err, this.challenge.forRequest(req), singleId);
      }
    } else if (!body?.messages.some((m) => "method" in m && m.method === "initialize")) checkProtocolVersion(req);
    if (body?.batch && !this.routes) refuseBatch(body.messages, req.headers["mcp-protocol-version"] as string | undefined);
    const clientAddress = authRequest.ip;
    if (this.routes && !modern) return this.routes.route(req, res, body, { principal, decisions, clientAddress });
    await this.answerAlone(req, res, body!, { principal, decisions, clientAddress, envelope }, modern);
  }

  /** A request that belongs to no session (stateless, or 2026-07-28): nothing of it outlives the response. */
  private async answerAlone(req: IncomingMessage, res: ServerResponse, body: { messages: JSONRPCMessage[]; batch: boolean }, who: Omit<Inbound, "relay" | "connection">, modern: boolean): Promise<void> {
    const connection = new Connection("http");
    const version = req.headers["mcp-protocol-version"];
    if (typeof version === "string") connection.protocolVersion = version;
    // A client that goes away aborts what it asked for (on 2026-07-28 that is how a client cancels).
    this.drain.hold(connection, res);
    // `{ connection, ...who }`, not `{ ...who, connection }`: keys after a spread cost a hidden class per call (see inboundTo).
    await answerPost(res, body.messages, { connection, ...who }, this.pipeline, {
      // A 2026-era answer streams (DeferredSse) only when the request asked for progress or logs.
      json: this.options.jsonResponse ?? !(modern && modernNeedsStream(body.messages)),
      headers: {},
      batch: body.batch,
      keepAliveMs: this.keepAliveMs,
      modern,
    });
  }

  /** Limiter → credential shape (RFC 6750 §2: one credential, in one header, never in the query) → strategy. */
  private async admit(req: IncomingMessage, query: string, authRequest: AuthRequest, facts: AuditFacts): Promise<AuthContext | undefined> {
    const admission = this.pipeline.admission;
    if (this.pipeline.def.strategy) {
      try {
        checkCredentialShape(req, query);
      } catch (err) {
        if (this.limiter) await this.limiter.check(authRequest.ip!, { ...facts, transport: "http" });
        admission.refuseShape(authRequest, facts);
        if (this.limiter) await this.limiter.recordFailure(authRequest.ip!);
        throw err;
      }
    }
    return admission.admit(authRequest, { limiter: this.limiter, facts });
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

  private serveMetadata(req: IncomingMessage, res: ServerResponse): void {
    const meta = this.pipeline.def.strategy?.resourceMetadata?.();
    if (!meta || req.method === "POST") throw new TransportError("route_not_found", "Not found");
    const headers = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS", "cache-control": "max-age=300" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(meta));
  }
}
