// README.md: the functional server at the top of the page. An ES module, so the block's top-level await compiles.
// #region functional
import { createServer, tool } from "mcpcraft-sdk"

const server = createServer({
  name: "api-server",
  authenticate: async (headers) => {
    const key = headers["x-api-key"]
    if (!key || key !== process.env.API_KEY) {
      throw new Error("Invalid API key")
    }
  },
})

server.add(tool({
  name: "echo",
  description: "Echo a message back",
  input: { text: { type: "string", description: "Text to echo" } },
  run: async ({ text }) => text,
}))

await server.listen({ port: 3000 })          // http://127.0.0.1:3000/mcp
// or: await server.listen({ transport: "stdio" })
// #endregion
