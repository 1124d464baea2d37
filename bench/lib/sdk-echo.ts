import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { FILLER_ANSWER, fillerTools } from "./catalogue";
import { fillerZodShape } from "./filler-zod";

/**
 * The raw-SDK contenders' server: one `echo` tool, registered the way the SDK's README does it, plus the
 * filler tools `BENCH_TOOLS` asks for.
 */
export function buildSdkEchoServer(): McpServer {
  const server = new McpServer({ name: "bench-sdk", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echo a message back", inputSchema: { text: z.string().describe("Text to echo") } },
    async ({ text }) => ({ content: [{ type: "text", text }] }),
  );
  for (const filler of fillerTools()) {
    server.registerTool(filler.name, { description: filler.description, inputSchema: fillerZodShape() }, async () => ({
      content: [{ type: "text", text: FILLER_ANSWER }],
    }));
  }
  return server;
}
