/**
 * JSON-RPC error codes used by the framework. The first five are JSON-RPC 2.0's; -32000 is the SDK's convention for
 * transport refusals; the rest are the framework's own, all clear of the 2026-07-28 revision's -32020…-32022 and
 * -32042 (URL elicitation required), which it uses only with the meaning the spec gives it.
 */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  TransportRefused: -32000,
  Unauthenticated: -32001,
  /** MCP's "resource not found". */
  ResourceNotFound: -32002,
  Forbidden: -32003,
  RateLimited: -32029,
  IdentityProviderUnavailable: -32030,
  ToolTimeout: -32031,
  QuotaExceeded: -32032,
  TooManyInFlight: -32033,
  AuthenticationTimeout: -32034,
  /** Outgoing tokens refused (`CredentialRefusedError`). */
  CredentialRefused: -32040,
  /** MCP 2025-11-25's "URL elicitation required" (a provider must be connected first). */
  UrlElicitationRequired: -32042,
  /** MCP 2026-07-28: the `Mcp-*` / `MCP-Protocol-Version` headers disagree with the body, or are missing (HTTP 400). */
  HeaderMismatch: -32020,
  /** MCP 2026-07-28: the request needs a client capability its envelope did not declare. */
  MissingRequiredClientCapability: -32021,
  /** MCP 2026-07-28: the request's protocol version is not one this server speaks. */
  UnsupportedProtocolVersion: -32022,
} as const;
