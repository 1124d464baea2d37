// docs/authentication.md, "OAuth 2.0": OAuthStrategy, a resource server for the MCP authorization spec.
// Run after `npm run build`: OAUTH_ISSUER=https://… MCP_RESOURCE=http://127.0.0.1:3000/mcp node dist/docs/examples/oauth-strategy.js
import "reflect-metadata"

// #region jwks
import { container, injectable } from "tsyringe"
import { Ctx, OAUTH_OPTIONS, OAuthStrategy, RequireScope, Server, Tool, createServer, type OAuthStrategyOptions, type ToolContext } from "mcpcraft-sdk"
import { fetchGithubRepos } from "./app-helpers"

@injectable()
export class RepoClient {
  /** `token` must be one issued for the repos API: never the token the MCP client sent to this server. */
  list(token: string): Promise<string[]> {
    return fetchGithubRepos(token)
  }
}

@Server({ name: "repo-server", version: "1.0.0", auth: OAuthStrategy })
export class RepoServer {
  constructor(private readonly repos: RepoClient) {}

  @Tool({ description: "List the authenticated user's repositories" })
  @RequireScope("repo:read")
  async listRepos(@Ctx() ctx: ToolContext) {
    // ctx.auth.token was issued for this server; the repos API gets its own token, for the same user (RFC 8693)
    const { accessToken } = await ctx.credentials.exchange({ audience: "https://api.repos.example.com", scopes: ["repo:read"] })
    return this.repos.list(accessToken)
  }
}

container.register(OAUTH_OPTIONS, {
  useValue: {
    // tokens' `iss` must equal it; the JWKS is discovered from its RFC 8414 / OpenID metadata
    issuer: process.env.OAUTH_ISSUER ?? "https://auth.example.com",
    // this server's own URI (RFC 8707): a token issued for any other resource is refused
    audience: process.env.MCP_RESOURCE ?? "https://mcp.example.com/mcp",
    // served at /.well-known/oauth-protected-resource (RFC 9728)
    resourceMetadata: { scopesSupported: ["repo:read"] },
  } satisfies OAuthStrategyOptions,
})
// #endregion

// #region introspection
// Opaque tokens: RFC 7662 introspection, cached no longer than cacheTtl and never past the token's `exp`
export function introspectingStrategy(): OAuthStrategy {
  return new OAuthStrategy({
    issuer: "https://auth.example.com",
    audience: "https://mcp.example.com/mcp",
    introspection: {
      endpoint: "https://auth.example.com/oauth2/introspect",
      clientId: "mcp-resource-server",
      clientSecret: process.env.INTROSPECTION_CLIENT_SECRET!,
    },
    cacheTtl: 10,            // a token revoked at the provider still works here for up to 10 s (default 30)
  })
}
// #endregion

// #region options
// Keycloak: roles in realm_access.roles, a fixed JWKS location, RS256 only
// (give the client an audience mapper, so that access tokens name this server in `aud`)
export const keycloak: OAuthStrategyOptions = {
  issuer: "https://sso.example.com/realms/acme",
  audience: "https://mcp.example.com/mcp",
  jwksUri: "https://sso.example.com/realms/acme/protocol/openid-connect/certs",
  algorithms: ["RS256"],
  rolesClaim: "realm_access.roles",
}

// Auth0: the API identifier is the audience, roles come from a namespaced custom claim
export const auth0: OAuthStrategyOptions = {
  issuer: "https://acme.eu.auth0.com/",
  audience: "https://mcp.example.com/mcp",
  rolesClaim: "https://mcp.example.com/roles",
}
// #endregion

// #region verified-cache
// The verified-token cache: bigger for many distinct callers, or off to verify every request in full
export const manyCallers: OAuthStrategyOptions = {
  issuer: "https://auth.example.com",
  audience: "https://mcp.example.com/mcp",
  verifiedCache: { maxEntries: 50_000 },  // default 10 000; least recently used entries go first
}
export const verifyEveryRequest: OAuthStrategyOptions = { ...manyCallers, verifiedCache: false }
// #endregion

// #region verify-token
import { verifyOAuthToken } from "./app-helpers"

// Your own check (the guide's verifyOAuthToken): claims or a user for a valid token, null for an invalid one.
// The result needs a `sub` or an `id`; an `aud` in it must name this server.
export const githubTokens = new OAuthStrategy({
  audience: "https://mcp.example.com/mcp",
  verifyToken: verifyOAuthToken,
})
// #endregion

if (require.main === module) {
  void createServer(RepoServer, {
    container,
    // this server as an OAuth client of the same authorization server, for ctx.credentials (docs/outgoing-credentials.md)
    credentials: { issuer: process.env.OAUTH_ISSUER ?? "https://auth.example.com", clientId: "repo-server", clientSecret: process.env.MCP_CLIENT_SECRET! },
  })
    .listen({ port: Number(process.env.PORT ?? 3000) })
    .then(({ url }) => console.error(`listening on ${url}`))
}
