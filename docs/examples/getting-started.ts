// docs/getting-started.md: the functional API, results and errors, and the transports.
// Run after `npm run build`: API_KEY=sk-dev node dist/docs/examples/getting-started.js [--stdio]
// #region create-server
import { createServer, tool } from "mcpcraft-sdk"

const server = createServer({
  name: "notes-server",
  version: "1.0.0",
  authenticate: async (headers) => {
    const key = headers["x-api-key"]
    if (!key || key !== process.env.API_KEY) throw new Error("Invalid API key")
    return { user: { id: "ops", roles: ["admin"] } }   // becomes context.user, and context.auth
  },
})
// #endregion

// #region input-forms
import { IsInt, IsOptional, IsString, Length, Max, Min } from "class-validator"

// 1. The guide's property map: every property is required unless it says `optional: true`.
server.add(tool({
  name: "add_note",
  description: "Add a note",
  input: {
    text: { type: "string", description: "The note", maxLength: 500 },
    tag: { type: "string", enum: ["todo", "idea"], optional: true },
  },
  run: async ({ text, tag }) => `Noted${tag ? ` (${tag})` : ""}: ${text}`,
}))

// 2. A JSON Schema object (draft 2020-12, `type: "object"`), used as is.
server.add(tool({
  name: "double",
  description: "Double a positive integer",
  input: {
    type: "object",
    properties: { n: { type: "integer", minimum: 1 } },
    required: ["n"],
    additionalProperties: false,
  },
  run: async ({ n }) => String(n * 2),
}))

// 3. A class-validator DTO: the schema and the validation come from the same decorators.
class SearchInput {
  @IsString() @Length(1, 100)
  query!: string

  @IsOptional() @IsInt() @Min(1) @Max(50)
  limit?: number
}

server.add(tool({
  name: "search_notes",
  description: "Search the notes",
  input: SearchInput,
  run: async (input: SearchInput) => ({ query: input.query, limit: input.limit ?? 10, hits: [] }),
}))
// #endregion

// #region results
server.add(
  tool({
    name: "hello",
    description: "A string becomes one text content",
    run: () => "Hello!",
  }),
  tool({
    name: "stats",
    description: "An object becomes JSON text plus structuredContent",
    run: () => ({ notes: 3, tags: ["todo", "idea"] }),
  }),
  tool({
    name: "report",
    description: "A CallToolResult is passed through as is",
    run: () => ({
      content: [
        { type: "text", text: "Weekly report" },
        { type: "resource_link", uri: "notes://reports/2025-w27", name: "2025-w27" },
      ],
    }),
  }),
  tool({
    name: "archive",
    description: "A thrown error becomes isError: true with its message, never the stack",
    run: () => {
      throw new Error("The notes store is read-only")
    },
  }),
)
// #endregion

// #region listen-http
async function serveHttp() {
  const { url, close } = await server.listen({
    port: Number(process.env.PORT ?? 3000),   // 0 picks a free port
    host: "127.0.0.1",                       // the default; bind 0.0.0.0 only behind a proxy
    path: "/mcp",                            // the default
    stateless: false,                        // the default: sessions, each bound to its principal
  })
  console.error(`notes-server listening on ${url}`)   // http://127.0.0.1:3000/mcp
  process.once("SIGTERM", () => void close())
}
// #endregion

// #region listen-stdio
async function serveStdio() {
  // The credential comes from the environment (API_KEY → x-api-key) and is checked once, now.
  // If that fails: one line on stderr, exit code 1. Nothing but JSON-RPC ever reaches stdout.
  await server.listen({ transport: "stdio" })
}
// #endregion

if (require.main === module) void (process.argv.includes("--stdio") ? serveStdio() : serveHttp())
