// docs/authentication.md, "Service-to-Service Authentication": the built-in JwtStrategy.
// Run after `npm run build`: JWT_SECRET="$(openssl rand -base64 48)" node dist/docs/examples/jwt-strategy.js [--stdio]
import "reflect-metadata"

// #region secret
import { IsInt, IsPositive, IsString } from "class-validator"
import { container } from "tsyringe"
import { Ctx, JwtStrategy, RequireRole, Server, Tool, createServer, type ToolContext } from "mcpcraft-sdk"

export class ChargeInput {
  @IsString()
  customerId!: string

  @IsInt() @IsPositive()
  amountCents!: number
}

// HS256 with the secret in JWT_SECRET (at least 32 random bytes: `openssl rand -base64 48`)
@Server({ name: "internal-server", version: "1.0.0", auth: JwtStrategy })
export class InternalServer {
  @Tool({ description: "Charge a customer" })
  @RequireRole("billing")
  charge(input: ChargeInput, @Ctx() ctx: ToolContext) {
    // ctx.service is the token's `sub`, as the guide's `return { service: payload.sub }` gives
    return { charged: input.amountCents, customer: input.customerId, by: ctx.service }
  }
}
// #endregion

// #region key-ring
import { createPublicKey } from "node:crypto"
import { readFileSync } from "node:fs"

// Public keys (the callers hold the private ones), one per `kid`: publish the new key, let callers switch,
// then drop the old entry. Each key verifies only its own algorithm.
export function serviceTokens(): JwtStrategy {
  return new JwtStrategy({
    keys: [
      { kid: "2025-07", alg: "ES256", key: readFileSync("/etc/mcp/keys/2025-07.pub.pem", "utf8") },
      { kid: "2025-01", alg: "ES256", key: createPublicKey(readFileSync("/etc/mcp/keys/2025-01.pub.pem")) },
    ],
    algorithms: ["ES256"],                  // explicit, always; HS* never mixes with RS/PS/ES*
    issuer: "https://ci.example.com",
    audience: "https://internal.example.com/mcp",
    maxTokenAge: "5m",                      // exp - iat may not exceed this (default 15m)
    clockTolerance: 5,                      // seconds of leeway for exp, nbf and iat (the default)
    rolesClaim: "roles",                    // the default
  })
}
// #endregion

// #region sign
import jwt from "jsonwebtoken"

// The calling service: a fresh token for each call (or every few minutes), never a long-lived one
export function serviceToken(): string {
  return jwt.sign({ sub: "svc:checkout", roles: ["billing"] }, process.env.JWT_SECRET!, {
    algorithm: "HS256",
    expiresIn: "5m",
  })
}
// #endregion

if (require.main === module) {
  const server = createServer(InternalServer, { container })
  void (process.argv.includes("--stdio")
    ? server.listen({ transport: "stdio" })   // the token comes from MCP_AUTH_TOKEN
    : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
}
