// The guide's "OAuth 2.0" section, as written. The app's own helpers (`verifyOAuthToken`, `fetchGithubRepos`)
// are defined below: tokens are verified by OAuthStrategy against the issuer's JWKS (the embedded local
// identity provider when OAUTH_ISSUER is not set).
// Run: `node dist/examples/oauth/server.js` (HTTP on $PORT or 3000), `--stdio` with MCP_AUTH_TOKEN in the env.
import { createServer, tool, IdentityProviderUnavailableError } from "../../src";
import { exampleIdentity, printDevToken, type ExampleIdentity } from "../shared/identity";
import { launch } from "../shared/launch";

let identity: ExampleIdentity;

/** The app's helper: a verified user (with the raw token, for calls on the user's behalf), or null. */
async function verifyOAuthToken(token: string): Promise<{ id: string; token: string; roles: string[]; scopes: string[] } | null> {
  try {
    const auth = await identity.strategy.authenticate({ headers: { authorization: `Bearer ${token}` }, transport: "http" });
    return { id: auth.subject, token, roles: auth.roles, scopes: auth.scopes };
  } catch (err) {
    // An unreachable identity provider is not an invalid token: let the framework answer 503, never allow.
    if (err instanceof IdentityProviderUnavailableError) throw err;
    return null;
  }
}

/**
 * The app's helper. A real one would call GitHub; note the MCP authorization spec forbids passing the client's
 * token through to another API — exchange it (RFC 8693) for a token issued to that API first.
 */
async function fetchGithubRepos(token: string): Promise<{ name: string; private: boolean }[]> {
  const user = await verifyOAuthToken(token);
  if (!user) throw new Error("token no longer valid");
  return [
    { name: `${user.id}/dotfiles`, private: false },
    { name: `${user.id}/notes`, private: true },
  ];
}

// --- from the guide, unchanged ---
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
// ---

void (async () => {
  identity = await exampleIdentity();
  await launch(() => server);
  printDevToken(identity, { sub: "octocat", scope: "repo:read" });
})();
