import type { LoggingLevel, RequestId, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { AuditFacts } from "../auth/audit";
import type { OutgoingCredentials } from "../auth/credentials/outgoing-credentials";
import type { Integrations } from "../auth/integrations/integrations";
import type { AuthContext, TransportKind } from "../contracts/auth-context";
import type { Logger } from "../contracts/logger";
import type { ToolContext } from "../contracts/tool-context";
import { CallCredentialsOf, integrationHandle } from "./call-credentials";
import { elicit, sample } from "./client-requests";
import { JsonRpcCode } from "../contracts/json-rpc-code";
import { ProtocolError } from "../errors";
import type { Connection, InFlight, Relay } from "./connection";
import type { DecisionMemo } from "./decision-memo";
import type { ModernEnvelope } from "./modern/envelope";
import type { InputRounds } from "./modern/input-rounds";

/** One incoming request on its way through the pipeline: who sent it, on which connection, and its channel. */
export interface Call {
  readonly id: RequestId;
  readonly connection: Connection;
  readonly principal: AuthContext | undefined;
  readonly relay: Relay;
  readonly signal: AbortSignal;
  /** The request's tracking entry, for deadlines that abort `signal` but still answer. */
  readonly flight: InFlight;
  /** The authorization decisions of this request, made at most once each (step-up, listing, the call). */
  readonly decisions: DecisionMemo;
  readonly progressToken?: string | number;
  /** The client's address (HTTP); absent on stdio and in memory. */
  readonly clientAddress?: string;
  /** A 2026-07-28 request: its envelope (the client's capabilities and log level) and its input rounds. */
  readonly modern?: { readonly envelope: ModernEnvelope; readonly rounds: InputRounds };
}

/**
 * The {@link Call} the pipeline builds per request. A class rather than an object literal for the sake of
 * `signal`: a getter in a literal is defined on every object at run time (a twentieth of a call's instructions
 * in bench/ callgrind runs), one on the prototype costs nothing per call. The signal stays lazy (see InFlight).
 */
export class RequestCall implements Call {
  constructor(
    readonly id: RequestId,
    readonly connection: Connection,
    readonly principal: AuthContext | undefined,
    readonly relay: Relay,
    readonly flight: InFlight,
    readonly decisions: DecisionMemo,
    readonly progressToken: string | number | undefined,
    readonly clientAddress: string | undefined,
    readonly modern: Call["modern"],
  ) {}

  get signal(): AbortSignal {
    return this.flight.signal;
  }
}

/** What an audit event says about the call it concerns. */
export function auditFactsOf(call: Call): AuditFacts {
  const p = call.principal;
  return {
    requestId: call.id,
    ...(p ? { strategy: p.strategy, subject: p.subject, ...(p.keyId ? { keyId: p.keyId } : {}) } : {}),
    ...(call.clientAddress ? { ip: call.clientAddress } : {}),
  };
}

const LOG_LEVELS: readonly LoggingLevel[] = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

/** Which client capability a server→client request needs (the SDK `Server`'s own rule). */
const CAPABILITY_FOR: Record<string, "sampling" | "elicitation" | "roots"> = {
  "sampling/createMessage": "sampling",
  "elicitation/create": "elicitation",
  "roots/list": "roots",
};

/** Fields a strategy's extra context (`user`, `service`, …) must not shadow. */
const OWN = new Set(["auth", "requestId", "sessionId", "signal", "transport", "log", "progress", "clientLog", "sendNotification", "sendRequest", "closeSSEStream", "sample", "elicit", "credentials", "integration"]);

/** What a call's context reaches beyond the call itself: the server's outgoing credentials and integrations. */
export interface CallServices {
  credentials?: OutgoingCredentials;
  integrations?: Integrations;
}

/**
 * The handler-facing {@link ToolContext} of one call. Data fields are plain; the functions are bound on first
 * access, so a call that never reports progress or logs allocates none of them (building seven closures per
 * call was a tenth of the server's CPU in bench/ profiles) — and `const { progress } = ctx` still works.
 */
class CallContext {
  readonly auth: AuthContext | undefined;
  readonly requestId: RequestId;
  readonly sessionId: string | undefined;
  readonly transport: TransportKind;
  readonly closeSSEStream: (() => void) | undefined;

  // Native private fields: invisible to spreading, JSON.stringify and `Object.keys(ctx)`.
  readonly #call: Call;
  readonly #serverName: string;
  readonly #services: CallServices;
  #credentials: CallCredentialsOf | undefined;
  readonly log: Logger;

  constructor(call: Call, serverName: string, log: Logger, services: CallServices = {}) {
    this.#call = call;
    this.#serverName = serverName;
    this.#services = services;
    this.log = log;
    const extra = call.principal?.context;
    if (extra) for (const key of Object.keys(extra)) if (!OWN.has(key)) (this as Record<string, unknown>)[key] = extra[key];
    this.auth = call.principal;
    this.requestId = call.id;
    this.sessionId = call.connection.sessionId;
    this.transport = call.connection.transport;
    this.closeSSEStream = call.relay.closeStream;
  }

  /** Aborted when the client cancels the request or the connection closes; made on first access. */
  get signal(): AbortSignal {
    return this.#call.signal;
  }

  /** Outgoing tokens for this caller (`createServer({ credentials })`); built on first access. */
  get credentials(): ToolContext["credentials"] {
    return (this.#credentials ??= new CallCredentialsOf(this.#services.credentials, this.#call.principal));
  }

  get integration(): ToolContext["integration"] {
    return (name: string) => integrationHandle(this.#services.integrations, this.#call, name);
  }

  get sendNotification(): ToolContext["sendNotification"] {
    return (notification: ServerNotification) => this.notify(notification);
  }

  get sendRequest(): ToolContext["sendRequest"] {
    return ((request: ServerRequest, schema: { parse(v: unknown): unknown }, options?: { signal?: AbortSignal; timeout?: number }) =>
      this.request(request, schema, options)) as unknown as ToolContext["sendRequest"];
  }

  get sample(): ToolContext["sample"] {
    return (prompt, options) => sample((r, schema, inputKey) => this.request(r as ServerRequest, schema, { inputKey }), prompt, options);
  }

  get elicit(): ToolContext["elicit"] {
    return (message, shape, options) => elicit((r, schema, inputKey) => this.request(r as ServerRequest, schema, { inputKey }), message, shape, options);
  }

  get clientLog(): ToolContext["clientLog"] {
    return async (level: LoggingLevel, data: unknown) => {
      const modern = this.#call.modern;
      // 2026-07-28: the request's own level, and none at all when it names none.
      const threshold = modern ? modern.envelope.logLevel : this.#call.connection.logLevel;
      if (modern && !threshold) return;
      if (threshold && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(threshold)) return;
      await this.notify({ method: "notifications/message", params: { level, data, logger: this.#serverName } });
    };
  }

  get progress(): ToolContext["progress"] {
    return async (done: number, total?: number, message?: string) => {
      const progressToken = this.#call.progressToken;
      if (progressToken === undefined) return;
      await this.notify({ method: "notifications/progress", params: { progressToken, progress: done, total, message } });
    };
  }

  private async notify(notification: ServerNotification): Promise<void> {
    const { relay, connection } = this.#call;
    if (relay.open && !connection.closed) await relay.send({ jsonrpc: "2.0", ...notification });
  }

  private async request(request: ServerRequest, schema: { parse(v: unknown): unknown }, options?: { signal?: AbortSignal; timeout?: number; inputKey?: string }): Promise<unknown> {
    const { connection, relay, signal, modern } = this.#call;
    const capability = CAPABILITY_FOR[request.method];
    if (modern) {
      if (capability && !modern.envelope.clientCapabilities[capability])
        throw new ProtocolError(JsonRpcCode.MissingRequiredClientCapability, `Client does not support ${capability} (required for ${request.method})`, {
          requiredCapabilities: { [capability]: {} },
        });
      return modern.rounds.answer(request as { method: string; params?: Record<string, unknown> }, (a) => schema.parse(a), options?.inputKey);
    }
    if (capability && !connection.clientCapabilities?.[capability]) throw new Error(`Client does not support ${capability} (required for ${request.method})`);
    const result = await connection.request(relay, request as { method: string; params?: Record<string, unknown> }, {
      signal: options?.signal ?? signal,
      timeout: options?.timeout,
    });
    return schema.parse(result);
  }
}

/** The handler-facing {@link ToolContext} of a call: built per call, the only per-request object besides its scope. */
export function contextFor(call: Call, serverName: string, logger: Logger, services?: CallServices): ToolContext {
  return new CallContext(call, serverName, logger, services) as unknown as ToolContext;
}
