// Stand-ins for the application's own helpers that the guide's samples call (verifyOAuthToken,
// fetchGithubRepos, deleteUser). They are yours to write; these talk to GitHub (GITHUB_API_URL overrides
// the base URL, e.g. for GitHub Enterprise or a local fake).

const GITHUB_API = process.env.GITHUB_API_URL ?? "https://api.github.com"

async function github(path: string, token: string): Promise<Response> {
  return fetch(`${GITHUB_API}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: "application/vnd.github+json" },
    signal: AbortSignal.timeout(5000),
  })
}

export type GithubUser = {
  id: string
  login: string
  /** The user's own token, kept to call GitHub on their behalf. */
  token: string
}

/** Asks GitHub whose token this is: the user, or `null` when GitHub refuses the token. */
export async function verifyOAuthToken(token: string): Promise<GithubUser | null> {
  const res = await github("/user", token)
  if (res.status === 401) return null
  if (!res.ok) throw new Error(`GitHub answered ${res.status}`)
  const user = (await res.json()) as { id: number; login: string }
  return { id: String(user.id), login: user.login, token }
}

/** The repositories the token's owner can see, as `owner/name`. */
export async function fetchGithubRepos(token: string): Promise<string[]> {
  const res = await github("/user/repos?per_page=100", token)
  if (!res.ok) throw new Error(`GitHub answered ${res.status}`)
  const repos = (await res.json()) as { full_name: string }[]
  return repos.map((r) => r.full_name)
}

const users = new Map([
  ["42", "Ada"],
  ["43", "Grace"],
])

/** Deletes a user from the (in-memory) user store. */
export async function deleteUser(userId: string): Promise<string> {
  if (!users.delete(userId)) throw new Error(`No user ${userId}`)
  return `Deleted user ${userId}`
}
