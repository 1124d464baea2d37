/**
 * The one error hierarchy of mcpcraft-sdk. Every error the framework raises is one of these classes with a
 * stable `code`; how each maps to an HTTP status, a `WWW-Authenticate` challenge and a JSON-RPC error is decided
 * by the table at the end of this file and nowhere else ({@link httpAnswerFor}, {@link rpcErrorFor}), for HTTP,
 * stdio and the in-memory test client alike.
 */

import { AUTH_FAILURE_DESCRIPTIONS as DESCRIPTIONS, type AuthFailureReason } from "./contracts/auth-failure-reason";
import { JsonRpcCode } from "./contracts/json-rpc-code";
import { McpcraftError } from "./contracts/mcpcraft-error";
import { AuthenticationTimeoutError, SessionStoreUnavailableError, QuotaExceededError, TooManyInFlightError, ToolTimeoutError } from "./runtime-errors";

export { McpcraftError, AuthenticationTimeoutError, SessionStoreUnavailableError, QuotaExceededError, TooManyInFlightError, ToolTimeoutError };

export type { AuthFailureReason };


/** The server or one of its tools is misconfigured. Raised at `createServer`/`listen`, never per request. */
export class ConfigurationError extends McpcraftError {
  constructor(message: string) {
    super("configuration_error", message);
  }
}

/**
 * Credentials are missing or not valid: HTTP 401 / JSON-RPC -32001.
 * `message` is what the client sees; for built-in strategies it comes from a fixed set of strings.
 */
export class AuthenticationError extends McpcraftError {
  constructor(
    readonly reason: AuthFailureReason = "rejected",
    message: string = DESCRIPTIONS[reason],
    /** Non-secret facts for the audit log (key id, kid, strategy), never the credential. */
    readonly details: Record<string, unknown> = {},
  ) {
    super("unauthenticated", message);
  }
  static describe(reason: AuthFailureReason): string {
    return DESCRIPTIONS[reason];
  }
}

/** The request itself is malformed in an auth-relevant way (two credentials, duplicate headers): HTTP 400. */
export class InvalidRequestError extends McpcraftError {
  constructor(message: string) {
    super("invalid_request", message);
  }
}

/** Valid credentials, not enough rights: JSON-RPC -32003 `Forbidden: …`. */
export class ForbiddenError extends McpcraftError {
  constructor(
    message: string,
    readonly missingRoles: string[][] = [],
    readonly missingScopes: string[] = [],
  ) {
    super("forbidden", message.startsWith("Forbidden") ? message : `Forbidden: ${message}`);
  }
}

/** Bearer token lacks scopes for a tool call over HTTP: HTTP 403 `insufficient_scope` (MCP step-up). */
export class InsufficientScopeError extends McpcraftError {
  constructor(
    readonly requiredScopes: string[],
    readonly missingScopes: string[],
  ) {
    // Same wording as the -32003 denial of the policy engine, so both refusal paths read alike.
    super("insufficient_scope", `Forbidden: missing scope${missingScopes.length > 1 ? "s" : ""} ${missingScopes.join(" ")}`);
  }
}

/** The identity provider (JWKS, introspection) is down, slow or answering garbage: HTTP 503, never allowed. */
export class IdentityProviderUnavailableError extends McpcraftError {
  constructor(readonly retryAfterSeconds = 5) {
    super("identity_provider_unavailable", "Identity provider unavailable");
  }
}


/** Too many failed authentications from one client: HTTP 429 / JSON-RPC -32029. */
export class RateLimitedError extends McpcraftError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", "Too many failed authentication attempts");
  }
}




/**
 * What a handler looked up does not exist — a resource URI above all: JSON-RPC -32002 (MCP's "resource not
 * found"). Throw it from a resource handler to answer that; unknown tools and prompts are -32602 instead.
 */
export class NotFoundError extends McpcraftError {
  constructor(message: string) {
    super("not_found", message);
  }
}

