// docs/authentication.md, "OAuth 2.0": the guide's sample as written. Only the import of the app's own helpers
// is added (see app-helpers.ts: verifyOAuthToken asks GitHub whose token it is).
// #region guide
import { createServer, tool } from "mcpcraft-sdk"
import { fetchGithubRepos, verifyOAuthToken } from "./app-helpers"
const server = createServer({
  name: "oauth-server",
  authenticate: async (headers) => {
    const token = headers["authorization"]?.replace("Bearer ", "")
    if (!token) throw new Error("Missing token")
    // Verify token with your auth provider
    const user = await verifyOAuthToken(token)
    if (!user) throw new Error("Invalid token")
    // Attach user context for downstream tools
    return { user }
  }
})
server.add(tool({
  name: "list_repos",
  description: "List the authenticated user's repositories",
  input: {},
  run: async (_args, context) => {
    // Access the authenticated user from context
    const repos = await fetchGithubRepos(context.user.token)
    return repos
  }
}))
// #endregion

if (require.main === module) void server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`))
