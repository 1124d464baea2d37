// docs/authentication.md, "API Key Authentication": the built-in ApiKeyStrategy.
// Run after `npm run build`: API_KEY="ci:sk-new,sk-old" node dist/docs/examples/api-key-strategy.js [--keyed] [--stdio]
import "reflect-metadata"
import { container } from "tsyringe"

// #region env-keys
import { ApiKeyStrategy, Ctx, RequireRole, Server, Tool, createServer, type ToolContext } from "mcpcraft-sdk"

// Keys come from API_KEY: comma-separated, each `id:key` or a bare key, e.g. API_KEY="ci:sk-new…,sk-old…"
@Server({ name: "api-server", version: "1.0.0", auth: ApiKeyStrategy })
export class ApiServer {
  @Tool({ description: "Which key you called with" })
  whoami(@Ctx() ctx: ToolContext) {
    return { subject: ctx.auth?.subject, keyId: ctx.auth?.keyId, roles: ctx.auth?.roles }
  }

  @Tool({ description: "Deploy the current build" })
  @RequireRole("deployer")
  deploy() {
    return "Deploying"
  }
}
// #endregion

// #region keys-in-code
// Keys configured in code, stored as SHA-256 digests: `printf %s "$KEY" | sha256sum`
export const apiKeys = new ApiKeyStrategy({
  header: "x-api-key",   // the default
  keys: [
    { id: "ci", sha256: "f110314b3290b7c1b69b817a5d991a63310b61217bd63496d3fd29f74cb32015", roles: ["deployer"] },
    // subject, roles and scopes per key (the subject defaults to "apikey:<id>")
    {
      id: "ops",
      sha256: "a01c50bbce234b47296e399c85ab6d9d4ccdddd7ce471b5f699c8b0aced5d169",
      roles: ["deployer", "admin"],
      scopes: ["deploy:write"],
      subject: "team:ops",
    },
    // the previous CI key: still accepted while clients move over, refused from notAfter on
    {
      id: "ci-2024",
      sha256: "4f86622660b36179bad0fb42f9614612fde615a4cec87493c10077e5ca992fab",
      roles: ["deployer"],
      notAfter: "2025-09-30T00:00:00Z",
    },
  ],
})

// `auth` in createServer overrides @Server({ auth })
export const keyedServer = createServer(ApiServer, { auth: apiKeys })
// #endregion

// #region di-options
import { API_KEY_OPTIONS, type ApiKeyStrategyOptions } from "mcpcraft-sdk"

// Options for an ApiKeyStrategy resolved from the container (`auth: ApiKeyStrategy`)
container.register(API_KEY_OPTIONS, {
  useValue: { env: "API_KEY", roles: ["deployer"] } satisfies ApiKeyStrategyOptions,   // roles for every env key
})
// #endregion

if (require.main === module) {
  // --keyed: the keys configured in code above; otherwise the keys in API_KEY
  const server = process.argv.includes("--keyed") ? keyedServer : createServer(ApiServer, { container })
  void (process.argv.includes("--stdio")
    ? server.listen({ transport: "stdio" })
    : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
}
