// docs/authentication.md, "API Key Authentication": the guide's sample as written, plus a tool to call.
// Run after `npm run build`: API_KEY=sk-dev node dist/docs/examples/guide-api-key.js [--stdio]
// #region guide
import { createServer, tool } from "mcpcraft-sdk"
const server = createServer({
  name: "api-server",
  authenticate: async (headers) => {
    const key = headers["x-api-key"]
    if (!key || key !== process.env.API_KEY) {
      throw new Error("Invalid API key")
    }
  }
})
// #endregion

server.add(tool({ name: "echo", description: "Echo a message back", input: { text: { type: "string" } }, run: async ({ text }) => text }))

if (require.main === module)
  void (process.argv.includes("--stdio") ? server.listen({ transport: "stdio" }) : server.listen({ port: Number(process.env.PORT ?? 3000) }).then(({ url }) => console.error(`listening on ${url}`)))
