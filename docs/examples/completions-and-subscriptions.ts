import { createServer, prompt, resource, ApiKeyStrategy } from "mcpcraft-sdk"

const REPOS = ["mcpcraft-sdk", "mcp-inspector", "octocat"]
const settings = new Map([["theme", "light"]])

export const server = createServer({ name: "repo-server", auth: new ApiKeyStrategy() })

// #region completions
// completion/complete: suggest values for a prompt argument or a URI-template variable as the user types.
// A completer gets the typed prefix, the tool context and the arguments already filled in; the caller needs the
// same rights as for the prompt or resource itself.
server.add(
  prompt({
    name: "review",
    arguments: [{ name: "repo", required: true }],
    complete: { repo: (typed) => REPOS.filter((r) => r.startsWith(typed)) },
    get: ({ repo }) => `Review the open pull requests of ${repo}`,
  }),
  resource({
    uri: "repos://{name}/readme",
    complete: { name: (typed) => REPOS.filter((r) => r.startsWith(typed)) },
    read: (_uri, { name }) => `# ${name}`,
  }),
)
// #endregion

// #region subscriptions
// resources/subscribe: clients that may read a resource may subscribe to it; tell them when it changes.
server.add(resource({ uri: "settings://app", read: () => JSON.stringify(Object.fromEntries(settings)) }))

export async function setTheme(theme: string): Promise<number> {
  settings.set("theme", theme)
  return server.notifyResourceUpdated("settings://app") // → how many connections were told
}
// #endregion
