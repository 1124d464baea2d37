// docs/getting-started.md: mounting the MCP endpoint in an existing node:http app.
// Run after `npm run build`: API_KEY=sk-dev node dist/docs/examples/getting-started.handler.js
// #region handler
import { createServer as createHttpServer } from "node:http"
import { createServer, tool } from "mcpcraft-sdk"

const mcp = createServer({
  name: "embedded",
  authenticate: async (headers) => {
    const key = headers["x-api-key"]
    if (!key || key !== process.env.API_KEY) throw new Error("Invalid API key")
  },
})
mcp.add(tool({ name: "ping", description: "Ping", run: () => "pong" }))

const handle = mcp.handler({
  path: "/mcp",
  allowedHosts: ["localhost", "127.0.0.1", "app.example.com"],   // handler() has no default Host list
})

const app = createHttpServer((req, res) => {
  handle(req, res, () => {
    // Not the MCP path (nor /.well-known/oauth-protected-resource): the rest of your app answers.
    res.writeHead(200, { "content-type": "text/plain" }).end("Hello from the app")
  })
})
app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1")
// #endregion
