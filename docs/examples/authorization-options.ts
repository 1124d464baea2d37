// docs/authorization.md: resources and prompts under the same rules, and the authorization options.
import "reflect-metadata"
import { container } from "tsyringe"
import { API_KEY_OPTIONS, ApiKeyStrategy, createServer, prompt, resource, type CraftServer, type Logger } from "mcpcraft-sdk"
import { AdminServer, KEYS } from "./authorization-decorators"

export function createCrmServer(options: { logger?: Logger } = {}): CraftServer {
  const server = createServer({ name: "crm", auth: new ApiKeyStrategy(KEYS), ...options })
  // #region resources
  server.add(
    resource({
      uri: "users://{userId}/invoices",       // a template: listed by resources/templates/list
      authorize: (context, { userId }) => context.auth?.subject === userId || context.auth?.roles.includes("billing") === true,
      read: async (_uri, { userId }) => ({ userId, invoices: [] }),
    }),
    prompt({
      name: "refund_letter",
      roles: ["admin", "billing"],
      scopes: ["billing:write"],
      arguments: [{ name: "userId", required: true }],
      get: async ({ userId }) => `Write a polite refund letter to user ${userId}.`,
    }),
  )
  // #endregion
  return server
}

export function createVisibleAdminServer(): CraftServer {
  const scope = container.createChildContainer()
  scope.register(API_KEY_OPTIONS, { useValue: KEYS })
  // #region options
  const server = createServer(AdminServer, {
    container: scope,
    authorization: {
      hideUnauthorized: false,   // list everything; calls are still refused (default: true, hide)
      policyTimeoutMs: 2000,     // an @Authorize policy slower than this denies (default: 5000 ms)
    },
    onAudit: (event) => {
      if (event.type === "authz.denied")
        console.error(`${event.subject ?? "anonymous"} denied ${event.kind} ${event.target}: ${event.reason}`, event.missingRoles, event.missingScopes)
    },
  })
  // #endregion
  return server
}
