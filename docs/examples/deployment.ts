// docs/deployment.md, "Several instances": one instance of a deployment whose sessions live in Redis.
// Run after `npm run build`: REDIS_URL=redis://127.0.0.1:6379 PORT=3000 node dist/docs/examples/deployment.js
import { ApiKeyStrategy, createServer, tool } from "mcpcraft-sdk"

// #region redis-sessions
const redis = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"

const server = createServer({
  name: "api-server",
  auth: new ApiKeyStrategy(),
  rateLimit: { redis },                         // failed-auth counts shared by every instance
})
server.add(tool({ name: "ping", description: "ping", input: {}, run: () => "pong" }))

void server.listen({
  port: Number(process.env.PORT ?? 3000),
  host: "0.0.0.0",
  allowedHosts: ["mcp.example.com"],
  sessions: { redis, keyPrefix: "api-server:session", ttlSeconds: 1800 },   // any instance serves any session
})
// #endregion
