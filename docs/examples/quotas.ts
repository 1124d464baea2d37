// docs/authorization.md, "Quotas": per-principal tool call limits and the in-flight cap.
import "reflect-metadata"
import { IsString, Length } from "class-validator"
import { McpError } from "@modelcontextprotocol/sdk/types.js"
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"

// #region decorator
import { ApiKeyStrategy, RateLimit, Server, Tool } from "mcpcraft-sdk"

export class SearchInput {
  @IsString() @Length(1, 200)
  q!: string
}

@Server({ name: "search-server", version: "1.0.0", auth: ApiKeyStrategy })
@RateLimit({ points: 100, duration: 3600 })        // every tool: 100 calls an hour per caller…
export class SearchServer {
  @Tool({ description: "Search the web" })
  @RateLimit({ points: 10, duration: 60 })         // …this one: 10 a minute per caller
  search(input: SearchInput) {
    return `results for ${input.q}`
  }

  @Tool({ description: "Service status" })
  @RateLimit(false)                                // no quota at all
  status() {
    return "ok"
  }
}
// #endregion

// #region functional
import { createServer, tool } from "mcpcraft-sdk"

export const server = createServer({
  name: "api-server",
  auth: new ApiKeyStrategy(),
  quotas: {
    default: { points: 60, duration: 60 },         // tools without a rateLimit of their own: 60 a minute per caller
    redis: process.env.REDIS_URL,                  // shared by every instance (default: rateLimit.redis, else memory)
  },
  maxInFlightPerSession: 20,                       // concurrent requests per session (default 100)
})

server.add(tool({
  name: "send_sms",
  description: "Send a text message",
  input: { to: { type: "string", description: "Phone number" }, text: { type: "string", description: "Message" } },
  rateLimit: { points: 5, duration: 3600 },        // 5 an hour per caller
  run: async ({ to }) => `sent to ${to}`,
}))
// #endregion

// #region client
/** A client that waits out a quota instead of failing: -32032 carries the seconds to wait. */
export async function callWithQuota(client: Client, name: string, args: Record<string, unknown>) {
  for (;;) {
    try {
      return await client.callTool({ name, arguments: args })
    } catch (err) {
      if (!(err instanceof McpError) || err.code !== -32032) throw err
      const { retryAfterSeconds } = err.data as { retryAfterSeconds: number; tool: string }
      await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1000))
    }
  }
}
// #endregion
