import { createServer, tool, ApiKeyStrategy } from "mcpcraft-sdk"

// #region rate-limit
// Failed authentications per client IP: 10 a minute by default, counted in memory. With several instances behind
// one load balancer, share the counts in Redis; if Redis goes away the limiter falls back to memory and logs
// `ratelimit.degraded` — authentication itself keeps working.
export const server = createServer({
  name: "api-server",
  auth: new ApiKeyStrategy(),
  rateLimit: { points: 5, duration: 60, redis: process.env.REDIS_URL },
})
// #endregion

server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }))
