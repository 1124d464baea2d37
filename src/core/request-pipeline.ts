import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
  ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
import { PolicyEngine } from "../auth/policy";
import type { AuthContext } from "../contracts/auth-context";
import { InsufficientScopeError, JsonRpcCode, McpcraftError, TooManyInFlightError, rpcErrorFor } from "../errors";
import { Admission } from "./admission";
import { Authorizer } from "./authorizer";
import { contextFor, RequestCall, type Call } from "./call";
import { ConnectionRegistry } from "./connection-registry";
import type { Connection, Relay } from "./connection";
import { DecisionMemo } from "./decision-memo";
import type { ServerDefinition } from "./definition";
import { completionHandlers } from "./handlers/completions.handlers";
import { capabilitiesOf, lifecycleHandlers } from "./handlers/lifecycle.handlers";
import { promptHandlers } from "./handlers/prompts.handlers";
import { resourceHandlers } from "./handlers/resources.handlers";
import { subscriptionHandlers } from "./handlers/subscriptions.handlers";
import { toolHandlers } from "./handlers/tools.handlers";
import { Invocation } from "./invocation";
import { QuotaGate } from "./quota-gate";
import type { HandlerParts, MethodEntry } from "./method-table";
import { SubscriptionRegistry } from "./subscription-registry";
import { envelopeClaim, readEnvelope, type ModernEnvelope } from "./modern/envelope";
import { InputRequired, InputRounds } from "./modern/input-rounds";
import { listenEntry } from "./handlers/listen.handlers";
import { ListenStreams } from "./modern/listen-streams";
import { modernCapabilities, modernMethods } from "./modern/modern-methods";
import { completeResult, inputRequiredResult, serverMetaOf } from "./modern/modern-results";

/** Who sent a message and where its answers go; handed over by the transport with every message. */
export interface Inbound {
  connection: Connection;
  principal: AuthContext | undefined;
  relay: Relay;
  /** The request's decisions, when the transport already consulted them (HTTP step-up); else made here. */
  decisions?: DecisionMemo;
  /** The client's address, for anonymous quotas and the audit log (HTTP). */
  clientAddress?: string;
  /** A 2026-07-28 request's envelope, when the transport already read (and checked) it. */
  envelope?: ModernEnvelope;
}

export type Answer = JSONRPCResultResponse | JSONRPCErrorResponse;

/**
 * `inbound` with its answers going to `relay`. Spelled out rather than `{ ...inbound, relay }`: V8 (Node 20) gives
 * an object spread followed by further properties a new hidden class on every call once the code is optimised,
 * and on the request path those classes were a measurable share of the work and of the old-space GC.
 */
export function inboundTo(inbound: Omit<Inbound, "relay">, relay: Relay): Inbound {
  return {
    connection: inbound.connection,
    principal: inbound.principal,
    relay,
    decisions: inbound.decisions,
    clientAddress: inbound.clientAddress,
    envelope: inbound.envelope,
  };
}

/**
 * The request path, built once per server at start-up: authenticate → failed-auth limiter ({@link Admission}) →
 * authorize (one decision per request) → validate → invoke → map the result. Every transport — HTTP, stdio, the
 * in-memory test client — hands it a parsed JSON-RPC message with a typed principal and a connection, and writes
 * back what it answers. Nothing is built per request but the call, its context and (for classes) its container.
 */
export class RequestPipeline {
  readonly admission: Admission;
  readonly authorizer: Authorizer;
  readonly subscriptions = new SubscriptionRegistry();
  readonly connections = new ConnectionRegistry();
  /** Open `subscriptions/listen` streams (2026-07-28), ended gracefully when the server closes. */
  readonly listens = new ListenStreams();
  readonly capabilities: ServerCapabilities;
  readonly quotas: QuotaGate;
  private readonly methods = new Map<string, MethodEntry>();
  /** The same handlers as 2026-07-28 serves them (per request, no handshake). */
  private readonly modernMethods: Map<string, MethodEntry>;
  /** The `_meta` of every 2026-07-28 result: the server's identity, built once. */
  private readonly serverMeta: Readonly<Record<string, unknown>>;

  constructor(readonly def: ServerDefinition) {
    this.admission = new Admission(def.strategy, def.anonymous, def.audit, def.authenticationTimeoutMs);
    const engine = new PolicyEngine({ authEnabled: !!def.strategy, policyTimeoutMs: def.policyTimeoutMs });
    this.authorizer = new Authorizer(engine, def.audit, def.hideUnauthorized);
    this.capabilities = capabilitiesOf(def);
    this.quotas = new QuotaGate(def);
    const parts: HandlerParts = {
      def,
      authorizer: this.authorizer,
      invocation: new Invocation(def.container),
      quotas: this.quotas,
      context: (call: Call) => contextFor(call, def.name, def.logger, def),
    };
    const families = [
      lifecycleHandlers(def, this.capabilities, this.connections),
      toolHandlers(parts),
      this.capabilities.resources ? resourceHandlers(parts) : {},
      this.capabilities.resources ? subscriptionHandlers(parts, this.subscriptions) : {},
      this.capabilities.prompts ? promptHandlers(parts) : {},
      this.capabilities.completions ? completionHandlers(parts) : {},
    ];
    for (const family of families) for (const [name, entry] of Object.entries(family)) this.methods.set(name, entry);
    const modern = modernCapabilities(this.capabilities);
    const listen = listenEntry(parts, modern, this.connections, this.subscriptions, this.listens);
    this.modernMethods = modernMethods(this.methods, def, modern, listen);
    this.serverMeta = serverMetaOf({ name: def.name, version: def.version });
  }

