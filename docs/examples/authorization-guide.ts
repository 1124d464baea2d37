// docs/authorization.md, "Per-Tool Authorization": the guide's sample as written (the check inside the tool).
// Run after `npm run build`: node dist/docs/examples/authorization-guide.js [--stdio]
// Callers: x-api-key "sk-demo-admin" is an admin, "sk-demo-user" is not.
import { createServer } from "mcpcraft-sdk"
import { deleteUser } from "./app-helpers"

const server = createServer({
  name: "admin-server",
  authenticate: async (headers) => {
    const key = headers["x-api-key"]
    if (key === "sk-demo-admin") return { user: { id: "ada", roles: ["admin"] } }
    if (key === "sk-demo-user") return { user: { id: "bob", roles: [] } }
    throw new Error("Invalid API key")
  },
})

// #region guide
import { tool } from "mcpcraft-sdk"

const ADMIN_TOOLS = new Set(["delete_user", "upgrade_plan"])
server.add(tool({
  name: "delete_user",
  description: "Delete a user account",
  input: {
    userId: { type: "string", description: "User ID to delete" }
  },
  run: async ({ userId }, context) => {
    if (!context.user?.roles?.includes("admin")) {
      throw new Error("Admin access required")
    }
    return deleteUser(userId)
  }
}))
// #endregion

export { ADMIN_TOOLS, server }

if (require.main === module)
  void (process.argv.includes("--stdio") ? server.listen({ transport: "stdio" }) : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
