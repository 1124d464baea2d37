// docs/authentication.md, "Several strategies": anyOf(...).
import "reflect-metadata"
import { Server, Tool, createServer } from "mcpcraft-sdk"

@Server({ name: "api", version: "1.0.0" })
export class Api {
  @Tool({ description: "Ping" })
  ping() {
    return "pong"
  }
}

// #region any-of
import { ApiKeyStrategy, JwtStrategy, OAuthStrategy, anyOf } from "mcpcraft-sdk"

export function buildApi() {
  const auth = anyOf(
    new ApiKeyStrategy(),                          // x-api-key: scripts and CI, keys from API_KEY
    new OAuthStrategy({                            // Authorization: Bearer <user access token>
      issuer: "https://auth.example.com",
      audience: "https://mcp.example.com/mcp",
    }),
    new JwtStrategy({ issuer: "https://ci.example.com" }),   // Authorization: Bearer <HS256 service JWT>
  )
  return createServer(Api, { auth })
}
// #endregion