  /** A fresh memo of authorization decisions for one request of `principal`. */
  decisions(principal: AuthContext | undefined): DecisionMemo {
    return new DecisionMemo(this.authorizer.engine, principal);
  }

  /**
   * MCP 2025-11-25 step-up: a `tools/call` whose caller lacks some of the tool's scopes, as the error to answer
   * with HTTP 403 before anything else happens. Decided from (and into) the request's memo, so the call itself
   * reuses the answer.
   */
  stepUp(message: JSONRPCMessage, decisions: DecisionMemo, clientAddress?: string): InsufficientScopeError | undefined {
    if (!decisions.principal || !("method" in message) || message.method !== "tools/call") return undefined;
    const name = (message.params as { name?: unknown } | undefined)?.name;
    const tool = typeof name === "string" ? this.def.tools.get(name) : undefined;
    if (!tool || !tool.requirement.scopes.length) return undefined;
    const decision = decisions.of(tool.requirement);
    if (!decision.missingScopes.length) return undefined;
    const facts = { requestId: "id" in message ? message.id : undefined, ip: clientAddress };
    this.authorizer.denied(decisions.principal, "http", "tool", tool.name, { ...decision, missingRoles: [], reason: "insufficient_scope" }, facts);
    return new InsufficientScopeError(tool.requirement.scopes, decision.missingScopes);
  }

  /**
   * One message: a request is answered (`undefined` when it was cancelled, as the spec asks), a notification or
   * a response to a server→client request is consumed.
   */
  async handle(message: JSONRPCMessage, inbound: Inbound): Promise<Answer | undefined> {
    if ("method" in message) {
      if ("id" in message) return this.request(message, inbound);
      this.notification(message, inbound.connection);
      return undefined;
    }
    if ("id" in message && message.id !== undefined) inbound.connection.accept(message as Parameters<Connection["accept"]>[0]);
    return undefined;
  }

  private async request(message: JSONRPCRequest, inbound: Inbound): Promise<Answer | undefined> {
    const id = message.id;
    let modern: Call["modern"];
    // A request with an envelope is 2026-07-28's, whatever else the connection carried: the era is per request.
    if (inbound.envelope || envelopeClaim(message) !== undefined) {
      try {
        modern = { envelope: inbound.envelope ?? readEnvelope(message), rounds: InputRounds.of(message.params) };
      } catch (err) {
        return failure(id, rpcErrorFor(err));
      }
    }
    const entry = (modern ? this.modernMethods : this.methods).get(message.method);
    if (!entry) return failure(id, { code: JsonRpcCode.MethodNotFound, message: "Method not found" });
    const parsed = entry.schema.safeParse(message);
    if (!parsed.success) return failure(id, { code: JsonRpcCode.InvalidParams, message: invalidParams(message.method, parsed.error.issues) });
    const { connection } = inbound;
    // `ping` stays answerable however busy the session is: it is how a client tells "busy" from "gone".
    if (connection.inFlightCount >= this.def.maxInFlight && message.method !== "ping") return failure(id, rpcErrorFor(new TooManyInFlightError(this.def.maxInFlight)));
    const flight = connection.begin(id);
    const call = new RequestCall(
      id,
      connection,
      inbound.principal,
      inbound.relay,
      flight,
      inbound.decisions ?? this.decisions(inbound.principal),
      progressTokenOf(message),
      inbound.clientAddress,
      modern,
    );
    try {
      const result = await entry.handle(parsed.data, call);
      if (flight.aborted) return undefined;
      return { jsonrpc: "2.0", id, result: (modern ? completeResult(message.method, result, this.serverMeta) : result) as JSONRPCResultResponse["result"] };
    } catch (err) {
      if (flight.aborted) return undefined;
      if (modern && err instanceof InputRequired) return { jsonrpc: "2.0", id, result: inputRequiredResult(modern.rounds, this.serverMeta) as JSONRPCResultResponse["result"] };
      if (!(err instanceof McpcraftError)) this.def.logger.error({ event: "request.error", method: message.method, error: (err as Error)?.message }, "handler failed");
      return failure(id, modern ? modernError(rpcErrorFor(err), message) : rpcErrorFor(err));
    } finally {
      connection.end(id, flight);
    }
  }

  private notification(message: JSONRPCNotification, connection: Connection): void {
    if (message.method === "notifications/cancelled") {
      const requestId = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof requestId === "string" || typeof requestId === "number") connection.cancel(requestId, (message.params as { reason?: unknown }).reason);
    }
    // notifications/initialized, roots/list_changed and the rest change nothing the server keeps.
  }
}

function failure(id: RequestId, error: { code: number; message: string; data?: unknown }): JSONRPCErrorResponse {
  return { jsonrpc: "2.0", id, error };
}

/** 2026-07-28 retired -32002: an unknown resource is -32602, naming the URI (SEP-2164). */
function modernError(error: { code: number; message: string; data?: unknown }, message: JSONRPCRequest): { code: number; message: string; data?: unknown } {
  if (error.code !== JsonRpcCode.ResourceNotFound) return error;
  return { code: JsonRpcCode.InvalidParams, message: error.message, data: { uri: (message.params as { uri?: unknown } | undefined)?.uri } };
}

function progressTokenOf(message: JSONRPCRequest): string | number | undefined {
  const token = (message.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
  return typeof token === "string" || typeof token === "number" ? token : undefined;
}

/** A clean -32602 message naming at most a few fields, never echoing the input. */
function invalidParams(method: string, issues: { path: PropertyKey[]; message: string }[]): string {
  const named = issues.slice(0, 5).map((i) => `${i.path.map(String).join(".") || "(request)"}: ${i.message}`);
  return `Invalid params for ${method}: ${named.join("; ")}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}`;
}
