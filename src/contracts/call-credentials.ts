/** A bearer token the server obtained for one downstream API. Never log it. */
export interface OutgoingToken {
  /** The token to send as `Authorization: Bearer <accessToken>` to the downstream API. */
  readonly accessToken: string;
  /** As the authorization server named it; `Bearer` in practice. */
  readonly tokenType: string;
  /** Epoch seconds, from the answer's `expires_in`; absent when the server gave none (then it is not cached). */
  readonly expiresAt?: number;
  /** The scopes granted: the answer's `scope`, or the requested ones when it sent none (RFC 6749 §5.1). */
  readonly scopes: string[];
}

/**
 * Which downstream API a token is for: its `audience` (a logical name the authorization server knows, RFC 8693
 * §2.1) and/or its `resource` (the API's URI, RFC 8707), and the scopes wanted there.
 */
export interface TokenTarget {
  audience?: string;
  resource?: string;
  scopes?: string[];
}

/** Claims of an outgoing service JWT signed by `ctx.credentials.signServiceToken()`. */
export interface ServiceTokenRequest {
  /** The `aud` claim: the service that will verify it. */
  audience: string | string[];
  /** The `sub` claim. Default: the signer's `subject` (the service's own name). */
  subject?: string;
  /** Put in the `scope` claim, space-separated. */
  scopes?: string[];
  /** Lifetime in seconds or a timespan (`"2m"`); at most the signer's `maxLifetime`. Default: its `expiresIn`. */
  expiresIn?: string | number;
  /** More claims; `iss`, `sub`, `aud`, `iat`, `exp` and `jti` are the signer's and cannot be overridden. */
  claims?: Record<string, unknown>;
}

/**
 * `ctx.credentials`: how a tool calls other services — never with the caller's own token (MCP 2025-11-25
 * forbids token passthrough), but with one the authorization server issued for that service.
 */
export interface CallCredentials {
  /**
   * RFC 8693 token exchange: a token for `target`, issued for the *same user*, with the caller's incoming token
   * as `subject_token`. Cached per subject token, target and scopes until shortly before it expires.
   */
  exchange(target: TokenTarget): Promise<OutgoingToken>;
  /** The client credentials grant: a token for calls the server makes as itself. Cached and renewed before expiry. */
  clientCredentials(target?: TokenTarget): Promise<OutgoingToken>;
  /** A short-lived service JWT signed with the server's own key (`credentials.serviceToken` options). */
  signServiceToken(request: ServiceTokenRequest): Promise<string>;
}
