// docs/authorization.md: the same admin server with the functional API (the guide's style): the same policy, so
// the same table of who sees and may call what.
// Run after `npm run build`: node dist/docs/examples/authorization-functional.js [--stdio]
import { ApiKeyStrategy, createServer, tool, type CraftServer, type Logger } from "mcpcraft-sdk"
import { KEYS } from "./authorization-decorators"

export function createFunctionalAdminServer(options: { logger?: Logger } = {}): CraftServer {
  const server = createServer({ name: "admin-server", auth: { strategy: new ApiKeyStrategy(KEYS), anonymous: true }, ...options })
  // #region functional
  server.add(
    tool({ name: "status", description: "Service status", input: {}, public: true, run: async () => "ok" }),
    tool({
      name: "show_account",
      description: "Show a user's account",
      input: { userId: { type: "string", description: "User ID" } },
      authorize: (context, { userId }) => context.auth?.subject === userId || context.auth?.roles.includes("support") === true,
      run: async ({ userId }) => ({ userId, plan: "free" }),
    }),
    tool({
      name: "delete_user",
      description: "Delete a user account",
      input: { userId: { type: "string", description: "User ID to delete" } },
      roles: ["admin"],
      run: async ({ userId }) => `Deleted user ${userId}`,
    }),
    tool({
      name: "upgrade_plan",
      description: "Upgrade a user's plan",
      input: { userId: { type: "string" }, plan: { type: "string", enum: ["pro", "enterprise"] } },
      roles: ["admin", "billing"],      // any one of these roles
      scopes: ["billing:write"],        // all of these scopes
      run: async ({ userId, plan }) => `${userId} is now on ${plan}`,
    }),
  )
  // #endregion
  return server
}

if (require.main === module) {
  const server = createFunctionalAdminServer()
  void (process.argv.includes("--stdio") ? server.listen({ transport: "stdio" }) : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
}
