import { createServer } from "mcpcraft-sdk"

/** Stand-in for the application's own key directory. */
async function lookUpKey(key: string | undefined): Promise<{ id: string; roles: string[] } | undefined> {
  return key === process.env.API_KEY && key ? { id: "ci", roles: ["deployer"] } : undefined
}

// #region strict
// A hook that returns nothing admits the caller (the guide's sample relies on it). With requireSubject, only an
// answer that names someone (`subject`, `user.id`, `user.sub` or `service`) admits; anything else is a 401.
// authenticationTimeoutMs bounds a hook (or strategy) that never settles: 503 + Retry-After, JSON-RPC -32034.
export const server = createServer({
  name: "api-server",
  requireSubject: true,
  authenticationTimeoutMs: 3_000,   // default 10 000
  authenticate: async (headers) => {
    const owner = await lookUpKey(headers["x-api-key"])   // undefined for an unknown key → 401
    return owner && { user: { id: owner.id, roles: owner.roles } }
  },
})
// #endregion
