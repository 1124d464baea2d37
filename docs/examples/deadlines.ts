// docs/getting-started.md#cancellation-timeouts-and-shutdown: ctx.signal, tool deadlines and a graceful drain.
// Run after `npm run build`: node dist/docs/examples/deadlines.js
import "reflect-metadata"

// #region timeouts
import { createServer, tool } from "mcpcraft-sdk"

const server = createServer({
  name: "reports",
  timeouts: { toolMs: 30_000 },   // every tool: 30 s unless it says otherwise (default: no deadline)
})

server.add(tool({
  name: "build_report",
  description: "Build the monthly report",
  input: { month: { type: "string", description: "YYYY-MM" } },
  timeout: 120_000,               // this tool's own deadline wins; 0 would turn the default off for it
  run: async ({ month }, ctx) => {
    // Hand ctx.signal to whatever waits: it aborts when the client cancels (notifications/cancelled), when the
    // connection closes, at the deadline (its reason is then a ToolTimeoutError) and when a drain runs out.
    const res = await fetch(`https://reports.internal/${month}`, { signal: ctx.signal })
    return res.text()
  },
}))
// #endregion

// #region decorator-timeout
import { Ctx, Server, Tool, type ToolContext } from "mcpcraft-sdk"

@Server({ name: "exports" })
export class ExportServer {
  @Tool({ description: "Export every row as CSV", timeout: 60_000 })
  async exportRows(@Ctx() ctx: ToolContext) {
    const rows: string[] = []
    for (let page = 0; page < 100; page++) {
      ctx.signal.throwIfAborted()   // a long loop checks between steps
      rows.push(`row ${page}`)
    }
    return rows.join("\n")
  }
}
// #endregion

// #region drain
async function main() {
  const { url } = await server.listen({ port: Number(process.env.PORT ?? 3000) })
  process.stderr.write(`reports listening on ${url}\n`)
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, async () => {
      // New requests now get 503 + Connection: close; calls in flight have 10 s to finish, then are aborted.
      await server.close({ timeoutMs: 10_000 })
      process.exit(0)
    })
  }
}
// #endregion

if (require.main === module) void main()
