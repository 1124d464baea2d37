// docs/authorization.md: the guide's admin server with authorization decorators, and the callers of its table.
// Run after `npm run build`: node dist/docs/examples/authorization-decorators.js [--stdio]
import "reflect-metadata"
import { container } from "tsyringe"
import { createServer, type ClassServerOptions, type CraftServer } from "mcpcraft-sdk"

// #region server
import "reflect-metadata"
import { IsIn, IsString, Length } from "class-validator"
import { ApiKeyStrategy, Authorize, Public, RequireRole, RequireScope, Server, Tool } from "mcpcraft-sdk"

export class AccountInput {
  @IsString() @Length(1, 64)
  userId!: string
}

export class UpgradePlanInput extends AccountInput {
  @IsIn(["pro", "enterprise"])
  plan!: string
}

@Server({ name: "admin-server", version: "1.0.0", auth: { strategy: ApiKeyStrategy, anonymous: true } })
export class AdminServer {
  @Tool({ description: "Service status" })
  @Public()                                   // also without a key
  status() {
    return "ok"
  }

  @Tool({ description: "Show a user's account" })
  @Authorize((ctx, input: AccountInput) =>    // your own account, or support staff: decided per call
    ctx.auth?.subject === input.userId || ctx.auth?.roles.includes("support") === true)
  showAccount(input: AccountInput) {
    return { userId: input.userId, plan: "free" }
  }

  @Tool({ description: "Delete a user account" })
  @RequireRole("admin")                       // the admin role
  deleteUser(input: AccountInput) {
    return `Deleted user ${input.userId}`
  }

  @Tool({ description: "Upgrade a user's plan" })
  @RequireRole("admin", "billing")            // admin OR billing
  @RequireScope("billing:write")              // AND the billing:write scope
  upgradePlan(input: UpgradePlanInput) {
    return `${input.userId} is now on ${input.plan}`
  }
}
// #endregion

// #region keys
import { API_KEY_OPTIONS, type ApiKeyStrategyOptions } from "mcpcraft-sdk"

// Demo keys for the table in docs/authorization.md; load real ones from your secret store.
export const KEYS: ApiKeyStrategyOptions = {
  keys: [
    { id: "alice", key: "sk-demo-alice-4b1e", subject: "alice" },
    { id: "support", key: "sk-demo-support-9c2f", subject: "sam", roles: ["support"] },
    { id: "admin", key: "sk-demo-admin-7d3a", subject: "ada", roles: ["admin"], scopes: ["billing:write"] },
    { id: "billing", key: "sk-demo-billing-1e8b", subject: "svc:billing", roles: ["billing"], scopes: ["billing:write"] },
  ],
}
// #endregion

/** The server the table in docs/authorization.md describes (`options`: a logger, onAudit…). */
export function createAdminServer(options: ClassServerOptions = {}): CraftServer {
  const scope = container.createChildContainer()
  scope.register(API_KEY_OPTIONS, { useValue: KEYS })   // ApiKeyStrategy is resolved with these options
  return createServer(AdminServer, { container: scope, ...options })
}

if (require.main === module) {
  const server = createAdminServer()
  void (process.argv.includes("--stdio") ? server.listen({ transport: "stdio" }) : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
}