/**
 * A JSON-RPC level refusal inside a well-formed exchange: unknown method (-32601), invalid params or an unknown
 * tool or prompt (-32602), a request out of order (-32600). `rpcCode` is what the client receives.
 */
export class ProtocolError extends McpcraftError {
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super("protocol_error", message);
  }
}


/** Refusals of the HTTP transport itself, before any JSON-RPC handler runs. Each has one row in the table. */
export type TransportErrorCode =
  | "parse_error"
  | "invalid_message"
  | "payload_too_large"
  | "origin_not_allowed"
  | "route_not_found"
  | "method_not_allowed"
  | "not_acceptable"
  | "unsupported_media_type"
  | "missing_session"
  | "already_initialized"
  | "unsupported_protocol_version"
  | "session_not_found"
  | "stream_conflict"
  | "too_many_sessions"
  | "shutting_down"
  | "batch_not_supported";

/** An HTTP request the transport refuses (bad framing, wrong session, Host/Origin, shutdown): status per the table. */
export class TransportError extends McpcraftError {
  constructor(
    readonly reason: TransportErrorCode,
    message: string,
    /** Extra response headers (`Allow`, `Retry-After`, `Connection`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(reason, message);
  }
}

export { JsonRpcCode };


/** How one framework error travels: over HTTP (status, challenge, headers) and as a JSON-RPC error object. */
export interface HttpAnswer {
  status: number;
  jsonRpcCode: number;
  message: string;
  /** JSON-RPC `error.data`. */
  data?: unknown;
  /** RFC 6750 `error` parameter, when the answer carries a Bearer challenge. */
  bearerError?: "invalid_token" | "invalid_request" | "insufficient_scope";
  /** RFC 6750 `scope` parameter. */
  scope?: string;
  retryAfterSeconds?: number;
  /** Further response headers. */
  headers?: Record<string, string>;
}

const TRANSPORT: Record<TransportErrorCode, [status: number, rpc: number]> = {
  parse_error: [400, JsonRpcCode.ParseError],
  invalid_message: [400, JsonRpcCode.ParseError],
  payload_too_large: [413, JsonRpcCode.ParseError],
  origin_not_allowed: [403, JsonRpcCode.InvalidRequest],
  route_not_found: [404, JsonRpcCode.InvalidRequest],
  method_not_allowed: [405, JsonRpcCode.InvalidRequest],
  not_acceptable: [406, JsonRpcCode.TransportRefused],
  unsupported_media_type: [415, JsonRpcCode.TransportRefused],
  missing_session: [400, JsonRpcCode.TransportRefused],
  already_initialized: [400, JsonRpcCode.InvalidRequest],
  unsupported_protocol_version: [400, JsonRpcCode.TransportRefused],
  // The SDK's code for an unknown session; a session of another principal gets exactly the same answer.
  session_not_found: [404, JsonRpcCode.Unauthenticated],
  stream_conflict: [409, JsonRpcCode.TransportRefused],
  too_many_sessions: [503, JsonRpcCode.InternalError],
  shutting_down: [503, JsonRpcCode.InternalError],
  // MCP 2025-06-18 dropped JSON-RPC batching; sessions on older revisions keep it.
  batch_not_supported: [400, JsonRpcCode.InvalidRequest],
};

/**
 * The single table from framework errors to answers. HTTP uses all of it; stdio and the in-memory client use the
 * JSON-RPC half ({@link rpcErrorFor}). Unknown errors never leak their message.
 */
export function httpAnswerFor(err: unknown): HttpAnswer {
  if (err instanceof AuthenticationError)
    return { status: 401, jsonRpcCode: JsonRpcCode.Unauthenticated, message: err.message, bearerError: "invalid_token" };
  if (err instanceof InvalidRequestError)
    return { status: 400, jsonRpcCode: JsonRpcCode.InvalidRequest, message: err.message, bearerError: "invalid_request" };
  if (err instanceof InsufficientScopeError)
    return {
      status: 403,
      jsonRpcCode: JsonRpcCode.Forbidden,
      message: err.message,
      data: { missingRoles: [], missingScopes: err.missingScopes },
      bearerError: "insufficient_scope",
      scope: err.requiredScopes.join(" "),
    };
  if (err instanceof ForbiddenError)
    return { status: 403, jsonRpcCode: JsonRpcCode.Forbidden, message: err.message, data: { missingRoles: err.missingRoles, missingScopes: err.missingScopes } };
  if (err instanceof RateLimitedError)
    return { status: 429, jsonRpcCode: JsonRpcCode.RateLimited, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  if (err instanceof IdentityProviderUnavailableError)
    return { status: 503, jsonRpcCode: JsonRpcCode.IdentityProviderUnavailable, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  // Both travel in-band (HTTP 200) from the pipeline; the status is for a refusal made before any JSON-RPC handler.
  if (err instanceof QuotaExceededError)
    return { status: 429, jsonRpcCode: JsonRpcCode.QuotaExceeded, message: err.message, data: { retryAfterSeconds: err.retryAfterSeconds, tool: err.tool }, retryAfterSeconds: err.retryAfterSeconds };
  if (err instanceof TooManyInFlightError)
    return { status: 429, jsonRpcCode: JsonRpcCode.TooManyInFlight, message: err.message, data: { maxInFlight: err.maxInFlight }, retryAfterSeconds: 1 };
  if (err instanceof SessionStoreUnavailableError) return { status: 503, jsonRpcCode: JsonRpcCode.InternalError, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  if (err instanceof AuthenticationTimeoutError)
    return { status: 503, jsonRpcCode: JsonRpcCode.AuthenticationTimeout, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  // Answered in-band (HTTP 200) like every call's error; 504 is for a caller that maps it to HTTP itself.
  if (err instanceof ToolTimeoutError)
    return { status: 504, jsonRpcCode: JsonRpcCode.ToolTimeout, message: err.message, data: { tool: err.tool, timeoutMs: err.timeoutMs } };
  if (err instanceof NotFoundError) return { status: 404, jsonRpcCode: JsonRpcCode.ResourceNotFound, message: err.message };
  if (err instanceof ProtocolError) return { status: 400, jsonRpcCode: err.rpcCode, message: err.message, data: err.data };
  if (err instanceof TransportError) {
    const [status, jsonRpcCode] = TRANSPORT[err.reason];
    return { status, jsonRpcCode, message: err.message, headers: err.headers };
  }
  return { status: 500, jsonRpcCode: JsonRpcCode.InternalError, message: "Internal server error" };
}

/** The JSON-RPC `error` object for a framework error (the same table as {@link httpAnswerFor}). */
export function rpcErrorFor(err: unknown): { code: number; message: string; data?: unknown } {
  const a = httpAnswerFor(err);
  return a.data === undefined ? { code: a.jsonRpcCode, message: a.message } : { code: a.jsonRpcCode, message: a.message, data: a.data };
}

/** 2026-07-28 gives these their own HTTP status: the request itself was wrong, not what it asked for. */
const MODERN_STATUS: Record<number, number> = {
  [JsonRpcCode.MethodNotFound]: 404,
  [JsonRpcCode.HeaderMismatch]: 400,
  [JsonRpcCode.MissingRequiredClientCapability]: 400,
  [JsonRpcCode.UnsupportedProtocolVersion]: 400,
};

/**
 * The HTTP status of a lone JSON-RPC error answer while the transport can still choose it (a provider outage:
 * 503; on 2026-07-28 also an unknown method 404 and the revision's own request errors 400).
 */
export function httpStatusForRpcError(error: { code: number }, modern = false): { status: number; headers: Record<string, string> } {
  if (error.code === JsonRpcCode.IdentityProviderUnavailable) return { status: 503, headers: { "retry-after": "5" } };
  return { status: (modern && MODERN_STATUS[error.code]) || 200, headers: {} };
}
