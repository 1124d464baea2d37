// docs/outgoing-credentials.md: calling other services from a tool, on the caller's behalf or as the server itself.
// Run after `npm run build`: OAUTH_ISSUER=https://… MCP_CLIENT_SECRET=… node dist/docs/examples/outgoing-credentials.js
import "reflect-metadata"

// #region exchange
import { OAuthStrategy, createServer, tool } from "mcpcraft-sdk"

const REPOS_API = "https://repos.api.example.com"

const server = createServer({
  name: "repo-server",
  // incoming: tokens issued for *this* server (aud = its URI), checked on every request
  auth: new OAuthStrategy({ issuer: process.env.OAUTH_ISSUER!, audience: "https://mcp.example.com/mcp" }),
  // outgoing: this server is an OAuth client of the same authorization server
  credentials: {
    issuer: process.env.OAUTH_ISSUER!,      // token endpoint from its RFC 8414 metadata
    clientId: "mcp-repo-server",
    clientSecret: process.env.MCP_CLIENT_SECRET!,   // client_secret_basic
  },
})

server.add(tool({
  name: "list_repos",
  description: "List the authenticated user's repositories",
  input: {},
  run: async (_args, ctx) => {
    // RFC 8693: a token for the repos API, for the same user, naming this server as the actor (`act`)
    const { accessToken } = await ctx.credentials.exchange({ audience: REPOS_API, scopes: ["repo:read"] })
    const res = await fetch(`${REPOS_API}/user/repos`, { headers: { authorization: `Bearer ${accessToken}` } })
    return res.json()
  },
}))
// #endregion

// #region client-credentials
server.add(tool({
  name: "rebuild_index",
  description: "Ask the search service to rebuild its index",
  input: {},
  roles: ["admin"],
  run: async (_args, ctx) => {
    // the server's own authority (client credentials grant), not the user's: one token, shared, renewed before expiry
    const { accessToken } = await ctx.credentials.clientCredentials({ audience: "https://search.internal.example", scopes: ["index:write"] })
    const res = await fetch("https://search.internal.example/rebuild", { method: "POST", headers: { authorization: `Bearer ${accessToken}` } })
    return res.ok ? "rebuilding" : `search answered ${res.status}`
  },
}))
// #endregion

// #region private-key-jwt
import { readFileSync } from "node:fs"
import type { OutgoingCredentialsOptions } from "mcpcraft-sdk"

// private_key_jwt (RFC 7523) instead of a shared secret, and a token endpoint given directly (no discovery)
export const keyed: OutgoingCredentialsOptions = {
  tokenEndpoint: "https://auth.example.com/oauth2/token",
  clientId: "mcp-repo-server",
  privateKey: readFileSync(process.env.MCP_CLIENT_KEY_PEM ?? "/run/secrets/mcp-client-key.pem", "utf8"),
  privateKeyId: "2026-11",          // the `kid` the authorization server registered
}
// #endregion

// #region service-token
export const internal = createServer({
  name: "report-server",
  credentials: {
    // short-lived service JWTs, checked with the same rules as JwtStrategy's keys (here HS256, ≥ 32 bytes)
    serviceToken: { issuer: "svc:reports", secret: process.env.JWT_SECRET!, expiresIn: "2m" },
  },
})

internal.add(tool({
  name: "monthly_invoices",
  description: "Fetch this month's invoices from billing",
  input: {},
  run: async (_args, ctx) => {
    // billing verifies it with new JwtStrategy({ secret, issuer: "svc:reports", audience: "billing" })
    const jwt = await ctx.credentials.signServiceToken({ audience: "billing", scopes: ["invoices:read"] })
    const res = await fetch("https://billing.internal.example/invoices", { headers: { authorization: `Bearer ${jwt}` } })
    return res.json()
  },
}))
// #endregion

if (require.main === module) {
  server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`))
}
