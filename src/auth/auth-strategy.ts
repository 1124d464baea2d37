import type { AuthContext, AuthRequest } from "../contracts/auth-context";

/** RFC 9728 protected resource metadata (the fields mcpcraft-sdk serves). */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  [extra: string]: unknown;
}

/**
 * How callers prove who they are. One method; throw an `AuthenticationError` (401), an
 * `InvalidRequestError` (400) or an `IdentityProviderUnavailableError` (503). Any other exception is
 * treated as a failed authentication: the framework fails closed.
 *
 * @example
 * ```ts
 * @injectable()
 * class HeaderStrategy implements AuthStrategy {
 *   readonly name = "header"
 *   async authenticate(req: AuthRequest): Promise<AuthContext> {
 *     if (req.headers["x-user"] !== "alice") throw new AuthenticationError("invalid_credentials")
 *     return { subject: "alice", roles: [], scopes: [], claims: {}, strategy: this.name }
 *   }
 * }
 * ```
 */
export interface AuthStrategy {
  readonly name: string;
  authenticate(req: AuthRequest): Promise<AuthContext>;
  /**
   * Whether this request carries this strategy's kind of credential at all. Used by `anyOf(...)` to pick the
   * strategy that decides, and for anonymous access. Strategies without it are treated as always present.
   */
  hasCredentials?(req: AuthRequest): boolean;
  /** RFC 9728 metadata to serve and to point to from `WWW-Authenticate`, for OAuth-style strategies. */
  resourceMetadata?(): ProtectedResourceMetadata | undefined;
  /** The env variable → header mapping this strategy reads on stdio (e.g. `{ API_KEY: "x-api-key" }`). */
  stdioEnv?(): Record<string, string>;
}
