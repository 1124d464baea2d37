// docs/outgoing-credentials.md, "Integration tokens": the guide's list_repos, with the user's own GitHub token.
// Run after `npm run build`: OAUTH_ISSUER=https://… GITHUB_CLIENT_ID=… GITHUB_CLIENT_SECRET=… \
//   MCPCRAFT_INTEGRATION_KEYS="k1:$(openssl rand -base64 32)" node dist/docs/examples/integration-tokens.js
import "reflect-metadata"

// #region list-repos
import { OAuthStrategy, RedisIntegrationStore, createServer, tool } from "mcpcraft-sdk"
import { fetchGithubRepos } from "./app-helpers"

const server = createServer({
  name: "oauth-server",
  // incoming: a token issued for this server, not a GitHub token
  auth: new OAuthStrategy({ issuer: process.env.OAUTH_ISSUER ?? "https://auth.example.com", audience: "https://mcp.example.com/mcp" }),
  integrations: {
    providers: {
      github: {
        authorizationEndpoint: "https://github.com/login/oauth/authorize",
        tokenEndpoint: "https://github.com/login/oauth/access_token",
        clientId: process.env.GITHUB_CLIENT_ID!,
        clientSecret: process.env.GITHUB_CLIENT_SECRET,
        clientAuthentication: "client_secret_post",
        scopes: ["repo"],
        displayName: "GitHub",
      },
    },
    // several instances: share the store; tokens are sealed with MCPCRAFT_INTEGRATION_KEYS before Redis sees them
    store: process.env.REDIS_URL ? new RedisIntegrationStore({ redis: process.env.REDIS_URL }) : undefined,
    // registered, exactly, as the GitHub OAuth app's callback URL
    redirectUri: "https://mcp.example.com/oauth/callback",
  },
})

server.add(tool({
  name: "list_repos",
  description: "List the authenticated user's repositories",
  input: {},
  integrations: ["github"],   // not connected yet: the client is asked to open GitHub's authorization page
  run: async (_args, context) => {
    // the user's own GitHub token, refreshed before it expires
    const repos = await fetchGithubRepos(await context.integration("github").token())
    return repos
  },
}))
// #endregion

// #region decorators
import { Ctx, Server, Tool, UsesIntegration, type ToolContext } from "mcpcraft-sdk"

@Server({ name: "repo-server", auth: OAuthStrategy })
export class RepoServer {
  @Tool({ description: "List the authenticated user's repositories" })
  @UsesIntegration("github")
  async listRepos(@Ctx() ctx: ToolContext) {
    return fetchGithubRepos(await ctx.integration("github").token())
  }

  @Tool({ description: "Disconnect GitHub" })
  async disconnectGithub(@Ctx() ctx: ToolContext) {
    await ctx.integration("github").revoke()   // forgotten here, and revoked at GitHub when it has a revocation endpoint
    return "GitHub disconnected"
  }
}
// #endregion

if (require.main === module) {
  server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`))
}
