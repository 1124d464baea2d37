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

// #region trust-proxy
// Behind a reverse proxy every client arrives from the proxy's address. Name the proxies you run, and the limiter
// and the audit log use the address they forward instead; anything a client writes in those headers itself is
// ignored. A hop count (`trustProxy: 1`) trusts that many proxies in front of the server, whatever their address.
export async function serveBehindProxy() {
  return server.listen({
    port: 3000,
    host: "0.0.0.0",
    allowedHosts: ["mcp.example.com"],
    trustProxy: ["loopback", "10.0.0.0/8"],   // proxy-addr forms: names, addresses, CIDRs
    forwardedHeader: "x-forwarded-for",       // the default; "forwarded" reads RFC 7239 `Forwarded: for=…`
  })
}
// #endregion
