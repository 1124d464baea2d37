/**
 * `ctx.integration(name)`: the caller's own account at a third-party service they connected to this server
 * (the guide's integration tokens, for services without token exchange such as GitHub).
 */
export interface IntegrationHandle {
  /**
   * The caller's access token for the provider, refreshed before it expires. When the caller has not connected
   * the provider (or revoked it), the call is answered with MCP's URL elicitation (-32042) asking them to open
   * the provider's authorization page; once they have, the client retries and this resolves.
   */
  token(): Promise<string>;
  /** Whether the caller has a stored token for the provider (no elicitation, no refresh). */
  connected(): Promise<boolean>;
  /** Forgets the caller's tokens for the provider (and revokes them there when it has a revocation endpoint). */
  revoke(): Promise<void>;
}
